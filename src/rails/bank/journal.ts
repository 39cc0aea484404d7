// The bank rail's memory of what it sent and what the bank said: which refs each batch carried,
// which bank messages were consumed, and the merged result per ref (mergeResult). status() answers
// from it — a file-based bank has no status query, so what it has told us is all there is.
// The port is small so that the composition root can keep it in the database instead; the
// file journal below is what the demo and the tests use: one append-only NDJSON file, flushed
// to disk on every record, folded into memory when first needed.
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mergeResult, type ItemResult, type RailUpdate } from '../types.ts';

export interface BankRailStore {
  /** The refs a batch carried, or null when it was never submitted. */
  submittedRefs(batchId: string): Promise<readonly string[] | null>;
  /** The batch was written to outgoing/: its refs are pending from now. */
  recordSubmission(batchId: string, refs: readonly string[], at: Date): Promise<void>;
  hasMessage(key: string): Promise<boolean>;
  /** A bank message was applied: remember it (duplicates are then skipped) and its updates. */
  recordMessage(key: string, updates: readonly RailUpdate[], at: Date): Promise<void>;
  lookup(refs: readonly string[]): Promise<ItemResult[]>;
}

type Line =
  | { t: 'submission'; batchId: string; refs: string[]; at: string }
  | { t: 'message'; key: string; at: string; updates: EncodedUpdate[] };

type EncodedUpdate = Record<string, string>;

function encodeUpdate(update: RailUpdate): EncodedUpdate {
  const encoded: EncodedUpdate = {};
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue;
    encoded[key] = value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? value.toString() : String(value);
  }
  return encoded;
}

function decodeUpdate(encoded: EncodedUpdate): RailUpdate {
  const decoded: Record<string, unknown> = { ...encoded };
  for (const key of ['at', 'since']) if (encoded[key] !== undefined) decoded[key] = new Date(encoded[key]);
  if (encoded.amountMinor !== undefined) decoded.amountMinor = BigInt(encoded.amountMinor);
  if (encoded.local !== undefined) decoded.local = true;
  return decoded as unknown as RailUpdate;
}

export function createFileJournal(path: string): BankRailStore {
  const batches = new Map<string, string[]>();
  const messages = new Set<string>();
  const results = new Map<string, ItemResult>();
  let loaded: Promise<void> | null = null;

  function apply(line: Line): void {
    if (line.t === 'submission') {
      batches.set(line.batchId, line.refs);
      const since = new Date(line.at);
      for (const ref of line.refs) {
        const current = results.get(ref) ?? { ref, state: 'unknown' };
        results.set(ref, mergeResult(current, { ref, state: 'pending', since }));
      }
      return;
    }
    messages.add(line.key);
    for (const encoded of line.updates) {
      const update = decodeUpdate(encoded);
      results.set(update.ref, mergeResult(results.get(update.ref) ?? { ref: update.ref, state: 'unknown' }, update));
    }
  }

  async function load(): Promise<void> {
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A crash can leave half a line at the end: it was never acknowledged, so it never happened.
    // Cut it off, or the next record would be glued to it.
    const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    if (complete !== text) await truncate(path, Buffer.byteLength(complete, 'utf8'));
    for (const raw of complete.split('\n')) if (raw.trim() !== '') apply(JSON.parse(raw) as Line);
  }

  function ready(): Promise<void> {
    loaded ??= load().catch((error: unknown) => {
      loaded = null;
      throw error;
    });
    return loaded;
  }

  async function append(line: Line): Promise<void> {
    await ready();
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'a');
    try {
      await handle.write(`${JSON.stringify(line)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    apply(line);
  }

  return {
    async submittedRefs(batchId) {
      await ready();
      return batches.get(batchId) ?? null;
    },
    recordSubmission: (batchId, refs, at) => append({ t: 'submission', batchId, refs: [...refs], at: at.toISOString() }),
    async hasMessage(key) {
      await ready();
      return messages.has(key);
    },
    recordMessage: (key, updates, at) => append({ t: 'message', key, at: at.toISOString(), updates: updates.map(encodeUpdate) }),
    async lookup(refs) {
      await ready();
      return refs.map((ref) => results.get(ref) ?? { ref, state: 'unknown' });
    },
  };
}
