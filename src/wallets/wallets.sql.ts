// SQL of the wallets module. Functions take the executor first: the caller owns the transaction.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { AccountId } from '../ledger/index.ts';
import type { CurrencyCode } from '../money/index.ts';

declare module '../db/schema.ts' {
  interface DB {
    wallets: {
      id: string;
      user_id: string;
      name: string;
      kind: 'main' | 'pot';
      currency: string;
      cashable_account: string;
      spend_only_account: string | null;
      held_account: string | null;
      created_at: Date;
    };
    partner_accounts: { partner_id: string; currency: string; account_id: string };
  }
}

export interface WalletRow {
  id: string;
  user_id: string;
  name: string;
  kind: 'main' | 'pot';
  currency: CurrencyCode;
  cashable_account: AccountId;
  spend_only_account: AccountId | null;
  held_account: AccountId | null;
  created_at: Date;
}

export async function insertWallet(executor: Executor, wallet: WalletRow): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO wallets (id, user_id, name, kind, currency, cashable_account, spend_only_account, held_account, created_at)
    VALUES (${wallet.id}, ${wallet.user_id}, ${wallet.name}, ${wallet.kind}, ${wallet.currency}, ${wallet.cashable_account},
            ${wallet.spend_only_account}, ${wallet.held_account}, ${wallet.created_at})
    ON CONFLICT DO NOTHING RETURNING id`.execute(executor);
  return rows.length === 1;
}

/** Many wallets in one statement (credit ingest opens thousands at once); existing ones are kept. */
export async function insertWallets(executor: Executor, wallets: WalletRow[]): Promise<void> {
  if (wallets.length === 0) return;
  const column = <K extends keyof WalletRow>(key: K) => wallets.map((w) => w[key]);
  await sql`
    INSERT INTO wallets (id, user_id, name, kind, currency, cashable_account, spend_only_account, held_account, created_at)
    SELECT * FROM unnest(${column('id')}::uuid[], ${column('user_id')}::text[], ${column('name')}::text[], ${column('kind')}::text[],
                         ${column('currency')}::text[], ${column('cashable_account')}::uuid[], ${column('spend_only_account')}::uuid[],
                         ${column('held_account')}::uuid[], ${column('created_at')}::timestamptz[])
    ON CONFLICT DO NOTHING`.execute(executor);
}

export async function selectWalletsOfUser(executor: Executor, userId: string): Promise<WalletRow[]> {
  const { rows } = await sql<WalletRow>`
    SELECT id, user_id, name, kind, currency, cashable_account, spend_only_account, held_account, created_at
    FROM wallets WHERE user_id = ${userId} ORDER BY kind, created_at`.execute(executor);
  return rows;
}

export async function selectMainWallets(executor: Executor, userIds: string[], currency: CurrencyCode): Promise<WalletRow[]> {
  if (userIds.length === 0) return [];
  const { rows } = await sql<WalletRow>`
    SELECT id, user_id, name, kind, currency, cashable_account, spend_only_account, held_account, created_at
    FROM wallets WHERE user_id = ANY(${userIds}::text[]) AND currency = ${currency} AND kind = 'main'`.execute(executor);
  return rows;
}

export async function selectWallet(executor: Executor, walletId: string): Promise<WalletRow | undefined> {
  const { rows } = await sql<WalletRow>`
    SELECT id, user_id, name, kind, currency, cashable_account, spend_only_account, held_account, created_at
    FROM wallets WHERE id = ${walletId}::uuid`.execute(executor);
  return rows[0];
}

export async function selectPartnerAccount(executor: Executor, partnerId: string, currency: CurrencyCode): Promise<AccountId | undefined> {
  const { rows } = await sql<{ account_id: AccountId }>`
    SELECT account_id FROM partner_accounts WHERE partner_id = ${partnerId} AND currency = ${currency}`.execute(executor);
  return rows[0]?.account_id;
}

export async function insertPartnerAccount(executor: Executor, partnerId: string, currency: CurrencyCode, accountId: AccountId): Promise<void> {
  await sql`INSERT INTO partner_accounts (partner_id, currency, account_id) VALUES (${partnerId}, ${currency}, ${accountId})
            ON CONFLICT DO NOTHING`.execute(executor);
}
