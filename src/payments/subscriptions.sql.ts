// SQL for subscription mandates and their charges. Functions take the executor first.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { ChargeRow, MandateRow } from './tables.ts';

export async function insertMandate(executor: Executor, row: MandateRow): Promise<void> {
  await executor.insertInto('subscription_mandates').values(row).execute();
}

export async function selectMandate(executor: Executor, id: string, options: { lock?: boolean } = {}): Promise<MandateRow | undefined> {
  let query = executor.selectFrom('subscription_mandates').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function selectMandates(executor: Executor, by: { userId?: string; merchantId?: string }, limit: number): Promise<MandateRow[]> {
  let query = executor.selectFrom('subscription_mandates').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
  if (by.userId) query = query.where('user_id', '=', by.userId);
  if (by.merchantId) query = query.where('merchant_id', '=', by.merchantId);
  return query.execute();
}

export async function updateMandate(executor: Executor, id: string, change: Partial<Pick<MandateRow, 'status' | 'next_charge_at' | 'period_index' | 'failures' | 'charges' | 'authorized_at' | 'cancelled_at'>>): Promise<void> {
  await executor.updateTable('subscription_mandates').set(change).where('id', '=', id).execute();
}

/** Ids of active mandates due by `now`, oldest due first; rows another worker holds are skipped. */
export async function selectDueMandateIds(executor: Executor, now: Date, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM subscription_mandates
    WHERE status = 'active' AND next_charge_at <= ${now}
    ORDER BY next_charge_at, id LIMIT ${limit}`.execute(executor);
  return rows.map((r) => r.id);
}

export async function insertCharge(executor: Executor, row: ChargeRow): Promise<void> {
  await executor.insertInto('subscription_charges').values(row).execute();
}

export async function selectCharges(executor: Executor, mandateId: string): Promise<ChargeRow[]> {
  return executor.selectFrom('subscription_charges').selectAll().where('mandate_id', '=', mandateId).orderBy('due_at', 'asc').orderBy('attempt', 'asc').execute();
}
