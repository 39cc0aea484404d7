// Sessions: an opaque bearer token (32 random bytes) shown once, stored as its SHA-256, with an
// expiry; revocable one by one or all at once. Users and staff share the table.
import type { Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { IdentityDeps } from './deps.ts';
import { DAY_MS, HOUR_MS } from './policy.ts';
import { newToken, sha256Hex } from './secrets.ts';
import type { DeviceRow } from './users.sql.ts';
import { selectDeviceByHash, upsertDevice } from './users.sql.ts';

export const SESSION_TOKEN_PREFIX = 'scs_';

export interface Session {
  id: string;
  kind: 'user' | 'staff';
  userId: string | null;
  staffId: string | null;
  deviceId: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
}

export interface ClientInfo {
  ip?: string | null;
  userAgent?: string | null;
}

type SessionRowLike = {
  id: string;
  subject_kind: 'user' | 'staff';
  user_id: string | null;
  staff_id: string | null;
  device_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date;
  revoked_at: Date | null;
};

export function toSession(row: SessionRowLike): Session {
  return {
    id: row.id,
    kind: row.subject_kind,
    userId: row.user_id,
    staffId: row.staff_id,
    deviceId: row.device_id,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export async function createSession(
  executor: Executor,
  deps: IdentityDeps,
  subject: { kind: 'user'; userId: string; deviceId: string | null } | { kind: 'staff'; staffId: string },
  client: ClientInfo,
): Promise<{ token: string; session: Session }> {
  const now = deps.clock.now();
  const policy = deps.policy();
  const ttlHours = subject.kind === 'user' ? policy.session_ttl_hours : policy.staff_session_ttl_hours;
  const token = newToken(SESSION_TOKEN_PREFIX);
  const row = await executor
    .insertInto('sessions')
    .values({
      id: newId('ses'),
      token_hash: sha256Hex(token),
      subject_kind: subject.kind,
      user_id: subject.kind === 'user' ? subject.userId : null,
      staff_id: subject.kind === 'staff' ? subject.staffId : null,
      device_id: subject.kind === 'user' ? subject.deviceId : null,
      ip: client.ip?.slice(0, 64) ?? null,
      user_agent: client.userAgent?.slice(0, 256) ?? null,
      created_at: now,
      expires_at: new Date(now.getTime() + ttlHours * HOUR_MS),
      last_used_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, session: toSession(row) };
}

/** Live sessions of a user, newest first. */
export async function listUserSessions(executor: Executor, deps: IdentityDeps, userId: string): Promise<Session[]> {
  const rows = await executor
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', deps.clock.now())
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  return rows.map(toSession);
}

export async function revokeSession(executor: Executor, deps: IdentityDeps, owner: { userId?: string; staffId?: string }, sessionId: string, reason: string): Promise<Session> {
  let query = executor
    .updateTable('sessions')
    .set({ revoked_at: deps.clock.now(), revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null);
  query = owner.userId ? query.where('user_id', '=', owner.userId) : query.where('staff_id', '=', owner.staffId ?? '');
  const row = await query.returningAll().executeTakeFirst();
  if (!row) throw new DomainError('session_not_found', { param: 'id' });
  return toSession(row);
}

/** Revokes every live session of a user (PIN reset, staff freeze), optionally keeping one. */
export async function revokeUserSessions(executor: Executor, deps: IdentityDeps, userId: string, reason: string, keepSessionId?: string): Promise<number> {
  let query = executor
    .updateTable('sessions')
    .set({ revoked_at: deps.clock.now(), revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepSessionId) query = query.where('id', '<>', keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function revokeDeviceSessions(executor: Executor, deps: IdentityDeps, userId: string, deviceId: string): Promise<void> {
  await executor
    .updateTable('sessions')
    .set({ revoked_at: deps.clock.now(), revoked_reason: 'device_removed' })
    .where('user_id', '=', userId)
    .where('device_id', '=', deviceId)
    .where('revoked_at', 'is', null)
    .execute();
}

// Devices -------------------------------------------------------------------------------------

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

export function deviceHash(userId: string, deviceId: string): string {
  return sha256Hex(`${userId}\u0000${deviceId}`);
}

/** A device seen for this user within the policy's window; otherwise it is new and needs a code. */
export async function findKnownDevice(executor: Executor, deps: IdentityDeps, userId: string, deviceId: string): Promise<DeviceRow | null> {
  const row = await selectDeviceByHash(executor, userId, deviceHash(userId, deviceId));
  if (!row) return null;
  const windowStart = deps.clock.now().getTime() - deps.policy().device_window_days * DAY_MS;
  return row.last_seen_at.getTime() >= windowStart ? row : null;
}

export async function rememberDevice(executor: Executor, deps: IdentityDeps, userId: string, deviceId: string, label: string | null): Promise<DeviceRow> {
  const now = deps.clock.now();
  return upsertDevice(executor, {
    id: newId('dev'),
    user_id: userId,
    device_hash: deviceHash(userId, deviceId),
    label: label?.slice(0, 100) ?? null,
    first_seen_at: now,
    last_seen_at: now,
  });
}

export function assertDeviceId(deviceId: unknown, param = 'device_id'): asserts deviceId is string {
  if (typeof deviceId !== 'string' || !DEVICE_ID_PATTERN.test(deviceId)) throw new DomainError('invalid_device_id', { param });
}
