// Cash-in at an agent: the person hands over cash, the agent credits their cashable wallet from
// its float (cash-in value is cashable: policy source agent_cash_in). Above the policy's
// cash_in_confirm_above the money waits for the person to confirm on their own phone with the PIN
// — a typo in the phone number must not hand someone else the money. The float must stay at or
// above the policy's minimum; the ledger's flag keeps it from going below zero whatever happens.
// The commission (policy agents.commission.cash_in) is paid from fee income, in the same chain.
import type { Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import { TransferFlags, type TransferId, type TransferInput } from '../ledger/index.ts';
import type { Micros } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { computeCommission, evaluateBalanceCap, limitRefusalError, type Policy } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, newId } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import { adjustCash, finishCashIn, insertAgentTransaction, insertCashIn, selectAgent, selectCashIn, selectCashInByKey, selectPendingCashIns } from './agents.sql.ts';
import type { AgentDeps } from './deps.ts';
import { checkFloat } from './liquidity.ts';
import type { AgentRow, CashInRow } from './tables.ts';
import './errors.ts';

export const CASH_IN_CONFIRM_MINUTES_DEFAULT = 10;

function cashInTransfers(agent: AgentRow, row: CashInRow, creditAccount: string): TransferInput[] {
  const legs: TransferInput[] = [{
    id: derivedUuid(`smallchange:agent-cash-in:${row.id}:credit`) as TransferId,
    debit_account_id: agent.float_account, credit_account_id: creditAccount as TransferInput['credit_account_id'], amount: row.amount, currency: row.currency,
    code: TRANSFER_CODES.agent_cash_in, metadata: { cash_in: row.id, agent: agent.id, source: 'agent_cash_in' },
  }];
  if (row.commission > 0n) {
    legs.push({
      id: derivedUuid(`smallchange:agent-cash-in:${row.id}:commission`) as TransferId,
      debit_account_id: systemAccountId('fee_income', row.currency), credit_account_id: agent.commission_account, amount: row.commission, currency: row.currency,
      code: TRANSFER_CODES.agent_commission, metadata: { cash_in: row.id, agent: agent.id, kind: 'cash_in' },
    });
  }
  return legs.map((t, i) => (i < legs.length - 1 ? { ...t, flags: TransferFlags.linked } : t));
}

async function assertFloatCovers(deps: AgentDeps, executor: Executor, agent: AgentRow, policy: Policy, amount: Micros): Promise<void> {
  const [float] = await deps.ledger.getBalances([agent.float_account], executor);
  if (float!.available - amount < policy.agents.float.minimum) {
    throw new DomainError('agent_float_too_low', { param: 'amount', data: { minimum: policy.agents.float.minimum.toString() } });
  }
}

/** Cash handed over must fit under the person's tier balance cap whole (it cannot be parked like a credit: the cash is in the shop). */
async function assertFitsCap(deps: AgentDeps, executor: Executor, userId: string, policy: Policy, amount: Micros): Promise<void> {
  const user = await deps.identity.getUser(executor, userId);
  const balances = await deps.wallets.balances(await deps.wallets.walletsOfUser(userId, executor), executor);
  const balance = balances.reduce((sum, b) => sum + b.cashable.posted + b.cashable.clearing + b.spend_only.posted + b.spend_only.clearing, 0n) as Micros;
  const decision = evaluateBalanceCap(policy, user.tier, balance, amount);
  if (!decision.allowed) throw limitRefusalError(policy, decision);
}

/** Posts the cash-in and everything that goes with it; in the caller's transaction, the cash-in row held. */
async function completeIn(deps: AgentDeps, trx: Executor, agent: AgentRow, row: CashInRow, policy: Policy): Promise<CashInRow> {
  await assertFloatCovers(deps, trx, agent, policy, row.amount);
  await assertFitsCap(deps, trx, row.user_id, policy, row.amount);
  const wallet = await deps.wallets.openMainWallet(trx, row.user_id, row.currency);
  const results = await deps.ledger.createTransfersIn(trx, cashInTransfers(agent, row, wallet.cashable_account));
  if (results.some((r) => r === 'exceeds_credits')) throw new DomainError('agent_float_too_low', { param: 'amount' });
  if (!results.every((r) => r === 'ok' || r === 'exists')) throw new Error(`cash-in ${row.id}: ledger said ${results.join(', ')}`);
  const now = deps.clock.now();
  const done = row.status === 'awaiting_user' ? (await finishCashIn(trx, row.id, 'completed', now))! : row;
  await insertAgentTransaction(trx, {
    id: newId('txf'), agent_id: agent.id, kind: 'cash_in', float_delta: -row.amount as Micros, commission: row.commission, currency: row.currency,
    user_id: row.user_id, reference: row.id, receipt: row.id, at: now,
  });
  await adjustCash(trx, agent.id, row.amount);
  const user = await deps.identity.getUser(trx, row.user_id);
  if (user.phone) {
    await enqueue(trx, deps.clock, {
      channel: 'sms', recipient: user.phone, template: 'agent.cash_in', lang: user.lang,
      body: renderSms('agent.cash_in', user.lang, { amount: { amount: row.amount, currency: row.currency }, agent: [...agent.name].slice(0, 12).join('') }, { timeZone: policy.time_zone }),
      payload: { cash_in: row.id, agent: agent.id }, dedupeKey: `cash_in:${row.id}:completed`,
    });
  }
  await checkFloat(deps, trx, agent);
  return done;
}

export async function startCashIn(
  deps: AgentDeps,
  agent: AgentRow,
  input: { phone: string; amount: Micros; idempotencyKey: string },
  finish?: (trx: Executor, row: CashInRow) => Promise<void>,
): Promise<CashInRow> {
  if (input.amount <= 0n) throw new DomainError('invalid_amount', { param: 'amount' });
  const policy = (await deps.policy.inForce()).policy;
  const user = await deps.identity.resolveRecipientByPhone(deps.db, input.phone);
  if (!user) throw new DomainError('cash_in_recipient_not_found', { param: 'phone' });
  await assertFloatCovers(deps, deps.db, agent, policy, input.amount);
  await assertFitsCap(deps, deps.db, user.id, policy, input.amount);
  const now = deps.clock.now();
  const confirmAbove = policy.agents.cash_in_confirm_above;
  const needsConfirmation = confirmAbove !== undefined && input.amount > confirmAbove;
  const wallet = await withTransaction(deps.db, (trx) => deps.wallets.openMainWallet(trx, user.id, policy.currency));
  const row: CashInRow = {
    id: newId('cin'), agent_id: agent.id, user_id: user.id, wallet_id: wallet.id, amount: input.amount,
    commission: computeCommission(policy, 'cash_in', input.amount).commission, currency: policy.currency,
    status: needsConfirmation ? 'awaiting_user' : 'completed', idempotency_key: input.idempotencyKey,
    expires_at: new Date(now.getTime() + (policy.agents.cash_in_confirm_minutes ?? CASH_IN_CONFIRM_MINUTES_DEFAULT) * 60_000),
    created_at: now, finished_at: needsConfirmation ? null : now,
  };
  return withTransaction(deps.db, async (trx) => {
    const inserted = await insertCashIn(trx, row);
    if (!inserted) return (await selectCashInByKey(trx, agent.id, input.idempotencyKey))!;
    const locked = (await selectAgent(trx, agent.id, { forUpdate: true }))!;
    const result = needsConfirmation ? inserted : await completeIn(deps, trx, locked, inserted, policy);
    if (needsConfirmation && user.phone) {
      await enqueue(trx, deps.clock, {
        channel: 'sms', recipient: user.phone, template: 'agent.cash_in_confirm', lang: user.lang,
        body: renderSms('agent.cash_in_confirm', user.lang, { amount: { amount: row.amount, currency: row.currency }, agent: [...agent.name].slice(0, 12).join('') }, { timeZone: policy.time_zone }),
        payload: { cash_in: row.id, agent: agent.id }, dedupeKey: `cash_in:${row.id}:confirm`,
      });
    }
    if (finish) await finish(trx, result);
    return result;
  });
}

async function pendingOf(deps: AgentDeps, trx: Executor, userId: string, id: string): Promise<CashInRow> {
  const row = await selectCashIn(trx, id, { forUpdate: true });
  if (!row || row.user_id !== userId) throw new DomainError('cash_in_not_found', { param: 'id' });
  if (row.status !== 'awaiting_user') throw new DomainError('cash_in_not_pending');
  if (row.expires_at.getTime() <= deps.clock.now().getTime()) {
    await finishCashIn(trx, row.id, 'expired', deps.clock.now());
    return { ...row, status: 'expired' };
  }
  return row;
}

/** The person confirms with their PIN (a wrong PIN counts toward their lockout and moves nothing). */
export async function confirmCashIn(deps: AgentDeps, userId: string, id: string, pin: string): Promise<CashInRow> {
  await deps.identity.verifyPin(deps.db, userId, pin);
  const policy = (await deps.policy.inForce()).policy;
  const result = await withTransaction(deps.db, async (trx) => {
    const row = await pendingOf(deps, trx, userId, id);
    if (row.status === 'expired') return row;
    const agent = (await selectAgent(trx, row.agent_id, { forUpdate: true }))!;
    return completeIn(deps, trx, agent, row, policy);
  });
  if (result.status === 'expired') throw new DomainError('cash_in_expired');
  return result;
}

export async function declineCashIn(deps: AgentDeps, userId: string, id: string): Promise<CashInRow> {
  const result = await withTransaction(deps.db, async (trx) => {
    const row = await pendingOf(deps, trx, userId, id);
    if (row.status === 'expired') return row;
    return (await finishCashIn(trx, row.id, 'declined', deps.clock.now()))!;
  });
  if (result.status === 'expired') throw new DomainError('cash_in_expired');
  return result;
}

/** Cash-ins still waiting for this person (lapsed ones are left out: confirming them would be refused). */
export async function pendingCashIns(deps: AgentDeps, userId: string): Promise<CashInRow[]> {
  const now = deps.clock.now().getTime();
  return (await selectPendingCashIns(deps.db, userId)).filter((row) => row.expires_at.getTime() > now);
}
