// SQL for merchant settlements. Functions take the executor first.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { MerchantRow, SettlementRow, SettlementState } from './tables.ts';

export async function selectActiveMerchants(executor: Executor): Promise<MerchantRow[]> {
  return executor.selectFrom('merchants').selectAll().where('status', '=', 'active').orderBy('id').execute();
}

/** Inserts the day's settlement of a merchant; false when that merchant was settled for this day already. */
export async function insertSettlement(executor: Executor, row: Pick<SettlementRow, 'id' | 'merchant_id' | 'business_date' | 'currency' | 'amount' | 'batch_id' | 'file_name' | 'created_at' | 'state'>): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO merchant_settlements (id, merchant_id, business_date, currency, amount, batch_id, file_name, created_at, state)
    VALUES (${row.id}, ${row.merchant_id}, ${row.business_date}, ${row.currency}, ${row.amount}, ${row.batch_id}, ${row.file_name}, ${row.created_at}, ${row.state})
    ON CONFLICT (merchant_id, business_date) DO NOTHING RETURNING id`.execute(executor);
  return rows.length === 1;
}

export async function selectSettlementsOn(executor: Executor, businessDate: string): Promise<SettlementRow[]> {
  const rows = await executor.selectFrom('merchant_settlements').selectAll().where('business_date', '=', businessDate).orderBy('id').execute();
  return rows.map(normalize);
}

export async function setSettlementBatch(executor: Executor, ids: readonly string[], batchId: string): Promise<void> {
  if (ids.length === 0) return;
  await executor.updateTable('merchant_settlements').set({ batch_id: batchId }).where('id', 'in', [...ids]).execute();
}

export async function selectSettlement(executor: Executor, id: string): Promise<SettlementRow | null> {
  const row = await executor.selectFrom('merchant_settlements').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? normalize(row) : null;
}

/** Moves a settlement out of one of `from` (the bank's answer); false when it was not in one of them. */
export async function moveSettlement(
  executor: Executor,
  id: string,
  from: readonly SettlementState[],
  set: { state: SettlementState; resolved_at: Date; reason_code?: string | null; reason_text?: string | null; rail_reference?: string | null },
): Promise<boolean> {
  const rows = await executor.updateTable('merchant_settlements').set(set).where('id', '=', id).where('state', 'in', [...from]).returning('id').execute();
  return rows.length === 1;
}

function normalize(r: SettlementRow): SettlementRow {
  return { ...r, business_date: typeof r.business_date === 'string' ? r.business_date : toIsoDate(r.business_date as unknown as Date) };
}

function toIsoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
