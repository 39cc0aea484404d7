// All SQL of USSD sessions (migration 0090). No column ever holds the gateway's `text`.
import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Lang } from '../shared/errors.ts';

export type FlowValue = string | number | boolean | null | number[] | string[];
export type FlowData = Record<string, FlowValue>;

export interface Frame {
  node: string;
  page: number;
}

export type SessionStatus = 'open' | 'ended' | 'timed_out';

interface UssdSessionsTable {
  id: string;
  phone: string;
  service_code: string;
  network_code: string | null;
  user_id: string | null;
  lang: Lang | null;
  node: string;
  stack: Frame[];
  data: FlowData;
  consumed_chars: number;
  steps: number;
  last_reply: string;
  status: SessionStatus;
  started_at: Date;
  last_seen_at: Date;
  ended_at: Date | null;
}

declare module '../db/schema.ts' {
  interface DB {
    ussd_sessions: UssdSessionsTable;
  }
}

export type SessionRow = Selectable<UssdSessionsTable>;

function jsonb<T>(value: T) {
  return sql<T>`${JSON.stringify(value)}::jsonb`;
}

export async function selectSession(executor: Executor, id: string): Promise<SessionRow | undefined> {
  return executor.selectFrom('ussd_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts a new session; undefined when another request created it first. */
export async function insertSession(executor: Executor, row: SessionRow): Promise<SessionRow | undefined> {
  return executor
    .insertInto('ussd_sessions')
    .values({ ...row, stack: jsonb(row.stack), data: jsonb(row.data) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * Saves a turn if nobody saved one since it was read (the same `consumed_chars` and `steps`);
 * false when a concurrent request for the same session won.
 */
export async function saveSession(executor: Executor, row: SessionRow, expected: { consumed_chars: number; steps: number }): Promise<boolean> {
  const result = await executor
    .updateTable('ussd_sessions')
    .set({
      user_id: row.user_id,
      lang: row.lang,
      node: row.node,
      stack: jsonb(row.stack),
      data: jsonb(row.data),
      consumed_chars: row.consumed_chars,
      steps: row.steps,
      last_reply: row.last_reply,
      status: row.status,
      last_seen_at: row.last_seen_at,
      ended_at: row.ended_at,
    })
    .where('id', '=', row.id)
    .where('consumed_chars', '=', expected.consumed_chars)
    .where('steps', '=', expected.steps)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks open sessions idle since before `before` as timed out; returns how many. */
export async function expireIdleSessions(executor: Executor, before: Date, now: Date): Promise<number> {
  const result = await executor
    .updateTable('ussd_sessions')
    .set({ status: 'timed_out', ended_at: now })
    .where('status', '=', 'open')
    .where('last_seen_at', '<', before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Forgets sessions that ended before `before` (their last screen may show a balance). */
export async function deleteEndedSessions(executor: Executor, before: Date): Promise<number> {
  const result = await executor.deleteFrom('ussd_sessions').where('status', '!=', 'open').where('last_seen_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
