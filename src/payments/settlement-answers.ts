// The bank's answers to merchant settlements. The settlement run reserved each merchant's payable
// as a pending transfer receivable → bank_clearing; the bank then says, per item (pain.002, and
// again in the camt.053):
//   accepted  post the pending transfer: the money is in bank_clearing, exactly as a settled
//             cash-out's payout, for reconciliation to confirm against the statement;
//   rejected  void it: every won back in the merchant's receivable (paid again the next business
//             day), the bank's reason on the settlement row;
//   returned  the payee bank sent a paid settlement back: a new transfer bank_clearing → receivable.
// Each answer is applied in one transaction that moves the row out of the state it must be in
// (WHERE state = …) and writes the ledger step whose id derives from the row: a duplicate or a
// late answer finds the row already moved and books nothing; an answer that contradicts a final
// state is counted as a conflict for reconciliation, never booked.
//
// This module implements cash-out's PayoutOwner port structurally (it does not import cash-out):
// the composition root registers it for the `rct_` references.
import { withTransaction, type Executor } from '../db/index.ts';
import { TransferFlags, type TransferId, type TransferInput } from '../ledger/index.ts';
import { describeReason, type ItemResult } from '../rails/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, idToUuid, uuidToId } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import type { PaymentsDeps } from './deps.ts';
import { selectMerchantsByIds } from './merchants.sql.ts';
import { moveSettlement, selectSettlement } from './settlement.sql.ts';
import { settlementTransferId } from './settlement.ts';
import { assertPosted } from './spend.ts';
import type { SettlementRow, SettlementState } from './tables.ts';

export interface AppliedSettlementAnswers {
  settled: number;
  failed: number;
  returned: number;
  conflicts: number;
  unknown: number;
}

export const SETTLEMENT_REF_PREFIX = 'rct';

function stepId(settlementId: string, step: 'post' | 'void' | 'return'): TransferId {
  return derivedUuid(`smallchange:merchant-settlement:${settlementId}:${step}`) as TransferId;
}

function reasonTextOf(result: { reasonCode: string; reasonText: string; local?: boolean }): string {
  return result.local ? result.reasonText : describeReason(result.reasonCode, 'en');
}

/** Moves one settlement from `from` to `to` and writes its ledger step, or does nothing (false). */
async function resolve(
  trx: Executor,
  deps: PaymentsDeps,
  row: SettlementRow,
  from: readonly SettlementState[],
  to: SettlementState,
  fields: { reason_code?: string | null; reason_text?: string | null; rail_reference?: string | null },
  transfers: (row: SettlementRow, receivable: string) => TransferInput[],
): Promise<boolean> {
  const moved = await moveSettlement(trx, row.id, from, { state: to, resolved_at: deps.clock.now(), ...fields });
  if (!moved) return false;
  const [merchant] = await selectMerchantsByIds(trx, [row.merchant_id]);
  if (!merchant) throw new Error(`settlement ${row.id}: merchant ${row.merchant_id} is gone`);
  assertPosted(await deps.ledger.createTransfersIn(trx, transfers(row, merchant.receivable_account)), { code: 'settlement_not_returnable', param: 'settlement' });
  return true;
}

function metadataOf(row: SettlementRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { settlement: uuidToId(row.id, 'rct'), merchant: uuidToId(row.merchant_id, 'mer'), ...extra };
}

const post = (row: SettlementRow): TransferInput[] => [{
  id: stepId(row.id, 'post'), pending_id: settlementTransferId(row.id), currency: row.currency, code: 0, flags: TransferFlags.post_pending, metadata: metadataOf(row),
}];

export async function applySettlementAnswers(deps: PaymentsDeps, results: readonly ItemResult[], actor: string): Promise<AppliedSettlementAnswers> {
  const report: AppliedSettlementAnswers = { settled: 0, failed: 0, returned: 0, conflicts: 0, unknown: 0 };
  for (const result of results) {
    const id = idToUuid(result.ref, 'rct');
    const row = id ? await selectSettlement(deps.db, id) : null;
    if (!row) {
      report.unknown++;
      continue;
    }
    if (result.state === 'pending' || result.state === 'unknown') continue;
    const booked = await withTransaction(deps.db, async (trx) => {
      if (result.state === 'accepted') {
        return (await resolve(trx, deps, row, ['submitted'], 'settled', { rail_reference: result.railReference ?? null }, post)) ? 'settled' : null;
      }
      if (result.state === 'rejected') {
        const reason = reasonTextOf(result);
        const voided = await resolve(trx, deps, row, ['submitted'], 'failed', { reason_code: result.reasonCode, reason_text: reason }, (r) => [{
          id: stepId(r.id, 'void'), pending_id: settlementTransferId(r.id), currency: r.currency, code: 0, flags: TransferFlags.void_pending,
          metadata: metadataOf(r, { reason: result.reasonCode }),
        }]);
        return voided ? 'failed' : null;
      }
      // returned: a return proves the payout was made, so one still waiting is posted first.
      const reason = describeReason(result.reasonCode, 'en');
      const returned = await resolve(trx, deps, row, ['submitted', 'settled'], 'returned', { reason_code: result.reasonCode, reason_text: reason }, (r, receivable) => [
        ...(row.state === 'submitted' ? post(r).map((t) => ({ ...t, flags: t.flags! | TransferFlags.linked })) : []),
        {
          id: stepId(r.id, 'return'), debit_account_id: systemAccountId('bank_clearing', r.currency), credit_account_id: receivable as TransferInput['credit_account_id'],
          amount: r.amount, currency: r.currency, code: TRANSFER_CODES.merchant_settlement, metadata: metadataOf(r, { reason: result.reasonCode, returned: true }),
        },
      ]);
      return returned ? 'returned' : null;
    });
    if (booked) {
      report[booked]++;
      deps.logger.info({ settlement: result.ref, state: booked, actor }, 'merchant settlement answered by the bank');
      continue;
    }
    // Not moved: already there (a duplicate), or a contradiction of a final state.
    const now = (await selectSettlement(deps.db, row.id))!;
    const agrees =
      (result.state === 'accepted' && (now.state === 'settled' || now.state === 'returned')) ||
      (result.state === 'rejected' && now.state === 'failed') ||
      (result.state === 'returned' && now.state === 'returned');
    if (!agrees) {
      report.conflicts++;
      deps.logger.warn({ settlement: result.ref, state: now.state, answer: result.state, actor }, 'bank answer contradicts the merchant settlement; left for reconciliation');
    }
  }
  return report;
}

/** Reconciliation found a return of a settlement in the statement: the same as a `returned` answer. */
export async function markSettlementReturned(deps: PaymentsDeps, ref: string, reason: { code: string; text?: string }, actor: string): Promise<'returned' | 'already_returned'> {
  const id = idToUuid(ref, 'rct');
  const row = id ? await selectSettlement(deps.db, id) : null;
  if (!row) throw new DomainError('settlement_not_found', { param: 'settlement' });
  if (row.state === 'returned') return 'already_returned';
  const report = await applySettlementAnswers(deps, [{ ref, state: 'returned', at: deps.clock.now(), reasonCode: reason.code, reasonText: reason.text ?? '', returnedOn: '', amountMinor: 0n }], actor);
  if (report.returned === 1) return 'returned';
  if ((await selectSettlement(deps.db, row.id))?.state === 'returned') return 'already_returned';
  throw new DomainError('settlement_not_returnable', { param: 'settlement', data: { state: row.state } });
}
