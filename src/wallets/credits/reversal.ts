// A partner takes a credit back within the policy's window (a fraudulent task completion, say):
// only from value still where the credit put it — the held part first (it never reached the
// wallet), then the class account it landed in — never below zero. What cannot be taken back is
// the shortfall, reported to the partner; the partner's recourse for it lies outside the wallet.
import { createHash } from 'node:crypto';
import { withTransaction, type Executor } from '../../db/index.ts';
import type { AccountId, Transfer, TransferInput } from '../../ledger/index.ts';
import { micros, type Micros } from '../../money/index.ts';
import { canonicalJson, type Policy } from '../../policy/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { systemAccountId, TRANSFER_CODES } from '../chart.ts';
import { insertReversal, markUnclaimed, selectCreditRows, updateHeld, type CreditRows, type HeldRow } from './credits.sql.ts';
import { policyNow, type CreditsDeps } from './deps.ts';
import { notifyPartner } from './notices.ts';
import { creditUuid, relatedUuid } from './request.ts';
import { viewOfTransfer, type CreditView } from './view.ts';

const DAY_MS = 86_400_000;
const ATTEMPTS_MAX = 3;

export interface ReversalInput {
  /** Omitted: the whole credit. */
  amount?: Micros;
  reason?: string;
}

/** The user spent between our read of the balance and the ledger's lock: read again. */
class BalanceMoved extends Error {}

export function reversalHash(input: ReversalInput): string {
  return createHash('sha256').update(canonicalJson({ amount: input.amount?.toString() ?? null, reason: input.reason ?? null })).digest('hex');
}

export async function reverseCredit(deps: CreditsDeps, partnerId: string, reference: string, input: ReversalInput): Promise<{ view: CreditView; replayed: boolean }> {
  const creditId = creditUuid(partnerId, reference);
  const policy = await policyNow(deps);
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(deps.db, (trx) => reverseIn(trx, deps, policy, partnerId, creditId, input));
    } catch (error) {
      if (!(error instanceof BalanceMoved) || attempt >= ATTEMPTS_MAX) throw error;
    }
  }
}

async function reverseIn(trx: Executor, deps: CreditsDeps, policy: Policy, partnerId: string, creditId: string, input: ReversalInput): Promise<{ view: CreditView; replayed: boolean }> {
  const [transfer] = await deps.ledger.lookupTransfers([creditId as Transfer['id']], trx);
  if (!transfer) throw new DomainError('credit_not_found', { param: 'reference' });
  const rows = await selectCreditRows(trx, [creditId], { lock: true });
  const hash = reversalHash(input);
  const previous = rows.reversals.get(creditId);
  if (previous) {
    if (previous.request_hash !== hash) throw new DomainError('idempotency_conflict', { param: 'reference' });
    return { view: viewOfTransfer(transfer, rows), replayed: true };
  }
  const view = viewOfTransfer(transfer, rows);
  const unclaimed = rows.unclaimed.get(creditId);
  if (view.status === 'clearing' || (unclaimed?.status === 'unclaimed' && !unclaimed.cleared)) throw new DomainError('credit_in_clearance', { param: 'reference' });
  if (view.status === 'cancelled' || view.status === 'returned' || view.status === 'reversed') throw new DomainError('credit_not_reversible', { param: 'reference' });
  const now = deps.clock.now();
  if (now.getTime() > transfer.timestamp.getTime() + policy.credits.reversal_window_days * DAY_MS) {
    throw new DomainError('reversal_window_closed', { param: 'reference', data: { window_days: policy.credits.reversal_window_days } });
  }
  const requested = input.amount ?? view.amount;
  if (requested > view.amount) throw new DomainError('amount_exceeds_credit', { param: 'amount' });

  const prefund = transfer.debit_account_id;
  const base = { credit_account_id: prefund, currency: transfer.currency, code: TRANSFER_CODES.credit_reversal, metadata: { credit: creditId } };
  const transfers: TransferInput[] = [];
  let reversed = 0n;
  if (unclaimed?.status === 'unclaimed') {
    reversed = requested;
    transfers.push({ ...base, id: relatedUuid(creditId, 'reversal'), debit_account_id: systemAccountId('unclaimed_suspense', transfer.currency), amount: micros(requested) });
    await markUnclaimed(trx, [creditId], 'reversed', now);
  } else {
    const { fromHeld, heldChanges } = takeFromHeld(rows, creditId, requested, now);
    if (fromHeld > 0n) {
      transfers.push({ ...base, id: relatedUuid(creditId, 'reversal:held'), debit_account_id: heldChanges[0]!.held_account, amount: micros(fromHeld) });
      await updateHeld(trx, heldChanges);
    }
    const classAccount = await landedIn(trx, deps, transfer, rows, creditId);
    const [account] = await deps.ledger.lookupAccounts([classAccount], trx);
    const available = account ? account.credits_posted - account.debits_posted - account.debits_pending : 0n;
    const want = requested - fromHeld;
    const fromClass = want < available ? want : available > 0n ? available : 0n;
    if (fromClass > 0n) transfers.push({ ...base, id: relatedUuid(creditId, 'reversal'), debit_account_id: classAccount, amount: micros(fromClass) });
    reversed = fromHeld + fromClass;
  }
  const outcome = await deps.ledger.createTransfersIn(trx, transfers);
  if (outcome.includes('exceeds_credits')) throw new BalanceMoved();
  if (!outcome.every((r) => r === 'ok')) throw new Error(`reversal of ${creditId}: the ledger answered ${outcome.join(', ')}`);
  await insertReversal(trx, {
    credit_id: creditId as Transfer['id'], partner_id: partnerId, requested: micros(requested), reversed: micros(reversed),
    shortfall: micros(requested - reversed), reason: input.reason ?? null, request_hash: hash, created_at: now,
  });
  await notifyPartner(trx, deps.clock, partnerId, 'credit.reversed', transfer.currency, [{ creditId, reference: view.reference, status: 'reversed', amount: micros(reversed) }]);
  return { view: viewOfTransfer(transfer, await selectCreditRows(trx, [creditId])), replayed: false };
}

/** Takes from the credit's held parts, newest first (the oldest is next in line for release). */
function takeFromHeld(rows: CreditRows, creditId: string, requested: bigint, now: Date): { fromHeld: bigint; heldChanges: HeldRow[] } {
  const held = (rows.held.get(creditId) ?? []).filter((h) => h.status === 'held' && h.remaining > 0n).reverse();
  let left = requested;
  const heldChanges: HeldRow[] = [];
  for (const row of held) {
    if (left === 0n) break;
    const take = row.remaining < left ? row.remaining : left;
    left -= take;
    const remaining = micros(row.remaining - take);
    heldChanges.push({ ...row, remaining, status: remaining === 0n ? 'reversed' : 'held', updated_at: now });
  }
  return { fromHeld: requested - left, heldChanges };
}

/** The class account the credit landed in (directly, or through a claim at registration). */
async function landedIn(trx: Executor, deps: CreditsDeps, transfer: Transfer, rows: CreditRows, creditId: string): Promise<AccountId> {
  const held = rows.held.get(creditId)?.[0];
  if (held) return held.class_account;
  if (rows.unclaimed.get(creditId)?.status === 'claimed') {
    const [claim] = await deps.ledger.lookupTransfers([relatedUuid(creditId, 'claim')], trx);
    if (claim) return claim.credit_account_id;
  }
  return transfer.credit_account_id;
}

