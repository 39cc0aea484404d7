// An agent's liquidity: the float (e-money) and the cash in the drawer move in opposite
// directions — a cash-out fills the float and empties the drawer, a cash-in the reverse. Below
// the policy's low_alert the agent is told (once, until the float recovers) and may ask for
// rebalancing: a top-up (cash paid into the operator's safeguarding account → float) or a
// withdrawal (float → paid to the agent's bank account). Finance approves; the approval records
// the bank movement against bank_deposits in the ledger, so the books stay balanced.
import type { Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import { TransferFlags, type TransferId } from '../ledger/index.ts';
import { toWire, type Micros } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, newId } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import { adjustCash, decideRebalance, insertAgentTransaction, insertRebalance, listRebalances, selectAgent, selectRebalance, setLowFloatAlerted } from './agents.sql.ts';
import type { AgentDeps } from './deps.ts';
import type { AgentRow, RebalanceRow } from './tables.ts';
import './errors.ts';

/** After the float moved: alert once when it fell below low_alert; re-arm once it is above again. In the caller's transaction. */
export async function checkFloat(deps: AgentDeps, trx: Executor, agent: AgentRow): Promise<void> {
  const policy = (await deps.policy.inForce()).policy;
  const [float] = await deps.ledger.getBalances([agent.float_account], trx);
  const available = float!.available;
  if (available >= policy.agents.float.low_alert) {
    if (agent.low_float_alerted_at) await setLowFloatAlerted(trx, agent.id, null);
    return;
  }
  if (agent.low_float_alerted_at) return;
  const now = deps.clock.now();
  await enqueue(trx, deps.clock, {
    channel: 'sms', recipient: agent.phone, template: 'agent.float_low', lang: 'ko',
    body: renderSms('agent.float_low', 'ko', { float: { amount: available, currency: agent.currency } }, { timeZone: policy.time_zone }),
    payload: { agent: agent.id, float: toWire({ amount: available, currency: agent.currency }) },
    dedupeKey: `agent:${agent.id}:float_low:${now.toISOString()}`,
  });
  await setLowFloatAlerted(trx, agent.id, now);
}

export async function requestRebalance(deps: AgentDeps, agent: AgentRow, input: { direction: RebalanceRow['direction']; amount: Micros; requestedBy: string; note: string | null }): Promise<RebalanceRow> {
  if (input.amount <= 0n) throw new DomainError('invalid_amount', { param: 'amount' });
  const row: RebalanceRow = {
    id: newId('rbl'), agent_id: agent.id, direction: input.direction, amount: input.amount, currency: agent.currency, status: 'requested',
    requested_by: input.requestedBy, decided_by: null, note: input.note, bank_reference: null, created_at: deps.clock.now(), decided_at: null,
  };
  await withTransaction(deps.db, (trx) => insertRebalance(trx, row));
  return row;
}

export function listRebalanceRequests(deps: AgentDeps, filter: { agentId?: string; status?: RebalanceRow['status'] }, limit: number): Promise<RebalanceRow[]> {
  return listRebalances(deps.db, filter, limit);
}

export function rebalanceTransferId(id: string): TransferId {
  return derivedUuid(`smallchange:agent-rebalance:${id}`) as TransferId;
}

/** Finance approves: bank_deposits → float (top-up) or float → bank_deposits (withdrawal), with the bank's reference. */
export async function approveRebalance(deps: AgentDeps, id: string, decision: { by: string; bankReference: string; note: string | null }): Promise<RebalanceRow> {
  return withTransaction(deps.db, async (trx) => {
    const request = await selectRebalance(trx, id, { forUpdate: true });
    if (!request) throw new DomainError('rebalance_not_found', { param: 'id' });
    if (request.status !== 'requested') throw new DomainError('rebalance_already_decided');
    const agent = (await selectAgent(trx, request.agent_id, { forUpdate: true }))!;
    const bank = systemAccountId('bank_deposits', agent.currency);
    const topUp = request.direction === 'top_up';
    const [result] = await deps.ledger.createTransfersIn(trx, [{
      id: rebalanceTransferId(request.id),
      debit_account_id: topUp ? bank : agent.float_account,
      credit_account_id: topUp ? agent.float_account : bank,
      amount: request.amount, currency: agent.currency, code: TRANSFER_CODES.agent_rebalance, flags: TransferFlags.none,
      metadata: { agent: agent.id, rebalance: request.id, direction: request.direction, bank_reference: decision.bankReference },
    }]);
    if (result === 'exceeds_credits') throw new DomainError('agent_float_too_low', { param: 'amount' });
    if (result !== 'ok' && result !== 'exists') throw new Error(`rebalance ${request.id}: ledger said ${result}`);
    const now = deps.clock.now();
    const decided = await decideRebalance(trx, request.id, { status: 'approved', by: decision.by, at: now, note: decision.note ?? request.note, bankReference: decision.bankReference });
    await insertAgentTransaction(trx, {
      id: newId('txf'), agent_id: agent.id, kind: topUp ? 'top_up' : 'withdrawal', float_delta: (topUp ? request.amount : -request.amount) as Micros,
      commission: 0n as Micros, currency: agent.currency, user_id: null, reference: request.id, receipt: decision.bankReference, at: now,
    });
    // A top-up is the drawer's cash paid into the bank: it leaves the shop.
    if (topUp) await adjustCash(trx, agent.id, -request.amount);
    await checkFloat(deps, trx, agent);
    return decided!;
  });
}

export async function rejectRebalance(deps: AgentDeps, id: string, decision: { by: string; note: string | null }): Promise<RebalanceRow> {
  return withTransaction(deps.db, async (trx) => {
    const request = await selectRebalance(trx, id, { forUpdate: true });
    if (!request) throw new DomainError('rebalance_not_found', { param: 'id' });
    if (request.status !== 'requested') throw new DomainError('rebalance_already_decided');
    return (await decideRebalance(trx, id, { status: 'rejected', by: decision.by, at: deps.clock.now(), note: decision.note, bankReference: null }))!;
  });
}
