// Clearance: a credit whose source has a clearance period is a pending transfer — visible as
// "clearing", not usable. The job posts the due ones; until then the partner may cancel (void).
import { withTransaction } from '../../db/index.ts';
import { TransferFlags, type TransferInput, type TransferResult } from '../../ledger/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { TRANSFER_CODES } from '../chart.ts';
import { lockDueClearances, markClearances, markHeldByCredit, markUnclaimed, markUnclaimedCleared, selectCreditRows, type ClearanceRow } from './credits.sql.ts';
import { policyNow, type CreditsDeps } from './deps.ts';
import { notifyPartners } from './notices.ts';
import { creditUuid, relatedUuid } from './request.ts';
import { viewOfTransfer, type CreditView } from './view.ts';

export const CLEARANCES_PER_RUN_MAX = 1000;

function resolutions(row: ClearanceRow, how: 'post' | 'void', currency: TransferInput['currency']): TransferInput[] {
  const flags = how === 'post' ? TransferFlags.post_pending : TransferFlags.void_pending;
  const step = how === 'post' ? 'clear' : 'cancel';
  const out: TransferInput[] = [{ id: relatedUuid(row.credit_id, step), pending_id: row.transfer_id, currency, code: TRANSFER_CODES.credit, flags }];
  if (row.held_transfer_id) out.push({ id: relatedUuid(row.credit_id, `${step}:held`), pending_id: row.held_transfer_id, currency, code: TRANSFER_CODES.credit, flags });
  return out;
}

const settled = (r: TransferResult) => r === 'ok' || r === 'exists';

/** Posts credits whose clearance has ended; returns how many cleared. */
export async function clearDueCredits(deps: CreditsDeps, limit = CLEARANCES_PER_RUN_MAX): Promise<number> {
  const policy = await policyNow(deps);
  return withTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const due = await lockDueClearances(trx, now, limit);
    if (due.length === 0) return 0;
    const plans = due.map((row) => ({ row, transfers: resolutions(row, 'post', policy.currency) }));
    const outcome = await deps.ledger.createTransfersIn(trx, plans.flatMap((p) => p.transfers));
    const cleared: ClearanceRow[] = [];
    let offset = 0;
    for (const plan of plans) {
      const mine = outcome.slice(offset, offset + plan.transfers.length);
      offset += plan.transfers.length;
      if (mine.every(settled)) cleared.push(plan.row);
      else deps.logger.error({ credit_id: plan.row.credit_id, results: mine }, 'a due credit could not be posted');
    }
    const ids = cleared.map((r) => r.credit_id);
    await markClearances(trx, ids, 'cleared', now);
    await markHeldByCredit(trx, ids, 'clearing', 'held', now);
    await markUnclaimedCleared(trx, ids);
    const rows = await selectCreditRows(trx, ids);
    await notifyPartners(
      trx,
      deps.clock,
      'credit.cleared',
      policy.currency,
      cleared.map((r) => ({
        partnerId: r.partner_id,
        creditId: r.credit_id,
        reference: r.partner_reference,
        status: rows.unclaimed.has(r.credit_id) ? 'unclaimed' : rows.held.get(r.credit_id)?.some((h) => h.status === 'held') ? 'held_over_cap' : 'posted',
      })),
    );
    return cleared.length;
  });
}

/** The partner cancels a credit still in clearance; cancelling twice answers the same. */
export async function cancelCredit(deps: CreditsDeps, partnerId: string, reference: string): Promise<CreditView> {
  const creditId = creditUuid(partnerId, reference);
  const policy = await policyNow(deps);
  return withTransaction(deps.db, async (trx) => {
    const [transfer] = await deps.ledger.lookupTransfers([creditId], trx);
    if (!transfer) throw new DomainError('credit_not_found', { param: 'reference' });
    let rows = await selectCreditRows(trx, [creditId], { lock: true });
    const clearance = rows.clearances.get(creditId);
    if (clearance?.status === 'cancelled') return viewOfTransfer(transfer, rows);
    if (clearance?.status !== 'clearing' || rows.reversals.has(creditId)) throw new DomainError('credit_not_cancellable', { param: 'reference' });
    const transfers = resolutions(clearance, 'void', policy.currency);
    const outcome = await deps.ledger.createTransfersIn(trx, transfers);
    if (!outcome.every(settled)) throw new Error(`cancel ${creditId}: the ledger answered ${outcome.join(', ')}`);
    const now = deps.clock.now();
    await markClearances(trx, [creditId], 'cancelled', now);
    await markHeldByCredit(trx, [creditId], 'clearing', 'cancelled', now);
    if (rows.unclaimed.has(creditId)) await markUnclaimed(trx, [creditId], 'cancelled', now);
    rows = await selectCreditRows(trx, [creditId]);
    return viewOfTransfer(transfer, rows);
  });
}
