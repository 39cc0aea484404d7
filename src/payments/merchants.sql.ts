// SQL for merchants. Functions take the executor (db or the caller's transaction) first.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { CurrencyCode } from '../money/index.ts';
import type { MerchantRow } from './tables.ts';

export async function insertMerchant(executor: Executor, row: MerchantRow): Promise<void> {
  await executor.insertInto('merchants').values(row).execute();
}

export async function selectMerchant(executor: Executor, id: string): Promise<MerchantRow | undefined> {
  return executor.selectFrom('merchants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function selectMerchantByCode(executor: Executor, code: string): Promise<MerchantRow | undefined> {
  return executor.selectFrom('merchants').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function selectMerchantByPartner(executor: Executor, partnerId: string): Promise<MerchantRow | undefined> {
  return executor.selectFrom('merchants').selectAll().where('partner_id', '=', partnerId).executeTakeFirst();
}

export async function selectMerchantsByCodes(executor: Executor, codes: readonly string[]): Promise<MerchantRow[]> {
  if (codes.length === 0) return [];
  return executor.selectFrom('merchants').selectAll().where('code', 'in', [...codes]).execute();
}

export async function selectMerchantsByIds(executor: Executor, ids: readonly string[]): Promise<MerchantRow[]> {
  if (ids.length === 0) return [];
  return executor.selectFrom('merchants').selectAll().where('id', 'in', [...ids]).execute();
}

export async function listMerchants(executor: Executor, options: { limit: number; after?: string }): Promise<MerchantRow[]> {
  let query = executor.selectFrom('merchants').selectAll().orderBy('id', 'asc').limit(options.limit + 1);
  if (options.after) query = query.where('id', '>', options.after);
  return query.execute();
}

/** Active merchants in a currency by name (code-point order: the same on every database), at most `limit`. */
export async function selectActiveMerchants(executor: Executor, currency: CurrencyCode, limit: number): Promise<MerchantRow[]> {
  return executor
    .selectFrom('merchants')
    .selectAll()
    .where('status', '=', 'active')
    .where('currency', '=', currency)
    .orderBy(sql`name COLLATE "C"`)
    .orderBy('code')
    .limit(limit)
    .execute();
}
