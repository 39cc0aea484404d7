// SQL for vouchers and their redemptions. Functions take the executor first.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import type { RedemptionRow, VoucherRow } from './tables.ts';

function rowOf(raw: Omit<VoucherRow, 'merchant_ids'> & { merchant_ids: string[] | string }): VoucherRow {
  return { ...raw, merchant_ids: typeof raw.merchant_ids === 'string' ? (JSON.parse(raw.merchant_ids) as string[]) : raw.merchant_ids };
}

export async function insertVoucher(executor: Executor, row: VoucherRow): Promise<void> {
  await executor.insertInto('vouchers').values({ ...row, merchant_ids: JSON.stringify(row.merchant_ids) }).execute();
}

export async function selectVoucher(executor: Executor, id: string, options: { lock?: boolean } = {}): Promise<VoucherRow | undefined> {
  let query = executor.selectFrom('vouchers').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  const raw = await query.executeTakeFirst();
  return raw ? rowOf(raw) : undefined;
}

/** By the code's keyed hash, locked: redemptions of one voucher are judged one after the other. */
export async function selectVoucherByCodeForUpdate(executor: Executor, codeHash: string): Promise<VoucherRow | undefined> {
  const raw = await executor.selectFrom('vouchers').selectAll().where('code_hash', '=', codeHash).forUpdate().executeTakeFirst();
  return raw ? rowOf(raw) : undefined;
}

export async function selectVouchersOfBuyer(executor: Executor, userId: string, limit: number): Promise<VoucherRow[]> {
  const rows = await executor.selectFrom('vouchers').selectAll().where('buyer_user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(rowOf);
}

/** Takes value off the voucher only when enough is left; returns the remaining value, or null. */
export async function takeVoucherValue(executor: Executor, id: string, amount: Micros): Promise<Micros | null> {
  const { rows } = await sql<{ remaining: bigint }>`
    UPDATE vouchers SET remaining = remaining - ${amount}, pin_failures = 0
    WHERE id = ${id} AND remaining >= ${amount} RETURNING remaining`.execute(executor);
  return rows[0] ? (BigInt(rows[0].remaining) as Micros) : null;
}

export async function countPinFailure(executor: Executor, id: string): Promise<void> {
  await sql`UPDATE vouchers SET pin_failures = pin_failures + 1 WHERE id = ${id}`.execute(executor);
}

export async function reissueVoucher(executor: Executor, id: string, change: { codeHash: string; codeLast4: string; pinHash: string; holderPhone: string }): Promise<void> {
  await sql`UPDATE vouchers SET code_hash = ${change.codeHash}, code_last4 = ${change.codeLast4}, pin_hash = ${change.pinHash},
              holder_phone = ${change.holderPhone}, pin_failures = 0 WHERE id = ${id}`.execute(executor);
}

export async function insertRedemption(executor: Executor, row: RedemptionRow): Promise<void> {
  await executor.insertInto('voucher_redemptions').values(row).execute();
}

export async function selectRedemptions(executor: Executor, voucherId: string): Promise<RedemptionRow[]> {
  return executor.selectFrom('voucher_redemptions').selectAll().where('voucher_id', '=', voucherId).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}
