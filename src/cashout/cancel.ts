// A person cancels a cash-out that no rail has seen yet; the reservation is voided at once.
// Unlike the other transitions this one runs the void inside the transaction that holds the
// cash-out's row: the batch runner takes submitted payouts with FOR UPDATE SKIP LOCKED, so while
// this row is held it cannot be handed to the bank — a payout is never both cancelled and sent.
import { withTransaction } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { idToUuid, uuidToId } from '../shared/ids.ts';
import { selectCashout, transitionRows, type TransitionedRow } from './cashouts.sql.ts';
import type { CashoutDeps } from './deps.ts';
import { stepOutcome, voidTransfers } from './ledger-plan.ts';
import { notifyChanges } from './notifications.ts';
import { isCancellable } from './states.ts';
import { ledgerRefOf } from './transitions.ts';
import './errors.ts';

export async function cancelCashout(deps: CashoutDeps, userId: string, cashoutId: string, actor = `user:${userId}`): Promise<TransitionedRow> {
  const id = idToUuid(cashoutId, 'cot');
  if (!id) throw new DomainError('cashout_not_found', { param: 'id' });
  const policy = (await deps.policy.inForce()).policy;
  return withTransaction(deps.db, async (trx) => {
    const row = await selectCashout(trx, id, { forUpdate: true });
    if (!row || row.user_id !== userId) throw new DomainError('cashout_not_found', { param: 'id' });
    if (!isCancellable(row.state, row.batch_id !== null)) throw new DomainError('cashout_not_cancellable', { data: { state: row.state } });
    const voided = stepOutcome(await deps.ledger.createTransfersIn(trx, voidTransfers(ledgerRefOf(row), 'cancelled')));
    if (voided.outcome !== 'done' && voided.outcome !== 'lapsed') throw new Error(`cash-out ${uuidToId(id, 'cot')}: void failed with ${voided.detail}`);
    const [moved] = await transitionRows(trx, [{ id, reasonCode: 'cancelled_by_user' }], [row.state], 'cancelled', actor, deps.clock.now());
    if (!moved) throw new DomainError('cashout_not_cancellable', { data: { state: row.state } });
    await notifyChanges(trx, deps.clock, policy.time_zone, [{ row: moved, from: moved.from_state, partner: moved.wallet_provider, sms: true }]);
    return moved;
  });
}
