// Registration: a code to the phone proves it is theirs, then a 6-digit PIN. The PIN is checked
// for weakness before the code is, so a weak PIN costs no try.
import { withTransaction, type Executor } from '../db/index.ts';
import { DomainError, type Lang } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { recordAudit } from './audit.ts';
import { consumeCheckedChallenge, issueChallengeRow, selectChallenge, verifyChallengeCode } from './challenges.ts';
import { isUniqueViolation } from './db-errors.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { hashPin } from './pin-hash.ts';
import { normalizePhone, type Carrier } from './phone.ts';
import { createSession, rememberDevice, type ClientInfo, type Session } from './sessions.ts';
import { toUser, type User } from './user.ts';
import { insertUser, selectUserByPhone } from './users.sql.ts';
import { assertPinStrong } from './weak-pin.ts';

export interface RegistrationStart {
  phone: string;
  carrier: Carrier;
  lang: Lang;
}

export interface Registration {
  id: string;
  phone: string;
  expiresAt: Date;
}

export async function startRegistration(executor: Executor, deps: IdentityDeps, input: RegistrationStart): Promise<Registration> {
  const phone = normalizePhone(input.phone);
  const { challenge } = await issueChallengeRow(executor, deps, {
    userId: null,
    phone,
    lang: input.lang,
    action: 'register',
    params: { phone, carrier: input.carrier, lang: input.lang },
    context: { carrier: input.carrier, lang: input.lang },
  });
  return { id: challenge.id, phone, expiresAt: challenge.expiresAt };
}

export interface RegistrationComplete {
  registrationId: string;
  code: string;
  pin: string;
  deviceId: string;
  deviceLabel?: string | null;
  client?: ClientInfo;
}

export interface SignedIn {
  user: User;
  token: string;
  session: Session;
}

export async function completeRegistration(deps: IdentityDeps, input: RegistrationComplete): Promise<SignedIn> {
  const row = await selectChallenge(deps.db, input.registrationId);
  if (!row || row.action !== 'register' || row.user_id !== null || !row.phone) throw new DomainError('challenge_not_found', { param: 'id' });
  const phone = row.phone;
  const { carrier, lang } = row.context as { carrier: Carrier; lang: Lang };
  assertPinStrong(input.pin, { phone });
  await verifyChallengeCode(deps.db, deps, {
    challengeId: row.id,
    code: input.code,
    action: 'register',
    params: { phone, carrier, lang },
    userId: null,
    consume: false,
  });
  try {
    return await withTransaction(deps.db, async (trx) => {
      if (await selectUserByPhone(trx, phone)) throw new DomainError('phone_already_registered', { param: 'phone' });
      await consumeCheckedChallenge(trx, deps, row.id);
      const now = deps.clock.now();
      const pin = hashPin(deps.pinKeys, input.pin);
      const userRow = await insertUser(trx, {
        id: newId('usr'),
        phone,
        phone_verified_at: now,
        previous_phone: null,
        phone_unbound_at: null,
        phone_unbound_reason: null,
        carrier,
        lang,
        legal_name: null,
        birth_date: null,
        identity_verified_at: null,
        pin_hash: pin.hash,
        pin_salt: pin.salt,
        pin_key_version: pin.keyVersion,
        pin_changed_at: now,
        locked_until: null,
        payout_hold_until: null,
        frozen_by: null,
        frozen_reason: null,
        frozen_at: null,
        created_at: now,
        updated_at: now,
      });
      const device = await rememberDevice(trx, deps, userRow.id, input.deviceId, input.deviceLabel ?? null);
      const { token, session } = await createSession(trx, deps, { kind: 'user', userId: userRow.id, deviceId: device.id }, input.client ?? {});
      await recordAudit(trx, deps.clock, { actor: { kind: 'user', id: userRow.id }, action: 'user.registered', target: { kind: 'user', id: userRow.id }, after: { carrier, lang, tier: 0 } });
      await sendSms(trx, deps, { phone, lang, template: 'account.welcome', payload: { user_id: userRow.id }, dedupeKey: `welcome:${userRow.id}` });
      return { user: toUser(userRow), token, session };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_phone')) throw new DomainError('phone_already_registered', { param: 'phone' });
    throw error;
  }
}
