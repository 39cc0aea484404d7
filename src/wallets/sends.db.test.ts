// Sending to a person through POST /v1/transfers: PIN and lockout, step-up OTP above the
// threshold, spend-only never sent, freeze and PIN-reset hold, fees as linked transfers,
// idempotency, SMS to both, and (on PostgreSQL) concurrent sends that never overdraw.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { retryStats, withTransaction } from '../db/index.ts';
import { TransferFlags } from '../ledger/index.ts';
import { loadDefaultPolicy } from '../policy/index.ts';
import { idToUuid } from '../shared/ids.ts';
import { TRANSFER_CODES } from './chart.ts';
import { bearer, nextPhone, registerTestUser, smsCodeFor, type TestUser } from '../../test/helpers/identity.ts';
import { postgresOnly } from '../../test/helpers/db.ts';
import { createWalletWorld, expectLedgerVerifies, fund, mainWallet, rowCounts, smsTo, won, type WalletWorld } from '../../test/helpers/wallets.ts';

let world: WalletWorld;
let keySeq = 0;
const nextKey = () => `send-key-${++keySeq}-${Date.now()}`;

beforeAll(async () => {
  world = await createWalletWorld();
});
afterAll(async () => world?.close());
// Every scenario leaves a ledger that verifies: chain, totals, and a zero sum.
afterEach(async () => expectLedgerVerifies(world));

async function balanceOf(user: TestUser) {
  const [b] = await world.wallets.core.balances([await mainWallet(world, user.user.id)]);
  return b!;
}

function send(from: TestUser, body: Record<string, unknown>, key: string | null = nextKey()) {
  return world.app.inject({
    method: 'POST',
    url: '/v1/transfers',
    headers: { ...bearer(from.token), ...(key ? { 'idempotency-key': key } : {}) },
    payload: body,
  });
}

const krw = (amount: string) => ({ amount, currency: 'KRW' });

describe('POST /v1/transfers', () => {
  it('moves cashable money to the recipient with linked transfers, records it, and texts both', async () => {
    const alice = await registerTestUser(world, { lang: 'en' });
    const bob = await registerTestUser(world, { lang: 'ko' });
    await fund(world, alice.user.id, won(50_000));
    const response = await send(alice, { to: bob.phone, amount: krw('12000.5'), note: 'lunch', pin: alice.pin });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ object: 'transfer', status: 'posted', to: bob.phone, amount: krw('12000.5'), fee: krw('0'), net: krw('12000.5'), note: 'lunch' });
    expect(body.id).toMatch(/^txf_/);
    expect((await balanceOf(alice)).cashable.posted).toBe(won(38_000) - 5000n);
    expect((await balanceOf(bob)).cashable.posted).toBe(won(12_000) + 5000n);
    expect((await smsTo(world, alice.phone)).some((m) => m.template === 'send.sent')).toBe(true);
    const received = (await smsTo(world, bob.phone)).find((m) => m.template === 'send.received');
    expect(received?.body).toContain('12,000.5원');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM person_transfers WHERE sender_user_id = ${alice.user.id}`.execute(world.database.db);
    expect(rows[0]!.n).toBe(1);
    await expectLedgerVerifies(world);
  });

  it('answers a repeated request with the stored response and moves the money once', async () => {
    const alice = await registerTestUser(world);
    const bob = await registerTestUser(world);
    await fund(world, alice.user.id, won(10_000));
    const key = nextKey();
    const first = await send(alice, { to: bob.phone, amount: krw('3000'), pin: alice.pin }, key);
    expect(first.statusCode, first.body).toBe(201);
    // The PIN is not part of the request's identity: a retry with it is the same request.
    const again = await send(alice, { to: bob.phone.replace('+82', '0'), amount: krw('3000.0'), pin: alice.pin }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect((await balanceOf(alice)).cashable.posted).toBe(won(7_000));
    const conflict = await send(alice, { to: bob.phone, amount: krw('4000'), pin: alice.pin }, key);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('idempotency_conflict');
    expect((await balanceOf(alice)).cashable.posted).toBe(won(7_000));
    const stored = await sql<{ body: string }>`SELECT response_body::text AS body FROM idempotency_keys WHERE key = ${key}`.execute(world.database.db);
    expect(stored.rows[0]!.body).not.toContain(alice.pin);
  });

  it('requires the Idempotency-Key header', async () => {
    const alice = await registerTestUser(world);
    const bob = await registerTestUser(world);
    const before = await rowCounts(world);
    const response = await send(alice, { to: bob.phone, amount: krw('1'), pin: alice.pin }, null);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'idempotency_key_required', param: 'Idempotency-Key' });
    const bad = await send(alice, { to: bob.phone, amount: krw('1'), pin: alice.pin }, 'has space');
    expect(bad.json().error.code).toBe('invalid_idempotency_key');
    expect(await rowCounts(world)).toEqual(before);
  });

  it('counts a wrong PIN toward the lockout and moves nothing', async () => {
    const alice = await registerTestUser(world);
    const bob = await registerTestUser(world);
    await fund(world, alice.user.id, won(10_000));
    const wrong = alice.pin === '111222' ? '222333' : '111222';
    for (let i = 0; i < 4; i++) {
      const response = await send(alice, { to: bob.phone, amount: krw('100'), pin: wrong });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('invalid_credentials');
    }
    await world.identity.settle();
    expect((await world.identity.getUser(world.database.db, alice.user.id)).pinFailures).toBe(4);
    await send(alice, { to: bob.phone, amount: krw('100'), pin: wrong });
    await world.identity.settle();
    // Locked now: even the right PIN is refused with the same answer.
    const locked = await send(alice, { to: bob.phone, amount: krw('100'), pin: alice.pin });
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error.code).toBe('invalid_credentials');
    expect((await balanceOf(alice)).cashable.posted).toBe(won(10_000));
    expect((await smsTo(world, alice.phone)).some((m) => m.template === 'security.locked')).toBe(true);
  });

  it('asks for a step-up code above the threshold, then sends with it', async () => {
    const alice = await registerTestUser(world, { carrier: 'KT' });
    // Tier 1 (its send cap is above the step-up threshold); the KYC path itself is identity's to test.
    await sql`UPDATE users SET tier = 1 WHERE id = ${alice.user.id}`.execute(world.database.db);
    const bob = await registerTestUser(world);
    await fund(world, alice.user.id, won(300_000));
    const key = nextKey();
    const body = { to: bob.phone, amount: krw('150000'), pin: alice.pin };
    const first = await send(alice, body, key);
    expect(first.statusCode, first.body).toBe(403);
    expect(first.json().error).toMatchObject({ code: 'otp_required', param: 'otp' });
    const challengeId = first.json().error.details.challenge_id as string;
    expect((await balanceOf(alice)).cashable.posted).toBe(won(300_000));
    const code = await smsCodeFor(world.database.db, challengeId);
    const wrongCode = code === '000000' ? '000001' : '000000';
    const wrong = await send(alice, { ...body, otp: wrongCode, challenge_id: challengeId }, key);
    expect(wrong.json().error.code).toBe('otp_invalid');
    const missingChallenge = await send(alice, { ...body, otp: code }, key);
    expect(missingChallenge.json().error).toMatchObject({ code: 'missing_field', param: 'challenge_id' });
    // The code is bound to the amount: it does not confirm another one.
    const otherAmount = await send(alice, { ...body, amount: krw('150001'), otp: code, challenge_id: challengeId }, nextKey());
    expect(otherAmount.json().error.code).toBe('otp_binding_mismatch');
    const ok = await send(alice, { ...body, otp: code, challenge_id: challengeId }, key);
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await balanceOf(bob)).cashable.posted).toBe(won(150_000));
    await expectLedgerVerifies(world);
  });

  it('never sends spend-only value', async () => {
    const alice = await registerTestUser(world);
    const bob = await registerTestUser(world);
    await fund(world, alice.user.id, won(1_000));
    await fund(world, alice.user.id, won(9_000), { class: 'spend_only' });
    const before = await rowCounts(world);
    const response = await send(alice, { to: bob.phone, amount: krw('5000'), pin: alice.pin });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'spend_only_not_transferable', param: 'amount' });
    const short = await send(alice, { to: bob.phone, amount: krw('20000'), pin: alice.pin });
    expect(short.json().error.code).toBe('insufficient_funds');
    expect(await rowCounts(world)).toEqual(before);
    const b = await balanceOf(alice);
    expect([b.cashable.posted, b.spend_only.posted]).toEqual([won(1_000), won(9_000)]);
  });

  it('refuses while the sender is frozen or held after a PIN reset', async () => {
    const alice = await registerTestUser(world);
    const bob = await registerTestUser(world);
    await fund(world, alice.user.id, won(5_000));
    await withTransaction(world.database.db, (trx) => world.identity.freezeSelf(trx, alice.user.id, 'app'));
    const frozen = await send(alice, { to: bob.phone, amount: krw('1000'), pin: alice.pin });
    expect(frozen.statusCode).toBe(403);
    expect(frozen.json().error.code).toBe('account_frozen');
    // Credits still land on a frozen account, and a frozen person can still be sent to.
    const carol = await registerTestUser(world);
    await fund(world, carol.user.id, won(2_000));
    const toFrozen = await send(carol, { to: alice.phone, amount: krw('500'), pin: carol.pin });
    expect(toFrozen.statusCode, toFrozen.body).toBe(201);

    const dave = await registerTestUser(world);
    await fund(world, dave.user.id, won(5_000));
    await sql`UPDATE users SET payout_hold_until = ${new Date(world.clock.now().getTime() + 3_600_000)} WHERE id = ${dave.user.id}`.execute(world.database.db);
    const held = await send(dave, { to: bob.phone, amount: krw('1000'), pin: dave.pin });
    expect(held.statusCode).toBe(403);
    expect(held.json().error.code).toBe('payout_hold');
    expect((await balanceOf(dave)).cashable.posted).toBe(won(5_000));
  });

  it('refuses one\'s own number and a recipient at their balance cap', async () => {
    const alice = await registerTestUser(world);
    await fund(world, alice.user.id, won(100_000));
    const full = await registerTestUser(world);
    await fund(world, full.user.id, won(499_990)); // tier 0 cap: 500,000
    const before = await rowCounts(world);
    const self = await send(alice, { to: alice.phone.replace('+82', '0'), amount: krw('100'), pin: alice.pin });
    expect(self.json().error).toMatchObject({ code: 'cannot_send_to_self', param: 'to' });
    const over = await send(alice, { to: full.phone, amount: krw('20'), pin: alice.pin });
    expect(over.json().error).toMatchObject({ code: 'recipient_cannot_receive', param: 'to' });
    expect(await rowCounts(world)).toEqual(before);
    const fits = await send(alice, { to: full.phone, amount: krw('10'), pin: alice.pin });
    expect(fits.statusCode).toBe(201);
  });

  it('parks a send to a number nobody holds, invites them, and lets them claim it at registration', async () => {
    const alice = await registerTestUser(world, { lang: 'en' });
    await fund(world, alice.user.id, won(10_000));
    const newcomer = nextPhone();
    const parked = await send(alice, { to: newcomer, amount: krw('2500'), note: 'welcome', pin: alice.pin });
    expect(parked.statusCode, parked.body).toBe(201);
    expect(parked.json()).toMatchObject({ status: 'unclaimed', to: newcomer, net: krw('2500') });
    expect((await balanceOf(alice)).cashable.posted).toBe(won(7_500));
    expect((await smsTo(world, newcomer)).map((m) => m.template)).toEqual(['credit.unclaimed_invitation']);
    expect((await smsTo(world, alice.phone)).some((m) => m.template === 'send.sent')).toBe(true);
    const aliceWallet = (await balanceOf(alice)).wallet;
    const history = await world.app.inject({ method: 'GET', url: `/v1/wallets/${aliceWallet}/history?type=send`, headers: bearer(alice.token) });
    expect(history.json().data[0]).toMatchObject({ id: parked.json().id, direction: 'out', note: 'welcome', counterparty: { kind: 'person', phone: expect.stringContaining('****') } });

    world.clock.advance(60_000);
    const carol = await registerTestUser(world, { phone: newcomer });
    expect((await balanceOf(carol)).cashable.posted).toBe(won(2_500));
    await expectLedgerVerifies(world);
  });

  it('returns a parked send to the sender when nobody claims it in time', async () => {
    const alice = await registerTestUser(world);
    await fund(world, alice.user.id, won(10_000));
    const parked = await send(alice, { to: nextPhone(), amount: krw('1000'), pin: alice.pin });
    expect(parked.json().status).toBe('unclaimed');
    world.clock.advance(91 * 86_400_000);
    expect(await world.ctx.services.credits.returnExpiredUnclaimed()).toBeGreaterThanOrEqual(1);
    expect((await balanceOf(alice)).cashable.posted).toBe(won(10_000));
    // (The session has expired by now: read the history through the service.)
    const filter = { from: null, to: null, types: null, sources: null };
    const { entries } = await world.wallets.history(alice.user.id, (await balanceOf(alice)).wallet, filter, { limit: 10, startingAfter: null });
    expect(entries.find((e) => e.id === parked.json().id)).toMatchObject({ type: 'send', status: 'reversed' });
    expect(entries[0]).toMatchObject({ type: 'unclaimed_return', direction: 'in', amount: won(1_000) });
  });

  it('takes the policy\'s fee out of the amount, in the same linked batch, after the free allowance', async () => {
    const yaml = loadDefaultPolicy().yaml.replace(
      'send: { fixed: "0", percent_bps: 0, min: "0", max: null, free_allowance_per_month: 0 }',
      'send: { fixed: "100", percent_bps: 50, min: "0", max: "1000", free_allowance_per_month: 1 }',
    );
    await world.ctx.services.policy.publish({ yaml, staffId: null });
    try {
      const alice = await registerTestUser(world);
      const bob = await registerTestUser(world);
      await fund(world, alice.user.id, won(100_000));
      const free = await send(alice, { to: bob.phone, amount: krw('10000'), pin: alice.pin });
      expect(free.json()).toMatchObject({ fee: krw('0'), net: krw('10000') });
      world.clock.advance(1000);
      const quote = await world.app.inject({ method: 'POST', url: '/v1/transfers/quote', headers: bearer(alice.token), payload: { to: bob.phone, amount: krw('20000') } });
      expect(quote.statusCode, quote.body).toBe(200);
      expect(quote.json()).toMatchObject({ object: 'transfer_quote', amount: krw('20000'), fee: krw('200'), net: krw('19800'), otp_required: false });
      const paid = await send(alice, { to: bob.phone, amount: krw('20000'), pin: alice.pin });
      expect(paid.json()).toMatchObject({ fee: krw('200'), net: krw('19800') });
      // Net and fee are one linked chain: the ledger applies both or neither.
      const chain = await sql<{ code: number; flags: number; amount: bigint }>`
        SELECT code, flags, amount FROM ledger_transfers WHERE id = ${idToUuid(paid.json().id, 'txf')}::uuid OR metadata->>'fee_for' = ${idToUuid(paid.json().id, 'txf')}
        ORDER BY code`.execute(world.database.db);
      expect(chain.rows).toEqual([
        { code: TRANSFER_CODES.send_to_person, flags: TransferFlags.linked, amount: won(19_800) },
        { code: TRANSFER_CODES.send_fee, flags: TransferFlags.none, amount: won(200) },
      ]);
      expect((await balanceOf(alice)).cashable.posted).toBe(won(70_000));
      expect((await balanceOf(bob)).cashable.posted).toBe(won(29_800));
      const history = await world.app.inject({ method: 'GET', url: `/v1/wallets/${(await balanceOf(alice)).wallet}/history?type=send`, headers: bearer(alice.token) });
      expect(history.json().data[0]).toMatchObject({ type: 'send', direction: 'out', amount: krw('19800'), fee: krw('200') });
      await expectLedgerVerifies(world);
    } finally {
      await world.ctx.services.policy.publish({ yaml: loadDefaultPolicy().yaml, staffId: null });
    }
  });
});

describe('concurrent sends from one wallet', () => {
  const pg = postgresOnly('concurrent sends need PostgreSQL connections');
  it.skipIf(pg.skip)(`never overdraw — ${pg.note}`, async () => {
    const alice = await registerTestUser(world);
    await fund(world, alice.user.id, won(10_000));
    const recipients = await Promise.all(Array.from({ length: 3 }, () => registerTestUser(world)));
    const attempts = Array.from({ length: 12 }, (_, i) => send(alice, { to: recipients[i % 3]!.phone, amount: krw('1000'), pin: alice.pin }));
    const responses = await Promise.all(attempts);
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(responses.filter((r) => r.statusCode !== 201).every((r) => r.json().error.code === 'insufficient_funds')).toBe(true);
    expect((await balanceOf(alice)).cashable.posted).toBe(0n);
    await expectLedgerVerifies(world);
  });

  it.skipIf(pg.skip)(`never pass an own cap together, even with money to spare — ${pg.note}`, async () => {
    const alice = await registerTestUser(world);
    await fund(world, alice.user.id, won(10_000));
    const capped = await world.app.inject({ method: 'PUT', url: '/v1/me/limits', headers: bearer(alice.token), payload: { send: { daily: krw('5000') } } });
    expect(capped.statusCode).toBe(200);
    const recipients = await Promise.all(Array.from({ length: 3 }, () => registerTestUser(world)));
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => send(alice, { to: recipients[i % 3]!.phone, amount: krw('1000'), pin: alice.pin })));
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(5);
    expect(responses.filter((r) => r.statusCode !== 201).every((r) => r.json().error.code === 'self_limit_exceeded')).toBe(true);
    expect((await balanceOf(alice)).cashable.posted).toBe(won(5_000));
  });

  it.skipIf(pg.skip)(`settle sends in both directions between two people without deadlock — ${pg.note}`, async () => {
    const [a, b] = [await registerTestUser(world), await registerTestUser(world)];
    await fund(world, a.user.id, won(5_000));
    await fund(world, b.user.id, won(5_000));
    const deadlocksBefore = retryStats.deadlocks;
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? send(a, { to: b.phone, amount: krw('100'), pin: a.pin }) : send(b, { to: a.phone, amount: krw('100'), pin: b.pin }))));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect((await balanceOf(a)).cashable.posted + (await balanceOf(b)).cashable.posted).toBe(won(10_000));
    expect(retryStats.deadlocks).toBe(deadlocksBefore);
    await expectLedgerVerifies(world);
  });
});
