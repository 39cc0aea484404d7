// SQL of saved payout destinations. Functions take the executor first.
import type { Executor } from '../db/index.ts';
import type { DestinationRow } from './tables.ts';

export async function insertDestination(executor: Executor, row: DestinationRow): Promise<DestinationRow | undefined> {
  return executor.insertInto('cashout_destinations').values(row).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
}

export async function selectDestination(executor: Executor, id: string): Promise<DestinationRow | undefined> {
  return executor.selectFrom('cashout_destinations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function selectDestinations(executor: Executor, ids: readonly string[]): Promise<DestinationRow[]> {
  if (ids.length === 0) return [];
  return executor.selectFrom('cashout_destinations').selectAll().where('id', 'in', [...ids]).execute();
}

export async function selectActiveDestinations(executor: Executor, userId: string): Promise<DestinationRow[]> {
  return executor
    .selectFrom('cashout_destinations')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    // The implicit cash destinations (agent, atm) are not accounts a person saves or lists.
    .where('kind', 'in', ['bank', 'wallet'])
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
}

export async function removeDestination(executor: Executor, userId: string, id: string, now: Date): Promise<DestinationRow | undefined> {
  return executor
    .updateTable('cashout_destinations')
    .set({ status: 'removed', removed_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .returningAll()
    .executeTakeFirst();
}

/** The first settled payout proves the destination; later payouts need no OTP for being first. */
export async function markFirstPayouts(executor: Executor, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await executor
    .updateTable('cashout_destinations')
    .set({ first_payout_at: at })
    .where('id', 'in', [...new Set(ids)])
    .where('first_payout_at', 'is', null)
    .execute();
}
