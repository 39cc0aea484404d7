// The checkpoint of an import, beside its input (<file>.checkpoint.json): how far the file is
// known to be done — every line before `bytes_done` has its result — with a hash of that prefix,
// so a resumed import knows the file is the one it started on. Written by rename, so a kill
// leaves the old checkpoint or the new one, never half of one. A credit done after the last
// checkpoint is sent again on resume and answered as a replay by its partner_reference: the
// checkpoint saves time, the reference prevents a double credit.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface ImportTotals {
  lines: number;
  credits: number;
  replayed: number;
  failed: number;
}

export interface Checkpoint {
  version: 1;
  partner: string;
  format: 'csv' | 'ndjson';
  /** Bytes of the input whose lines all have a result. */
  bytes_done: number;
  /** The last input line (1-based) with a result. */
  line_done: number;
  /** sha256 of the input's first bytes_done bytes. */
  prefix_sha256: string;
  /** CSV: the header's columns. */
  columns: string[] | null;
  totals: ImportTotals;
  /** Length of <file>.errors.ndjson at this checkpoint (later lines are written again on resume). */
  errors_bytes: number;
  complete: boolean;
  updated_at: string;
}

export function checkpointPath(input: string): string {
  return `${input}.checkpoint.json`;
}

export function readCheckpoint(input: string): Checkpoint | null {
  const path = checkpointPath(input);
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  if (parsed.version !== 1) throw new Error(`${path} is not a checkpoint this version understands`);
  return parsed;
}

export function writeCheckpoint(input: string, checkpoint: Checkpoint): void {
  const path = checkpointPath(input);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** A hash fed with the first `bytes` bytes of the file, to check a checkpoint and continue from. */
export async function hashOfPrefix(input: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (bytes > 0) {
    for await (const chunk of createReadStream(input, { start: 0, end: bytes - 1 })) hash.update(chunk as Buffer);
  }
  return hash;
}

/**
 * The hash of the input's prefix up to any point already read, asked for in increasing order (as
 * lines get their results): it holds only the bytes read but not yet hashed.
 */
export class PrefixHasher {
  private readonly pending: Buffer[] = [];
  private pendingStart: number;

  constructor(
    private readonly hash: Hash,
    private hashedTo: number,
  ) {
    this.pendingStart = hashedTo;
  }

  push(chunk: Buffer): void {
    this.pending.push(chunk);
  }

  upTo(bytes: number): string {
    while (this.hashedTo < bytes) {
      const chunk = this.pending[0];
      if (!chunk) throw new Error('PrefixHasher: asked beyond what was read');
      const offset = this.hashedTo - this.pendingStart;
      const take = Math.min(chunk.length - offset, bytes - this.hashedTo);
      this.hash.update(chunk.subarray(offset, offset + take));
      this.hashedTo += take;
      if (offset + take === chunk.length) {
        this.pending.shift();
        this.pendingStart = this.hashedTo;
      }
    }
    return this.hash.copy().digest('hex');
  }
}
