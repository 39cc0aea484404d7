// Limits: the person's own caps (lower at once, raise with a code after the cooling-off, SMS
// both times, history kept), and the tier's and own caps enforced on sends across the day and
// month boundaries of Asia/Seoul — which are not UTC's.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, registerTestUser, smsCodeFor, type TestUser } from '../../test/helpers/identity.ts';
import { createWalletWorld, expectLedgerVerifies, fund, mainWallet, rowCounts, smsTo, won, type WalletWorld } from '../../test/helpers/wallets.ts';
import { withTransaction } from '../db/index.ts';
import { TransferFlags, type TransferId } from '../ledger/index.ts';
import { uuidv7 } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from './chart.ts';

let world: WalletWorld;
let keys = 0;
const HOUR = 3_600_000;
const krw = (amount: string) => ({ amount, currency: 'KRW' });

beforeAll(async () => {
  world = await createWalletWorld();
});
afterAll(async () => world?.close());
// Every scenario leaves a ledger that verifies: chain, totals, and a zero sum.
afterEach(async () => expectLedgerVerifies(world));

function send(from: TestUser, to: TestUser, amount: string) {
  return world.app.inject({
    method: 'POST',
    url: '/v1/transfers',
    headers: { ...bearer(from.token), 'idempotency-key': `limits-${++keys}` },
    payload: { to: to.phone, amount: krw(amount), pin: from.pin },
  });
}

function putLimits(user: TestUser, body: Record<string, unknown>) {
  return world.app.inject({ method: 'PUT', url: '/v1/me/limits', headers: bearer(user.token), payload: body });
}

async function getLimits(user: TestUser) {
  const response = await world.app.inject({ method: 'GET', url: '/v1/me/limits', headers: bearer(user.token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function people(n: number): Promise<TestUser[]> {
  const out: TestUser[] = [];
  for (let i = 0; i < n; i++) out.push(await registerTestUser(world, { lang: 'en' }));
  return out;
}

describe('own limits', () => {
  it('shows the tier\'s caps, nothing of one\'s own, and nothing used', async () => {
    const [alice] = await people(1);
    const body = await getLimits(alice!);
    expect(body).toMatchObject({ object: 'limits', currency: 'KRW', time_zone: 'Asia/Seoul', tier: 0, raise_cooldown_hours: 24 });
    expect(body.limits.send.daily).toEqual({
      tier_cap: krw('100000'), self_cap: null, effective_cap: krw('100000'), used: krw('0'), count: 0, remaining: krw('100000'), pending: null,
    });
    expect(body.limits.cash_out.monthly.tier_cap).toEqual(krw('500000'));
    expect(body.velocity).toMatchObject({ count_per_day: 30, used_count: 0 });
  });

  it('lowers at once, and the next send is held to it', async () => {
    const [alice, bob] = await people(2);
    await fund(world, alice!.user.id, won(50_000));
    const lowered = await putLimits(alice!, { send: { daily: krw('5000') } });
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect(lowered.json().limits.send.daily).toMatchObject({ self_cap: krw('5000'), effective_cap: krw('5000'), pending: null });
    expect((await smsTo(world, alice!.phone)).filter((m) => m.template.startsWith('limit.'))).toEqual([]);
    const tooMuch = await send(alice!, bob!, '6000');
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().error).toMatchObject({ code: 'self_limit_exceeded', param: 'amount', details: { period: 'day', scope: 'self', limit: krw('5000') } });
    expect((await send(alice!, bob!, '5000')).statusCode).toBe(201);
    expect((await send(alice!, bob!, '1')).json().error.code).toBe('self_limit_exceeded');
    const after = await getLimits(alice!);
    expect(after.limits.send.daily).toMatchObject({ used: krw('5000'), count: 1, remaining: krw('0') });
  });

  it('raises only with a code, after the cooling-off, telling the owner when scheduled and when applied', async () => {
    const [alice, bob] = await people(2);
    await fund(world, alice!.user.id, won(50_000));
    await putLimits(alice!, { send: { daily: krw('5000') } });
    const before = await rowCounts(world);
    const ask = await putLimits(alice!, { send: { daily: krw('20000') } });
    expect(ask.statusCode).toBe(403);
    expect(ask.json().error.code).toBe('otp_required');
    const challengeId = ask.json().error.details.challenge_id as string;
    const after = await rowCounts(world);
    expect(after.self_limit_changes).toBe(before.self_limit_changes);
    const code = await smsCodeFor(world.database.db, challengeId);
    // The code confirms exactly the change it was sent for.
    const other = await putLimits(alice!, { send: { daily: krw('30000') }, otp: code, challenge_id: challengeId });
    expect(other.json().error.code).toBe('otp_binding_mismatch');
    const raised = await putLimits(alice!, { send: { daily: krw('20000') }, otp: code, challenge_id: challengeId });
    expect(raised.statusCode, raised.body).toBe(200);
    const raisedAt = world.clock.now().getTime();
    expect(raised.json().limits.send.daily).toMatchObject({
      self_cap: krw('5000'),
      pending: { cap: krw('20000'), effective_at: new Date(raisedAt + 24 * HOUR).toISOString() },
    });
    expect((await smsTo(world, alice!.phone)).filter((m) => m.template === 'limit.raise_scheduled')).toHaveLength(1);
    expect((await send(alice!, bob!, '6000')).json().error.code).toBe('self_limit_exceeded');

    world.clock.advance(24 * HOUR - 1000);
    expect((await send(alice!, bob!, '6000')).json().error.code).toBe('self_limit_exceeded');
    expect(await world.wallets.announceDueRaises()).toBe(0);
    world.clock.advance(1000);
    expect((await getLimits(alice!)).limits.send.daily).toMatchObject({ self_cap: krw('20000'), pending: null });
    expect((await send(alice!, bob!, '6000')).statusCode).toBe(201);
    expect(await world.wallets.announceDueRaises()).toBe(1);
    expect(await world.wallets.announceDueRaises()).toBe(0);
    const texts = (await smsTo(world, alice!.phone)).filter((m) => m.template === 'limit.raised');
    expect(texts).toHaveLength(1);
    expect(texts[0]!.body).toContain('20,000');
  });

  it('cancels a waiting raise when the cap is set again, and keeps the history', async () => {
    const [alice] = await people(1);
    await putLimits(alice!, { spend: { monthly: krw('100000') }, cash_out: { daily: krw('1000') } });
    const ask = await putLimits(alice!, { spend: { monthly: null } });
    expect(ask.json().error.code).toBe('otp_required');
    const challengeId = ask.json().error.details.challenge_id as string;
    const removal = await putLimits(alice!, { spend: { monthly: null }, otp: await smsCodeFor(world.database.db, challengeId), challenge_id: challengeId });
    expect(removal.json().limits.spend.monthly.pending).toMatchObject({ cap: null });
    expect((await smsTo(world, alice!.phone)).some((m) => m.template === 'limit.removal_scheduled')).toBe(true);
    world.clock.advance(HOUR);
    // Setting the same cap again is "keep it": at once, and the removal is off.
    const keep = await putLimits(alice!, { spend: { monthly: krw('100000') } });
    expect(keep.statusCode, keep.body).toBe(200);
    expect(keep.json().limits.spend.monthly).toMatchObject({ self_cap: krw('100000'), pending: null });
    const history = await world.app.inject({ method: 'GET', url: '/v1/me/limits/changes?limit=2', headers: bearer(alice!.token) });
    expect(history.statusCode, history.body).toBe(200);
    const page = history.json();
    expect(page.has_more).toBe(true);
    expect(page.data.map((c: { status: string; cap: unknown }) => [c.status, c.cap])).toEqual([
      ['applied', krw('100000')],
      ['cancelled', null],
    ]);
    const next = await world.app.inject({ method: 'GET', url: `/v1/me/limits/changes?starting_after=${page.data[1].id}`, headers: bearer(alice!.token) });
    expect(next.json().data.map((c: { kind: string; period: string }) => `${c.kind}.${c.period}`).sort()).toEqual(['cash_out.daily', 'spend.monthly']);
    expect(next.json().has_more).toBe(false);
  });
});

describe('usage and checkOutgoing', () => {
  it('counts what left the wallets by kind: fees in the sum, voided reservations not at all', async () => {
    const [alice] = await people(1);
    const wallet = await mainWallet(world, alice!.user.id);
    await fund(world, alice!.user.id, won(100_000));
    const reserve = (amount: bigint, code: number) => {
      const id = uuidv7() as TransferId;
      return world.ctx.ledger
        .createTransfer({ id, debit_account_id: wallet.cashable_account, credit_account_id: systemAccountId('bank_clearing', 'KRW'), amount: won(amount), currency: 'KRW', code, flags: TransferFlags.pending })
        .then(() => id);
    };
    const kept = await reserve(3_000n, TRANSFER_CODES.cashout);
    const voided = await reserve(5_000n, TRANSFER_CODES.cashout);
    await world.ctx.ledger.createTransfer({ id: uuidv7() as TransferId, pending_id: voided, currency: 'KRW', code: 0, flags: TransferFlags.void_pending });
    await world.ctx.ledger.createTransfer({ id: uuidv7() as TransferId, pending_id: kept, currency: 'KRW', code: 0, flags: TransferFlags.post_pending });
    await world.ctx.ledger.createTransfer({
      id: uuidv7() as TransferId, debit_account_id: wallet.cashable_account, credit_account_id: systemAccountId('fee_income', 'KRW'),
      amount: won(500), currency: 'KRW', code: TRANSFER_CODES.cashout_fee, metadata: { fee_for: kept },
    });
    const usage = await world.wallets.usage(alice!.user.id, 'cash_out');
    expect(usage.day).toEqual({ sum: won(3_500), count: 1 });
    expect(usage.month).toEqual({ sum: won(3_500), count: 1 });
    expect(usage.all_today).toEqual({ sum: won(3_500), count: 1 });
    expect((await world.wallets.usage(alice!.user.id, 'send')).day).toEqual({ sum: 0n, count: 0 });

    const user = await world.identity.getUser(world.database.db, alice!.user.id);
    await putLimits(alice!, { cash_out: { daily: krw('4000') } });
    const check = (amount: number) =>
      withTransaction(world.database.db, (trx) => world.wallets.checkOutgoing(trx, { userId: user.id, tier: user.tier, kind: 'cash_out', amount: won(amount) }));
    await expect(check(501)).rejects.toMatchObject({ code: 'self_limit_exceeded' });
    const ok = await check(500);
    expect(ok.remaining.day).toBe(0n);
    await expect(check(300_001)).rejects.toMatchObject({ code: 'above_maximum' });
    await expectLedgerVerifies(world);
  });
});

describe('tier and own caps across Asia/Seoul days and months', () => {
  it('starts a new day at midnight in Seoul (15:00 UTC), not at midnight UTC', async () => {
    world.clock.set('2026-03-16T14:50:00Z'); // 23:50 in Seoul, Monday
    const [alice, bob, carol] = await people(3);
    await fund(world, alice!.user.id, won(300_000));
    expect((await send(alice!, bob!, '60000')).statusCode).toBe(201);
    expect((await send(alice!, carol!, '40000')).statusCode).toBe(201);
    const over = await send(alice!, bob!, '1');
    expect(over.json().error).toMatchObject({ code: 'limit_exceeded', details: { period: 'day', scope: 'tier' } });
    world.clock.set('2026-03-16T14:59:59Z');
    expect((await send(alice!, bob!, '1')).json().error.code).toBe('limit_exceeded');
    world.clock.set('2026-03-16T15:00:00Z'); // 00:00 in Seoul; still the 16th in UTC
    expect((await send(alice!, bob!, '1')).statusCode).toBe(201);
    const today = await getLimits(alice!);
    expect(today.limits.send.daily).toMatchObject({ used: krw('1'), count: 1 });
    expect(today.limits.send.monthly).toMatchObject({ used: krw('100001'), count: 3 });
  });

  it('holds the month\'s tier cap and an own monthly cap until the first of the month in Seoul', async () => {
    world.clock.set('2026-03-28T03:00:00Z');
    const [alice, ...others] = await people(4);
    await fund(world, alice!.user.id, won(450_000));
    // Tier 0: 100,000 a day and 300,000 a month for sends.
    for (const [day, to] of [['2026-03-28T03:00:00Z', 0], ['2026-03-29T03:00:00Z', 1], ['2026-03-30T03:00:00Z', 2]] as const) {
      world.clock.set(day);
      expect((await send(alice!, others[to]!, '100000')).statusCode).toBe(201);
    }
    world.clock.set('2026-03-31T14:59:00Z'); // 23:59 on the 31st in Seoul: nothing sent today, the month is full
    const monthly = await send(alice!, others[0]!, '1');
    expect(monthly.json().error).toMatchObject({ code: 'limit_exceeded', details: { period: 'month', scope: 'tier' } });
    await putLimits(alice!, { send: { monthly: krw('50000') } });
    world.clock.set('2026-03-31T15:00:00Z'); // 1 April, 00:00 in Seoul
    expect((await send(alice!, others[0]!, '50000')).statusCode).toBe(201);
    const own = await send(alice!, others[1]!, '1');
    expect(own.json().error).toMatchObject({ code: 'self_limit_exceeded', details: { period: 'month', scope: 'self' } });
    await expectLedgerVerifies(world);
  });

  it('caps how many movements a day (velocity), whatever their kind', async () => {
    world.clock.set('2026-04-02T01:00:00Z');
    const [alice, bob] = await people(2);
    await fund(world, alice!.user.id, won(1_000));
    for (let i = 0; i < 30; i++) expect((await send(alice!, bob!, '1')).statusCode).toBe(201);
    const velocity = await send(alice!, bob!, '1');
    expect(velocity.json().error).toMatchObject({ code: 'velocity_exceeded', details: { limit_count: 30 } });
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM person_transfers WHERE sender_user_id = ${alice!.user.id}`.execute(world.database.db);
    expect(rows[0]!.n).toBe(30);
  });
});
