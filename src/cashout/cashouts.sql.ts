// SQL of cash-outs and their event log. Functions take the executor first: the caller owns the
// transaction. State changes are set-based (a bank answer settles thousands at once) and guarded
// by the from-states, so a change that raced another simply does not happen.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { micros, type Micros } from '../money/index.ts';
import type { CashoutState } from './states.ts';
import type { CashoutEventRow, CashoutRow, PayoutChannel } from './tables.ts';

export const CASHOUT_COLUMNS = sql.raw(`id, user_id, wallet_id, quote_id, channel, destination_id, destination_label, wallet_provider, currency, payout, fee, dust,
  policy_version, debit_account, clearing_account, state, version, reason_code, reason_text, screening, hold_until, origin, notify_phone,
  lang, idempotency_key, request_hash, batch_id, rail_reference, receipt_number, expected_at, created_at, updated_at, submitted_at,
  settled_at, finished_at`);

export interface NewEvent {
  from: CashoutState | null;
  to: CashoutState;
  reason: string | null;
}

/**
 * Inserts a cash-out with the transitions that brought it to its state, in one statement (the
 * confirm is on the hot path); false if it exists.
 */
export async function insertCashout(executor: Executor, row: CashoutRow, events: readonly NewEvent[], actor: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    WITH c AS (
      INSERT INTO cashouts (id, user_id, wallet_id, quote_id, channel, destination_id, destination_label, wallet_provider, currency, payout, fee, dust, policy_version,
                            debit_account, clearing_account, state, version, reason_code, reason_text, screening, hold_until, origin, notify_phone,
                            lang, idempotency_key, request_hash, batch_id, rail_reference, receipt_number, expected_at, created_at, updated_at,
                            submitted_at, settled_at, finished_at)
      VALUES (${row.id}, ${row.user_id}, ${row.wallet_id}, ${row.quote_id}, ${row.channel}, ${row.destination_id}, ${row.destination_label}, ${row.wallet_provider},
              ${row.currency}, ${row.payout}, ${row.fee}, ${row.dust}, ${row.policy_version}, ${row.debit_account}, ${row.clearing_account},
              ${row.state}, ${events.length}, ${row.reason_code}, ${row.reason_text}, ${row.screening === null ? null : JSON.stringify(row.screening)}::jsonb,
              ${row.hold_until}, ${row.origin}, ${row.notify_phone}, ${row.lang}, ${row.idempotency_key}, ${row.request_hash}, ${row.batch_id},
              ${row.rail_reference}, ${row.receipt_number}, ${row.expected_at}, ${row.created_at}, ${row.updated_at}, ${row.submitted_at},
              ${row.settled_at}, ${row.finished_at})
      ON CONFLICT (id) DO NOTHING RETURNING id
    ), e AS (
      INSERT INTO cashout_events (cashout_id, seq, from_state, to_state, reason, actor, at)
      SELECT c.id, ev.seq, ev.from_state, ev.to_state, ev.reason, ${actor}, ${row.created_at}::timestamptz
      FROM c, unnest(${events.map((_, i) => i + 1)}::int[], ${events.map((e) => e.from)}::text[], ${events.map((e) => e.to)}::text[],
                     ${events.map((e) => e.reason)}::text[]) AS ev(seq, from_state, to_state, reason)
    )
    SELECT id FROM c`.execute(executor);
  return rows.length === 1;
}

export async function selectCashout(executor: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<CashoutRow | undefined> {
  const { rows } = await sql<CashoutRow>`
    SELECT ${CASHOUT_COLUMNS} FROM cashouts WHERE id = ${id}::uuid ${options.forUpdate ? sql`FOR UPDATE` : sql``}`.execute(executor);
  return rows[0];
}

export async function selectCashouts(executor: Executor, ids: readonly string[]): Promise<CashoutRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<CashoutRow>`SELECT ${CASHOUT_COLUMNS} FROM cashouts WHERE id = ANY(${ids}::uuid[])`.execute(executor);
  return rows;
}

export async function selectByIdempotencyKey(executor: Executor, userId: string, key: string): Promise<CashoutRow | undefined> {
  const { rows } = await sql<CashoutRow>`
    SELECT ${CASHOUT_COLUMNS} FROM cashouts WHERE user_id = ${userId} AND idempotency_key = ${key}`.execute(executor);
  return rows[0];
}

/** Newest first; `after` is the last (created_at, id) of the previous page. */
export async function listCashouts(
  executor: Executor,
  userId: string,
  limit: number,
  after: { created_at: Date; id: string } | null,
  state: CashoutState | null,
): Promise<CashoutRow[]> {
  const { rows } = await sql<CashoutRow>`
    SELECT ${CASHOUT_COLUMNS} FROM cashouts
    WHERE user_id = ${userId}
      ${after ? sql`AND (created_at, id) < (${after.created_at}, ${after.id}::uuid)` : sql``}
      ${state ? sql`AND state = ${state}` : sql``}
    ORDER BY created_at DESC, id DESC LIMIT ${limit}`.execute(executor);
  return rows;
}

export async function selectEvents(executor: Executor, cashoutId: string): Promise<CashoutEventRow[]> {
  const { rows } = await sql<CashoutEventRow>`
    SELECT cashout_id, seq, from_state, to_state, reason, actor, at FROM cashout_events WHERE cashout_id = ${cashoutId}::uuid ORDER BY seq`.execute(executor);
  return rows;
}

/** Per-item details a transition records alongside the new state. */
export interface TransitionItem {
  id: string;
  reasonCode?: string | null;
  reasonText?: string | null;
  receiptNumber?: string | null;
  railReference?: string | null;
  holdUntil?: Date | null;
  screening?: unknown;
}

export type TransitionedRow = CashoutRow & { from_state: CashoutState };

/**
 * Moves each cash-out that is in one of `from` to `to`, records one event each, and returns the
 * rows that moved (with their previous state). Rows in any other state are left alone: the
 * transition already happened, or a competing one won.
 */
export async function transitionRows(
  executor: Executor,
  items: readonly TransitionItem[],
  from: readonly CashoutState[],
  to: CashoutState,
  actor: string,
  now: Date,
): Promise<TransitionedRow[]> {
  if (items.length === 0 || from.length === 0) return [];
  const finished = ['settled', 'failed', 'cancelled', 'returned'].includes(to);
  const { rows } = await sql<TransitionedRow>`
    WITH input AS (
      SELECT * FROM unnest(${items.map((i) => i.id)}::uuid[], ${items.map((i) => i.reasonCode ?? null)}::text[],
                           ${items.map((i) => i.reasonText ?? null)}::text[], ${items.map((i) => i.receiptNumber ?? null)}::text[],
                           ${items.map((i) => i.railReference ?? null)}::text[], ${items.map((i) => i.holdUntil ?? null)}::timestamptz[],
                           ${items.map((i) => (i.screening === undefined ? null : JSON.stringify(i.screening)))}::jsonb[])
        AS i(id, reason_code, reason_text, receipt_number, rail_reference, hold_until, screening)
    ), old AS (
      SELECT c.id, c.state FROM cashouts c JOIN input i ON i.id = c.id
      WHERE c.state = ANY(${from as string[]}::text[]) FOR UPDATE OF c
    ), moved AS (
      UPDATE cashouts c SET
        state = ${to}, version = c.version + 1, updated_at = ${now},
        reason_code = COALESCE(i.reason_code, c.reason_code),
        reason_text = COALESCE(i.reason_text, c.reason_text),
        receipt_number = COALESCE(i.receipt_number, c.receipt_number),
        rail_reference = COALESCE(i.rail_reference, c.rail_reference),
        screening = COALESCE(i.screening, c.screening),
        hold_until = ${to === 'held_for_review' ? sql`i.hold_until` : sql`NULL`},
        submitted_at = ${to === 'submitted' ? sql`${now}::timestamptz` : sql`c.submitted_at`},
        settled_at = ${to === 'settled' ? sql`${now}::timestamptz` : sql`c.settled_at`},
        finished_at = ${finished ? sql`${now}::timestamptz` : sql`c.finished_at`}
      FROM input i, old o WHERE c.id = i.id AND o.id = c.id
      RETURNING ${sql.raw(CASHOUT_COLUMNS_C)}, o.state AS from_state, i.reason_code AS event_reason
    ), logged AS (
      INSERT INTO cashout_events (cashout_id, seq, from_state, to_state, reason, actor, at)
      SELECT id, version, from_state, ${to}, event_reason, ${actor}, ${now}::timestamptz FROM moved
    )
    SELECT * FROM moved`.execute(executor);
  return rows;
}

const CASHOUT_COLUMNS_C = `c.id, c.user_id, c.wallet_id, c.quote_id, c.channel, c.destination_id, c.destination_label, c.wallet_provider, c.currency, c.payout,
  c.fee, c.dust, c.policy_version, c.debit_account, c.clearing_account, c.state, c.version, c.reason_code, c.reason_text, c.screening,
  c.hold_until, c.origin, c.notify_phone, c.lang, c.idempotency_key, c.request_hash, c.batch_id, c.rail_reference, c.receipt_number,
  c.expected_at, c.created_at, c.updated_at, c.submitted_at, c.settled_at, c.finished_at`;

export interface CashoutUsage {
  day: { sum: Micros; count: number };
  month: { sum: Micros; count: number };
  /** Cash-outs through this channel this month: what the free allowance counts. */
  channelMonthCount: number;
}

/**
 * What this user's cash-outs took out of the wallet (payout + fee) in the operator's day and month;
 * failed and cancelled ones gave everything back and do not count.
 */
export async function selectUsage(
  executor: Executor,
  userId: string,
  channel: PayoutChannel,
  day: { start: Date; end: Date },
  month: { start: Date; end: Date },
): Promise<CashoutUsage> {
  const { rows } = await sql<{ day_sum: bigint | null; day_count: bigint; month_sum: bigint | null; month_count: bigint; channel_count: bigint }>`
    SELECT (sum(payout + fee) FILTER (WHERE created_at >= ${day.start} AND created_at < ${day.end}))::int8 AS day_sum,
           count(*) FILTER (WHERE created_at >= ${day.start} AND created_at < ${day.end}) AS day_count,
           sum(payout + fee)::int8 AS month_sum,
           count(*) AS month_count,
           count(*) FILTER (WHERE channel = ${channel}) AS channel_count
    FROM cashouts
    WHERE user_id = ${userId} AND created_at >= ${month.start} AND created_at < ${month.end}
      AND state NOT IN ('failed', 'cancelled')`.execute(executor);
  const row = rows[0]!;
  return {
    day: { sum: micros(row.day_sum ?? 0n), count: Number(row.day_count) },
    month: { sum: micros(row.month_sum ?? 0n), count: Number(row.month_count) },
    channelMonthCount: Number(row.channel_count),
  };
}

/** Cash-outs in `states` not touched since `before`, oldest first (recovery's work list). */
export async function selectStale(executor: Executor, states: readonly CashoutState[], before: Date, limit: number): Promise<CashoutRow[]> {
  const { rows } = await sql<CashoutRow>`
    SELECT ${CASHOUT_COLUMNS} FROM cashouts
    WHERE state = ANY(${states as string[]}::text[]) AND updated_at < ${before}
    ORDER BY updated_at LIMIT ${limit}`.execute(executor);
  return rows;
}

/** Held cash-outs whose hold has run out. */
export async function selectHoldsDue(executor: Executor, now: Date, limit: number): Promise<CashoutRow[]> {
  const { rows } = await sql<CashoutRow>`
    SELECT ${CASHOUT_COLUMNS} FROM cashouts
    WHERE state = 'held_for_review' AND hold_until IS NOT NULL AND hold_until <= ${now}
    ORDER BY hold_until LIMIT ${limit}`.execute(executor);
  return rows;
}

/** A transition that would have broken a UNIQUE index (two receipts drawing the same number). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}
