// Faces whose caller the carrier network has authenticated — USSD, where the network opens the
// dialog only for the SIM that holds the number. Registration and a PIN change elsewhere ask for
// an SMS code to prove the phone; here it would go to the very phone already proven, and a basic
// phone cannot read an SMS in the middle of a USSD dialog. So these two skip the code; every other
// rule (weak PINs, the current PIN with its lockout, audit, SMS notice) is the same.
import { withTransaction } from '../db/index.ts';
import { DomainError, type Lang } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { recordAudit } from './audit.ts';
import { isUniqueViolation } from './db-errors.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { hashPin } from './pin-hash.ts';
import { verifyUserPin } from './pins.ts';
import { normalizePhone, type Carrier } from './phone.ts';
import { revokeUserSessions } from './sessions.ts';
import { toUser, type User } from './user.ts';
import { insertUser, selectUser, selectUserByPhone, updateUser } from './users.sql.ts';
import { assertPinFormat, assertPinStrong } from './weak-pin.ts';

export type NetworkChannel = 'ussd';

export interface NetworkRegistration {
  phone: string;
  carrier: Carrier;
  lang: Lang;
  pin: string;
  channel: NetworkChannel;
}

/** Opens a tier-0 account for a network-authenticated caller. Owns its transaction. */
export async function registerNetworkCaller(deps: IdentityDeps, input: NetworkRegistration): Promise<User> {
  const phone = normalizePhone(input.phone);
  assertPinStrong(input.pin, { phone });
  try {
    return await withTransaction(deps.db, async (trx) => {
      if (await selectUserByPhone(trx, phone)) throw new DomainError('phone_already_registered', { param: 'phone' });
      const now = deps.clock.now();
      const pin = hashPin(deps.pinKeys, input.pin);
      const row = await insertUser(trx, {
        id: newId('usr'),
        phone,
        phone_verified_at: now,
        previous_phone: null,
        phone_unbound_at: null,
        phone_unbound_reason: null,
        carrier: input.carrier,
        lang: input.lang,
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
      await recordAudit(trx, deps.clock, {
        actor: { kind: 'user', id: row.id },
        action: 'user.registered',
        target: { kind: 'user', id: row.id },
        after: { carrier: input.carrier, lang: input.lang, tier: 0, channel: input.channel },
      });
      await sendSms(trx, deps, { phone, lang: input.lang, template: 'account.welcome', payload: { user_id: row.id }, dedupeKey: `welcome:${row.id}` });
      return toUser(row);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_phone')) throw new DomainError('phone_already_registered', { param: 'phone' });
    throw error;
  }
}

/**
 * Changes a known PIN for a network-authenticated caller: the current PIN (a wrong one counts
 * toward the lockout) and a new one. Signs out every app and web session. Owns its transactions.
 */
export async function changePinNetworkCaller(deps: IdentityDeps, userId: string, input: { currentPin: string; newPin: string; channel: NetworkChannel }): Promise<User> {
  const before = await selectUser(deps.db, userId);
  if (!before) throw new DomainError('user_not_found', { param: 'user_id' });
  assertPinFormat(input.currentPin, 'current_pin');
  assertPinStrong(input.newPin, { phone: before.phone ?? before.previous_phone, birthDate: before.birth_date }, 'new_pin');
  await verifyUserPin(deps.db, deps, userId, input.currentPin);
  if (input.newPin === input.currentPin) throw new DomainError('same_pin', { param: 'new_pin' });
  return withTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const pin = hashPin(deps.pinKeys, input.newPin);
    const row = await updateUser(trx, userId, { pin_hash: pin.hash, pin_salt: pin.salt, pin_key_version: pin.keyVersion, pin_changed_at: now, pin_failures: 0, updated_at: now });
    await revokeUserSessions(trx, deps, userId, 'pin_changed');
    await recordAudit(trx, deps.clock, { actor: { kind: 'user', id: userId }, action: 'user.pin_changed', target: { kind: 'user', id: userId }, after: { channel: input.channel } });
    if (row.phone) await sendSms(trx, deps, { phone: row.phone, lang: row.lang, template: 'security.pin_changed', payload: { user_id: userId } });
    return toUser(row);
  });
}
