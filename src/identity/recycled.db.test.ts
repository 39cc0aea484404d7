// Recycled numbers: a carrier's number_terminated / number_reassigned ends the old owner's binding.
// The old owner keeps the account; lookups by the number stop leading to them; a new subscriber
// gets the number only by registering.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withTransaction } from '../db/index.ts';
import { buildTestApp, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { bearer, createTestPartner, registerTestUser, smsCodeFor } from '../../test/helpers/identity.ts';
import { identityRoutes } from './index.ts';

let tc: TestContext;
let app: FastifyInstance;
let carrierKey: string;
beforeAll(async () => {
  tc = await createTestContext();
  app = await buildTestApp(tc, [identityRoutes]);
  carrierKey = (await createTestPartner(tc, ['carrier:events'], 'SKT events')).apiKey;
});
afterAll(async () => {
  await app.close();
  await tc.close();
});

const resolve = (phone: string) => tc.identity.resolveRecipientByPhone(tc.database.db, phone);

describe('carrier events', () => {
  test('simulator: reassignment unbinds the old owner; lookups return null; the account stays', async () => {
    const old = await registerTestUser(tc);
    expect((await resolve(old.phone.replace('+82', '0')))?.id).toBe(old.user.id);
    tc.clock.advance(60_000);
    tc.simulators.carrier.emit('number_reassigned', old.phone, { carrier: 'SKT' });
    const [outcome] = await tc.identity.pollCarrierEvents(tc.simulators.carrier);
    expect(outcome).toMatchObject({ status: 'processed', unboundUserId: old.user.id });
    expect(await resolve(old.phone)).toBeNull();
    const user = await tc.identity.getUser(tc.database.db, old.user.id);
    expect(user).toMatchObject({ phone: null, previousPhone: old.phone, phoneUnboundReason: 'number_reassigned', status: 'active' });
    expect(() => tc.identity.assertCanSend(user)).toThrow(expect.objectContaining({ code: 'phone_unbound' }));
    // The old owner's session (their own device) still shows the account.
    const me = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(old.token) });
    expect(me.json().phone_unbound).toMatchObject({ reason: 'number_reassigned', previous_phone: old.phone });
    // Login by that number no longer reaches the old account.
    await expect(tc.identity.login({ phone: old.phone, pin: old.pin, deviceId: old.deviceId })).rejects.toMatchObject({ code: 'invalid_credentials' });

    // The new subscriber registers the number and becomes its owner — a different account.
    const fresh = await registerTestUser(tc, { phone: old.phone });
    expect(fresh.user.id).not.toBe(old.user.id);
    expect((await resolve(old.phone))?.id).toBe(fresh.user.id);
  });

  test('a late event about the previous subscriber does not unbind the new owner', async () => {
    const u = await registerTestUser(tc);
    const before = new Date(tc.clock.now().getTime() - 86_400_000);
    const outcome = await withTransaction(tc.database.db, (trx) => tc.identity.ingestCarrierEvent(trx, 'KT', { externalId: 'late-1', type: 'number_terminated', phone: u.phone, occurredAt: before }));
    expect(outcome).toMatchObject({ status: 'processed', unboundUserId: null });
    expect((await resolve(u.phone))?.id).toBe(u.user.id);
  });

  test('API: a carrier partner pushes events; the same event id twice is one event', async () => {
    const u = await registerTestUser(tc);
    tc.clock.advance(60_000);
    const payload = { event_id: 'skt-evt-0001', type: 'number_terminated', phone: u.phone, occurred_at: tc.clock.now().toISOString(), carrier: 'SKT' };
    const first = await app.inject({ method: 'POST', url: '/v1/carrier/events', headers: bearer(carrierKey), payload });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'processed', unbound_user_id: u.user.id });
    const again = await app.inject({ method: 'POST', url: '/v1/carrier/events', headers: bearer(carrierKey), payload });
    expect(again.json()).toMatchObject({ status: 'duplicate', id: first.json().id, unbound_user_id: u.user.id });
    const audit = await tc.identity.listAudit(tc.database.db, { targetId: u.user.id, action: 'user.phone_unbound', limit: 5 });
    expect(audit.data).toHaveLength(1);
  });

  test('a partner without the carrier scope is refused', async () => {
    const credits = await createTestPartner(tc, ['credits:write']);
    const refused = await app.inject({ method: 'POST', url: '/v1/carrier/events', headers: bearer(credits.apiKey), payload: { event_id: 'x', type: 'number_terminated', phone: '010-2222-3333', occurred_at: tc.clock.now().toISOString() } });
    expect(refused.statusCode).toBe(403);
  });

  test('the old owner re-verifies a number (code to it + PIN) and can send again', async () => {
    const u = await registerTestUser(tc);
    tc.clock.advance(60_000);
    tc.simulators.carrier.emit('number_terminated', u.phone);
    await tc.identity.pollCarrierEvents(tc.simulators.carrier);
    const newPhone = '010-7777-1234';
    const start = await app.inject({ method: 'POST', url: '/v1/me/phone-bindings', headers: bearer(u.token), payload: { phone: newPhone, carrier: 'KT' } });
    expect(start.statusCode).toBe(201);
    const code = await smsCodeFor(tc.database.db, start.json().id);
    const wrongPin = await app.inject({ method: 'POST', url: `/v1/me/phone-bindings/${start.json().id}/verify`, headers: bearer(u.token), payload: { code, pin: '000001' } });
    expect(wrongPin.json().error.code).toBe('invalid_credentials');
    const done = await app.inject({ method: 'POST', url: `/v1/me/phone-bindings/${start.json().id}/verify`, headers: bearer(u.token), payload: { code, pin: u.pin } });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ phone: '+821077771234', carrier: 'KT', phone_unbound: null });
    expect((await resolve(newPhone))?.id).toBe(u.user.id);
    const user = await tc.identity.getUser(tc.database.db, u.user.id);
    expect(() => tc.identity.assertCanSend(user)).not.toThrow();
  });

  test("a number bound to someone else cannot be taken over", async () => {
    const a = await registerTestUser(tc);
    const b = await registerTestUser(tc);
    const start = await app.inject({ method: 'POST', url: '/v1/me/phone-bindings', headers: bearer(a.token), payload: { phone: b.phone } });
    const code = await smsCodeFor(tc.database.db, start.json().id);
    const taken = await app.inject({ method: 'POST', url: `/v1/me/phone-bindings/${start.json().id}/verify`, headers: bearer(a.token), payload: { code, pin: a.pin } });
    expect(taken.json().error.code).toBe('phone_already_registered');
  });

  test('batch resolution for credit ingest', async () => {
    const a = await registerTestUser(tc);
    const b = await registerTestUser(tc);
    const map = await tc.identity.resolveRecipientsByPhone(tc.database.db, [a.phone, b.phone, '+821055550000', a.phone]);
    expect(map.size).toBe(2);
    expect(map.get(a.phone)?.id).toBe(a.user.id);
    await expect(resolve('02-123-4567')).rejects.toMatchObject({ code: 'invalid_phone_number' });
  });
});
