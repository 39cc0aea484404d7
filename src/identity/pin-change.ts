// Changing a known PIN (current PIN + step-up code) and resetting a forgotten one (code + the
// identity check of the user's tier). A reset holds cash-outs and sends to people for the policy's
// hours: whoever reset it may have the SIM but not the person's trust yet.
import { withTransaction, type Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { AdapterUnavailableError, sameName } from './adapter-error.ts';
import { recordAudit } from './audit.ts';
import { consumeCheckedChallenge, issueChallengeRow, recordChallengeFailure, selectChallenge, verifyChallengeCode } from './challenges.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { smsTime } from './messages.ts';
import { hashPin } from './pin-hash.ts';
import { verifyUserPin } from './pins.ts';
import { normalizePhone } from './phone.ts';
import { HOUR_MS } from './policy.ts';
import type { SignedIn } from './registration.ts';
import { createSession, rememberDevice, revokeUserSessions, type ClientInfo } from './sessions.ts';
import { requireStepUp, type StepUpProof } from './step-up.ts';
import { toUser, type User } from './user.ts';
import { selectUser, selectUserByPhone, updateUser } from './users.sql.ts';
import { assertPinFormat, assertPinStrong, pinWeakness } from './weak-pin.ts';

export interface PinChangeInput {
  currentPin: string;
  newPin: string;
  proof: StepUpProof;
  /** The session making the change stays signed in; the others are signed out. */
  keepSessionId?: string;
}

export async function changePin(deps: IdentityDeps, userId: string, input: PinChangeInput): Promise<User> {
  const before = await selectUser(deps.db, userId);
  if (!before) throw new DomainError('user_not_found', { param: 'user_id' });
  assertPinFormat(input.currentPin, 'current_pin');
  assertPinStrong(input.newPin, { phone: before.phone ?? before.previous_phone, birthDate: before.birth_date }, 'new_pin');
  await verifyUserPin(deps.db, deps, userId, input.currentPin);
  // Only after the current PIN is proven, so this is no oracle for it.
  if (input.newPin === input.currentPin) throw new DomainError('same_pin', { param: 'new_pin' });
  await requireStepUp(deps, userId, 'pin.change', {}, input.proof);
  return withTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const pin = hashPin(deps.pinKeys, input.newPin);
    const row = await updateUser(trx, userId, { pin_hash: pin.hash, pin_salt: pin.salt, pin_key_version: pin.keyVersion, pin_changed_at: now, pin_failures: 0, updated_at: now });
    await revokeUserSessions(trx, deps, userId, 'pin_changed', input.keepSessionId);
    await recordAudit(trx, deps.clock, { actor: { kind: 'user', id: userId }, action: 'user.pin_changed', target: { kind: 'user', id: userId } });
    if (row.phone) await sendSms(trx, deps, { phone: row.phone, lang: row.lang, template: 'security.pin_changed', payload: { user_id: userId } });
    return toUser(row);
  });
}

export interface PinResetStart {
  id: string;
  expiresAt: Date;
}

/**
 * Sends a reset code to the number's owner. A number without an account gets a challenge too, but
 * no SMS: the answer looks the same, so this is no way to learn who is registered.
 */
export async function startPinReset(executor: Executor, deps: IdentityDeps, phoneInput: string): Promise<PinResetStart> {
  const phone = normalizePhone(phoneInput);
  const owner = await selectUserByPhone(executor, phone);
  const { challenge } = await issueChallengeRow(executor, deps, {
    userId: owner?.id ?? null,
    phone,
    lang: owner?.lang ?? 'ko',
    action: 'pin.reset',
    params: { user_id: owner?.id ?? null },
    deliver: owner !== undefined && owner.status === 'active',
  });
  return { id: challenge.id, expiresAt: challenge.expiresAt };
}

export interface PinResetComplete {
  resetId: string;
  code: string;
  newPin: string;
  deviceId: string;
  deviceLabel?: string | null;
  /** Required when the account is tier 1 or above: the carrier identity check is repeated. */
  identity?: { name: string; birthDate: string } | null;
  client?: ClientInfo;
}

export async function completePinReset(deps: IdentityDeps, input: PinResetComplete): Promise<SignedIn> {
  const challenge = await selectChallenge(deps.db, input.resetId);
  if (!challenge || challenge.action !== 'pin.reset' || !challenge.phone) throw new DomainError('challenge_not_found', { param: 'id' });
  // Phone-based rules first; the birth-date rule only after the code, so a stranger cannot probe it.
  assertPinStrong(input.newPin, { phone: challenge.phone }, 'new_pin');
  const binding = { challengeId: challenge.id, code: input.code, action: 'pin.reset', params: { user_id: challenge.user_id }, userId: challenge.user_id, consume: false };
  await verifyChallengeCode(deps.db, deps, binding);
  const user = challenge.user_id ? await selectUser(deps.db, challenge.user_id) : undefined;
  if (!user || user.status !== 'active') throw new DomainError('challenge_not_found', { param: 'id' });
  if (pinWeakness(input.newPin, { birthDate: user.birth_date })) throw new DomainError('weak_pin', { param: 'new_pin', data: { reason: 'birth_date' } });
  if (user.tier >= 1) await repeatIdentityCheck(deps, challenge.id, challenge.phone, user, input.identity ?? null);

  return withTransaction(deps.db, async (trx) => {
    await consumeCheckedChallenge(trx, deps, challenge.id);
    const now = deps.clock.now();
    const holdUntil = new Date(now.getTime() + deps.policy().pin_reset_hold_hours * HOUR_MS);
    const pin = hashPin(deps.pinKeys, input.newPin);
    const row = await updateUser(trx, user.id, {
      pin_hash: pin.hash,
      pin_salt: pin.salt,
      pin_key_version: pin.keyVersion,
      pin_changed_at: now,
      pin_failures: 0,
      locked_until: null,
      payout_hold_until: holdUntil,
      updated_at: now,
    });
    await revokeUserSessions(trx, deps, user.id, 'pin_reset');
    const device = await rememberDevice(trx, deps, user.id, input.deviceId, input.deviceLabel ?? null);
    const { token, session } = await createSession(trx, deps, { kind: 'user', userId: user.id, deviceId: device.id }, input.client ?? {});
    await recordAudit(trx, deps.clock, {
      actor: { kind: 'user', id: user.id },
      action: 'user.pin_reset',
      target: { kind: 'user', id: user.id },
      after: { payout_hold_until: holdUntil.toISOString(), identity_checked: user.tier >= 1 },
    });
    await sendSms(trx, deps, { phone: challenge.phone!, lang: row.lang, template: 'security.pin_reset', vars: { until: smsTime(holdUntil) }, payload: { user_id: user.id, hold_until: holdUntil.toISOString() } });
    return { user: toUser(row), token, session };
  });
}

/** Tier ≥ 1: the details must match the account and pass the carrier check again. A miss costs a try of the code. */
async function repeatIdentityCheck(deps: IdentityDeps, challengeId: string, phone: string, user: NonNullable<Awaited<ReturnType<typeof selectUser>>>, identity: { name: string; birthDate: string } | null): Promise<void> {
  if (!identity) throw new DomainError('identity_check_required', { param: 'name' });
  const miss = async (code: string, param: string, data?: Record<string, unknown>) => {
    await withTransaction(deps.db, (trx) => recordChallengeFailure(trx, challengeId));
    return new DomainError(code, { param, ...(data ? { data } : {}) });
  };
  if (!user.legal_name || !sameName(identity.name, user.legal_name) || identity.birthDate !== user.birth_date) throw await miss('identity_mismatch', 'name');
  let result;
  try {
    result = await deps.identityCheck.check({ phone, carrier: user.carrier, name: identity.name, birthDate: identity.birthDate });
  } catch (error) {
    if (error instanceof AdapterUnavailableError) throw new DomainError('identity_check_unavailable');
    throw error;
  }
  if (!result.ok) throw await miss('identity_check_failed', 'name', { reason: result.reason });
}
