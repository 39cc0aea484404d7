// The ledger shape of a cash-out. Two linked pending transfers, payout and fee, rather than one
// pending of payout + fee that is partially posted:
//   reserve  user cashable → clearing (payout)      + user cashable → fee income (fee)   pending, linked
//   settle   post both                                                                   linked
//   fail     void both (every unit back)                                                 linked
//   return   clearing → user cashable (payout)       + fee income → user cashable (fee)  linked, new transfers
// Why two: the clearing account's pending credits are then exactly the payouts in flight, which
// is what reconciliation compares with the bank (a combined hold would park every fee there
// too), each leg posts in full (no partial-post arithmetic), and fee income shows fees in flight
// separately from fees earned. A free cash-out (fee 0) has the payout leg alone.
//
// Every id is derived from the cash-out id, so that running a step twice — after a crash, a
// retry, a duplicate bank answer — is answered `exists` by the ledger and moves nothing twice.
import { TransferFlags, type AccountId, type TransferId, type TransferInput, type TransferResult } from '../ledger/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';
import { derivedUuid } from '../shared/ids.ts';
import { TRANSFER_CODES } from '../wallets/index.ts';

export interface CashoutLedgerRef {
  /** The cash-out's UUID. */
  id: string;
  /** For metadata: the cot_… id a person or auditor reads. */
  publicId: string;
  currency: CurrencyCode;
  payout: Micros;
  fee: Micros;
  debitAccount: AccountId;
  clearingAccount: AccountId;
  feeAccount: AccountId;
}

type Step = 'reserve' | 'post' | 'void' | 'return';
type Leg = 'payout' | 'fee';

export function cashoutTransferId(cashoutId: string, step: Step, leg: Leg): TransferId {
  return derivedUuid(`smallchange:cashout:${cashoutId}:${step}:${leg}`) as TransferId;
}

/** What resolving a reservation needs to know: which legs it has. */
export type ReservationRef = Pick<CashoutLedgerRef, 'id' | 'publicId' | 'currency' | 'fee'>;

function legs(ref: Pick<CashoutLedgerRef, 'fee'>): Leg[] {
  return ref.fee > 0n ? ['payout', 'fee'] : ['payout'];
}

/** Links every transfer of a chain to the next (the last one closes it). */
function chain(transfers: TransferInput[]): TransferInput[] {
  return transfers.map((t, i) => (i < transfers.length - 1 ? { ...t, flags: (t.flags ?? 0) | TransferFlags.linked } : t));
}

export function reserveTransfers(ref: CashoutLedgerRef, timeout_s: number): TransferInput[] {
  return chain(
    legs(ref).map((leg) => ({
      id: cashoutTransferId(ref.id, 'reserve', leg),
      debit_account_id: ref.debitAccount,
      credit_account_id: leg === 'payout' ? ref.clearingAccount : ref.feeAccount,
      amount: leg === 'payout' ? ref.payout : ref.fee,
      currency: ref.currency,
      code: leg === 'payout' ? TRANSFER_CODES.cashout : TRANSFER_CODES.cashout_fee,
      flags: TransferFlags.pending,
      timeout_s,
      metadata: { cashout: ref.publicId },
    })),
  );
}

function resolveTransfers(ref: ReservationRef, step: 'post' | 'void', reason?: string): TransferInput[] {
  return chain(
    legs(ref).map((leg) => ({
      id: cashoutTransferId(ref.id, step, leg),
      pending_id: cashoutTransferId(ref.id, 'reserve', leg),
      currency: ref.currency,
      code: 0,
      flags: step === 'post' ? TransferFlags.post_pending : TransferFlags.void_pending,
      metadata: reason ? { cashout: ref.publicId, reason } : { cashout: ref.publicId },
    })),
  );
}

export function postTransfers(ref: ReservationRef): TransferInput[] {
  return resolveTransfers(ref, 'post');
}

export function voidTransfers(ref: ReservationRef, reason: string): TransferInput[] {
  return resolveTransfers(ref, 'void', reason);
}

/**
 * The bank sent the payout back: a new transfer from clearing to the user (code cashout_return)
 * and the fee refunded from fee income, linked, both referencing the cash-out. The fee goes back
 * too: the person was never paid.
 */
export function returnTransfers(ref: CashoutLedgerRef, reasonCode: string): TransferInput[] {
  return chain(
    legs(ref).map((leg) => ({
      id: cashoutTransferId(ref.id, 'return', leg),
      debit_account_id: leg === 'payout' ? ref.clearingAccount : ref.feeAccount,
      credit_account_id: ref.debitAccount,
      amount: leg === 'payout' ? ref.payout : ref.fee,
      currency: ref.currency,
      code: TRANSFER_CODES.cashout_return,
      flags: TransferFlags.none,
      metadata: { cashout: ref.publicId, leg, reason: reasonCode },
    })),
  );
}

/**
 * Settling after the reservation lapsed (the bank paid a payout whose hold the ledger's timeout
 * already released): the same movement as plain transfers, which succeed only if the money is
 * still in the wallet. Ids differ from the posts so the journal shows what happened.
 */
export function lateSettleTransfers(ref: CashoutLedgerRef): TransferInput[] {
  return chain(
    legs(ref).map((leg) => ({
      id: derivedUuid(`smallchange:cashout:${ref.id}:late-settle:${leg}`) as TransferId,
      debit_account_id: ref.debitAccount,
      credit_account_id: leg === 'payout' ? ref.clearingAccount : ref.feeAccount,
      amount: leg === 'payout' ? ref.payout : ref.fee,
      currency: ref.currency,
      code: leg === 'payout' ? TRANSFER_CODES.cashout : TRANSFER_CODES.cashout_fee,
      flags: TransferFlags.none,
      metadata: { cashout: ref.publicId, reason: 'reservation_lapsed' },
    })),
  );
}

export type StepOutcome =
  /** The effect is in the journal (now or before). */
  | 'done'
  /** The reservation was already released by its timeout: for a void that is the same as done. */
  | 'lapsed'
  /** The wallet did not hold enough cashable value. */
  | 'insufficient'
  | 'failed';

/** One outcome for a cash-out's chain of results (its 1–2 legs). */
export function stepOutcome(results: readonly TransferResult[]): { outcome: StepOutcome; detail: TransferResult } {
  const bad = results.find((r) => r !== 'ok' && r !== 'exists' && r !== 'linked_event_failed') ?? results.find((r) => r !== 'ok' && r !== 'exists');
  if (!bad) return { outcome: 'done', detail: results[0] ?? 'ok' };
  if (bad === 'pending_transfer_expired') return { outcome: 'lapsed', detail: bad };
  if (bad === 'exceeds_credits') return { outcome: 'insufficient', detail: bad };
  return { outcome: 'failed', detail: bad };
}
