// Suspending an agent (admin or compliance: a shop under investigation, a complaint, an expired
// licence) and reactivating it. A suspended agent's counter is refused on every call
// (agent_suspended, in agentOfStaff) and the shop leaves GET /v1/agents/nearby, so nobody is sent
// there; its float and history stay as they are. Each change is one transaction: the agent row,
// the audit entry (who, why, before → after) and the SMS to the shop.
import { withTransaction } from '../db/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { DomainError } from '../shared/errors.ts';
import { selectAgent } from './agents.sql.ts';
import type { AgentDeps } from './deps.ts';
import type { AgentRow } from './tables.ts';
import './errors.ts';

export interface StatusChange {
  status: AgentRow['status'];
  reason: string;
  staffId: string;
  requestId: string | null;
}

export async function setAgentStatus(deps: AgentDeps, id: string, change: StatusChange): Promise<AgentRow> {
  const reason = change.reason.trim();
  if (reason.length < 3) throw new DomainError('agent_status_reason_required', { param: 'reason' });
  // Read outside the transaction: a policy refresh inside would wait on PGlite's one connection.
  const policy = (await deps.policy.inForce()).policy;
  return withTransaction(deps.db, async (trx) => {
    const agent = await selectAgent(trx, id, { forUpdate: true });
    if (!agent) throw new DomainError('agent_not_found', { param: 'id' });
    if (agent.status === change.status) throw new DomainError(change.status === 'suspended' ? 'agent_already_suspended' : 'agent_not_suspended');
    const now = deps.clock.now();
    const updated = (await trx
      .updateTable('agents')
      .set({ status: change.status, status_reason: reason, status_changed_at: now, status_changed_by: `staff:${change.staffId}` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()) as AgentRow;
    await deps.identity.recordAudit(trx, {
      actor: { kind: 'staff', id: change.staffId },
      action: change.status === 'suspended' ? 'agent.suspended' : 'agent.reactivated',
      target: { kind: 'agent', id },
      reason,
      before: { status: agent.status },
      after: { status: change.status },
      requestId: change.requestId,
    });
    const template = change.status === 'suspended' ? 'agent.suspended' : 'agent.reactivated';
    await enqueue(trx, deps.clock, {
      channel: 'sms', recipient: agent.phone, template, lang: 'ko',
      body: renderSms(template, 'ko', {}, { timeZone: policy.time_zone }),
      payload: { agent: id, status: change.status },
      dedupeKey: `agent:${id}:status:${change.status}:${now.toISOString()}`,
    });
    return updated;
  });
}
