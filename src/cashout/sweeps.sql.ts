// SQL of auto-sweep rules. Functions take the executor first.
import type { Executor } from '../db/index.ts';
import type { AutoSweepRow } from './tables.ts';

export async function upsertSweep(executor: Executor, row: AutoSweepRow): Promise<AutoSweepRow> {
  return executor
    .insertInto('cashout_auto_sweeps')
    .values(row)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        wallet_id: row.wallet_id,
        threshold: row.threshold,
        destination_id: row.destination_id,
        channel: row.channel,
        active: true,
        updated_at: row.updated_at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function selectSweep(executor: Executor, userId: string, options: { forUpdate?: boolean } = {}): Promise<AutoSweepRow | undefined> {
  let query = executor.selectFrom('cashout_auto_sweeps').selectAll().where('user_id', '=', userId);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function deactivateSweep(executor: Executor, userId: string, now: Date): Promise<AutoSweepRow | undefined> {
  return executor
    .updateTable('cashout_auto_sweeps')
    .set({ active: false, updated_at: now })
    .where('user_id', '=', userId)
    .where('active', '=', true)
    .returningAll()
    .executeTakeFirst();
}

export async function recordSweep(executor: Executor, userId: string, at: Date, cashoutId: string | null, outcome: string): Promise<void> {
  await executor
    .updateTable('cashout_auto_sweeps')
    .set({ last_swept_at: at, last_cashout_id: cashoutId, last_outcome: outcome.slice(0, 200) })
    .where('user_id', '=', userId)
    .execute();
}

/** Active rules, in pages by user id (the periodic evaluation). */
export async function selectActiveSweeps(executor: Executor, afterUserId: string | null, limit: number): Promise<AutoSweepRow[]> {
  let query = executor.selectFrom('cashout_auto_sweeps').selectAll().where('active', '=', true).orderBy('user_id').limit(limit);
  if (afterUserId) query = query.where('user_id', '>', afterUserId);
  return query.execute();
}

/** A removed destination takes its auto-sweep rule with it. */
export async function deactivateSweepsUsing(executor: Executor, userId: string, destinationId: string, now: Date): Promise<void> {
  await executor
    .updateTable('cashout_auto_sweeps')
    .set({ active: false, updated_at: now })
    .where('user_id', '=', userId)
    .where('destination_id', '=', destinationId)
    .where('active', '=', true)
    .execute();
}
