// AgentService: what the routes, the composition root and the demo use (ctx.services.agents).
import type { Executor } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import { confirmCashIn, declineCashIn, pendingCashIns, startCashIn } from './cash-in.ts';
import type { AgentDeps } from './deps.ts';
import { approveTopUp, listRebalanceRequests, rejectRebalance, requestRebalance } from './liquidity.ts';
import { applyRebalanceAnswers, approveWithdrawal, markRebalanceReturned, REBALANCE_REF_PREFIX, submitWithdrawals, type AppliedRebalanceAnswers } from './rebalance-bank.ts';
import { setAgentStatus } from './suspension.ts';
import type { BankAccountView } from '../identity/index.ts';
import type { ItemResult } from '../rails/index.ts';
import { agentBalances, agentBankAccount, agentOfStaff, getAgent, listAllAgents, nearbyAgents, registerAgent, setAgentBankAccount, type AgentBalances, type NearbyAgent, type NewAgent } from './registry.ts';
import { agentStatement, type AgentStatement } from './statement.ts';
import type { AgentRow, CashInRow, RebalanceRow } from './tables.ts';
import { redeemWithdrawal, type AgentWithdrawal } from './withdrawals.ts';
import './errors.ts';

declare module '../api/context.ts' {
  interface AppServices {
    agents: AgentService;
  }
}

export class AgentService {
  constructor(readonly deps: AgentDeps) {}

  register(input: NewAgent): Promise<AgentRow> {
    return registerAgent(this.deps, input);
  }

  get(id: string): Promise<AgentRow> {
    return getAgent(this.deps, id);
  }

  list(limit: number): Promise<AgentRow[]> {
    return listAllAgents(this.deps, limit);
  }

  ofStaff(staffId: string): Promise<AgentRow> {
    return agentOfStaff(this.deps, staffId);
  }

  balances(agent: AgentRow): Promise<AgentBalances> {
    return agentBalances(this.deps, agent);
  }

  nearby(point: { lat: number; lng: number }, options: { amount: Micros | null; radius_m: number; limit: number }): Promise<NearbyAgent[]> {
    return nearbyAgents(this.deps, point, options);
  }

  redeemWithdrawal(agent: AgentRow, input: { code: string; amount: Micros }, finish?: (trx: Executor, result: AgentWithdrawal) => Promise<void>): Promise<AgentWithdrawal> {
    return redeemWithdrawal(this.deps, agent, input, finish);
  }

  startCashIn(agent: AgentRow, input: { phone: string; amount: Micros; idempotencyKey: string }, finish?: (trx: Executor, row: CashInRow) => Promise<void>): Promise<CashInRow> {
    return startCashIn(this.deps, agent, input, finish);
  }

  confirmCashIn(userId: string, id: string, pin: string): Promise<CashInRow> {
    return confirmCashIn(this.deps, userId, id, pin);
  }

  declineCashIn(userId: string, id: string): Promise<CashInRow> {
    return declineCashIn(this.deps, userId, id);
  }

  pendingCashIns(userId: string): Promise<CashInRow[]> {
    return pendingCashIns(this.deps, userId);
  }

  requestRebalance(agent: AgentRow, input: { direction: RebalanceRow['direction']; amount: Micros; requestedBy: string; note: string | null }): Promise<RebalanceRow> {
    return requestRebalance(this.deps, agent, input);
  }

  listRebalances(filter: { agentId?: string; status?: RebalanceRow['status'] }, limit: number): Promise<RebalanceRow[]> {
    return listRebalanceRequests(this.deps, filter, limit);
  }

  /**
   * Finance approves. A top-up is booked against the bank's stated deposit (`deposit`, its bank
   * reference); a withdrawal reserves the float and is handed to the bank rail at once (a failed
   * hand-over is retried by submitWithdrawals, the job).
   */
  async approveRebalance(id: string, decision: { by: string; deposit: string | null; note: string | null }): Promise<RebalanceRow> {
    const request = await this.deps.db.selectFrom('agent_rebalances').select(['direction']).where('id', '=', id).executeTakeFirst();
    if (!request) throw new DomainError('rebalance_not_found', { param: 'id' });
    if (request.direction === 'top_up') return approveTopUp(this.deps, id, decision);
    const approved = await approveWithdrawal(this.deps, id, decision);
    await this.submitWithdrawals().catch((error: unknown) => this.deps.logger.error({ err: error, rebalance: id }, 'float withdrawal not handed to the bank yet; the job retries'));
    return (await this.deps.db.selectFrom('agent_rebalances').selectAll().where('id', '=', id).executeTakeFirst()) ?? approved;
  }

  /** Approved float withdrawals not yet with the bank go out in one pain.001 batch (a job; tests call it). */
  submitWithdrawals(): Promise<{ submitted: number; batchId: string | null; results: ItemResult[] }> {
    return submitWithdrawals(this.deps);
  }

  /** The bank's answers for float withdrawals (`rbl_…`): cash-out's bank ingest hands them here (its PayoutOwner port). */
  readonly rebalanceAnswers = {
    prefix: REBALANCE_REF_PREFIX,
    applyRailResults: (results: readonly ItemResult[], actor: string): Promise<AppliedRebalanceAnswers> => applyRebalanceAnswers(this.deps, results, actor),
  };

  /** Reconciliation found a float withdrawal's return on a bank statement. */
  markRebalanceReturned(ref: string, reason: { code: string; text?: string }, actor = 'system:reconciliation'): Promise<'returned' | 'already_returned'> {
    return markRebalanceReturned(this.deps, ref, reason, actor);
  }

  /** Staff suspend (status suspended) or reactivate (active) an agent, with a reason: audited, the shop told by SMS. */
  setStatus(id: string, change: { status: AgentRow['status']; reason: string; staffId: string; requestId: string | null }): Promise<AgentRow> {
    return setAgentStatus(this.deps, id, change);
  }

  setBankAccount(id: string, input: { bankAccountId: string; staffId: string; requestId: string | null }): Promise<AgentRow> {
    return setAgentBankAccount(this.deps, id, input);
  }

  bankAccount(agent: AgentRow): Promise<BankAccountView | null> {
    return agentBankAccount(this.deps, agent);
  }

  rejectRebalance(id: string, decision: { by: string; note: string | null }): Promise<RebalanceRow> {
    return rejectRebalance(this.deps, id, decision);
  }

  statement(agent: AgentRow, date: string): Promise<AgentStatement> {
    return agentStatement(this.deps, agent, date);
  }

  async ownCashIn(agent: AgentRow, id: string): Promise<CashInRow> {
    const row = await this.deps.db.selectFrom('agent_cash_ins').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.agent_id !== agent.id) throw new DomainError('cash_in_not_found', { param: 'id' });
    return row;
  }
}
