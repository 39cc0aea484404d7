// All SQL of the agents module. Functions take the executor (db or transaction) first.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { AgentRow, AgentTransactionRow, CashInRow, RebalanceRow } from './tables.ts';

export async function insertAgent(executor: Executor, row: AgentRow): Promise<void> {
  await executor.insertInto('agents').values({ ...row, opening_hours: JSON.stringify(row.opening_hours) }).execute();
}

export async function selectAgent(executor: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<AgentRow | undefined> {
  let query = executor.selectFrom('agents').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return (await query.executeTakeFirst()) as AgentRow | undefined;
}

export async function selectAgentByStaff(executor: Executor, staffId: string): Promise<AgentRow | undefined> {
  return (await executor.selectFrom('agents').selectAll().where('staff_id', '=', staffId).executeTakeFirst()) as AgentRow | undefined;
}

export async function selectAgentsIn(executor: Executor, box: { latMin: number; latMax: number; lngMin: number; lngMax: number }, limit: number): Promise<AgentRow[]> {
  return (await executor
    .selectFrom('agents')
    .selectAll()
    .where('status', '=', 'active')
    .where('lat', '>=', box.latMin)
    .where('lat', '<=', box.latMax)
    .where('lng', '>=', box.lngMin)
    .where('lng', '<=', box.lngMax)
    .limit(limit)
    .execute()) as AgentRow[];
}

export async function listAgents(executor: Executor, limit: number): Promise<AgentRow[]> {
  return (await executor.selectFrom('agents').selectAll().orderBy('created_at', 'desc').limit(limit).execute()) as AgentRow[];
}

export async function adjustCash(executor: Executor, agentId: string, delta: bigint): Promise<void> {
  // Cash on hand is an estimate (the shop may hold more than we know): it never goes below zero.
  await sql`UPDATE agents SET cash_on_hand = GREATEST(cash_on_hand + ${delta}::bigint, 0) WHERE id = ${agentId}`.execute(executor);
}

export async function setLowFloatAlerted(executor: Executor, agentId: string, at: Date | null): Promise<void> {
  await executor.updateTable('agents').set({ low_float_alerted_at: at }).where('id', '=', agentId).execute();
}

export async function insertAgentTransaction(executor: Executor, row: AgentTransactionRow): Promise<void> {
  await executor.insertInto('agent_transactions').values(row).execute();
}

export async function selectAgentTransactions(executor: Executor, agentId: string, from: Date, to: Date): Promise<AgentTransactionRow[]> {
  return executor.selectFrom('agent_transactions').selectAll().where('agent_id', '=', agentId).where('at', '>=', from).where('at', '<', to).orderBy('at').orderBy('id').execute();
}

export async function insertCashIn(executor: Executor, row: CashInRow): Promise<CashInRow | undefined> {
  return executor.insertInto('agent_cash_ins').values(row).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
}

export async function selectCashIn(executor: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<CashInRow | undefined> {
  let query = executor.selectFrom('agent_cash_ins').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function selectCashInByKey(executor: Executor, agentId: string, key: string): Promise<CashInRow | undefined> {
  return executor.selectFrom('agent_cash_ins').selectAll().where('agent_id', '=', agentId).where('idempotency_key', '=', key).executeTakeFirst();
}

export async function finishCashIn(executor: Executor, id: string, status: CashInRow['status'], at: Date): Promise<CashInRow | undefined> {
  return executor.updateTable('agent_cash_ins').set({ status, finished_at: at }).where('id', '=', id).where('status', '=', 'awaiting_user').returningAll().executeTakeFirst();
}

export async function selectPendingCashIns(executor: Executor, userId: string): Promise<CashInRow[]> {
  return executor.selectFrom('agent_cash_ins').selectAll().where('user_id', '=', userId).where('status', '=', 'awaiting_user').orderBy('created_at', 'desc').limit(20).execute();
}

export async function insertRebalance(executor: Executor, row: RebalanceRow): Promise<void> {
  await executor.insertInto('agent_rebalances').values(row).execute();
}

export async function selectRebalance(executor: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<RebalanceRow | undefined> {
  let query = executor.selectFrom('agent_rebalances').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listRebalances(executor: Executor, filter: { agentId?: string; status?: RebalanceRow['status'] }, limit: number): Promise<RebalanceRow[]> {
  let query = executor.selectFrom('agent_rebalances').selectAll();
  if (filter.agentId) query = query.where('agent_id', '=', filter.agentId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.orderBy('created_at', 'desc').limit(limit).execute();
}

export async function decideRebalance(executor: Executor, id: string, decision: { status: 'approved' | 'rejected'; by: string; at: Date; note: string | null; bankReference: string | null }): Promise<RebalanceRow | undefined> {
  return executor
    .updateTable('agent_rebalances')
    .set({ status: decision.status, decided_by: decision.by, decided_at: decision.at, note: decision.note, bank_reference: decision.bankReference })
    .where('id', '=', id)
    .where('status', '=', 'requested')
    .returningAll()
    .executeTakeFirst();
}


/** The top-up a bank deposit already paid for, if any. */
export async function selectTopUpByDeposit(executor: Executor, bankReference: string): Promise<RebalanceRow | undefined> {
  return executor.selectFrom('agent_rebalances').selectAll().where('direction', '=', 'top_up').where('status', '=', 'approved').where('bank_reference', '=', bankReference).executeTakeFirst();
}

/** Approved withdrawals not yet handed to the bank, oldest first. */
export async function selectUnsubmittedWithdrawals(executor: Executor, limit: number): Promise<RebalanceRow[]> {
  return executor.selectFrom('agent_rebalances').selectAll().where('direction', '=', 'withdrawal').where('status', '=', 'approved').where('batch_id', 'is', null)
    .orderBy('decided_at').orderBy('id').limit(limit).execute();
}

export async function setRebalanceBatch(executor: Executor, ids: readonly string[], batchId: string): Promise<void> {
  if (ids.length === 0) return;
  await executor.updateTable('agent_rebalances').set({ batch_id: batchId }).where('id', 'in', [...ids]).where('batch_id', 'is', null).execute();
}

/** Moves a withdrawal out of one of `from` (the bank's answer); undefined when it was not in one of them. */
export async function moveRebalance(
  executor: Executor,
  id: string,
  from: readonly RebalanceRow['status'][],
  set: { status: RebalanceRow['status']; resolved_at: Date; reason_code?: string | null; reason_text?: string | null },
): Promise<RebalanceRow | undefined> {
  return executor.updateTable('agent_rebalances').set(set).where('id', '=', id).where('status', 'in', [...from]).returningAll().executeTakeFirst();
}
