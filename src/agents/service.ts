// AgentService: what the routes, the composition root and the demo use (ctx.services.agents).
import type { Executor } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import { confirmCashIn, declineCashIn, pendingCashIns, startCashIn } from './cash-in.ts';
import type { AgentDeps } from './deps.ts';
import { approveRebalance, listRebalanceRequests, rejectRebalance, requestRebalance } from './liquidity.ts';
import { agentBalances, agentOfStaff, getAgent, listAllAgents, nearbyAgents, registerAgent, type AgentBalances, type NearbyAgent, type NewAgent } from './registry.ts';
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

  approveRebalance(id: string, decision: { by: string; bankReference: string; note: string | null }): Promise<RebalanceRow> {
    return approveRebalance(this.deps, id, decision);
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
