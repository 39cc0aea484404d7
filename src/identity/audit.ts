// The append-only audit log: who did what to whom, when, with the state before and after. The
// database refuses UPDATE and DELETE (migration 0014); this file only inserts and reads.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { ActorKind } from './tables.ts';

export interface AuditActor {
  kind: ActorKind;
  id?: string;
}

export interface AuditEntryInput {
  actor: AuditActor;
  /** Dotted verb, e.g. "user.frozen", "partner.key_created". */
  action: string;
  target?: { kind: string; id: string };
  reason?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  requestId?: string | null;
}

export interface AuditEntry {
  id: string;
  at: Date;
  actorKind: ActorKind;
  actorId: string | null;
  action: string;
  targetKind: string | null;
  targetId: string | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

function jsonb(value: Record<string, unknown> | null | undefined) {
  return value ? sql<unknown>`${JSON.stringify(value)}::jsonb` : null;
}

export async function recordAudit(executor: Executor, clock: Clock, entry: AuditEntryInput): Promise<string> {
  const id = newId('aud');
  await executor
    .insertInto('audit_log')
    .values({
      id,
      at: clock.now(),
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id ?? null,
      action: entry.action,
      target_kind: entry.target?.kind ?? null,
      target_id: entry.target?.id ?? null,
      reason: entry.reason ?? null,
      before: jsonb(entry.before),
      after: jsonb(entry.after),
      request_id: entry.requestId ?? null,
    })
    .execute();
  return id;
}

export interface AuditFilter {
  actorId?: string;
  targetId?: string;
  action?: string;
  /** Page size, 1–100. */
  limit: number;
  /** Newest first: the id of the last entry of the previous page. */
  startingAfter?: string;
}

export async function listAudit(executor: Executor, filter: AuditFilter): Promise<{ data: AuditEntry[]; hasMore: boolean }> {
  let query = executor.selectFrom('audit_log').selectAll();
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.startingAfter) query = query.where('id', '<', filter.startingAfter);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit + 1).execute();
  return {
    hasMore: rows.length > filter.limit,
    data: rows.slice(0, filter.limit).map((row) => ({
      id: row.id,
      at: row.at,
      actorKind: row.actor_kind,
      actorId: row.actor_id,
      action: row.action,
      targetKind: row.target_kind,
      targetId: row.target_id,
      reason: row.reason,
      before: (row.before as Record<string, unknown> | null) ?? null,
      after: (row.after as Record<string, unknown> | null) ?? null,
      requestId: row.request_id,
    })),
  };
}
