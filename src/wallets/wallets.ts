// Wallets over ledger accounts: opening them, finding them, and reading their balances by class.
import type { Kysely } from 'kysely';
import type { DB, Executor } from '../db/index.ts';
import { AccountFlags, isSuccess, type AccountId, type AccountInput, type Balance, type Ledger } from '../ledger/index.ts';
import { splitDust, type CurrencyCode, type Micros } from '../money/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
// The catalogue registers wallet_not_found and friends with the API's error mapping.
import './errors.ts';
import { derivedUuid, idToUuid, uuidToId } from '../shared/ids.ts';
import { ACCOUNT_CODES, SYSTEM_ACCOUNTS, systemAccountInput } from './chart.ts';
import {
  insertPartnerAccount, insertWallet, insertWallets, selectMainWallets, selectPartnerAccount, selectWallet, selectWalletsOfUser, type WalletRow,
} from './wallets.sql.ts';


export type WalletId = `wal_${string}`;

export interface ClassBalance {
  /** Settled value in the class. */
  posted: Micros;
  /** What may be used now: posted minus reservations (cash-outs and payments in flight). */
  available: Micros;
  /** Reserved by cash-outs and payments that have not settled. */
  held: Micros;
  /** Credits still in their clearance period: visible, not yet usable. */
  clearing: Micros;
}

export interface WalletBalances {
  wallet: WalletId;
  name: string;
  kind: 'main' | 'pot';
  currency: CurrencyCode;
  cashable: ClassBalance;
  spend_only: ClassBalance;
  /** Credits parked because the wallet is at its tier's balance cap. */
  held_over_cap: Micros;
  /** cashable + spend_only available. */
  total_available: Micros;
  /** The part of the cashable balance a rail cannot pay yet (below one whole minor unit). */
  cashable_dust: Micros;
}

export function walletIdOf(row: { id: string }): WalletId {
  return uuidToId(row.id, 'wal') as WalletId;
}

export function walletUuid(id: string): string {
  const uuid = idToUuid(id, 'wal');
  if (!uuid) throw new DomainError('wallet_not_found', { param: 'wallet' });
  return uuid;
}

const ZERO_CLASS: ClassBalance = { posted: 0n as Micros, available: 0n as Micros, held: 0n as Micros, clearing: 0n as Micros };

function classBalance(balance: Balance | undefined): ClassBalance {
  if (!balance) return ZERO_CLASS;
  return { posted: balance.posted, available: balance.available, held: balance.pending_out, clearing: balance.pending_in };
}

function mainWalletAccounts(row: WalletRow): AccountInput[] {
  const owner = uuidToId(row.id, 'wal');
  const flags = AccountFlags.debits_must_not_exceed_credits;
  return [
    { id: row.cashable_account, currency: row.currency, code: ACCOUNT_CODES.user_cashable, flags, owner },
    { id: row.spend_only_account!, currency: row.currency, code: ACCOUNT_CODES.user_spend_only, flags, owner },
    { id: row.held_account!, currency: row.currency, code: ACCOUNT_CODES.user_held_over_cap, flags, owner },
  ];
}

export class Wallets {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
  ) {}

  /** Operator accounts (fee income, clearing, suspense…) for a currency; idempotent. */
  async ensureSystemAccounts(currency: CurrencyCode): Promise<void> {
    const results = await this.ledger.createAccounts(SYSTEM_ACCOUNTS.map((name) => systemAccountInput(name, currency)));
    if (!results.every(isSuccess)) throw new Error(`system accounts for ${currency}: ${results.join(', ')}`);
  }

  /** The user's main wallet in a currency, opened on first use (three class accounts). */
  async openMainWallet(executor: Executor, userId: string, currency: CurrencyCode): Promise<WalletRow> {
    const [existing] = await selectMainWallets(executor, [userId], currency);
    if (existing) return existing;
    const row = this.mainWalletRow(userId, currency);
    const results = await this.ledger.createAccounts(mainWalletAccounts(row), executor);
    if (!results.every(isSuccess)) throw new Error(`wallet accounts for ${userId}: ${results.join(', ')}`);
    await insertWallet(executor, row);
    const [stored] = await selectMainWallets(executor, [userId], currency);
    return stored!;
  }

  /**
   * Main wallets of many users, opening the missing ones in a handful of statements: a partner's
   * batch may be the first credit for thousands of people at once.
   */
  async openMainWallets(executor: Executor, userIds: string[], currency: CurrencyCode): Promise<Map<string, WalletRow>> {
    const found = await this.mainWallets(executor, userIds, currency);
    const missing = [...new Set(userIds)].filter((id) => !found.has(id)).map((id) => this.mainWalletRow(id, currency));
    if (missing.length === 0) return found;
    const results = await this.ledger.createAccounts(missing.flatMap(mainWalletAccounts), executor);
    if (!results.every(isSuccess)) throw new Error(`wallet accounts: ${[...new Set(results)].join(', ')}`);
    await insertWallets(executor, missing);
    for (const row of await selectMainWallets(executor, missing.map((r) => r.user_id), currency)) found.set(row.user_id, row);
    return found;
  }

  private mainWalletRow(userId: string, currency: CurrencyCode): WalletRow {
    const walletUuidValue = derivedUuid(`smallchange:wallet:main:${userId}:${currency}`);
    const account = (cls: string) => derivedUuid(`smallchange:wallet:${walletUuidValue}:${cls}`) as AccountId;
    return {
      id: walletUuidValue,
      user_id: userId,
      name: 'main',
      kind: 'main',
      currency,
      cashable_account: account('cashable'),
      spend_only_account: account('spend_only'),
      held_account: account('held_over_cap'),
      created_at: this.clock.now(),
    };
  }

  async mainWallets(executor: Executor, userIds: string[], currency: CurrencyCode): Promise<Map<string, WalletRow>> {
    const rows = await selectMainWallets(executor, userIds, currency);
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  async walletsOfUser(userId: string, executor: Executor = this.db): Promise<WalletRow[]> {
    return selectWalletsOfUser(executor, userId);
  }

  /** A wallet that belongs to this user, or wallet_not_found (never "someone else's"). */
  async ownedWallet(userId: string, walletId: string, executor: Executor = this.db): Promise<WalletRow> {
    const uuid = idToUuid(walletId, 'wal');
    const row = uuid ? await selectWallet(executor, uuid) : undefined;
    if (!row || row.user_id !== userId) throw new DomainError('wallet_not_found', { param: 'wallet' });
    return row;
  }

  async balances(rows: WalletRow[], executor: Executor = this.db): Promise<WalletBalances[]> {
    const ids = rows.flatMap((r) => [r.cashable_account, r.spend_only_account, r.held_account].filter((x): x is AccountId => x !== null));
    const byId = new Map((await this.ledger.getBalances(ids, executor)).map((b) => [b.account_id as string, b]));
    return rows.map((r) => {
      const cashable = classBalance(byId.get(r.cashable_account));
      const spendOnly = r.spend_only_account ? classBalance(byId.get(r.spend_only_account)) : ZERO_CLASS;
      const held = r.held_account ? (byId.get(r.held_account)?.posted ?? 0n) : 0n;
      return {
        wallet: walletIdOf(r),
        name: r.name,
        kind: r.kind,
        currency: r.currency,
        cashable,
        spend_only: spendOnly,
        held_over_cap: held as Micros,
        total_available: (cashable.available + spendOnly.available) as Micros,
        cashable_dust: cashable.available > 0n ? splitDust(cashable.available).dust : (0n as Micros),
      };
    });
  }

  /** The partner's prefunded account in a currency, opened on first use; it cannot go below zero. */
  async partnerAccount(executor: Executor, partnerId: string, currency: CurrencyCode): Promise<AccountId> {
    const existing = await selectPartnerAccount(executor, partnerId, currency);
    if (existing) return existing;
    const id = derivedUuid(`smallchange:partner:${partnerId}:${currency}`) as AccountId;
    const [result] = await this.ledger.createAccounts(
      [{ id, currency, code: ACCOUNT_CODES.partner_prefund, flags: AccountFlags.debits_must_not_exceed_credits, owner: partnerId }],
      executor,
    );
    if (!isSuccess(result!)) throw new Error(`partner account for ${partnerId}: ${result}`);
    await insertPartnerAccount(executor, partnerId, currency, id);
    return id;
  }
}
