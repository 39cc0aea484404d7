// Freeze: nothing leaves a frozen account (credits still land). A person freezes their own account
// at once from any face — no PIN, since freezing only protects — and lifts it with PIN + code.
// Staff freeze with a reason; only staff lift a staff freeze.
import { withTransaction, type Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { verifyUserPin } from './pins.ts';
import { tryNormalizePhone } from './phone.ts';
import { requireStepUp, type StepUpProof } from './step-up.ts';
import { toUser, type User } from './user.ts';
import { selectUser, selectUserByPhone, updateUser, type UserRow } from './users.sql.ts';

export type FreezeChannel = 'app' | 'web' | 'ussd' | 'sms' | 'agent';

function freezeState(row: UserRow) {
  return { frozen_by: row.frozen_by, frozen_reason: row.frozen_reason };
}

async function lockedUser(executor: Executor, userId: string): Promise<UserRow> {
  const row = await selectUser(executor, userId, { forUpdate: true });
  if (!row) throw new DomainError('user_not_found', { param: 'id' });
  return row;
}

export async function freezeSelf(executor: Executor, deps: IdentityDeps, userId: string, channel: FreezeChannel): Promise<User> {
  const row = await lockedUser(executor, userId);
  if (row.frozen_by) return toUser(row);
  const now = deps.clock.now();
  const updated = await updateUser(executor, userId, { frozen_by: 'self', frozen_reason: `self:${channel}`, frozen_at: now, updated_at: now });
  await recordAudit(executor, deps.clock, { actor: { kind: 'user', id: userId }, action: 'user.frozen', target: { kind: 'user', id: userId }, before: freezeState(row), after: freezeState(updated) });
  if (row.phone) await sendSms(executor, deps, { phone: row.phone, lang: row.lang, template: 'account.frozen', payload: { user_id: userId, channel } });
  return toUser(updated);
}

/** Lifts a self-freeze with the PIN and a code (step_up_required first time). */
export async function unfreezeSelf(deps: IdentityDeps, userId: string, pin: string, proof: StepUpProof): Promise<User> {
  const current = await selectUser(deps.db, userId);
  if (!current) throw new DomainError('user_not_found', { param: 'id' });
  if (!current.frozen_by) throw new DomainError('not_frozen');
  if (current.frozen_by === 'staff') throw new DomainError('frozen_by_staff');
  await verifyUserPin(deps.db, deps, userId, pin);
  await requireStepUp(deps, userId, 'freeze.lift', {}, proof);
  return withTransaction(deps.db, async (trx) => {
    const row = await lockedUser(trx, userId);
    if (row.frozen_by === 'staff') throw new DomainError('frozen_by_staff');
    if (!row.frozen_by) return toUser(row);
    const updated = await updateUser(trx, userId, { frozen_by: null, frozen_reason: null, frozen_at: null, updated_at: deps.clock.now() });
    await recordAudit(trx, deps.clock, { actor: { kind: 'user', id: userId }, action: 'user.unfrozen', target: { kind: 'user', id: userId }, before: freezeState(row), after: freezeState(updated) });
    if (row.phone) await sendSms(trx, deps, { phone: row.phone, lang: row.lang, template: 'account.unfrozen', payload: { user_id: userId } });
    return toUser(updated);
  });
}

export async function staffFreeze(executor: Executor, deps: IdentityDeps, actor: AuditActor, userId: string, reason: string, requestId?: string): Promise<User> {
  const row = await lockedUser(executor, userId);
  if (row.frozen_by === 'staff') return toUser(row);
  const now = deps.clock.now();
  const updated = await updateUser(executor, userId, { frozen_by: 'staff', frozen_reason: reason, frozen_at: now, updated_at: now });
  await recordAudit(executor, deps.clock, { actor, action: 'user.frozen', target: { kind: 'user', id: userId }, reason, before: freezeState(row), after: freezeState(updated), requestId: requestId ?? null });
  if (row.phone) await sendSms(executor, deps, { phone: row.phone, lang: row.lang, template: 'account.frozen_by_staff', payload: { user_id: userId } });
  return toUser(updated);
}

/** Staff lift any freeze (theirs, or a self-freeze the person cannot lift, e.g. without a phone). */
export async function staffUnfreeze(executor: Executor, deps: IdentityDeps, actor: AuditActor, userId: string, reason: string, requestId?: string): Promise<User> {
  const row = await lockedUser(executor, userId);
  if (!row.frozen_by) throw new DomainError('not_frozen');
  const updated = await updateUser(executor, userId, { frozen_by: null, frozen_reason: null, frozen_at: null, updated_at: deps.clock.now() });
  await recordAudit(executor, deps.clock, { actor, action: 'user.unfrozen', target: { kind: 'user', id: userId }, reason, before: freezeState(row), after: freezeState(updated), requestId: requestId ?? null });
  if (row.phone) await sendSms(executor, deps, { phone: row.phone, lang: row.lang, template: 'account.unfrozen', payload: { user_id: userId } });
  return toUser(updated);
}

export const FREEZE_KEYWORDS = ['FREEZE', '정지', '동결', '계정정지'];

export interface SmsKeywordResult {
  handled: boolean;
  action?: 'freeze';
  userId?: string;
}

/**
 * An SMS from a phone to the operator's number. "FREEZE" (or 정지, 동결) freezes the account bound
 * to the sender at once; the network authenticated the sender, and a freeze only protects.
 */
export async function handleSmsKeyword(deps: IdentityDeps, phoneInput: string, text: string): Promise<SmsKeywordResult> {
  const phone = tryNormalizePhone(phoneInput);
  if (!phone) return { handled: false };
  const keyword = text.normalize('NFC').trim().replace(/\s+/g, '').toUpperCase();
  return withTransaction(deps.db, async (trx) => {
    const owner = await selectUserByPhone(trx, phone);
    if (!owner) return { handled: false };
    if (!FREEZE_KEYWORDS.includes(keyword)) {
      await sendSms(trx, deps, { phone, lang: owner.lang, template: 'sms.keyword_unknown', payload: { user_id: owner.id } });
      return { handled: false, userId: owner.id };
    }
    await freezeSelf(trx, deps, owner.id, 'sms');
    return { handled: true, action: 'freeze' as const, userId: owner.id };
  });
}
