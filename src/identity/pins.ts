// PIN checks with lockout. Every wrong PIN counts, wherever it was typed (login, cash-out, send):
// after pin_lockout_attempts the account is locked for pin_lockout_minutes and the owner is told by
// SMS. While locked even the right PIN gets the same invalid_credentials as a wrong one, so a
// guesser learns nothing from the lock.
import type { Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { recordAudit } from './audit.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { smsTime } from './messages.ts';
import { checkPin, hashPin } from './pin-hash.ts';
import { MINUTE_MS } from './policy.ts';
import { checkSticky, type CheckOutcome } from './sticky.ts';
import { toUser, type User } from './user.ts';
import { selectUser, updateUser } from './users.sql.ts';
import { PIN_PATTERN } from './weak-pin.ts';

async function evaluatePin(executor: Executor, deps: IdentityDeps, userId: string, pin: string): Promise<CheckOutcome<User>> {
  const row = await selectUser(executor, userId, { forUpdate: true });
  if (!row) return { ok: false, error: new DomainError('user_not_found', { param: 'user_id' }) };
  const now = deps.clock.now();
  const invalid = new DomainError('invalid_credentials', { param: 'pin' });
  if (row.status !== 'active') return { ok: false, error: invalid };
  if (row.locked_until && row.locked_until.getTime() > now.getTime()) return { ok: false, error: invalid };
  const result = PIN_PATTERN.test(pin)
    ? checkPin(deps.pinKeys, { hash: row.pin_hash, salt: row.pin_salt, keyVersion: row.pin_key_version }, pin)
    : { ok: false, stale: false };
  if (!result.ok) return { ok: false, error: invalid, record: (trx) => recordPinFailure(trx, deps, userId) };
  if (!result.stale && row.pin_failures === 0 && row.locked_until === null) return { ok: true, value: toUser(row) };
  // Right PIN: clear the count, and re-key a hash made with an older pepper.
  const rehash = result.stale ? hashPin(deps.pinKeys, pin) : null;
  const updated = await updateUser(executor, userId, {
    pin_failures: 0,
    locked_until: null,
    ...(rehash ? { pin_hash: rehash.hash, pin_salt: rehash.salt, pin_key_version: rehash.keyVersion } : {}),
    updated_at: now,
  });
  return { ok: true, value: toUser(updated) };
}

/** Counts one wrong PIN; the one that reaches the limit locks the account and tells its owner. */
export async function recordPinFailure(executor: Executor, deps: IdentityDeps, userId: string): Promise<void> {
  const row = await selectUser(executor, userId, { forUpdate: true });
  if (!row) return;
  const now = deps.clock.now();
  if (row.locked_until && row.locked_until.getTime() > now.getTime()) return;
  const policy = deps.policy();
  // A lock that has run out starts a fresh count.
  const failures = (row.locked_until ? 0 : row.pin_failures) + 1;
  if (failures < policy.pin_lockout_attempts) {
    await updateUser(executor, userId, { pin_failures: failures, locked_until: null, updated_at: now });
    return;
  }
  const until = new Date(now.getTime() + policy.pin_lockout_minutes * MINUTE_MS);
  await updateUser(executor, userId, { pin_failures: 0, locked_until: until, updated_at: now });
  await recordAudit(executor, deps.clock, {
    actor: { kind: 'system' },
    action: 'user.locked',
    target: { kind: 'user', id: userId },
    after: { locked_until: until.toISOString(), attempts: failures },
  });
  if (row.phone) {
    await sendSms(executor, deps, {
      phone: row.phone,
      lang: row.lang,
      template: 'security.locked',
      vars: { attempts: String(failures), until: smsTime(until) },
      payload: { user_id: userId, locked_until: until.toISOString() },
      dedupeKey: `locked:${userId}:${until.toISOString()}`,
    });
  }
}

/**
 * Checks a user's PIN; throws invalid_credentials (wrong, locked, or closed) or user_not_found.
 * Pass the root db to have the check own its transaction (exact counting); inside a transaction a
 * wrong PIN is recorded right after that transaction ends.
 */
export async function verifyUserPin(executor: Executor, deps: IdentityDeps, userId: string, pin: string): Promise<User> {
  return checkSticky(deps.db, deps.deferred, executor, (trx) => evaluatePin(trx, deps, userId, pin));
}

/** Used when a lock is lifted by support: the count starts again. */
export async function clearLock(executor: Executor, deps: IdentityDeps, userId: string): Promise<void> {
  await updateUser(executor, userId, { pin_failures: 0, locked_until: null, updated_at: deps.clock.now() });
}

