// The notifier's SQL over outbox_messages (the table is the outbox module's; notify is its reader).
// A claim is one autocommit UPDATE … FOR UPDATE SKIP LOCKED: no transaction stays open while a
// message is out on the network (on PGlite's single connection that would stall every query),
// and the claimed row is leased (status 'sending' until next_attempt_at) so a worker that dies
// mid-delivery leaves a row that another worker picks up once the lease ends.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'dead';

export interface OutboxRow {
  id: string;
  channel: 'sms' | 'webhook';
  recipient: string;
  template: string;
  lang: 'ko' | 'en';
  body: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const COLUMNS = sql.raw('id, channel, recipient, template, lang, body, status, attempts, next_attempt_at, last_error, created_at, sent_at');

/** Claims up to `limit` due rows (pending, or sending with an expired lease) and bumps attempts. */
export async function claimDueMessages(executor: Executor, now: Date, limit: number, lease_ms: number): Promise<OutboxRow[]> {
  const leaseUntil = new Date(now.getTime() + lease_ms);
  const result = await sql<OutboxRow>`
    UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1, next_attempt_at = ${leaseUntil}
    WHERE id IN (
      SELECT id FROM outbox_messages
      WHERE (status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'sending' AND next_attempt_at <= ${now})
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING ${COLUMNS}`.execute(executor);
  return result.rows.sort((a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime());
}

export type AttemptResult =
  | { status: 'sent'; at: Date }
  | { status: 'pending'; next_attempt_at: Date; error: string }
  | { status: 'failed' | 'dead'; error: string };

/**
 * Records the outcome of the attempt this worker claimed. The guard on status and attempts makes
 * a late writer (whose lease ran out and whose row was claimed again) change nothing.
 */
export async function recordAttempt(executor: Executor, id: string, claimedAttempts: number, result: AttemptResult): Promise<boolean> {
  const error = 'error' in result ? truncate(result.error, 500) : null;
  const sentAt = result.status === 'sent' ? result.at : null;
  const next = result.status === 'pending' ? result.next_attempt_at : null;
  const updated = await sql`
    UPDATE outbox_messages
    SET status = ${result.status}, last_error = ${error}, sent_at = COALESCE(${sentAt}::timestamptz, sent_at),
        next_attempt_at = COALESCE(${next}::timestamptz, next_attempt_at)
    WHERE id = ${id} AND status = 'sending' AND attempts = ${claimedAttempts}`.execute(executor);
  return (updated.numAffectedRows ?? 0n) > 0n;
}

export async function findMessage(executor: Executor, id: string): Promise<OutboxRow | null> {
  const result = await sql<OutboxRow>`SELECT ${COLUMNS} FROM outbox_messages WHERE id = ${id}`.execute(executor);
  return result.rows[0] ?? null;
}

/** Puts a message back in the queue with a fresh retry schedule (attempts restart at 0). */
export async function requeueMessage(executor: Executor, id: string, now: Date, note: string): Promise<OutboxRow | null> {
  const result = await sql<OutboxRow>`
    UPDATE outbox_messages SET status = 'pending', attempts = 0, next_attempt_at = ${now}, last_error = ${note}
    WHERE id = ${id} AND status <> 'sending'
    RETURNING ${COLUMNS}`.execute(executor);
  return result.rows[0] ?? null;
}

export interface SmsPageQuery {
  /** E.164; absent lists every recipient. */
  to?: string;
  limit: number;
  /** Id (uuid) of the last row of the previous page. */
  startingAfter?: string;
}

/** Newest first; ties on created_at broken by id so pages never skip or repeat a row. */
export async function listSmsMessages(executor: Executor, query: SmsPageQuery): Promise<{ rows: OutboxRow[]; hasMore: boolean }> {
  const to = query.to ?? null;
  const after = query.startingAfter ?? null;
  const result = await sql<OutboxRow>`
    SELECT ${COLUMNS} FROM outbox_messages
    WHERE channel = 'sms'
      AND (${to}::text IS NULL OR recipient = ${to})
      AND (${after}::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM outbox_messages WHERE id = ${after}::uuid))
    ORDER BY created_at DESC, id DESC
    LIMIT ${query.limit + 1}`.execute(executor);
  return { rows: result.rows.slice(0, query.limit), hasMore: result.rows.length > query.limit };
}

function truncate(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}
