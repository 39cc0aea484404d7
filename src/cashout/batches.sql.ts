// SQL of payout batches, scheduled batch runs and the bank statements seen. Functions take the
// executor first.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { CASHOUT_COLUMNS } from './cashouts.sql.ts';
import type { BatchRow, CashoutRow, PayoutChannel } from './tables.ts';

const BATCH_COLUMNS = sql.raw('id, channel, slot, execution_date::text AS execution_date, item_count, total, state, created_at, submitted_at');

export async function insertBatch(executor: Executor, batch: BatchRow): Promise<void> {
  await sql`
    INSERT INTO cashout_batches (id, channel, slot, execution_date, item_count, total, state, created_at, submitted_at)
    VALUES (${batch.id}, ${batch.channel}, ${batch.slot}, ${batch.execution_date}::date, ${batch.item_count}, ${batch.total}, ${batch.state},
            ${batch.created_at}, ${batch.submitted_at})`.execute(executor);
}

/**
 * Takes up to `limit` submitted payouts of a channel that wait for a batch (oldest first) and
 * marks them as in `batchId`. SKIP LOCKED: two runners never take the same payout.
 */
export async function takeUnbatched(executor: Executor, channel: PayoutChannel, batchId: string, limit: number, now: Date): Promise<CashoutRow[]> {
  const { rows } = await sql<CashoutRow>`
    UPDATE cashouts SET batch_id = ${batchId}, updated_at = ${now}
    WHERE id IN (SELECT id FROM cashouts WHERE state = 'submitted' AND batch_id IS NULL AND channel = ${channel}
                 ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING ${CASHOUT_COLUMNS}`.execute(executor);
  return rows;
}

export async function countUnbatched(executor: Executor, channel: PayoutChannel): Promise<number> {
  const { rows } = await sql<{ n: bigint }>`
    SELECT count(*) AS n FROM cashouts WHERE state = 'submitted' AND batch_id IS NULL AND channel = ${channel}`.execute(executor);
  return Number(rows[0]?.n ?? 0n);
}

export async function markBatchSubmitted(executor: Executor, batchId: string, now: Date): Promise<void> {
  await sql`UPDATE cashout_batches SET state = 'submitted', submitted_at = ${now} WHERE id = ${batchId} AND state = 'building'`.execute(executor);
}

export async function selectBatch(executor: Executor, batchId: string): Promise<BatchRow | undefined> {
  const { rows } = await sql<BatchRow>`SELECT ${BATCH_COLUMNS} FROM cashout_batches WHERE id = ${batchId}`.execute(executor);
  return rows[0];
}

export async function selectBatches(executor: Executor, ids: readonly string[]): Promise<BatchRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<BatchRow>`SELECT ${BATCH_COLUMNS} FROM cashout_batches WHERE id = ANY(${ids}::text[])`.execute(executor);
  return rows;
}

/** Batches marked but never confirmed handed to the rail (a crash between the two). */
export async function selectBuildingBatches(executor: Executor, before: Date, limit: number): Promise<BatchRow[]> {
  const { rows } = await sql<BatchRow>`
    SELECT ${BATCH_COLUMNS} FROM cashout_batches WHERE state = 'building' AND created_at < ${before} ORDER BY created_at LIMIT ${limit}`.execute(executor);
  return rows;
}

/** Items of a batch still waiting for the rail's answer. */
export async function selectBatchItems(executor: Executor, batchId: string): Promise<CashoutRow[]> {
  const { rows } = await sql<CashoutRow>`
    SELECT ${CASHOUT_COLUMNS} FROM cashouts WHERE batch_id = ${batchId} ORDER BY created_at, id`.execute(executor);
  return rows;
}

/** Claims a scheduled run (channel + local "YYYY-MM-DD HH:MM"); false if it already ran. */
export async function claimSlot(executor: Executor, channel: PayoutChannel, slot: string, now: Date): Promise<boolean> {
  const { rows } = await sql<{ slot: string }>`
    INSERT INTO cashout_batch_runs (channel, slot, ran_at) VALUES (${channel}, ${slot}, ${now})
    ON CONFLICT DO NOTHING RETURNING slot`.execute(executor);
  return rows.length === 1;
}

export async function recordStatementDate(executor: Executor, date: string, messageId: string, now: Date): Promise<void> {
  await sql`
    INSERT INTO cashout_bank_statements (statement_date, message_id, received_at) VALUES (${date}::date, ${messageId}, ${now})
    ON CONFLICT DO NOTHING`.execute(executor);
}

/** The latest day a bank statement has covered, or null. */
export async function latestStatementDate(executor: Executor): Promise<string | null> {
  const { rows } = await sql<{ d: string | null }>`SELECT max(statement_date)::text AS d FROM cashout_bank_statements`.execute(executor);
  return rows[0]?.d ?? null;
}
