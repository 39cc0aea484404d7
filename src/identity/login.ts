// Login: phone + PIN (+ device id). A device this user has not used within the policy's window
// also needs a code sent to the phone; the PIN is checked first, so the code proves possession on
// top of knowledge. Unknown numbers, wrong PINs and locked accounts all get invalid_credentials.
import { withTransaction } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { issueChallengeRow, verifyChallengeCode } from './challenges.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { burnPinCheck } from './pin-hash.ts';
import { verifyUserPin } from './pins.ts';
import { normalizePhone } from './phone.ts';
import type { SignedIn } from './registration.ts';
import { createSession, deviceHash, findKnownDevice, rememberDevice, type ClientInfo } from './sessions.ts';
import { isLocked, toUser } from './user.ts';
import { selectUser, selectUserByPhone } from './users.sql.ts';

export interface LoginInput {
  phone: string;
  pin: string;
  deviceId: string;
  deviceLabel?: string | null;
  client?: ClientInfo;
}

export type LoginResult = ({ status: 'active' } & SignedIn) | { status: 'otp_required'; challengeId: string; expiresAt: Date };

export async function login(deps: IdentityDeps, input: LoginInput): Promise<LoginResult> {
  const phone = normalizePhone(input.phone);
  const owner = await selectUserByPhone(deps.db, phone);
  if (!owner) {
    burnPinCheck(deps.pinKeys, input.pin);
    throw new DomainError('invalid_credentials', { param: 'pin' });
  }
  await verifyUserPin(deps.db, deps, owner.id, input.pin);
  return withTransaction(deps.db, async (trx) => {
    const known = await findKnownDevice(trx, deps, owner.id, input.deviceId);
    if (!known) {
      const { challenge } = await issueChallengeRow(trx, deps, {
        userId: owner.id,
        phone,
        lang: owner.lang,
        action: 'login',
        params: { device: deviceHash(owner.id, input.deviceId) },
      });
      return { status: 'otp_required' as const, challengeId: challenge.id, expiresAt: challenge.expiresAt };
    }
    const device = await rememberDevice(trx, deps, owner.id, input.deviceId, input.deviceLabel ?? null);
    const { token, session } = await createSession(trx, deps, { kind: 'user', userId: owner.id, deviceId: device.id }, input.client ?? {});
    const user = await selectUser(trx, owner.id);
    return { status: 'active' as const, user: toUser(user!), token, session };
  });
}

export interface LoginVerifyInput {
  challengeId: string;
  code: string;
  deviceId: string;
  deviceLabel?: string | null;
  client?: ClientInfo;
}

/** The second step on a new device: the code from the SMS. */
export async function completeLogin(deps: IdentityDeps, input: LoginVerifyInput): Promise<SignedIn> {
  const pending = await deps.db.selectFrom('otp_challenges').select(['user_id', 'action']).where('id', '=', input.challengeId).executeTakeFirst();
  if (!pending?.user_id || pending.action !== 'login') throw new DomainError('challenge_not_found', { param: 'challenge_id' });
  const userId = pending.user_id;
  await verifyChallengeCode(deps.db, deps, {
    challengeId: input.challengeId,
    code: input.code,
    action: 'login',
    params: { device: deviceHash(userId, input.deviceId) },
    userId,
  });
  return withTransaction(deps.db, async (trx) => {
    const row = await selectUser(trx, userId);
    // Locked or closed between the two steps: the same answer as a wrong PIN.
    if (!row || row.status !== 'active' || isLocked(toUser(row), deps.clock.now())) throw new DomainError('invalid_credentials', { param: 'code' });
    const device = await rememberDevice(trx, deps, userId, input.deviceId, input.deviceLabel ?? null);
    const { token, session } = await createSession(trx, deps, { kind: 'user', userId, deviceId: device.id }, input.client ?? {});
    if (row.phone) await sendSms(trx, deps, { phone: row.phone, lang: row.lang, template: 'security.new_device', payload: { user_id: userId, session_id: session.id } });
    return { user: toUser(row), token, session };
  });
}
