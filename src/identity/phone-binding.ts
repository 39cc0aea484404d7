// Linking a number to an existing account: after a carrier ended the old binding (recycled
// number), or when a person changes numbers. A code to the new number proves possession; the PIN
// proves it is the account's owner. Only then does the number lead to this account.
import { withTransaction, type Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { recordAudit } from './audit.ts';
import { consumeCheckedChallenge, issueChallengeRow, selectChallenge, verifyChallengeCode } from './challenges.ts';
import { isUniqueViolation } from './db-errors.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { verifyUserPin } from './pins.ts';
import { normalizePhone, type Carrier } from './phone.ts';
import { toUser, type User } from './user.ts';
import { selectUser, selectUserByPhone, updateUser } from './users.sql.ts';

export async function startPhoneBinding(executor: Executor, deps: IdentityDeps, userId: string, phoneInput: string, carrier?: Carrier | null): Promise<{ id: string; phone: string; expiresAt: Date }> {
  const phone = normalizePhone(phoneInput);
  const user = await selectUser(executor, userId);
  if (!user) throw new DomainError('user_not_found', { param: 'user_id' });
  if (user.status !== 'active') throw new DomainError('account_closed');
  const { challenge } = await issueChallengeRow(executor, deps, {
    userId,
    phone,
    lang: user.lang,
    action: 'phone.bind',
    params: { phone },
    context: { carrier: carrier ?? user.carrier },
  });
  return { id: challenge.id, phone, expiresAt: challenge.expiresAt };
}

export async function completePhoneBinding(deps: IdentityDeps, userId: string, challengeId: string, code: string, pin: string): Promise<User> {
  const challenge = await selectChallenge(deps.db, challengeId);
  if (!challenge || challenge.user_id !== userId || challenge.action !== 'phone.bind' || !challenge.phone) throw new DomainError('challenge_not_found', { param: 'id' });
  const phone = challenge.phone;
  await verifyUserPin(deps.db, deps, userId, pin);
  await verifyChallengeCode(deps.db, deps, { challengeId, code, action: 'phone.bind', params: { phone }, userId, consume: false });
  try {
    return await withTransaction(deps.db, async (trx) => {
      const holder = await selectUserByPhone(trx, phone);
      if (holder && holder.id !== userId) throw new DomainError('phone_already_registered', { param: 'phone' });
      await consumeCheckedChallenge(trx, deps, challengeId);
      const before = await selectUser(trx, userId, { forUpdate: true });
      const now = deps.clock.now();
      const carrier = (challenge.context as { carrier?: Carrier }).carrier ?? before!.carrier;
      const row = await updateUser(trx, userId, {
        phone,
        phone_verified_at: now,
        previous_phone: before!.phone && before!.phone !== phone ? before!.phone : before!.previous_phone,
        phone_unbound_at: null,
        phone_unbound_reason: null,
        carrier,
        updated_at: now,
      });
      await recordAudit(trx, deps.clock, { actor: { kind: 'user', id: userId }, action: 'user.phone_bound', target: { kind: 'user', id: userId }, before: { phone: before!.phone, carrier: before!.carrier }, after: { phone, carrier } });
      await sendSms(trx, deps, { phone, lang: row.lang, template: 'account.phone_bound', payload: { user_id: userId } });
      return toUser(row);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_phone')) throw new DomainError('phone_already_registered', { param: 'phone' });
    throw error;
  }
}
