// Staff accounts: email + password (scrypt from node:crypto — people choose these, so a slow hash
// is right here, unlike a PIN), a role from the permission table, a session like a user's. Wrong
// passwords lock the account by the same policy numbers as PINs.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { withTransaction, type Executor } from '../db/index.ts';
import type { StaffRole } from '../api/auth.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { isUniqueViolation } from './db-errors.ts';
import type { IdentityDeps } from './deps.ts';
import { MINUTE_MS } from './policy.ts';
import { createSession, type ClientInfo, type Session } from './sessions.ts';
import { checkSticky, type CheckOutcome } from './sticky.ts';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;
export const STAFF_PASSWORD_MIN = 12;
export const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number.parseInt(n, 10), r: Number.parseInt(r, 10), p: Number.parseInt(p, 10) });
  return timingSafeEqual(key, expected);
}

// Equal work for unknown emails, so timing does not say who is staff.
let dummyHash: Promise<string> | null = null;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-0000');
  return dummyHash;
}

export interface Staff {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  status: 'active' | 'disabled';
  lockedUntil: Date | null;
  createdAt: Date;
}

type StaffRow = { id: string; email: string; name: string; role: StaffRole; status: 'active' | 'disabled'; locked_until: Date | null; created_at: Date };

export function toStaff(row: StaffRow): Staff {
  return { id: row.id, email: row.email, name: row.name, role: row.role, status: row.status, lockedUntil: row.locked_until, createdAt: row.created_at };
}

export function normalizeEmail(input: string): string {
  const email = input.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email)) throw new DomainError('invalid_email', { param: 'email' });
  return email;
}

export function assertPassword(password: string): void {
  if (password.length < STAFF_PASSWORD_MIN || password.length > 200) throw new DomainError('weak_password', { param: 'password' });
}

export interface NewStaff {
  email: string;
  name: string;
  role: StaffRole;
  password: string;
}

export async function createStaff(executor: Executor, deps: IdentityDeps, actor: AuditActor, input: NewStaff, requestId?: string): Promise<Staff> {
  const email = normalizeEmail(input.email);
  assertPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock.now();
  const existing = await executor.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) throw new DomainError('staff_email_taken', { param: 'email' });
  try {
    const row = await executor
      .insertInto('staff')
      .values({ id: newId('stf'), email, name: input.name.trim(), role: input.role, password_hash: passwordHash, locked_until: null, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(executor, deps.clock, { actor, action: 'staff.created', target: { kind: 'staff', id: row.id }, after: { email, role: row.role, name: row.name }, requestId: requestId ?? null });
    return toStaff(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError('staff_email_taken', { param: 'email' });
    throw error;
  }
}

export async function getStaff(executor: Executor, staffId: string): Promise<Staff> {
  const row = await executor.selectFrom('staff').selectAll().where('id', '=', staffId).executeTakeFirst();
  if (!row) throw new DomainError('staff_not_found', { param: 'id' });
  return toStaff(row);
}

export async function listStaff(executor: Executor, options: { limit: number; startingAfter?: string }): Promise<{ data: Staff[]; hasMore: boolean }> {
  let query = executor.selectFrom('staff').selectAll();
  if (options.startingAfter) query = query.where('id', '>', options.startingAfter);
  const rows = await query.orderBy('id').limit(options.limit + 1).execute();
  return { data: rows.slice(0, options.limit).map(toStaff), hasMore: rows.length > options.limit };
}

export interface StaffChange {
  role?: StaffRole;
  status?: 'active' | 'disabled';
  name?: string;
  /** Lifts a password lockout. */
  unlock?: boolean;
}

export async function updateStaff(executor: Executor, deps: IdentityDeps, actor: AuditActor, staffId: string, change: StaffChange, requestId?: string): Promise<Staff> {
  if (actor.id === staffId && (change.role !== undefined || change.status !== undefined)) throw new DomainError('cannot_change_own_account');
  const before = await executor.selectFrom('staff').selectAll().where('id', '=', staffId).forUpdate().executeTakeFirst();
  if (!before) throw new DomainError('staff_not_found', { param: 'id' });
  const now = deps.clock.now();
  const row = await executor
    .updateTable('staff')
    .set({
      ...(change.role ? { role: change.role } : {}),
      ...(change.status ? { status: change.status } : {}),
      ...(change.name ? { name: change.name.trim() } : {}),
      ...(change.unlock ? { locked_until: null, failed_logins: 0 } : {}),
      updated_at: now,
    })
    .where('id', '=', staffId)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (change.status === 'disabled') {
    await executor.updateTable('sessions').set({ revoked_at: now, revoked_reason: 'staff_disabled' }).where('staff_id', '=', staffId).where('revoked_at', 'is', null).execute();
  }
  await recordAudit(executor, deps.clock, {
    actor,
    action: 'staff.updated',
    target: { kind: 'staff', id: staffId },
    before: { role: before.role, status: before.status, name: before.name, locked_until: before.locked_until?.toISOString() ?? null },
    after: { role: row.role, status: row.status, name: row.name, locked_until: row.locked_until?.toISOString() ?? null },
    requestId: requestId ?? null,
  });
  return toStaff(row);
}

async function evaluateStaffLogin(executor: Executor, deps: IdentityDeps, email: string, password: string): Promise<CheckOutcome<Staff>> {
  const invalid = new DomainError('invalid_staff_credentials', { param: 'password' });
  const row = await executor.selectFrom('staff').selectAll().where('email', '=', email).forUpdate().executeTakeFirst();
  if (!row) {
    await verifyPassword(await dummy(), password);
    return { ok: false, error: invalid };
  }
  const now = deps.clock.now();
  if (row.status !== 'active' || (row.locked_until && row.locked_until.getTime() > now.getTime())) return { ok: false, error: invalid };
  if (!(await verifyPassword(row.password_hash, password))) {
    return {
      ok: false,
      error: invalid,
      record: async (trx) => {
        const policy = deps.policy();
        const current = await trx.selectFrom('staff').select(['failed_logins', 'locked_until']).where('id', '=', row.id).forUpdate().executeTakeFirstOrThrow();
        const failures = (current.locked_until ? 0 : current.failed_logins) + 1;
        const lock = failures >= policy.pin_lockout_attempts;
        await trx
          .updateTable('staff')
          .set({ failed_logins: lock ? 0 : failures, locked_until: lock ? new Date(now.getTime() + policy.pin_lockout_minutes * MINUTE_MS) : null })
          .where('id', '=', row.id)
          .execute();
        if (lock) await recordAudit(trx, deps.clock, { actor: { kind: 'system' }, action: 'staff.locked', target: { kind: 'staff', id: row.id } });
      },
    };
  }
  if (row.failed_logins > 0 || row.locked_until) await executor.updateTable('staff').set({ failed_logins: 0, locked_until: null }).where('id', '=', row.id).execute();
  return { ok: true, value: toStaff(row) };
}

export async function staffLogin(deps: IdentityDeps, emailInput: string, password: string, client: ClientInfo = {}): Promise<{ staff: Staff; token: string; session: Session }> {
  const email = normalizeEmail(emailInput);
  const staff = await checkSticky(deps.db, deps.deferred, deps.db, (trx) => evaluateStaffLogin(trx, deps, email, password));
  return withTransaction(deps.db, async (trx) => {
    const { token, session } = await createSession(trx, deps, { kind: 'staff', staffId: staff.id }, client);
    await recordAudit(trx, deps.clock, { actor: { kind: 'staff', id: staff.id }, action: 'staff.signed_in', target: { kind: 'session', id: session.id } });
    return { staff, token, session };
  });
}
