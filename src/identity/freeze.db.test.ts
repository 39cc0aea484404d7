// Freeze: self-freeze at once (app, SMS keyword), lifted with PIN + code; a staff freeze only staff
// lift. assertCanSend is the gate every money-moving service calls.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withTransaction } from '../db/index.ts';
import type { DomainError } from '../shared/errors.ts';
import { buildTestApp, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { bearer, createTestStaff, registerTestUser, smsCodeFor } from '../../test/helpers/identity.ts';
import { identityRoutes } from './index.ts';

let tc: TestContext;
let app: FastifyInstance;
beforeAll(async () => {
  tc = await createTestContext();
  app = await buildTestApp(tc, [identityRoutes]);
});
afterAll(async () => {
  await app.close();
  await tc.close();
});

function canSend(user: Parameters<TestContext['identity']['assertCanSend']>[0], purpose?: 'payout' | 'transfer' | 'payment'): string {
  try {
    tc.identity.assertCanSend(user, purpose);
    return 'ok';
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('self-freeze', () => {
  test('freezes at once; nothing may leave; lifted with PIN + code', async () => {
    const u = await registerTestUser(tc);
    expect(canSend(u.user)).toBe('ok');
    const frozen = await app.inject({ method: 'POST', url: '/v1/me/freeze', headers: bearer(u.token) });
    expect(frozen.statusCode).toBe(200);
    expect(frozen.json().frozen).toMatchObject({ by: 'self' });
    const user = await tc.identity.getUser(tc.database.db, u.user.id);
    expect(canSend(user, 'payout')).toBe('account_frozen');
    expect(canSend(user, 'transfer')).toBe('account_frozen');
    expect(canSend(user, 'payment')).toBe('account_frozen');
    // Freezing twice changes nothing.
    expect((await app.inject({ method: 'POST', url: '/v1/me/freeze', headers: bearer(u.token) })).statusCode).toBe(200);

    const wrongPin = await app.inject({ method: 'POST', url: '/v1/me/unfreeze', headers: bearer(u.token), payload: { pin: '000001' } });
    expect(wrongPin.json().error.code).toBe('invalid_credentials');
    const step = await app.inject({ method: 'POST', url: '/v1/me/unfreeze', headers: bearer(u.token), payload: { pin: u.pin } });
    expect(step.statusCode).toBe(403);
    expect(step.json().error.code).toBe('step_up_required');
    const challengeId = step.json().error.details.challenge_id as string;
    const code = await smsCodeFor(tc.database.db, challengeId);
    const lifted = await app.inject({ method: 'POST', url: '/v1/me/unfreeze', headers: bearer(u.token), payload: { pin: u.pin, challenge_id: challengeId, code } });
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json().frozen).toBeNull();
    const notFrozen = await app.inject({ method: 'POST', url: '/v1/me/unfreeze', headers: bearer(u.token), payload: { pin: u.pin } });
    expect(notFrozen.json().error.code).toBe('not_frozen');
  });

  test('a code for another action does not lift a freeze', async () => {
    const u = await registerTestUser(tc);
    await app.inject({ method: 'POST', url: '/v1/me/freeze', headers: bearer(u.token) });
    const other = await app.inject({ method: 'POST', url: '/v1/otp-challenges', headers: bearer(u.token), payload: { action: 'limits.raise' } });
    expect(other.statusCode).toBe(201);
    const code = await smsCodeFor(tc.database.db, other.json().id);
    const tried = await app.inject({ method: 'POST', url: '/v1/me/unfreeze', headers: bearer(u.token), payload: { pin: u.pin, challenge_id: other.json().id, code } });
    expect(tried.json().error.code).toBe('otp_binding_mismatch');
  });

  test('SMS keyword FREEZE / 정지 freezes the sender', async () => {
    const u = await registerTestUser(tc);
    expect(await tc.identity.handleSmsKeyword(u.phone.replace('+82', '0'), ' 정지 ')).toMatchObject({ handled: true, action: 'freeze', userId: u.user.id });
    expect((await tc.identity.getUser(tc.database.db, u.user.id)).frozen?.reason).toBe('self:sms');
    const v = await registerTestUser(tc);
    expect(await tc.identity.handleSmsKeyword(v.phone, 'freeze')).toMatchObject({ handled: true });
    expect(await tc.identity.handleSmsKeyword(v.phone, 'hello')).toMatchObject({ handled: false });
    expect(await tc.identity.handleSmsKeyword('+821000000000', 'FREEZE')).toEqual({ handled: false });
    expect(await tc.identity.handleSmsKeyword('not a phone', 'FREEZE')).toEqual({ handled: false });
  });
});

describe('staff freeze', () => {
  test('support freezes with a reason; the user cannot lift it; staff can; both audited', async () => {
    const u = await registerTestUser(tc);
    const support = await createTestStaff(tc, 'support');
    const freeze = await app.inject({ method: 'POST', url: `/v1/admin/users/${u.user.id}/freeze`, headers: bearer(support.token), payload: { reason: 'reported stolen phone' } });
    expect(freeze.statusCode).toBe(200);
    expect(freeze.json().frozen).toMatchObject({ by: 'staff', reason: 'reported stolen phone' });
    const self = await app.inject({ method: 'POST', url: '/v1/me/unfreeze', headers: bearer(u.token), payload: { pin: u.pin } });
    expect(self.json().error.code).toBe('frozen_by_staff');
    const lift = await app.inject({ method: 'POST', url: `/v1/admin/users/${u.user.id}/unfreeze`, headers: bearer(support.token), payload: { reason: 'owner confirmed at branch' } });
    expect(lift.json().frozen).toBeNull();
    const audit = await tc.identity.listAudit(tc.database.db, { targetId: u.user.id, limit: 10 });
    const staffEntries = audit.data.filter((e) => e.actorKind === 'staff');
    expect(staffEntries.map((e) => e.action).sort()).toEqual(['user.frozen', 'user.unfrozen']);
    expect(staffEntries[0]).toMatchObject({ actorId: support.staffId, reason: 'owner confirmed at branch', before: { frozen_by: 'staff' }, after: { frozen_by: null } });
  });

  test('a staff freeze overrides a self-freeze', async () => {
    const u = await registerTestUser(tc);
    await withTransaction(tc.database.db, (trx) => tc.identity.freezeSelf(trx, u.user.id, 'ussd'));
    const user = await withTransaction(tc.database.db, (trx) => tc.identity.staffFreeze(trx, { staffId: 'stf_x' }, u.user.id, 'fraud review'));
    expect(user.frozen?.by).toBe('staff');
  });
});

describe('PIN change and the payout hold after a reset', () => {
  test('change: current PIN + code; other sessions end; new PIN works', async () => {
    const u = await registerTestUser(tc);
    const other = await tc.identity.login({ phone: u.phone, pin: u.pin, deviceId: u.deviceId });
    const first = await app.inject({ method: 'PUT', url: '/v1/me/pin', headers: bearer(u.token), payload: { current_pin: u.pin, new_pin: '582916' } });
    expect(first.json().error.code).toBe('step_up_required');
    const challengeId = first.json().error.details.challenge_id as string;
    const code = await smsCodeFor(tc.database.db, challengeId);
    const same = await app.inject({ method: 'PUT', url: '/v1/me/pin', headers: bearer(u.token), payload: { current_pin: u.pin, new_pin: u.pin, challenge_id: challengeId, code } });
    expect(same.json().error.code).toBe('same_pin');
    const done = await app.inject({ method: 'PUT', url: '/v1/me/pin', headers: bearer(u.token), payload: { current_pin: u.pin, new_pin: '582916', challenge_id: challengeId, code } });
    expect(done.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(u.token) })).statusCode).toBe(200);
    expect(other.status).toBe('active');
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer((other as { token: string }).token) })).statusCode).toBe(401);
    await expect(tc.identity.verifyPin(tc.database.db, u.user.id, '582916')).resolves.toBeDefined();
  });

  test('reset (tier 0): code + new PIN; sessions end; payouts and sends held 24 h; payments are not', async () => {
    const u = await registerTestUser(tc);
    const start = await app.inject({ method: 'POST', url: '/v1/pin-resets', payload: { phone: u.phone } });
    expect(start.statusCode).toBe(201);
    const code = await smsCodeFor(tc.database.db, start.json().id);
    const done = await app.inject({ method: 'POST', url: `/v1/pin-resets/${start.json().id}/complete`, payload: { code, new_pin: '582916', device_id: u.deviceId } });
    expect(done.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(u.token) })).statusCode).toBe(401);
    const user = await tc.identity.getUser(tc.database.db, u.user.id);
    expect(tc.identity.payoutHoldUntil(user)?.getTime()).toBe(tc.clock.now().getTime() + 24 * 3_600_000);
    expect(canSend(user, 'payout')).toBe('payout_hold');
    expect(canSend(user, 'transfer')).toBe('payout_hold');
    expect(canSend(user, 'payment')).toBe('ok');
    const sms = await tc.database.db.selectFrom('outbox_messages').select('template').where('recipient', '=', u.phone).execute();
    expect(sms.map((m) => m.template)).toContain('security.pin_reset');
    tc.clock.advance(24 * 3_600_000);
    expect(canSend(user)).toBe('ok');
    expect(tc.identity.payoutHoldUntil(user)).toBeNull();
  });

  test('reset also clears a lockout; a reset for an unknown number looks the same but sends nothing', async () => {
    const u = await registerTestUser(tc);
    for (let i = 0; i < 5; i++) await tc.identity.verifyPin(tc.database.db, u.user.id, '000001').catch(() => undefined);
    const start = await app.inject({ method: 'POST', url: '/v1/pin-resets', payload: { phone: u.phone } });
    const code = await smsCodeFor(tc.database.db, start.json().id);
    await app.inject({ method: 'POST', url: `/v1/pin-resets/${start.json().id}/complete`, payload: { code, new_pin: '582916', device_id: u.deviceId } });
    await expect(tc.identity.verifyPin(tc.database.db, u.user.id, '582916')).resolves.toBeDefined();

    const before = await tc.database.db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const ghost = await app.inject({ method: 'POST', url: '/v1/pin-resets', payload: { phone: '010-9876-5432' } });
    expect(ghost.statusCode).toBe(201);
    expect(Object.keys(ghost.json()).sort()).toEqual(Object.keys(start.json()).sort());
    const after = await tc.database.db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const guess = await app.inject({ method: 'POST', url: `/v1/pin-resets/${ghost.json().id}/complete`, payload: { code: '123456', new_pin: '582916', device_id: 'device-x-0001' } });
    expect(guess.statusCode).toBe(400);
  });
});
