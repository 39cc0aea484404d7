// SQL of self-set limits (migration 0025). Functions take the executor first.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';
import type { LimitKind } from '../policy/index.ts';

export type LimitPeriodName = 'daily' | 'monthly';

declare module '../db/schema.ts' {
  interface DB {
    self_limit_changes: {
      id: string;
      user_id: string;
      kind: LimitKind;
      period: LimitPeriodName;
      currency: string;
      cap: bigint | null;
      previous_cap: bigint | null;
      raising: boolean;
      requested_at: Date;
      effective_at: Date;
      superseded_at: Date | null;
      notified_at: Date | null;
    };
  }
}

export interface SelfLimitChangeRow {
  id: string;
  user_id: string;
  kind: LimitKind;
  period: LimitPeriodName;
  currency: CurrencyCode;
  cap: Micros | null;
  previous_cap: Micros | null;
  raising: boolean;
  requested_at: Date;
  effective_at: Date;
  superseded_at: Date | null;
  notified_at: Date | null;
}

const COLUMNS = sql.raw('id, user_id, kind, period, currency, cap, previous_cap, raising, requested_at, effective_at, superseded_at, notified_at');

export async function insertSelfLimitChange(executor: Executor, row: SelfLimitChangeRow): Promise<void> {
  await sql`
    INSERT INTO self_limit_changes (${COLUMNS})
    VALUES (${row.id}, ${row.user_id}, ${row.kind}, ${row.period}, ${row.currency}, ${row.cap}, ${row.previous_cap}, ${row.raising},
            ${row.requested_at}, ${row.effective_at}, ${row.superseded_at}, ${row.notified_at})`.execute(executor);
}

/** Per (kind, period): the change in force at `at` (the latest to take effect by then). */
export async function selectEffectiveChanges(executor: Executor, userId: string, at: Date): Promise<SelfLimitChangeRow[]> {
  const { rows } = await sql<SelfLimitChangeRow>`
    SELECT DISTINCT ON (kind, period) ${COLUMNS}
    FROM self_limit_changes
    WHERE user_id = ${userId} AND superseded_at IS NULL AND effective_at <= ${at}
    ORDER BY kind, period, effective_at DESC, requested_at DESC`.execute(executor);
  return rows;
}

/** Changes waiting for their cooling-off to end (at most one per kind and period). */
export async function selectWaitingChanges(executor: Executor, userId: string, at: Date): Promise<SelfLimitChangeRow[]> {
  const { rows } = await sql<SelfLimitChangeRow>`
    SELECT ${COLUMNS} FROM self_limit_changes
    WHERE user_id = ${userId} AND superseded_at IS NULL AND effective_at > ${at}
    ORDER BY kind, period`.execute(executor);
  return rows;
}

/** A new change of a cap cancels the one still waiting for it. */
export async function supersedeWaitingChange(executor: Executor, userId: string, kind: LimitKind, period: LimitPeriodName, at: Date): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    UPDATE self_limit_changes SET superseded_at = ${at}
    WHERE user_id = ${userId} AND kind = ${kind} AND period = ${period} AND superseded_at IS NULL AND effective_at > ${at}
    RETURNING id`.execute(executor);
  return rows.length;
}

/** Newest first; `before` is the requested_at/id of the last row of the previous page. */
export async function selectSelfLimitHistory(
  executor: Executor,
  userId: string,
  limit: number,
  before: { requested_at: Date; id: string } | null,
): Promise<SelfLimitChangeRow[]> {
  const cursor = before ? sql`AND (requested_at, id) < (${before.requested_at}, ${before.id}::uuid)` : sql``;
  const { rows } = await sql<SelfLimitChangeRow>`
    SELECT ${COLUMNS} FROM self_limit_changes WHERE user_id = ${userId} ${cursor}
    ORDER BY requested_at DESC, id DESC LIMIT ${limit}`.execute(executor);
  return rows;
}

export async function selectSelfLimitChange(executor: Executor, userId: string, id: string): Promise<SelfLimitChangeRow | undefined> {
  const { rows } = await sql<SelfLimitChangeRow>`
    SELECT ${COLUMNS} FROM self_limit_changes WHERE user_id = ${userId} AND id = ${id}::uuid`.execute(executor);
  return rows[0];
}

/** Raises whose cooling-off has ended and whose owner was not told yet; locked for this job run. */
export async function selectDueRaises(executor: Executor, now: Date, limit: number): Promise<SelfLimitChangeRow[]> {
  const { rows } = await sql<SelfLimitChangeRow>`
    SELECT ${COLUMNS} FROM self_limit_changes
    WHERE raising AND notified_at IS NULL AND superseded_at IS NULL AND effective_at <= ${now}
    ORDER BY effective_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(executor);
  return rows;
}

export async function markNotified(executor: Executor, id: string, at: Date): Promise<void> {
  await sql`UPDATE self_limit_changes SET notified_at = ${at} WHERE id = ${id}`.execute(executor);
}
