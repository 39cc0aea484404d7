// Float withdrawals through the bank rail: finance approves → the float is reserved (a pending
// transfer float → bank_clearing) → the withdrawal goes out as a credit transfer item in a
// pain.001 batch to the agent's bank account (the owner's verified account) → the bank answers
// per item (pain.002, later camt.053), the same way it answers cash-outs and merchant settlements:
//   accepted  post the reservation: the money is in bank_clearing, and reconciliation confirms it
//             against the statement like any payout (its end-to-end id is the rbl_ id);
//   rejected  void it: the float is whole again, the bank's reason is on the request and the
//             agent gets an SMS;
//   returned  the payee bank sent a paid withdrawal back: bank_clearing → float, SMS.
// Each answer moves the request out of the state it must be in (WHERE status = …) in the same
// transaction as its ledger step, whose id derives from the request: a duplicate or late answer
// books nothing, a contradiction is counted for reconciliation and never booked.
//
// This file implements cash-out's PayoutOwner port structurally for the `rbl_` references; the
// composition root registers it (cash-out does not know agents).
import { withTransaction, type Executor } from '../db/index.ts';
import { TransferFlags, type TransferId, type TransferInput } from '../ledger/index.ts';
import { toMinorFloor, type Micros } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { isBusinessDay, nextBusinessDay, toLocalDate } from '../policy/index.ts';
import { describeReason, type ItemResult } from '../rails/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, newId, uuidToId } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import { decideRebalance, insertAgentTransaction, moveRebalance, selectAgent, selectRebalance, selectUnsubmittedWithdrawals, setRebalanceBatch } from './agents.sql.ts';
import type { AgentDeps } from './deps.ts';
import { checkFloat, rebalanceTransferId } from './liquidity.ts';
import type { AgentRow, RebalanceRow } from './tables.ts';
import './errors.ts';

export const REBALANCE_REF_PREFIX = 'rbl';
/** The most withdrawals one submit hands to the bank (the rest go on the next run). */
export const WITHDRAWALS_PER_SUBMIT_MAX = 500;

export interface AppliedRebalanceAnswers {
  settled: number;
  failed: number;
  returned: number;
  conflicts: number;
  unknown: number;
}

function stepId(id: string, step: 'post' | 'void' | 'return'): TransferId {
  return derivedUuid(`smallchange:agent-rebalance:${id}:${step}`) as TransferId;
}

/** Finance approves a withdrawal: the float is reserved for the bank payment (pending float → bank_clearing). */
export async function approveWithdrawal(deps: AgentDeps, id: string, decision: { by: string; note: string | null }): Promise<RebalanceRow> {
  if (!deps.bankRail) throw new DomainError('rebalance_rail_unavailable');
  await deps.policy.inForce(); // read before the transaction (checkFloat reads it inside)
  return withTransaction(deps.db, async (trx) => {
    const request = await selectRebalance(trx, id, { forUpdate: true });
    if (!request) throw new DomainError('rebalance_not_found', { param: 'id' });
    if (request.status !== 'requested') throw new DomainError('rebalance_already_decided');
    const agent = (await selectAgent(trx, request.agent_id, { forUpdate: true }))!;
    if (!agent.bank_account_id) throw new DomainError('agent_bank_account_missing');
    // Still one of the owner's verified accounts (identity refuses one that was removed).
    await deps.identity.revealBankAccount(trx, agent.owner_user_id, agent.bank_account_id).catch(() => {
      throw new DomainError('agent_bank_account_missing');
    });
    const [result] = await deps.ledger.createTransfersIn(trx, [{
      id: rebalanceTransferId(request.id),
      debit_account_id: agent.float_account, credit_account_id: systemAccountId('bank_clearing', agent.currency),
      amount: request.amount, currency: agent.currency, code: TRANSFER_CODES.agent_rebalance, flags: TransferFlags.pending,
      metadata: { agent: agent.id, rebalance: request.id, direction: 'withdrawal' },
    }]);
    if (result === 'exceeds_credits') throw new DomainError('agent_float_too_low', { param: 'amount' });
    if (result !== 'ok' && result !== 'exists') throw new Error(`rebalance ${request.id}: ledger said ${result}`);
    const now = deps.clock.now();
    const decided = await decideRebalance(trx, request.id, { status: 'approved', by: decision.by, at: now, note: decision.note ?? request.note, bankReference: null });
    await insertAgentTransaction(trx, {
      id: newId('txf'), agent_id: agent.id, kind: 'withdrawal', float_delta: -request.amount as Micros, commission: 0n as Micros, currency: agent.currency,
      user_id: null, reference: request.id, receipt: null, at: now,
    });
    await checkFloat(deps, trx, agent);
    return decided!;
  });
}

/**
 * Hands every approved withdrawal not yet with the bank to the rail in one batch. Safe to repeat:
 * the batch id derives from the requests, and the rail never pays a ref twice (its journal).
 */
export async function submitWithdrawals(deps: AgentDeps): Promise<{ submitted: number; batchId: string | null; results: ItemResult[] }> {
  const rail = deps.bankRail;
  if (!rail) return { submitted: 0, batchId: null, results: [] };
  const rows = await selectUnsubmittedWithdrawals(deps.db, Math.min(WITHDRAWALS_PER_SUBMIT_MAX, rail.itemsPerSubmitMax));
  if (rows.length === 0) return { submitted: 0, batchId: null, results: [] };
  const { policy } = await deps.policy.inForce();
  const today = toLocalDate(deps.clock.now(), policy.time_zone);
  const executionDate = isBusinessDay(policy, today) ? today : nextBusinessDay(policy, today);
  const items = [];
  const refused: ItemResult[] = [];
  for (const row of rows) {
    const agent = (await selectAgent(deps.db, row.agent_id))!;
    const account = agent.bank_account_id ? await deps.identity.revealBankAccount(deps.db, agent.owner_user_id, agent.bank_account_id).catch(() => null) : null;
    if (!account) {
      refused.push({ ref: row.id, state: 'rejected', at: deps.clock.now(), reasonCode: 'agent_bank_account_missing', reasonText: 'The agent has no verified bank account on record.', local: true });
      continue;
    }
    items.push({
      ref: row.id, amountMinor: toMinorFloor(row.amount), currency: row.currency, payeeName: account.holderName,
      destination: { bankCode: account.bankCode, accountNumber: account.accountNumber }, remittanceInfo: 'smallchange 대리점 잔액 출금',
    });
  }
  const batchId = uuidToId(derivedUuid(`smallchange:rebalance-batch:${rows.map((r) => r.id).join(',')}`), 'bat');
  const results = items.length > 0 ? await rail.submit({ batchId, executionDate, items }) : [];
  await setRebalanceBatch(deps.db, rows.map((r) => r.id), batchId);
  // What the rail (or we) refused before the bank saw it is booked now: the float comes back.
  await applyRebalanceAnswers(deps, [...refused, ...results.filter((r) => r.state === 'rejected')], 'system:bank_submit');
  return { submitted: items.length, batchId, results: [...refused, ...results] };
}

function reasonTextOf(result: { reasonCode: string; reasonText: string; local?: boolean }): string {
  return result.local ? result.reasonText : describeReason(result.reasonCode, 'en');
}

const postOf = (row: RebalanceRow): TransferInput => ({
  id: stepId(row.id, 'post'), pending_id: rebalanceTransferId(row.id), currency: row.currency, code: 0, flags: TransferFlags.post_pending,
  metadata: { rebalance: row.id, agent: row.agent_id },
});

async function tellAgent(deps: AgentDeps, trx: Executor, agent: AgentRow, row: RebalanceRow, template: 'agent.withdrawal_failed' | 'agent.withdrawal_returned'): Promise<void> {
  const policy = (await deps.policy.inForce()).policy;
  await enqueue(trx, deps.clock, {
    channel: 'sms', recipient: agent.phone, template, lang: 'ko',
    body: renderSms(template, 'ko', { amount: { amount: row.amount, currency: row.currency } }, { timeZone: policy.time_zone }),
    payload: { agent: agent.id, rebalance: row.id, reason: row.reason_code },
    dedupeKey: `agent:${agent.id}:rebalance:${row.id}:${template}`,
  });
}

/** The float is whole again (a refused or returned withdrawal): a statement line and the SMS. */
async function floatBack(deps: AgentDeps, trx: Executor, row: RebalanceRow, template: 'agent.withdrawal_failed' | 'agent.withdrawal_returned'): Promise<void> {
  const agent = (await selectAgent(trx, row.agent_id, { forUpdate: true }))!;
  await insertAgentTransaction(trx, {
    id: newId('txf'), agent_id: agent.id, kind: 'withdrawal', float_delta: row.amount, commission: 0n as Micros, currency: row.currency,
    user_id: null, reference: row.id, receipt: `${row.status}:${row.reason_code ?? ''}`.slice(0, 40), at: deps.clock.now(),
  });
  await tellAgent(deps, trx, agent, row, template);
  await checkFloat(deps, trx, agent);
}

function assertBooked(results: readonly string[], id: string): void {
  const bad = results.find((r) => r !== 'ok' && r !== 'exists');
  if (bad) throw new Error(`rebalance ${id}: ledger said ${bad}`);
}

async function applyOne(deps: AgentDeps, row: RebalanceRow, result: Exclude<ItemResult, { state: 'pending' | 'unknown' }>): Promise<'settled' | 'failed' | 'returned' | null> {
  // The policy is read (and its cache refreshed) before the transaction: the SMS and the float
  // check read it inside, and a refresh there would wait on the one connection PGlite has.
  await deps.policy.inForce();
  return withTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    if (result.state === 'accepted') {
      const moved = await moveRebalance(trx, row.id, ['approved'], { status: 'settled', resolved_at: now });
      if (!moved) return null;
      assertBooked(await deps.ledger.createTransfersIn(trx, [postOf(row)]), row.id);
      return 'settled';
    }
    if (result.state === 'rejected') {
      const moved = await moveRebalance(trx, row.id, ['approved'], { status: 'failed', resolved_at: now, reason_code: result.reasonCode, reason_text: reasonTextOf(result) });
      if (!moved) return null;
      assertBooked(await deps.ledger.createTransfersIn(trx, [{
        id: stepId(row.id, 'void'), pending_id: rebalanceTransferId(row.id), currency: row.currency, code: 0, flags: TransferFlags.void_pending,
        metadata: { rebalance: row.id, reason: result.reasonCode },
      }]), row.id);
      await floatBack(deps, trx, moved, 'agent.withdrawal_failed');
      return 'failed';
    }
    // returned: a return proves the payment was made, so one still waiting is posted first.
    const before = await selectRebalance(trx, row.id, { forUpdate: true });
    const moved = await moveRebalance(trx, row.id, ['approved', 'settled'], { status: 'returned', resolved_at: now, reason_code: result.reasonCode, reason_text: describeReason(result.reasonCode, 'en') });
    if (!moved || !before) return null;
    const agent = (await selectAgent(trx, row.agent_id))!;
    assertBooked(await deps.ledger.createTransfersIn(trx, [
      ...(before.status === 'approved' ? [{ ...postOf(row), flags: TransferFlags.post_pending | TransferFlags.linked }] : []),
      {
        id: stepId(row.id, 'return'), debit_account_id: systemAccountId('bank_clearing', row.currency), credit_account_id: agent.float_account,
        amount: row.amount, currency: row.currency, code: TRANSFER_CODES.agent_rebalance, metadata: { rebalance: row.id, returned: true, reason: result.reasonCode },
      },
    ]), row.id);
    await floatBack(deps, trx, moved, 'agent.withdrawal_returned');
    return 'returned';
  });
}

export async function applyRebalanceAnswers(deps: AgentDeps, results: readonly ItemResult[], actor: string): Promise<AppliedRebalanceAnswers> {
  const report: AppliedRebalanceAnswers = { settled: 0, failed: 0, returned: 0, conflicts: 0, unknown: 0 };
  for (const result of results) {
    const row = result.ref.startsWith(`${REBALANCE_REF_PREFIX}_`) ? await selectRebalance(deps.db, result.ref) : undefined;
    if (!row || row.direction !== 'withdrawal') {
      report.unknown++;
      continue;
    }
    if (result.state === 'pending' || result.state === 'unknown') continue;
    const booked = await applyOne(deps, row, result);
    if (booked) {
      report[booked]++;
      deps.logger.info({ rebalance: row.id, state: booked, actor }, 'agent float withdrawal answered by the bank');
      continue;
    }
    const now = (await selectRebalance(deps.db, row.id))!;
    const agrees =
      (result.state === 'accepted' && (now.status === 'settled' || now.status === 'returned')) ||
      (result.state === 'rejected' && now.status === 'failed') ||
      (result.state === 'returned' && now.status === 'returned');
    if (!agrees) {
      report.conflicts++;
      deps.logger.warn({ rebalance: row.id, status: now.status, answer: result.state, actor }, 'bank answer contradicts the agent withdrawal; left for reconciliation');
    }
  }
  return report;
}

/** Reconciliation found the withdrawal's return on a bank statement: the same as a `returned` answer. */
export async function markRebalanceReturned(deps: AgentDeps, ref: string, reason: { code: string; text?: string }, actor: string): Promise<'returned' | 'already_returned'> {
  const row = await selectRebalance(deps.db, ref);
  if (!row || row.direction !== 'withdrawal') throw new DomainError('rebalance_not_found', { param: 'id' });
  if (row.status === 'returned') return 'already_returned';
  const report = await applyRebalanceAnswers(deps, [{ ref, state: 'returned', at: deps.clock.now(), reasonCode: reason.code, reasonText: reason.text ?? '', returnedOn: '', amountMinor: 0n }], actor);
  if (report.returned === 1) return 'returned';
  if ((await selectRebalance(deps.db, ref))?.status === 'returned') return 'already_returned';
  throw new DomainError('rebalance_not_returnable', { data: { status: row.status } });
}
