// Registration and login through the API: sessions are opaque, hashed, expiring and revocable; a
// new device needs the SMS code.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTestApp, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { bearer, nextPhone, registerTestUser, smsCodeFor } from '../../test/helpers/identity.ts';
import { sha256Hex } from './secrets.ts';
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

describe('registration', () => {
  test('start → code by SMS → verify with a PIN → signed in; the three spellings are one number', async () => {
    const phone = nextPhone();
    const national = `0${phone.slice(3, 5)}-${phone.slice(5, 9)}-${phone.slice(9)}`;
    const start = await app.inject({ method: 'POST', url: '/v1/registrations', payload: { phone: national, carrier: 'LGU', lang: 'en' } });
    expect(start.statusCode).toBe(201);
    expect(start.json().phone).toBe(phone);
    const sms = await tc.database.db.selectFrom('outbox_messages').selectAll().where('recipient', '=', phone).executeTakeFirstOrThrow();
    expect(sms.lang).toBe('en');
    expect(sms.body).toMatch(/your code to sign up/);
    const code = await smsCodeFor(tc.database.db, start.json().id);
    const weak = await app.inject({ method: 'POST', url: `/v1/registrations/${start.json().id}/verify`, payload: { code, pin: '123456', device_id: 'device-0001' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toMatchObject({ code: 'weak_pin', param: 'pin', details: { reason: 'sequence' } });
    const done = await app.inject({ method: 'POST', url: `/v1/registrations/${start.json().id}/verify`, payload: { code, pin: '480273', device_id: 'device-0001' } });
    expect(done.statusCode).toBe(201);
    expect(done.json().user).toMatchObject({ phone, carrier: 'LGU', lang: 'en', tier: 0 });
    expect(done.json().token).toMatch(/^scs_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(done.json())).not.toContain('480273');

    // The same number again, written another way: registered already (after proving the code).
    const again = await app.inject({ method: 'POST', url: '/v1/registrations', payload: { phone: `+82 ${phone.slice(3, 5)} ${phone.slice(5, 9)} ${phone.slice(9)}`, carrier: 'LGU' } });
    const code2 = await smsCodeFor(tc.database.db, again.json().id);
    const dup = await app.inject({ method: 'POST', url: `/v1/registrations/${again.json().id}/verify`, payload: { code: code2, pin: '480273', device_id: 'device-0002' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('phone_already_registered');
  });

  test('errors come in the caller language', async () => {
    const ko = await app.inject({ method: 'POST', url: '/v1/registrations', headers: { 'accept-language': 'ko-KR,ko;q=0.9' }, payload: { phone: '02-123-4567', carrier: 'KT' } });
    expect(ko.json().error).toMatchObject({ code: 'invalid_phone_number', param: 'phone', message: '올바른 휴대전화 번호가 아닙니다.' });
    const en = await app.inject({ method: 'POST', url: '/v1/registrations', payload: { phone: '02-123-4567', carrier: 'KT' } });
    expect(en.json().error.message).toBe('This is not a valid mobile phone number.');
  });
});

describe('sessions', () => {
  test('the token is stored only as its SHA-256', async () => {
    const u = await registerTestUser(tc);
    const rows = await tc.database.db.selectFrom('sessions').select('token_hash').where('user_id', '=', u.user.id).execute();
    expect(rows).toEqual([{ token_hash: sha256Hex(u.token) }]);
  });

  test('known device: PIN alone signs in; new device: 202 + code', async () => {
    const u = await registerTestUser(tc);
    const known = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: u.phone, pin: u.pin, device_id: u.deviceId } });
    expect(known.statusCode).toBe(201);

    const fresh = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: u.phone, pin: u.pin, device_id: 'brand-new-device-01' } });
    expect(fresh.statusCode).toBe(202);
    expect(fresh.json()).toMatchObject({ status: 'otp_required' });
    const code = await smsCodeFor(tc.database.db, fresh.json().challenge_id);
    // The code is bound to the device it was asked for.
    const elsewhere = await app.inject({ method: 'POST', url: '/v1/sessions/verify', payload: { challenge_id: fresh.json().challenge_id, code, device_id: 'another-device-02' } });
    expect(elsewhere.json().error.code).toBe('otp_binding_mismatch');
    const verified = await app.inject({ method: 'POST', url: '/v1/sessions/verify', payload: { challenge_id: fresh.json().challenge_id, code, device_id: 'brand-new-device-01', device_label: 'Galaxy' } });
    expect(verified.statusCode).toBe(201);
    const again = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: u.phone, pin: u.pin, device_id: 'brand-new-device-01' } });
    expect(again.statusCode).toBe(201);
  });

  test('a device unseen for longer than the window is new again', async () => {
    const u = await registerTestUser(tc);
    tc.clock.advance(91 * 86_400_000);
    const stale = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: u.phone, pin: u.pin, device_id: u.deviceId } });
    expect(stale.statusCode).toBe(202);
  });

  test('wrong PIN and unknown number get the same 401', async () => {
    const u = await registerTestUser(tc);
    const wrong = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: u.phone, pin: '000001', device_id: u.deviceId } });
    const unknown = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: nextPhone(), pin: u.pin, device_id: u.deviceId } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect({ ...wrong.json().error, request_id: '' }).toEqual({ ...unknown.json().error, request_id: '' });
  });

  test('sessions expire after the policy TTL', async () => {
    const u = await registerTestUser(tc);
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(u.token) })).statusCode).toBe(200);
    tc.clock.advance(720 * 3_600_000 - 1000);
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(u.token) })).statusCode).toBe(200);
    tc.clock.advance(1000);
    const expired = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(u.token) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('unauthenticated');
  });

  test('list, revoke one, and log out', async () => {
    const u = await registerTestUser(tc);
    const second = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: u.phone, pin: u.pin, device_id: u.deviceId } });
    const token2 = second.json().token as string;
    const list = await app.inject({ method: 'GET', url: '/v1/sessions', headers: bearer(u.token) });
    expect(list.json().data).toHaveLength(2);
    expect(list.json().data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    const revoke = await app.inject({ method: 'DELETE', url: `/v1/sessions/${second.json().session.id}`, headers: bearer(u.token) });
    expect(revoke.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token2) })).statusCode).toBe(401);
    const twice = await app.inject({ method: 'DELETE', url: `/v1/sessions/${second.json().session.id}`, headers: bearer(u.token) });
    expect(twice.json().error.code).toBe('session_not_found');

    const other = await registerTestUser(tc);
    const foreign = await app.inject({ method: 'DELETE', url: `/v1/sessions/${second.json().session.id}`, headers: bearer(other.token) });
    expect(foreign.statusCode).toBe(404);

    const out = await app.inject({ method: 'DELETE', url: '/v1/sessions/current', headers: bearer(u.token) });
    expect(out.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(u.token) })).statusCode).toBe(401);
  });

  test('forgetting a device ends its sessions and makes it new again', async () => {
    const u = await registerTestUser(tc);
    const devices = await app.inject({ method: 'GET', url: '/v1/me/devices', headers: bearer(u.token) });
    expect(devices.json().data).toHaveLength(1);
    const id = devices.json().data[0].id as string;
    const other = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: u.phone, pin: u.pin, device_id: 'second-device-001' } });
    const code = await smsCodeFor(tc.database.db, other.json().challenge_id);
    const second = await app.inject({ method: 'POST', url: '/v1/sessions/verify', payload: { challenge_id: other.json().challenge_id, code, device_id: 'second-device-001' } });
    const removed = await app.inject({ method: 'DELETE', url: `/v1/me/devices/${id}`, headers: bearer(second.json().token) });
    expect(removed.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(u.token) })).statusCode).toBe(401);
    const relogin = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: u.phone, pin: u.pin, device_id: u.deviceId } });
    expect(relogin.statusCode).toBe(202);
    const missing = await app.inject({ method: 'DELETE', url: `/v1/me/devices/${id}`, headers: bearer(second.json().token) });
    expect(missing.json().error.code).toBe('device_not_found');
  });

  test('PATCH /v1/me changes the language', async () => {
    const u = await registerTestUser(tc);
    const patched = await app.inject({ method: 'PATCH', url: '/v1/me', headers: bearer(u.token), payload: { lang: 'en' } });
    expect(patched.json().lang).toBe('en');
  });

  test('the OpenAPI document describes the identity routes', async () => {
    const doc = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const paths = Object.keys(doc.json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/registrations', '/v1/sessions', '/v1/me/kyc/bank-accounts', '/v1/admin/partners/{id}/keys', '/v1/carrier/events']));
  });
});
