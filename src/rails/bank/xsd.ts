// Validation against the official ISO 20022 schemas (schemas/iso20022/), with libxml2 compiled to
// WebAssembly (xmllint-wasm): the same validator banks' own tools use, and no native dependency.
// Every file we write passes through here before it is written; every file we read passes
// through here before any of it is trusted.
import { readFile } from 'node:fs/promises';
import { validateXML, memoryPages } from 'xmllint-wasm';

export const BANK_MESSAGE_KINDS = ['pain.001.001.10', 'pain.002.001.11', 'camt.053.001.08', 'camt.054.001.08'] as const;
export type BankMessageKind = (typeof BANK_MESSAGE_KINDS)[number];

export type XmlValidation = { ok: true } | { ok: false; errors: string[] };

/** Larger than any batch we allow (100,000 items ≈ 60 MB); a bigger file is refused unread. */
export const XML_BYTES_MAX = 256 * 1024 * 1024;
/** A broken file can produce one error per element; a person needs the first few. */
const ERRORS_MAX = 20;

const SCHEMA_DIR = new URL('../../../schemas/iso20022/', import.meta.url);
const schemas = new Map<BankMessageKind, Promise<string>>();

export function namespaceOf(kind: BankMessageKind): string {
  return `urn:iso:std:iso:20022:tech:xsd:${kind}`;
}

/** Each schema is read from disk once per process. */
function loadSchema(kind: BankMessageKind): Promise<string> {
  let schema = schemas.get(kind);
  if (!schema) {
    schema = readFile(new URL(`${kind}.xsd`, SCHEMA_DIR), 'utf8');
    schema.catch(() => schemas.delete(kind));
    schemas.set(kind, schema);
  }
  return schema;
}

/**
 * The message kind named by the document's namespace, or null. Only a hint for choosing the
 * schema: validation against that schema is what proves the root really is that message.
 */
export function detectMessageKind(xml: string): BankMessageKind | null {
  const head = xml.slice(0, 4096);
  const match = /urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2})/.exec(head);
  const kind = match?.[1];
  return kind && (BANK_MESSAGE_KINDS as readonly string[]).includes(kind) ? (kind as BankMessageKind) : null;
}

export async function validateXml(kind: BankMessageKind, xml: string): Promise<XmlValidation> {
  if (Buffer.byteLength(xml, 'utf8') > XML_BYTES_MAX) return { ok: false, errors: [`file is larger than ${XML_BYTES_MAX} bytes`] };
  // Bank messages never need a DTD; refusing one shuts out entity-expansion tricks before any
  // parser sees the file.
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, errors: ['a DOCTYPE is not allowed in a bank file'] };
  const fileName = `${kind}.xml`;
  try {
    const result = await validateXML({
      xml: [{ fileName, contents: xml }],
      schema: [{ fileName: `${kind}.xsd`, contents: await loadSchema(kind) }],
      // Not streaming: the streaming reader reports a truncated file as "validates … failed to
      // parse" with no reason. A 100,000-item batch fits in well under the 2 GiB allowed here.
      maxMemoryPages: 2 * memoryPages.GiB,
    });
    return result.valid ? { ok: true } : { ok: false, errors: tidyErrors(result.rawOutput, fileName, kind) };
  } catch (error) {
    // xmllint exits 1 when it cannot read the text as XML at all: the file's fault, not ours.
    if ((error as { code?: unknown }).code === 1) return { ok: false, errors: tidyErrors(String((error as Error).message), fileName, kind) };
    throw error;
  }
}

/**
 * "line 12: Element 'MsgId': …" — xmllint's own words, without the file name it was given and
 * without the namespace in every element name. Parser errors are followed by a copy of the
 * offending line and a caret: those lines are dropped (they can hold a person's name).
 */
function tidyErrors(output: string, fileName: string, kind: BankMessageKind): string[] {
  const namespace = `{${namespaceOf(kind)}}`;
  const prefix = `${fileName}:`;
  const errors: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const match = /^(\d+):\s*(.*)$/.exec(line.slice(prefix.length));
    if (match) errors.push(`line ${match[1]}: ${(match[2] ?? '').split(namespace).join('')}`);
  }
  if (errors.length === 0) errors.push('the file is not well-formed XML that the schema accepts');
  if (errors.length <= ERRORS_MAX) return errors;
  return [...errors.slice(0, ERRORS_MAX), `… and ${errors.length - ERRORS_MAX} more errors`];
}
