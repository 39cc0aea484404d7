// Subscriptions through the real API and the charge job on a ManualClock: a merchant asks, the
// person authorises once with the PIN, charges run on schedule, a short wallet fails softly with
// a notice and a retry, and cancelling stops charges at once.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createTestPartner } from '../../test/helpers/identity.ts';
import { mandateOut } from './wire.ts';
import { balancesOf, errorOf, fund, krw, makeMerchant, makePayer, openPaymentsWorld, rowCounts, won, type Payer, type PaymentsWorld, type TestMerchant } from '../../test/helpers/payments.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

let world: PaymentsWorld;
let shop: TestMerchant;
beforeAll(async () => {
  world = await openPaymentsWorld();
  shop = await makeMerchant(world, { name: '신문구독' });
});
afterAll(async () => {
  await world.close();
});

async function ask(payer: Payer, payload: Record<string, unknown> = {}, merchant = shop) {
  return world.inject({ method: 'POST', url: '/v1/merchant/subscriptions', headers: bearer(merchant.apiKey), payload: { phone: payer.phone, amount: krw(1_000), period: 'daily', description: '일간 뉴스', ...payload } });
}

async function authorize(payer: Payer, id: string, pin = payer.pin) {
  return world.inject({ method: 'POST', url: `/v1/me/subscriptions/${id}/authorize`, headers: bearer(payer.token), payload: { pin } });
}

/** The person's view of a mandate (through the service: weeks pass on the clock, and sessions end). */
async function mine(payer: Payer, id: string) {
  const views = await world.rt.ctx.services.payments.mandatesOfUser(payer.user.id, 100);
  return mandateOut(views.find((v) => mandateOut(v).id === id)!);
}

const runJob = () => world.rt.ctx.services.payments.runSubscriptionCharges();

async function failedNotices(payer: Payer): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM outbox_messages WHERE recipient = ${payer.phone} AND template = 'subscription.charge_failed'`.execute(world.rt.database.db);
  return Number(rows[0]!.n);
}

describe('bad input and roles', () => {
  let payer: Payer;
  beforeAll(async () => {
    payer = await makePayer(world, { cashable: 1_000 });
  });
  const cases: [string, Record<string, unknown>, { status: number; code: string; param?: string }][] = [
    ['a yearly period', { period: 'yearly' }, { status: 400, code: 'invalid_period', param: 'period' }],
    ['a negative amount', { amount: krw(-1) }, { status: 400, code: 'invalid_amount', param: 'amount.amount' }],
    ['a long description', { description: 'x'.repeat(81) }, { status: 400, code: 'invalid_text', param: 'description' }],
    ['a bad phone number', { phone: '12345' }, { status: 400, code: 'invalid_phone_number', param: 'phone' }],
    ['a number nobody uses', { phone: '010-9999-0001' }, { status: 404, code: 'payer_not_registered', param: 'phone' }],
    ['an extra field', { start: 'now' }, { status: 400, code: 'unknown_field', param: 'start' }],
  ];
  test.each(cases)('asking with %s', async (_name, payload, expected) => {
    const before = await rowCounts(world);
    expect(errorOf(await ask(payer, payload))).toEqual(expected);
    expect(await rowCounts(world)).toEqual(before);
  });

  test('someone else\'s or an unknown mandate is not found; the PIN is required', async () => {
    const id = (await ask(payer)).json().id as string;
    const stranger = await makePayer(world);
    const before = await rowCounts(world);
    expect(errorOf(await authorize(stranger, id, stranger.pin))).toEqual({ status: 404, code: 'mandate_not_found', param: 'id' });
    expect(errorOf(await world.inject({ method: 'POST', url: `/v1/me/subscriptions/${id}/cancel`, headers: bearer(stranger.token) }))).toEqual({ status: 404, code: 'mandate_not_found', param: 'id' });
    expect(errorOf(await authorize(payer, 'sub_01h455vb4pex5vsknk084sn02q'))).toEqual({ status: 404, code: 'mandate_not_found', param: 'id' });
    expect(errorOf(await world.inject({ method: 'POST', url: `/v1/me/subscriptions/${id}/authorize`, headers: bearer(payer.token), payload: {} }))).toEqual({ status: 400, code: 'missing_field', param: 'pin' });
    expect(await rowCounts(world)).toEqual(before);
  });

  test('role matrix: merchants ask, users authorise and cancel; staff and plain partners are refused', async () => {
    const plain = await createTestPartner(world.tc, ['credits:write']);
    const callers = { user: bearer(payer.token), merchant: bearer(shop.apiKey), admin: bearer(world.admin.token), partner: bearer(plain.apiKey), none: {} };
    const routes: [string, string, Record<string, unknown> | undefined, keyof typeof callers][] = [
      ['POST', '/v1/merchant/subscriptions', { phone: '1', amount: krw(1), period: 'daily', description: 'x' }, 'merchant'],
      ['GET', '/v1/merchant/subscriptions', undefined, 'merchant'],
      ['GET', '/v1/me/subscriptions', undefined, 'user'],
      ['POST', '/v1/me/subscriptions/sub_01h455vb4pex5vsknk084sn02q/authorize', { pin: '123456' }, 'user'],
      ['POST', '/v1/me/subscriptions/sub_01h455vb4pex5vsknk084sn02q/cancel', undefined, 'user'],
    ];
    for (const [method, url, payload, allowed] of routes) {
      for (const [caller, headers] of Object.entries(callers)) {
        const before = await rowCounts(world);
        const res = await world.inject({ method: method as 'GET', url, headers, ...(payload ? { payload } : {}) });
        const label = `${method} ${url} as ${caller}`;
        if (caller === 'none') expect(res.statusCode, label).toBe(401);
        else if (caller === allowed) expect([200, 400, 404], label).toContain(res.statusCode);
        else expect(errorOf(res), label).toMatchObject({ status: 403, code: 'forbidden' });
        expect(await rowCounts(world)).toEqual(before);
      }
    }
  });
});

describe('subscriptions', () => {
  test('asked, authorised once with the PIN, charged each day in spend order; nothing is charged before authorisation', async () => {
    const payer = await makePayer(world, { cashable: 5_000, spendOnly: 1_500 });
    const asked = await ask(payer);
    expect(asked.statusCode, asked.body).toBe(201);
    const id = asked.json().id as string;
    expect(asked.json()).toMatchObject({ object: 'subscription', status: 'requested', amount: krw('1000'), period: 'daily', next_charge_at: null, merchant: { id: shop.id } });
    const notice = await sql<{ body: string }>`SELECT body FROM outbox_messages WHERE recipient = ${payer.phone} AND template = 'subscription.requested'`.execute(world.rt.database.db);
    expect(notice.rows.map((r) => r.body)).toEqual([expect.stringContaining('신문구독 매일')]);
    await runJob();
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(5_000), spend_only: won(1_500) });

    expect(errorOf(await authorize(payer, id, payer.pin === '000000' ? '111111' : '000000'))).toMatchObject({ status: 401, code: 'invalid_credentials' });
    const ok = await authorize(payer, id);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'active', next_charge_at: world.clock.now().toISOString() });
    expect(errorOf(await authorize(payer, id))).toEqual({ status: 409, code: 'mandate_not_pending', param: 'id' });

    expect(await runJob()).toMatchObject({ paid: 1 });
    expect(await runJob()).toMatchObject({ paid: 0 });
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(5_000), spend_only: won(500) });
    world.clock.advance(DAY_MS);
    expect(await runJob()).toMatchObject({ paid: 1 });
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(4_500), spend_only: won(0) });

    const view = await mine(payer, id);
    expect(view.charges.map((c: { status: string }) => c.status)).toEqual(['paid', 'paid']);
    const payments = (await world.inject({ method: 'GET', url: '/v1/payments', headers: bearer(payer.token) })).json().data;
    expect(payments.map((p: { source: string; amount: unknown }) => [p.source, p.amount])).toEqual([['subscription', krw('1000')], ['subscription', krw('1000')]]);
    const sms = await sql<{ n: string }>`SELECT count(*)::text AS n FROM outbox_messages WHERE recipient = ${payer.phone} AND template = 'subscription.charged'`.execute(world.rt.database.db);
    expect(sms.rows[0]!.n).toBe('2');
    // The merchant sees it, and may refund a charge like any payment.
    const theirs = (await world.inject({ method: 'GET', url: '/v1/merchant/subscriptions', headers: bearer(shop.apiKey) })).json();
    expect(theirs.data.map((m: { id: string }) => m.id)).toContain(id);
  });

  test('a short wallet fails softly: a notice, a retry after the policy interval, and the period is skipped after the last retry', async () => {
    const payer = await makePayer(world, { cashable: 500 });
    const id = (await ask(payer, { amount: krw(1_000), period: 'weekly' })).json().id as string;
    await authorize(payer, id);
    expect(await runJob()).toMatchObject({ failed: 1 });
    expect(await failedNotices(payer)).toBe(1);
    const failed = await mine(payer, id);
    expect(failed).toMatchObject({ status: 'active', failures: 1, next_charge_at: new Date(world.clock.now().getTime() + 6 * HOUR_MS).toISOString() });
    expect(failed.charges).toEqual([expect.objectContaining({ status: 'failed', failure_code: 'insufficient_funds', attempt: 1 })]);
    expect(await runJob()).toMatchObject({ failed: 0, paid: 0 });

    world.clock.advance(6 * HOUR_MS);
    expect(await runJob()).toMatchObject({ failed: 1 });
    await fund(world, payer, { cashable: won(600) });
    world.clock.advance(6 * HOUR_MS);
    expect(await runJob()).toMatchObject({ paid: 1 });
    const paid = await mine(payer, id);
    expect(paid.failures).toBe(0);
    // The next charge is a week after the first due date, not after the late success.
    expect(new Date(paid.next_charge_at!).getTime() - new Date(paid.authorized_at!).getTime()).toBe(7 * DAY_MS);
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(100), spend_only: won(0) });

    // Next week it stays short through every retry: the period is skipped, the mandate lives on.
    world.clock.advance(7 * DAY_MS);
    for (let i = 0; i < 3; i++) {
      expect(await runJob()).toMatchObject({ failed: 1 });
      world.clock.advance(6 * HOUR_MS);
    }
    expect(await runJob()).toMatchObject({ skipped: 1 });
    const skipped = await mine(payer, id);
    expect(skipped).toMatchObject({ status: 'active', failures: 0 });
    expect(new Date(skipped.next_charge_at!).getTime() - new Date(skipped.authorized_at!).getTime()).toBe(14 * DAY_MS);
    expect(skipped.charges.map((c: { status: string }) => c.status)).toEqual(['failed', 'failed', 'paid', 'failed', 'failed', 'failed', 'skipped']);
  });

  test('cancelling is effective at once: a due charge is not taken; cancelling twice says so', async () => {
    const payer = await makePayer(world, { cashable: 10_000 });
    const id = (await ask(payer)).json().id as string;
    await authorize(payer, id);
    const cancelled = await world.inject({ method: 'POST', url: `/v1/me/subscriptions/${id}/cancel`, headers: bearer(payer.token) });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', next_charge_at: null, cancelled_at: world.clock.now().toISOString() });
    expect(await runJob()).toMatchObject({ paid: 0 });
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(10_000), spend_only: won(0) });
    const before = await rowCounts(world);
    expect(errorOf(await world.inject({ method: 'POST', url: `/v1/me/subscriptions/${id}/cancel`, headers: bearer(payer.token) }))).toEqual({ status: 409, code: 'mandate_cancelled', param: 'id' });
    expect(errorOf(await authorize(payer, id))).toEqual({ status: 409, code: 'mandate_cancelled', param: 'id' });
    expect(await rowCounts(world)).toEqual(before);
  });

  test('a frozen wallet is not charged: the charge fails softly like a short one', async () => {
    const payer = await makePayer(world, { cashable: 10_000 });
    const id = (await ask(payer)).json().id as string;
    await authorize(payer, id);
    await world.inject({ method: 'POST', url: '/v1/me/freeze', headers: bearer(payer.token), payload: {} });
    expect(await runJob()).toMatchObject({ failed: 1 });
    expect((await mine(payer, id)).charges[0]).toMatchObject({ status: 'failed', failure_code: 'account_frozen' });
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(10_000), spend_only: won(0) });
  });
});
