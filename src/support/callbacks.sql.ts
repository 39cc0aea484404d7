// All SQL of call-back requests.
import type { Selectable } from 'kysely';
import type { Executor } from '../db/index.ts';

export type CallbackTopic = 'cashout' | 'transaction' | 'account' | 'fraud' | 'other';
export type CallbackChannel = 'ussd' | 'app' | 'web';
export type CallbackStatus = 'open' | 'closed';

interface CallbackRequestsTable {
  id: string;
  user_id: string;
  phone: string;
  topic: CallbackTopic;
  channel: CallbackChannel;
  lang: 'ko' | 'en';
  status: CallbackStatus;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
  outcome: string | null;
}

declare module '../db/schema.ts' {
  interface DB {
    callback_requests: CallbackRequestsTable;
  }
}

export type CallbackRow = Selectable<CallbackRequestsTable>;

export async function selectOpenRequest(executor: Executor, userId: string, options: { forUpdate?: boolean } = {}): Promise<CallbackRow | undefined> {
  let query = executor.selectFrom('callback_requests').selectAll().where('user_id', '=', userId).where('status', '=', 'open');
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function selectRequest(executor: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<CallbackRow | undefined> {
  let query = executor.selectFrom('callback_requests').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Inserts unless the person already has an open request (then returns undefined). */
export async function insertRequest(executor: Executor, row: CallbackRow): Promise<CallbackRow | undefined> {
  return executor
    .insertInto('callback_requests')
    .values(row)
    .onConflict((oc) => oc.column('user_id').where('status', '=', 'open').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateRequest(executor: Executor, id: string, patch: Partial<Omit<CallbackRow, 'id'>>): Promise<CallbackRow> {
  return executor.updateTable('callback_requests').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Oldest first (the queue order), keyset-paginated on (created_at, id). */
export async function selectRequests(executor: Executor, filter: { status?: CallbackStatus; topic?: CallbackTopic; limit: number; after?: CallbackRow }): Promise<CallbackRow[]> {
  let query = executor.selectFrom('callback_requests').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.topic) query = query.where('topic', '=', filter.topic);
  const after = filter.after;
  if (after) {
    query = query.where((eb) => eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]));
  }
  return query.orderBy('created_at').orderBy('id').limit(filter.limit).execute();
}
