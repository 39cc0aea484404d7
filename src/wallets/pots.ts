// Named wallets ("pots", e.g. a savings pot) and moves between a person's own wallets.
//
// A pot holds cashable value only: it is one ledger account, and only cashable money moves in
// and out of it, so spend-only value can never be laundered into cashable through a pot.
//
// Own moves need no PIN and are allowed while the account is frozen: the money stays in the
// same person's account (a freeze stops money LEAVING the account), nothing counts toward a
// limit, and the person's session already shows and controls every wallet. A PIN protects
// against money leaving; moving it from one pocket to another cannot be abused to take it.
import type { Executor } from '../db/index.ts';
import { AccountFlags, TransferFlags, type AccountId, type Ledger, type TransferId } from '../ledger/index.ts';
import type { CurrencyCode, Money } from '../money/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, idToUuid, newId, uuidToId } from '../shared/ids.ts';
import { ACCOUNT_CODES, TRANSFER_CODES } from './chart.ts';
import './feature-errors.ts';
import { countWalletsOfUser, lockWalletsOfUsers } from './features.sql.ts';
import { assertPosted } from './sends.ts';
import { insertWallet, type WalletRow } from './wallets.sql.ts';
import type { Wallets } from './wallets.ts';

/** Pots per person, besides the main wallet. */
export const POTS_PER_USER_MAX = 20;
export const WALLET_NAME_CHARS_MAX = 40;

export interface PotDeps {
  ledger: Ledger;
  clock: Clock;
  wallets: Wallets;
}

/** A name is one line of 1–40 characters; "main" belongs to the main wallet. */
export function validWalletName(name: string): string {
  const trimmed = name.trim().normalize('NFC');
  const chars = [...trimmed].length;
  if (chars < 1 || chars > WALLET_NAME_CHARS_MAX || /\p{Cc}/u.test(trimmed) || trimmed.toLowerCase() === 'main') {
    throw new DomainError('invalid_wallet_name', { param: 'name' });
  }
  return trimmed;
}

/** Opens a pot in the caller's transaction. */
export async function openPot(executor: Executor, deps: PotDeps, userId: string, name: string, currency: CurrencyCode): Promise<WalletRow> {
  const clean = validWalletName(name);
  // The main wallet first, so that every person with a pot has one, and its row is the lock
  // that keeps two concurrent requests from passing the count together.
  await deps.wallets.openMainWallet(executor, userId, currency);
  await lockWalletsOfUsers(executor, [userId]);
  if ((await countWalletsOfUser(executor, userId)) > POTS_PER_USER_MAX) throw new DomainError('wallets_limit_reached');
  const id = idToUuid(newId('wal'), 'wal')!;
  const account = derivedUuid(`smallchange:wallet:${id}:cashable`) as AccountId;
  const row: WalletRow = {
    id,
    user_id: userId,
    name: clean,
    kind: 'pot',
    currency,
    cashable_account: account,
    spend_only_account: null,
    held_account: null,
    created_at: deps.clock.now(),
  };
  const [result] = await deps.ledger.createAccounts(
    [{ id: account, currency, code: ACCOUNT_CODES.user_cashable, flags: AccountFlags.debits_must_not_exceed_credits, owner: uuidToId(id, 'wal') }],
    executor,
  );
  if (result !== 'ok') throw new Error(`pot account for ${userId}: ${result}`);
  if (!(await insertWallet(executor, row))) throw new DomainError('wallet_name_taken', { param: 'name' });
  return row;
}

export interface MoveInput {
  from: string;
  to: string;
  amount: Money;
}

export interface MoveResult {
  id: string;
  from: WalletRow;
  to: WalletRow;
  amount: Money;
  created_at: Date;
}

async function ownedAs(deps: PotDeps, executor: Executor, userId: string, walletId: string, param: 'from' | 'to'): Promise<WalletRow> {
  try {
    return await deps.wallets.ownedWallet(userId, walletId, executor);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'wallet_not_found') throw new DomainError('wallet_not_found', { param });
    throw error;
  }
}

/** Moves cashable money between two of the person's wallets, in the caller's transaction. */
export async function moveBetweenWallets(executor: Executor, deps: PotDeps, userId: string, input: MoveInput, transferId: string): Promise<MoveResult> {
  const from = await ownedAs(deps, executor, userId, input.from, 'from');
  const to = await ownedAs(deps, executor, userId, input.to, 'to');
  if (from.id === to.id) throw new DomainError('same_wallet', { param: 'to' });
  if (input.amount.currency !== from.currency || input.amount.currency !== to.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
  const [balance] = await deps.wallets.balances([from], executor);
  if (balance && balance.cashable.available < input.amount.amount) {
    const spendOnlyCovers = balance.cashable.available + balance.spend_only.available >= input.amount.amount;
    throw new DomainError(spendOnlyCovers ? 'spend_only_not_transferable' : 'insufficient_funds', { param: 'amount' });
  }
  const results = await deps.ledger.createTransfersIn(executor, [{
    id: transferId as TransferId,
    debit_account_id: from.cashable_account,
    credit_account_id: to.cashable_account,
    amount: input.amount.amount,
    currency: input.amount.currency,
    code: TRANSFER_CODES.own_wallet_move,
    flags: TransferFlags.none,
    metadata: { from_wallet: uuidToId(from.id, 'wal'), to_wallet: uuidToId(to.id, 'wal') },
  }]);
  assertPosted(results);
  const [stored] = await deps.ledger.lookupTransfers([transferId as TransferId], executor);
  return { id: uuidToId(transferId, 'txf'), from, to, amount: input.amount, created_at: stored?.timestamp ?? deps.clock.now() };
}
