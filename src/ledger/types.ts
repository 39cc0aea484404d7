// The ledger's nouns (TigerBeetle's primitives). The ledger knows no product concept: accounts
// have a numeric `code` chosen by the caller (what kind of account), transfers a `code` (why).
import type { CurrencyCode, Micros } from '../money/index.ts';

/** A UUID; the product shows it as a TypeID (acc_…). */
export type AccountId = string & { readonly __brand: 'AccountId' };
/** A UUID, chosen by the caller: it is also the transfer's idempotency key. */
export type TransferId = string & { readonly __brand: 'TransferId' };

export const AccountFlags = {
  none: 0,
  /** Balance may not go below zero: debits (posted + pending) ≤ credits posted. User wallets, floats. */
  debits_must_not_exceed_credits: 1 << 0,
  /** The mirror: credits (posted + pending) ≤ debits posted. */
  credits_must_not_exceed_debits: 1 << 1,
  /** Closed accounts take no new transfers (resolving an existing pending is still allowed). */
  closed: 1 << 2,
} as const;

export const TransferFlags = {
  none: 0,
  /** Links this transfer to the next: the chain succeeds or fails as one. */
  linked: 1 << 0,
  /** Reserve: moves amount into the pending totals. */
  pending: 1 << 1,
  /** Resolve a pending transfer by posting all or part of it. */
  post_pending: 1 << 2,
  /** Resolve a pending transfer by releasing it. */
  void_pending: 1 << 3,
} as const;

export interface AccountInput {
  id: AccountId;
  currency: CurrencyCode;
  /** Kind of account (user wallet, agent float, fee income, …), 1..65535. */
  code: number;
  flags?: number;
  /** Who owns it, in product terms (e.g. "wal_…"); the ledger does not interpret it. */
  owner?: string | null;
}

export interface Account {
  id: AccountId;
  currency: CurrencyCode;
  code: number;
  flags: number;
  owner: string | null;
  debits_pending: Micros;
  debits_posted: Micros;
  credits_pending: Micros;
  credits_posted: Micros;
  created_at: Date;
}

export interface Balance {
  account_id: AccountId;
  currency: CurrencyCode;
  /** credits_posted − debits_posted */
  posted: Micros;
  /** Reserved by pending transfers not yet posted or voided (debits_pending − credits_pending). */
  pending_out: Micros;
  pending_in: Micros;
  /** posted − pending_out: what may be spent now. */
  available: Micros;
}

export interface TransferInput {
  id: TransferId;
  /** Optional on post/void (taken from the pending transfer); required otherwise. */
  debit_account_id?: AccountId;
  credit_account_id?: AccountId;
  /** Required except on post (omitted = post the full pending amount) and void. */
  amount?: Micros;
  currency: CurrencyCode;
  /** Why money moved, 1..65535 (product's catalogue). */
  code: number;
  flags?: number;
  pending_id?: TransferId;
  /** Pending only: seconds after which the reservation voids itself. 0 = never. */
  timeout_s?: number;
  /** Small JSON object the product attaches (references, descriptions); part of the hash. */
  metadata?: Record<string, unknown> | null;
}

export interface Transfer {
  id: TransferId;
  debit_account_id: AccountId;
  credit_account_id: AccountId;
  amount: Micros;
  currency: CurrencyCode;
  code: number;
  flags: number;
  pending_id: TransferId | null;
  timeout_s: number;
  metadata: Record<string, unknown> | null;
  /** When the ledger applied it. */
  timestamp: Date;
}

export interface AccountEntry {
  transfer: Transfer;
  /** Signed effect on this account's posted or pending balance: + credit, − debit. */
  direction: 'debit' | 'credit';
}

export interface EntriesPage {
  entries: AccountEntry[];
  /** Pass as `after` to get the next (older) page; null at the end. */
  next_cursor: string | null;
}

export type { CurrencyCode, Micros };
