// The contract every payout channel implements — bank transfer (ISO 20022 files), partner wallet
// (HTTP + webhooks), cash agent, ATM — so that the cash-out state machine drives them all the same
// way. Three verbs:
//
//   submit(request)  hand payouts to the rail. Safe to repeat with the same batch id and refs: a
//                    rail never pays a ref twice. Problems with one item come back as that item's
//                    result; submit throws only when nothing was handed over (then retry).
//   status(refs)     what the rail has told us about each ref so far — the recovery path for a
//                    cash-out stuck in `submitted` (an answer lost, a crash between steps).
//   ingest(apply)    pull the rail's answers (files, webhooks) and hand them to `apply`, which
//                    records them (in its own transaction). A message counts as consumed only
//                    after `apply` resolves, so delivery is at-least-once: `apply` must treat an
//                    update it has already seen as a no-op.
//
// Answers can arrive late, twice, or out of order. mergeResult() is the one rule for combining
// them; the state machine should follow it too.
import type { CurrencyCode } from '../money/index.ts';

export type RailChannel = 'bank' | 'partner_wallet' | 'agent' | 'atm';

export interface PayoutInstruction<Destination> {
  /** Our cash-out id (cot_…): the rail's idempotency key and the reference it answers with. */
  ref: string;
  /** Whole minor units: rails pay no dust (the cash-out keeps it in the wallet). */
  amountMinor: bigint;
  currency: CurrencyCode;
  /** The payee as the destination knows them (a bank checks it against the account holder). */
  payeeName: string;
  destination: Destination;
  /** A short text the payee sees on their statement or in their wallet history. */
  remittanceInfo?: string;
}

export interface SubmitRequest<Destination> {
  /** Our batch id (bat_…). A rail that pays one by one may use it only for logs. */
  batchId: string;
  /** The business day to execute on (YYYY-MM-DD), chosen by policy: cut-offs, holidays. */
  executionDate: string;
  items: readonly PayoutInstruction<Destination>[];
}

/** What a rail knows about one payout. `at` is when the rail said so. */
export type ItemResult =
  /** The rail took the payout and will pay (or has paid: settledOn is the booking date). */
  | { ref: string; state: 'accepted'; at: Date; railReference?: string; settledOn?: string }
  /**
   * Not paid, and never will be under this ref. `local` means the adapter refused it before the
   * rail saw anything (reasonCode is then one of our error codes, e.g. invalid_account_number);
   * otherwise reasonCode is the rail's (ISO: AC01, AC04, AM04, …).
   */
  | { ref: string; state: 'rejected'; at: Date; reasonCode: string; reasonText: string; local?: true }
  /** Handed over; no final answer yet. */
  | { ref: string; state: 'pending'; since: Date }
  /** Paid, then sent back by the payee's side days later; the money is ours again. */
  | { ref: string; state: 'returned'; at: Date; reasonCode: string; reasonText: string; returnedOn: string; amountMinor: bigint }
  /** The rail has no record of this ref: never submitted, or lost before the rail saw it. */
  | { ref: string; state: 'unknown' };

export type ItemState = ItemResult['state'];

/** An update always says something: 'unknown' is only ever an answer to status(). */
export type RailUpdate = Exclude<ItemResult, { state: 'unknown' }>;

/** One message's worth of updates (a status file, a statement, a webhook). */
export interface RailUpdateBatch {
  /** Where it came from (file name, webhook id), for logs and audit. */
  source: string;
  /** The message's own id: the same id twice is the same message delivered twice. */
  messageId: string;
  receivedAt: Date;
  updates: readonly RailUpdate[];
}

export interface IngestReport {
  /** Messages handed to `apply` (and then marked consumed). */
  applied: string[];
  /** Messages seen before: consumed without calling `apply` again. */
  duplicates: string[];
  /** Messages refused whole (did not validate, or could not be understood), with why. */
  rejected: Array<{ source: string; errors: string[] }>;
}

export interface RailAdapter<Destination, Batch extends RailUpdateBatch = RailUpdateBatch> {
  readonly channel: RailChannel;
  /** The most items one submit() takes (a limit on everything). */
  readonly itemsPerSubmitMax: number;
  /** One result per item, in order: pending (handed over), accepted, or rejected. */
  submit(request: SubmitRequest<Destination>): Promise<ItemResult[]>;
  /** One result per ref, in order. */
  status(refs: readonly string[]): Promise<ItemResult[]>;
  ingest(apply: (batch: Batch) => Promise<void>): Promise<IngestReport>;
}

const RANK: Record<ItemState, number> = { unknown: 0, pending: 1, accepted: 2, rejected: 2, returned: 3 };

/**
 * The one rule for combining answers that arrive late, twice or out of order:
 * - nothing goes back: a stale `pending` never undoes an acceptance or a rejection;
 * - the first final answer (accepted / rejected) stands; a later contradictory one is a matter
 *   for reconciliation, not a state change — except that a booking on the bank statement
 *   (accepted with settledOn) is the money actually moving, and beats an earlier rejection;
 * - `returned` comes after everything, and a later `accepted` adds its settlement date only.
 */
export function mergeResult(current: ItemResult, update: RailUpdate): ItemResult {
  if (update.state === 'accepted' && update.settledOn !== undefined) {
    if (current.state === 'returned') return current;
    if (current.state === 'accepted') return { ...current, settledOn: current.settledOn ?? update.settledOn, railReference: current.railReference ?? update.railReference };
    return update;
  }
  if (RANK[update.state] > RANK[current.state]) return update;
  if (current.state === 'accepted' && update.state === 'accepted' && current.railReference === undefined && update.railReference !== undefined) {
    return { ...current, railReference: update.railReference };
  }
  return current;
}
