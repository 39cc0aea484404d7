// What staff see of users: search, one user's page (personal data masked), and unlock.
import type { Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { listAudit, recordAudit, type AuditActor, type AuditEntry } from './audit.ts';
import { listBankAccounts, type BankAccountView } from './bank-accounts.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { getIdDocument, type IdDocumentView } from './kyc.ts';
import { clearLock } from './pins.ts';
import type { Tier } from './tables.ts';
import { isLocked, toUser, type User } from './user.ts';
import { selectDevices, selectUser, type DeviceRow } from './users.sql.ts';

export interface UserSearch {
  /** E.164, already normalised: matches the bound number or the previous one. */
  phone?: string;
  /** A name prefix. */
  name?: string;
  tier?: Tier;
  frozen?: boolean;
  limit: number;
  startingAfter?: string;
}

export async function searchUsers(executor: Executor, search: UserSearch): Promise<{ data: User[]; hasMore: boolean }> {
  let query = executor.selectFrom('users').selectAll();
  if (search.phone) query = query.where((eb) => eb.or([eb('phone', '=', search.phone!), eb('previous_phone', '=', search.phone!)]));
  if (search.name) query = query.where('legal_name', 'like', `${search.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (search.tier !== undefined) query = query.where('tier', '=', search.tier);
  if (search.frozen !== undefined) query = query.where('frozen_by', search.frozen ? 'is not' : 'is', null);
  if (search.startingAfter) query = query.where('id', '>', search.startingAfter);
  const rows = await query.orderBy('id').limit(search.limit + 1).execute();
  return { data: rows.slice(0, search.limit).map(toUser), hasMore: rows.length > search.limit };
}

export interface UserDetail {
  user: User;
  locked: boolean;
  devices: DeviceRow[];
  activeSessions: number;
  idDocument: IdDocumentView | null;
  bankAccounts: BankAccountView[];
  recentAudit: AuditEntry[];
}

/** One user's page. Opening it is itself audited: staff reading personal data leaves a trace. */
export async function getUserDetail(executor: Executor, deps: IdentityDeps, actor: AuditActor, userId: string, requestId?: string): Promise<UserDetail> {
  const row = await selectUser(executor, userId);
  if (!row) throw new DomainError('user_not_found', { param: 'id' });
  const user = toUser(row);
  const sessions = await executor
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', deps.clock.now())
    .executeTakeFirstOrThrow();
  const detail: UserDetail = {
    user,
    locked: isLocked(user, deps.clock.now()),
    devices: await selectDevices(executor, userId),
    activeSessions: Number(sessions.n),
    idDocument: await getIdDocument(executor, userId),
    bankAccounts: await listBankAccounts(executor, deps, userId),
    recentAudit: (await listAudit(executor, { targetId: userId, limit: 20 })).data,
  };
  await recordAudit(executor, deps.clock, { actor, action: 'user.viewed', target: { kind: 'user', id: userId }, requestId: requestId ?? null });
  return detail;
}

export async function unlockUser(executor: Executor, deps: IdentityDeps, actor: AuditActor, userId: string, reason: string, requestId?: string): Promise<User> {
  const row = await selectUser(executor, userId, { forUpdate: true });
  if (!row) throw new DomainError('user_not_found', { param: 'id' });
  if (!isLocked(toUser(row), deps.clock.now())) throw new DomainError('not_locked');
  await clearLock(executor, deps, userId);
  await recordAudit(executor, deps.clock, { actor, action: 'user.unlocked', target: { kind: 'user', id: userId }, reason, before: { locked_until: row.locked_until?.toISOString() ?? null }, after: { locked_until: null }, requestId: requestId ?? null });
  if (row.phone) await sendSms(executor, deps, { phone: row.phone, lang: row.lang, template: 'security.unlocked', payload: { user_id: userId } });
  return toUser((await selectUser(executor, userId))!);
}
