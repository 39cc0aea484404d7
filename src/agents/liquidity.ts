// An agent's liquidity: the float (e-money) and the cash in the drawer move in opposite
// directions — a cash-out fills the float and empties the drawer, a cash-in the reverse. Below
// the policy's low_alert the agent is told (once, until the float recovers) and may ask for
// rebalancing: a top-up (cash paid into the operator's safeguarding account → float) or a
// withdrawal (float → paid to the agent's bank account through the bank rail, rebalance-bank.ts).
//
// A top-up is approved against the deposit the bank stated, never against a reference typed by
// staff. Float is e-money: issuing it before the cash is in the safeguarding account would issue
// unbacked e-money, and a typed reference cannot be checked. So finance names the deposit by the
// bank's reference from a reconciled camt.053 (reconciliation lists it as an unmatched_bank
// deposit with a finance task); the approval checks that it exists, is the amount asked and has
// not topped up anything else (a unique index holds that under concurrency), books it
// bank_deposits → float and closes the deposit's task. We do not book top-ups from the statement
// automatically: a deposit carries no reference of ours (the agent writes what they like on the
// bank slip), so matching by amount alone could credit the wrong shop — a person decides, the
// system checks.
import type { Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import { TransferFlags, type TransferId } from '../ledger/index.ts';
import { toWire, type Micros } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, newId } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import { adjustCash, decideRebalance, insertAgentTransaction, insertRebalance, listRebalances, selectAgent, selectRebalance, selectTopUpByDeposit, setLowFloatAlerted } from './agents.sql.ts';
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
  // A withdrawal needs somewhere to go: refused now rather than at finance's desk.
  if (input.direction === 'withdrawal' && !agent.bank_account_id) throw new DomainError('agent_bank_account_missing');
  const row: RebalanceRow = {
    id: newId('rbl'), agent_id: agent.id, direction: input.direction, amount: input.amount, currency: agent.currency, status: 'requested',
    requested_by: input.requestedBy, decided_by: null, note: input.note, bank_reference: null, created_at: deps.clock.now(), decided_at: null,
    batch_id: null, reason_code: null, reason_text: null, resolved_at: null,
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

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** Finance approves a top-up against the bank's deposit (its reference on a reconciled statement): bank_deposits → float. */
export async function approveTopUp(deps: AgentDeps, id: string, decision: { by: string; deposit: string | null; note: string | null }): Promise<RebalanceRow> {
  if (!decision.deposit) throw new DomainError('deposit_required', { param: 'deposit' });
  const reference = decision.deposit;
  await deps.policy.inForce(); // read before the transaction (checkFloat reads it inside)
  try {
    return await withTransaction(deps.db, async (trx) => {
      const request = await selectRebalance(trx, id, { forUpdate: true });
      if (!request) throw new DomainError('rebalance_not_found', { param: 'id' });
      if (request.status !== 'requested') throw new DomainError('rebalance_already_decided');
      const deposit = deps.deposits ? await deps.deposits.findDeposit(trx, reference) : null;
      if (!deposit) throw new DomainError('deposit_not_found', { param: 'deposit' });
      if (deposit.currency !== request.currency || deposit.amount !== request.amount) {
        throw new DomainError('deposit_amount_mismatch', { param: 'deposit', data: { deposit: toWire({ amount: deposit.amount, currency: request.currency }), requested: toWire({ amount: request.amount, currency: request.currency }) } });
      }
      if (await selectTopUpByDeposit(trx, deposit.bankReference)) throw new DomainError('deposit_already_used', { param: 'deposit' });
      const agent = (await selectAgent(trx, request.agent_id, { forUpdate: true }))!;
      const [result] = await deps.ledger.createTransfersIn(trx, [{
        id: rebalanceTransferId(request.id),
        debit_account_id: systemAccountId('bank_deposits', agent.currency), credit_account_id: agent.float_account,
        amount: request.amount, currency: agent.currency, code: TRANSFER_CODES.agent_rebalance, flags: TransferFlags.none,
        metadata: { agent: agent.id, rebalance: request.id, direction: 'top_up', deposit: deposit.bankReference, statement_run: deposit.runId },
      }]);
      if (result !== 'ok' && result !== 'exists') throw new Error(`rebalance ${request.id}: ledger said ${result}`);
      const now = deps.clock.now();
      const decided = await decideRebalance(trx, request.id, { status: 'approved', by: decision.by, at: now, note: decision.note ?? request.note, bankReference: deposit.bankReference });
      await insertAgentTransaction(trx, {
        id: newId('txf'), agent_id: agent.id, kind: 'top_up', float_delta: request.amount, commission: 0n as Micros, currency: agent.currency,
        user_id: null, reference: request.id, receipt: deposit.bankReference, at: now,
      });
      // A top-up is the drawer's cash paid into the bank: it leaves the shop.
      await adjustCash(trx, agent.id, -request.amount);
      await deps.deposits!.resolveDepositTask(trx, deposit.bankReference, decision.by, `agent float top-up ${request.id} (${agent.id})`);
      await checkFloat(deps, trx, agent);
      return decided!;
    });
  } catch (error) {
    // Two approvals naming the same deposit at once: the index lets one through.
    if (isUniqueViolation(error)) throw new DomainError('deposit_already_used', { param: 'deposit' });
    throw error;
  }
}

export async function rejectRebalance(deps: AgentDeps, id: string, decision: { by: string; note: string | null }): Promise<RebalanceRow> {
  return withTransaction(deps.db, async (trx) => {
    const request = await selectRebalance(trx, id, { forUpdate: true });
    if (!request) throw new DomainError('rebalance_not_found', { param: 'id' });
    if (request.status !== 'requested') throw new DomainError('rebalance_already_decided');
    return (await decideRebalance(trx, id, { status: 'rejected', by: decision.by, at: deps.clock.now(), note: decision.note, bankReference: null }))!;
  });
}
