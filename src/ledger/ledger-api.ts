// The public face of the ledger: what other modules may call.
import type { Executor } from '../db/index.ts';
import type { AccountResult, TransferResult } from './errors.ts';
import type { Account, AccountId, AccountInput, Balance, EntriesPage, Transfer, TransferId, TransferInput } from './types.ts';

export interface Ledger {
  createAccounts(accounts: AccountInput[], executor?: Executor): Promise<AccountResult[]>;
  /**
   * Applies a batch through the group committer: one result per transfer, in order. Gathered with
   * other callers' batches into one database transaction. Must not be called while the caller
   * holds an open transaction (on PGlite that would wait for itself): use createTransfersIn.
   */
  createTransfers(transfers: TransferInput[]): Promise<TransferResult[]>;
  createTransfer(transfer: TransferInput): Promise<TransferResult>;
  /** Applies a batch inside the caller's transaction, so product rows commit with the postings. */
  createTransfersIn(trx: Executor, transfers: TransferInput[]): Promise<TransferResult[]>;
  lookupAccounts(ids: AccountId[], executor?: Executor): Promise<Account[]>;
  lookupTransfers(ids: TransferId[], executor?: Executor): Promise<Transfer[]>;
  getBalances(ids: AccountId[], executor?: Executor): Promise<Balance[]>;
  /** Newest first; `after` is the previous page's next_cursor. */
  listEntries(accountId: AccountId, options?: { limit?: number; after?: string | null }, executor?: Executor): Promise<EntriesPage>;
  /** Voids pending transfers whose timeout has passed; returns how many. */
  expirePending(limit?: number): Promise<number>;
  /** Seals committed transfers into hash-chained blocks; returns how many blocks were written. */
  sealBlocks(): Promise<number>;
  /** Stops background work and waits for batches in flight. */
  close(): Promise<void>;
}
