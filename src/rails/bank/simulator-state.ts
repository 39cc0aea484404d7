// The bank simulator's own books, kept in <dataDir>/bank/simulator/state.json so that a restart of
// `npm start` neither forgets an answer it owes nor books a payout twice. Amounts are decimal
// strings in the file (JSON has no bigint).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './files.ts';

/** One payout line of a pain.002 the simulator owes. */
export interface AnswerLine {
  endToEndId: string;
  statusCode: string;
  reasonCode?: string;
  bankReference?: string;
  amountMinor: string;
}

export interface ScheduledAnswer {
  /** ISO time from which the answer may be written. */
  dueAt: string;
  /** Submission order: answers are written in it, or against it when out of order. */
  order: number;
  originalMessageId: string;
  originalCreatedAt?: string;
  originalCount?: number;
  groupStatusCode: string;
  groupReason?: { code: string; text?: string };
  lines: AnswerLine[];
  fault: 'none' | 'duplicate' | 'invalid';
}

export interface BookedEntry {
  kind: 'payout' | 'return' | 'deposit';
  amountMinor: string;
  bookingDate: string;
  bankReference: string;
  endToEndId?: string;
  messageId?: string;
  counterpartyName?: string;
  returnReasonCode?: string;
}

export interface PaidPayout {
  amountMinor: string;
  messageId: string;
  name: string;
  bookedOn: string;
  returned: boolean;
}

export interface ScheduledReturn {
  endToEndId: string;
  dueOn: string;
  reasonCode: string;
}

export interface SimulatorState {
  version: 1;
  sequence: number;
  balanceMinor: string;
  statement: { lastDate: string | null; closingMinor: string; sequence: number };
  /** pain.001 message ids already received (the bank answers a repeat with DU01). */
  received: string[];
  scheduled: ScheduledAnswer[];
  /** Booked, not yet on a statement. */
  entries: BookedEntry[];
  payouts: Record<string, PaidPayout>;
  returns: ScheduledReturn[];
}

/** A limit on everything: message ids remembered for duplicate detection. */
export const RECEIVED_IDS_MAX = 10_000;

export function initialState(openingBalanceMinor: bigint): SimulatorState {
  const balance = openingBalanceMinor.toString();
  return { version: 1, sequence: 0, balanceMinor: balance, statement: { lastDate: null, closingMinor: balance, sequence: 0 }, received: [], scheduled: [], entries: [], payouts: {}, returns: [] };
}

export function statePath(simulatorDir: string): string {
  return join(simulatorDir, 'state.json');
}

export async function loadState(simulatorDir: string, openingBalanceMinor: bigint): Promise<SimulatorState> {
  try {
    const state = JSON.parse(await readFile(statePath(simulatorDir), 'utf8')) as SimulatorState;
    if (state.version !== 1) throw new Error(`bank simulator state version ${String(state.version)} is not supported`);
    return state;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return initialState(openingBalanceMinor);
    throw error;
  }
}

export async function saveState(simulatorDir: string, state: SimulatorState): Promise<void> {
  await writeFileAtomic(simulatorDir, 'state.json', JSON.stringify(state));
}

/** A deterministic stream of numbers in [0, 1) per (seed, topic): mulberry32 over an FNV-1a hash. */
export function randomStream(seed: number, topic: string): () => number {
  let hash = 0x811c9dc5 ^ seed;
  for (const char of `${seed}:${topic}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  let state = hash >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pick a key with probability proportional to its weight. */
export function pickWeighted<K extends string>(weights: Readonly<Record<K, number>>, random: () => number): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let point = random() * total;
  for (const [key, weight] of entries) {
    point -= weight;
    if (point < 0) return key;
  }
  const last = entries.at(-1);
  if (!last) throw new Error('pickWeighted needs at least one weight');
  return last[0];
}
