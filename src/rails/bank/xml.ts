// Writing and reading the XML of bank files. Writing is careful string building (fast enough for
// a 100,000-item batch, and the element order is the schema's, visibly); reading walks the tree of
// a document the schema has already accepted (xml-tree.ts).
import { validateXml, type BankMessageKind } from './xsd.ts';
import type { ParseResult } from './iso-values.ts';
import { parseXmlTree, type XmlNode } from './xml-tree.ts';

export type { XmlNode };

// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function escapeText(text: string): string {
  // Most values (ids, amounts, codes) need nothing: one test keeps a 100,000-item batch fast.
  if (!NEEDS_WORK.test(text)) return text;
  // Callers clean free text first (cleanText); reaching here with a character XML cannot hold
  // is a bug in the caller, and writing it would produce a file the bank refuses.
  if (NOT_XML.test(text)) throw new Error('text for a bank file holds a character XML cannot carry');
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  const escaped = escapeText(text);
  return escaped.includes('"') ? escaped.replace(/"/g, '&quot;') : escaped;
}

const INDENTS = Array.from({ length: 16 }, (_, depth) => '  '.repeat(depth));

/** One element per line, two-space indentation: schema errors then name a useful line. */
export class XmlWriter {
  // Small strings gather in `pending` and are joined a few hundred at a time: one join over
  // millions of tiny strings at the end costs seconds, mostly in garbage collection.
  private readonly parts: string[] = [];
  private pending: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  private readonly open: string[] = [];

  private push(text: string): void {
    this.pending.push(text);
    if (this.pending.length >= 512) {
      this.parts.push(this.pending.join(''));
      this.pending = [];
    }
  }

  start(name: string, attributes?: Record<string, string>): this {
    this.push(`${this.indent()}<${name}${renderAttributes(attributes)}>\n`);
    this.open.push(name);
    return this;
  }

  end(): this {
    const name = this.open.pop();
    if (name === undefined) throw new Error('XmlWriter.end() without start()');
    this.push(`${this.indent()}</${name}>\n`);
    return this;
  }

  /** An element holding text; undefined leaves the (optional) element out. */
  leaf(name: string, text: string | undefined, attributes?: Record<string, string>): this {
    if (text === undefined) return this;
    this.push(`${this.indent()}<${name}${renderAttributes(attributes)}>${escapeText(text)}</${name}>\n`);
    return this;
  }

  /** start(name), the body, end(). */
  element(name: string, body: () => void): this {
    this.start(name);
    body();
    return this.end();
  }

  toString(): string {
    if (this.open.length > 0) throw new Error(`XmlWriter: <${this.open.join('><')}> left open`);
    return this.parts.join('') + this.pending.join('');
  }

  private indent(): string {
    return INDENTS[this.open.length] ?? '  '.repeat(this.open.length);
  }
}

function renderAttributes(attributes: Record<string, string> | undefined): string {
  if (!attributes) return '';
  return Object.entries(attributes).map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`).join('');
}

/** Elements that may repeat in the messages we read: always arrays, even with one member. */
const REPEATING: ReadonlySet<string> = new Set([
  'PmtInf', 'CdtTrfTxInf', 'Ustrd', 'OrgnlPmtInfAndSts', 'TxInfAndSts', 'StsRsnInf', 'AddtlInf',
  'NbOfTxsPerSts', 'Stmt', 'Bal', 'Ntry', 'NtryDtls', 'TxDtls',
]);

/** Validate against the kind's schema, then parse; nothing of an invalid file is read. */
export async function readValidated(kind: BankMessageKind, xml: string): Promise<ParseResult<XmlNode>> {
  const validation = await validateXml(kind, xml);
  if (!validation.ok) return validation;
  const document = parseXmlTree(xml, REPEATING).Document;
  if (!isNode(document)) return { ok: false, errors: ['the file has no Document element'] };
  return { ok: true, value: document };
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The child element, if present. */
export function child(parent: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = parent?.[name];
  if (isNode(value)) return value;
  // An element with neither attributes nor children parses as its text.
  if (typeof value === 'string') return { '#text': value };
  return undefined;
}

/** A repeating child element (declared in REPEATING), in document order. */
export function children(parent: XmlNode | undefined, name: string): XmlNode[] {
  const value = parent?.[name];
  if (!Array.isArray(value)) return [];
  return value.map((entry) => (isNode(entry) ? entry : { '#text': typeof entry === 'string' ? entry : '' }));
}

/** The text of a child element, following a path of names: text(node, 'GrpHdr', 'MsgId'). */
export function text(parent: XmlNode | undefined, ...path: string[]): string | undefined {
  let node: XmlNode | undefined = parent;
  for (const name of path.slice(0, -1)) node = child(node, name);
  const last = path.at(-1);
  if (last === undefined) return undefined;
  const value = node?.[last];
  if (typeof value === 'string') return value;
  if (isNode(value)) {
    const inner = value['#text'];
    return typeof inner === 'string' ? inner : '';
  }
  return undefined;
}

/** An attribute of a child element: attribute(node, 'InstdAmt', 'Ccy'). */
export function attribute(parent: XmlNode | undefined, name: string, attributeName: string): string | undefined {
  const value = child(parent, name)?.[`@_${attributeName}`];
  return typeof value === 'string' ? value : undefined;
}
