// Our side of the bank's file exchange, under <dataDir>/bank/:
//   outgoing/             pain.001 files we write; the bank (or our transfer job) takes them away
//   incoming/             what the bank sends: pain.002 status reports, camt.053 statements
//   incoming/processed/   files read and applied — moved here so that nothing is read twice
//   incoming/rejected/    files refused whole, each beside <name>.errors.txt saying why
// A file appears in a folder only complete (written under a dot-name, flushed, then renamed), so
// a reader never sees half a file — and readers skip dot-names.
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCamt053, type StatementMessage } from './camt053.ts';
import type { ParseResult } from './iso-values.ts';
import { buildPain001, type PayoutBatch } from './pain001.ts';
import { parsePain002, type StatusReport } from './pain002.ts';
import { detectMessageKind, validateXml, XML_BYTES_MAX } from './xsd.ts';

export interface BankDirectories {
  root: string;
  outgoing: string;
  incoming: string;
  processed: string;
  rejected: string;
}

export function bankDirectories(dataDir: string): BankDirectories {
  const root = join(dataDir, 'bank');
  const incoming = join(root, 'incoming');
  return { root, outgoing: join(root, 'outgoing'), incoming, processed: join(incoming, 'processed'), rejected: join(incoming, 'rejected') };
}

export async function ensureBankDirectories(dataDir: string): Promise<BankDirectories> {
  const dirs = bankDirectories(dataDir);
  for (const dir of [dirs.outgoing, dirs.processed, dirs.rejected]) await mkdir(dir, { recursive: true });
  return dirs;
}

/** A message id as a file name: ids may hold ':' or '/', which file systems do not like. */
export function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Write `name` in `dir` so that it appears whole or not at all, and survives a power cut.
 * Bank files carry names and account numbers: readable by the service's user only.
 */
export async function writeFileAtomic(dir: string, name: string, content: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, target);
  await syncDirectory(dir);
  return target;
}

export function pain001FileName(messageId: string): string {
  return `pain001_${fileSafe(messageId)}.xml`;
}

/**
 * Build the batch's pain.001, prove it against the XSD, and put it in outgoing/. A file we
 * generated that does not validate is a bug here, so it throws and nothing is written.
 * Writing the same batch again replaces a file the bank has not taken yet.
 */
export async function writePain001File(dataDir: string, batch: PayoutBatch): Promise<{ name: string; path: string; bytes: number }> {
  const xml = buildPain001(batch);
  const validation = await validateXml('pain.001.001.10', xml);
  if (!validation.ok) throw new Error(`generated pain.001 ${batch.messageId} does not validate:\n${validation.errors.join('\n')}`);
  const name = pain001FileName(batch.messageId);
  const path = await writeFileAtomic(bankDirectories(dataDir).outgoing, name, xml);
  return { name, path, bytes: Buffer.byteLength(xml, 'utf8') };
}

/** Visible files in a folder (no dot-names, no sub-folders), sorted by name. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter((entry) => entry.isFile() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
}

/** Incoming files in the order they arrived (modification time, then name). */
export async function listIncomingFiles(dataDir: string): Promise<string[]> {
  const dir = bankDirectories(dataDir).incoming;
  const timed: Array<{ name: string; at: bigint }> = [];
  for (const name of await listFiles(dir)) {
    try {
      timed.push({ name, at: (await stat(join(dir, name), { bigint: true })).mtimeNs });
    } catch (error) {
      // Taken away between the listing and now (another reader): nothing to read.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return timed.sort((a, b) => (a.at === b.at ? (a.name < b.name ? -1 : 1) : a.at < b.at ? -1 : 1)).map((file) => file.name);
}

export type IncomingMessage =
  | { kind: 'pain.002.001.11'; messageId: string; report: StatusReport }
  | { kind: 'camt.053.001.08'; messageId: string; statement: StatementMessage };

/** Read a file as UTF-8 text, refusing one larger than any bank file we accept. */
export async function readBankFile(path: string): Promise<ParseResult<string>> {
  const size = (await stat(path)).size;
  if (size > XML_BYTES_MAX) return { ok: false, errors: [`file is ${size} bytes, more than the ${XML_BYTES_MAX} accepted`] };
  const text = await readFile(path, 'utf8');
  return { ok: true, value: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

/** Read, validate against the XSD of the message it claims to be, and parse one incoming file. */
export async function readIncomingFile(dataDir: string, name: string): Promise<ParseResult<IncomingMessage>> {
  const read = await readBankFile(join(bankDirectories(dataDir).incoming, name));
  if (!read.ok) return read;
  const kind = detectMessageKind(read.value);
  if (kind === 'pain.002.001.11') {
    const parsed = await parsePain002(read.value);
    return parsed.ok ? { ok: true, value: { kind, messageId: parsed.value.messageId, report: parsed.value } } : parsed;
  }
  if (kind === 'camt.053.001.08') {
    const parsed = await parseCamt053(read.value);
    return parsed.ok ? { ok: true, value: { kind, messageId: parsed.value.messageId, statement: parsed.value } } : parsed;
  }
  return { ok: false, errors: [kind ? `${kind} messages are not read on this rail` : 'the file is not a pain.002.001.11 status report or a camt.053.001.08 statement'] };
}

/** Move a file into a folder without overwriting a namesake already there (name.1.xml, …). */
export async function moveFileInto(from: string, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const candidate = attempt === 0 ? name : `${stem}.${attempt}${extension}`;
    try {
      await stat(join(dir, candidate));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await rename(from, join(dir, candidate));
      return candidate;
    }
  }
  throw new Error(`cannot find a free name for ${name} in ${dir}`);
}

export async function markProcessed(dataDir: string, name: string): Promise<string> {
  const dirs = bankDirectories(dataDir);
  return moveFileInto(join(dirs.incoming, name), dirs.processed, name);
}

/** Move a refused file aside, with the reasons next to it for the person who looks. */
export async function markRejected(dataDir: string, name: string, errors: readonly string[]): Promise<string> {
  const dirs = bankDirectories(dataDir);
  const moved = await moveFileInto(join(dirs.incoming, name), dirs.rejected, name);
  await writeFile(join(dirs.rejected, `${moved}.errors.txt`), `${errors.join('\n')}\n`, 'utf8');
  return moved;
}
