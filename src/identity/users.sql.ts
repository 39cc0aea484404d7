// SQL for users and their devices. Every function takes the executor first: the caller owns the
// transaction.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { UserDevicesTable, UsersTable } from './tables.ts';

export type UserRow = Selectable<UsersTable>;
export type DeviceRow = Selectable<UserDevicesTable>;

export async function insertUser(executor: Executor, row: Insertable<UsersTable>): Promise<UserRow> {
  return executor.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function selectUser(executor: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<UserRow | undefined> {
  let query = executor.selectFrom('users').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function selectUsers(executor: Executor, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return executor.selectFrom('users').selectAll().where('id', 'in', [...ids]).execute();
}

/** Only the current, bound owner of a number. */
export async function selectUserByPhone(executor: Executor, phone: string, options: { forUpdate?: boolean } = {}): Promise<UserRow | undefined> {
  let query = executor.selectFrom('users').selectAll().where('phone', '=', phone);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function selectUsersByPhones(executor: Executor, phones: readonly string[]): Promise<UserRow[]> {
  if (phones.length === 0) return [];
  return executor.selectFrom('users').selectAll().where('phone', 'in', [...phones]).execute();
}

export async function updateUser(executor: Executor, id: string, patch: Updateable<UsersTable>): Promise<UserRow> {
  return executor.updateTable('users').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function selectDeviceByHash(executor: Executor, userId: string, deviceHash: string): Promise<DeviceRow | undefined> {
  return executor.selectFrom('user_devices').selectAll().where('user_id', '=', userId).where('device_hash', '=', deviceHash).executeTakeFirst();
}

/** Inserts the device or refreshes its last-seen time; returns the row. */
export async function upsertDevice(executor: Executor, row: Insertable<UserDevicesTable>): Promise<DeviceRow> {
  return executor
    .insertInto('user_devices')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['user_id', 'device_hash']).doUpdateSet((eb) => ({
        last_seen_at: eb.ref('excluded.last_seen_at'),
        label: eb.fn.coalesce(eb.ref('excluded.label'), eb.ref('user_devices.label')),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function selectDevices(executor: Executor, userId: string): Promise<DeviceRow[]> {
  return executor.selectFrom('user_devices').selectAll().where('user_id', '=', userId).orderBy('last_seen_at', 'desc').limit(100).execute();
}

export async function deleteDevice(executor: Executor, userId: string, deviceId: string): Promise<boolean> {
  const result = await executor.deleteFrom('user_devices').where('user_id', '=', userId).where('id', '=', deviceId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
