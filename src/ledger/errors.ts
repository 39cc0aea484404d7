// Result codes of createTransfers / createAccounts: a closed list in precedence order — when a
// transfer breaks several rules, the first listed here is the one reported (TigerBeetle's
// documented precedence, create_transfers.md). `ok` and `exists` are success; every other code
// means the transfer had no effect. These are expected outcomes, never exceptions.

export const TRANSFER_RESULTS = [
  'ok',
  /** Another transfer in the same linked chain failed; this one was rolled back with it. */
  'linked_event_failed',
  /** The batch ended inside a linked chain (last transfer has the `linked` flag). */
  'linked_event_chain_open',
  /** Flags combine post/void/pending in a way that has no meaning. */
  'flags_are_mutually_exclusive',
  /** A field is malformed: not a UUID, amount negative or over int8, unknown flag bits, bad metadata. */
  'invalid_field',
  'id_must_not_be_zero',
  'debit_account_id_must_not_be_zero',
  'credit_account_id_must_not_be_zero',
  'accounts_must_be_different',
  /** pending_id is only for post_pending / void_pending. */
  'pending_id_must_be_zero',
  'pending_id_must_not_be_zero',
  'pending_id_must_be_different',
  /** timeout_s is only for pending transfers. */
  'timeout_reserved_for_pending_transfer',
  'amount_must_not_be_zero',
  'code_must_not_be_zero',
  /** Same id, different body: the idempotency key was reused for something else. */
  'exists_with_different_fields',
  /** Same id, same body: the transfer already happened (treat as ok). */
  'exists',
  'debit_account_not_found',
  'credit_account_not_found',
  'accounts_must_have_the_same_currency',
  'transfer_must_have_the_same_currency_as_accounts',
  'pending_transfer_not_found',
  'pending_transfer_not_pending',
  'pending_transfer_has_different_debit_account_id',
  'pending_transfer_has_different_credit_account_id',
  'pending_transfer_has_different_currency',
  'pending_transfer_has_different_code',
  'exceeds_pending_transfer_amount',
  'pending_transfer_has_different_amount',
  'pending_transfer_already_posted',
  'pending_transfer_already_voided',
  'pending_transfer_expired',
  'debit_account_closed',
  'credit_account_closed',
  'overflows_debits',
  'overflows_credits',
  /** The debit account's flag forbids going below zero and this transfer would. */
  'exceeds_credits',
  /** The credit account's flag forbids its credits passing its debits. */
  'exceeds_debits',
] as const;

export type TransferResult = (typeof TRANSFER_RESULTS)[number];

export const ACCOUNT_RESULTS = [
  'ok',
  'flags_are_mutually_exclusive',
  'id_must_not_be_zero',
  'code_must_not_be_zero',
  'invalid_field',
  'exists_with_different_fields',
  'exists',
] as const;

export type AccountResult = (typeof ACCOUNT_RESULTS)[number];

export function isSuccess(result: TransferResult | AccountResult): boolean {
  return result === 'ok' || result === 'exists';
}

/** Thrown only for programmer errors (a batch over the size limit, a closed ledger). */
export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerError';
  }
}
