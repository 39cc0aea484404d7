// SQL the wallet features add over the wallets table (the core's own SQL is in wallets.sql.ts).
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { AccountId } from '../ledger/index.ts';
import type { WalletRow } from './wallets.sql.ts';

const WALLET_COLUMNS = sql.raw('id, user_id, name, kind, currency, cashable_account, spend_only_account, held_account, created_at');

/**
 * Locks every wallet row of these users, in id order (one global order, so two sends between the
 * same people in opposite directions cannot deadlock). Limit checks and balance-cap splits run
 * under this lock, so concurrent movements of one user are decided one after the other.
 */
export async function lockWalletsOfUsers(executor: Executor, userIds: readonly string[]): Promise<WalletRow[]> {
  if (userIds.length === 0) return [];
  const { rows } = await sql<WalletRow>`
    SELECT ${WALLET_COLUMNS} FROM wallets WHERE user_id = ANY(${[...userIds]}::text[]) ORDER BY id FOR UPDATE`.execute(executor);
  return rows;
}

export async function countWalletsOfUser(executor: Executor, userId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM wallets WHERE user_id = ${userId}`.execute(executor);
  return rows[0]?.n ?? 0;
}

/** Every class account of the wallets (cashable, spend-only, held over cap). */
export function accountsOf(rows: readonly WalletRow[]): AccountId[] {
  return rows.flatMap((r) => [r.cashable_account, r.spend_only_account, r.held_account].filter((a): a is AccountId => a !== null));
}
