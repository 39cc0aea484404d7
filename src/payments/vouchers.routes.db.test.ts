// Gift vouchers through the real API: bought in spend order into the voucher liability, given to
// another phone by SMS (the code is re-issued), redeemed in part by merchants of the issuer set,
// and every refusal with its own code and no change.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, registerTestUser } from '../../test/helpers/identity.ts';
import { balancesOf, errorOf, krw, makeMerchant, makePayer, newKey, openPaymentsWorld, rowCounts, won, type Payer, type PaymentsWorld, type TestMerchant } from '../../test/helpers/payments.ts';
import { systemAccountId } from '../wallets/index.ts';

let world: PaymentsWorld;
let shopA: TestMerchant;
let shopB: TestMerchant;
let outsider: TestMerchant;
beforeAll(async () => {
  world = await openPaymentsWorld();
  shopA = await makeMerchant(world, { name: '꽃집' });
  shopB = await makeMerchant(world, { name: '제과점' });
  outsider = await makeMerchant(world, { name: '다른 가게' });
});
afterAll(async () => {
  await world.close();
});

async function buy(payer: Payer, payload: Record<string, unknown>, key = newKey()) {
  return world.inject({ method: 'POST', url: '/v1/vouchers', headers: { ...bearer(payer.token), 'idempotency-key': key }, payload: { pin: payer.pin, ...payload } });
}

async function redeem(merchant: TestMerchant, payload: Record<string, unknown>, key = newKey()) {
  return world.inject({ method: 'POST', url: '/v1/merchant/vouchers/redemptions', headers: { ...bearer(merchant.apiKey), 'idempotency-key': key }, payload });
}

async function liability(): Promise<bigint> {
  const [b] = await world.rt.ctx.ledger.getBalances([systemAccountId('voucher_liability', 'KRW')]);
  return b!.posted;
}

describe('buying and redeeming', () => {
  test('spend-only value pays first and the voucher records the split; code and PIN are shown once; partial redemptions keep the rest', async () => {
    const payer = await makePayer(world, { cashable: 10_000, spendOnly: 3_000 });
    const owedBefore = await liability();
    const key = newKey();
    const res = await buy(payer, { amount: krw(5_000), merchants: [shopA.code, shopB.code.toLowerCase()] }, key);
    expect(res.statusCode, res.body).toBe(201);
    const v = res.json();
    expect(v).toMatchObject({ object: 'voucher', status: 'active', face_value: krw('5000'), remaining: krw('5000'), funding: { spend_only: krw('3000'), cashable: krw('2000') }, sent_to: null });
    expect(v.code).toMatch(/^\d{4}-\d{4}-\d{4}-\d{4}$/);
    expect(v.pin).toMatch(/^\d{6}$/);
    expect(v.code_last4).toBe(v.code.slice(-4));
    expect(v.merchants.map((m: { id: string }) => m.id).sort()).toEqual([shopA.id, shopB.id].sort());
    expect(new Date(v.expires_at).getTime() - new Date(v.created_at).getTime()).toBe(365 * 86_400_000);
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(8_000), spend_only: won(0) });
    expect(await liability()).toBe(owedBefore + won(5_000));
    // Neither the code nor the PIN is kept in clear, not even in the stored idempotent answer.
    const replay = await buy(payer, { amount: krw(5_000), merchants: [shopA.code, shopB.code.toLowerCase()] }, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().code).toBeUndefined();
    expect(replay.json().pin).toBeUndefined();
    const stored = await sql<{ n: string }>`SELECT count(*)::text AS n FROM vouchers WHERE code_hash LIKE ${'%' + v.code.replaceAll('-', '') + '%'} OR pin_hash = ${v.pin}`.execute(world.rt.database.db);
    expect(stored.rows[0]!.n).toBe('0');

    const redeemKey = newKey();
    const first = await redeem(shopA, { code: v.code, pin: v.pin, amount: krw(2_000) }, redeemKey);
    expect(first.statusCode, first.body).toBe(201);
    // The same key again replays; the same key for another voucher is a conflict, not a replay.
    expect((await redeem(shopA, { code: v.code, pin: v.pin, amount: krw(2_000) }, redeemKey)).headers['idempotent-replayed']).toBe('true');
    expect(errorOf(await redeem(shopA, { code: '1111-2222-3333-4444', pin: v.pin, amount: krw(2_000) }, redeemKey))).toMatchObject({ status: 409, code: 'idempotency_conflict' });
    expect(first.json()).toMatchObject({ object: 'voucher_redemption', voucher: v.id, amount: krw('2000'), remaining: krw('3000') });
    expect(await liability()).toBe(owedBefore + won(3_000));
    const merchantView = (await world.inject({ method: 'GET', url: '/v1/merchant', headers: bearer(shopA.apiKey) })).json();
    expect(merchantView.receivable_balance).toEqual(krw('2000'));

    const before = await rowCounts(world);
    expect(errorOf(await redeem(outsider, { code: v.code, pin: v.pin, amount: krw(100) }))).toEqual({ status: 403, code: 'voucher_merchant_not_accepted', param: 'code' });
    expect(errorOf(await redeem(shopB, { code: v.code, pin: v.pin, amount: krw(3_001) }))).toEqual({ status: 409, code: 'voucher_insufficient_value', param: 'amount' });
    expect(await rowCounts(world)).toEqual(before);

    world.clock.advance(1_000);
    const rest = await redeem(shopB, { code: v.code.replaceAll('-', ' '), pin: v.pin, amount: krw(3_000) });
    expect(rest.json()).toMatchObject({ remaining: krw('0') });
    const beforeTwice = await rowCounts(world);
    expect(errorOf(await redeem(shopB, { code: v.code, pin: v.pin, amount: krw(1) }))).toEqual({ status: 409, code: 'voucher_already_redeemed', param: 'code' });
    expect(await rowCounts(world)).toEqual(beforeTwice);
    const mine = (await world.inject({ method: 'GET', url: `/v1/vouchers/${v.id}`, headers: bearer(payer.token) })).json();
    expect(mine).toMatchObject({ status: 'used', remaining: krw('0') });
    expect(mine.redemptions.map((r: { merchant: string; amount: unknown }) => [r.merchant, r.amount])).toEqual([[shopA.id, krw('2000')], [shopB.id, krw('3000')]]);
    expect(await liability()).toBe(owedBefore);
  });

  test('sending by SMS re-issues the code: the buyer\'s copy stops working, the recipient\'s works; once only', async () => {
    const payer = await makePayer(world, { spendOnly: 20_000 });
    const friend = await registerTestUser(world.tc, { lang: 'en' });
    const v = (await buy(payer, { amount: krw(10_000), merchants: [shopA.code] })).json();
    const sent = await world.inject({ method: 'POST', url: `/v1/vouchers/${v.id}/send`, headers: bearer(payer.token), payload: { to: friend.phone.replace('+82', '0') } });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().sent_to).toMatch(/\*/);
    expect(sent.json().funding).toEqual({ spend_only: krw('10000'), cashable: krw('0') });
    const sms = await sql<{ body: string; template: string; lang: string }>`SELECT body, template, lang FROM outbox_messages WHERE recipient = ${friend.phone} AND template = 'voucher.received'`.execute(world.rt.database.db);
    expect(sms.rows).toHaveLength(1);
    expect(sms.rows[0]!.lang).toBe('en');
    expect(sms.rows[0]!.body).toContain('cannot be exchanged for cash');
    const newCode = /number (\d{4}-\d{4}-\d{4}-\d{4})/.exec(sms.rows[0]!.body)![1]!;
    const newPin = /PIN (\d{6})/.exec(sms.rows[0]!.body)![1]!;
    expect(newCode).not.toBe(v.code);

    const before = await rowCounts(world);
    expect(errorOf(await redeem(shopA, { code: v.code, pin: v.pin, amount: krw(1_000) }))).toEqual({ status: 404, code: 'voucher_not_found', param: 'code' });
    expect(await rowCounts(world)).toEqual(before);
    const used = await redeem(shopA, { code: newCode, pin: newPin, amount: krw(1_000) });
    expect(used.statusCode, used.body).toBe(201);
    expect(errorOf(await world.inject({ method: 'POST', url: `/v1/vouchers/${v.id}/send`, headers: bearer(payer.token), payload: { to: friend.phone } }))).toEqual({ status: 409, code: 'voucher_already_sent', param: 'id' });
    // The friend's wallet holds nothing new: a voucher is not money in a wallet, let alone cashable.
    const friendWallets = (await world.inject({ method: 'GET', url: '/v1/wallets', headers: bearer(friend.token) })).json();
    expect(friendWallets.data.every((w: { balances: { total_available: { amount: string } } }) => w.balances.total_available.amount === '0')).toBe(true);
  });

  test('wrong PINs count and lock the voucher; a locked voucher stays locked with the right PIN', async () => {
    const payer = await makePayer(world, { cashable: 5_000 });
    const v = (await buy(payer, { amount: krw(1_000), merchants: [shopA.code] })).json();
    const wrong = v.pin === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect(errorOf(await redeem(shopA, { code: v.code, pin: wrong, amount: krw(100) }))).toEqual({ status: 404, code: 'voucher_not_found', param: 'code' });
    const before = await rowCounts(world);
    expect(errorOf(await redeem(shopA, { code: v.code, pin: v.pin, amount: krw(100) }))).toEqual({ status: 423, code: 'voucher_pin_locked', param: 'pin' });
    expect(await rowCounts(world)).toEqual(before);
    expect((await world.inject({ method: 'GET', url: `/v1/vouchers/${v.id}`, headers: bearer(payer.token) })).json().status).toBe('locked');
  });
});

describe('bad input', () => {
  let payer: Payer;
  beforeAll(async () => {
    payer = await makePayer(world, { cashable: 3_000 });
  });
  const buyCases: [string, Record<string, unknown>, { status: number; code: string; param?: string }][] = [
    ['no merchants', { amount: krw(1_000), merchants: [] }, { status: 400, code: 'voucher_merchants_invalid', param: 'merchants' }],
    ['a merchant twice', { amount: krw(1_000), merchants: ['X', 'x'] }, { status: 400, code: 'voucher_merchants_invalid', param: 'merchants' }],
    ['an unknown merchant', { amount: krw(1_000), merchants: ['NOSUCH01'] }, { status: 404, code: 'merchant_not_found', param: 'merchants' }],
    ['no amount', { merchants: ['X'] }, { status: 400, code: 'missing_field', param: 'amount' }],
    ['a bad amount', { amount: krw('1.000001'), merchants: ['X'] }, { status: 400, code: 'invalid_amount', param: 'amount.amount' }],
    ['merchants as text', { amount: krw(1_000), merchants: 'X' }, { status: 400, code: 'invalid_type', param: 'merchants' }],
    ['an extra field', { amount: krw(1_000), merchants: ['X'], cashable: true }, { status: 400, code: 'unknown_field', param: 'cashable' }],
    ['more than the balance', { amount: krw(3_001), merchants: ['SHOPNAME'] }, { status: 400, code: 'insufficient_funds', param: 'amount' }],
  ];
  test.each(buyCases)('buying with %s', async (_name, payload, expected) => {
    const body = { ...payload, ...(Array.isArray(payload.merchants) && payload.merchants[0] === 'SHOPNAME' ? { merchants: [shopA.code] } : {}) };
    const before = await rowCounts(world);
    expect(errorOf(await buy(payer, body))).toEqual(expected);
    expect(await rowCounts(world)).toEqual(before);
  });

  test('buying without the PIN, or with a wrong one', async () => {
    const before = await rowCounts(world);
    const res = await world.inject({ method: 'POST', url: '/v1/vouchers', headers: { ...bearer(payer.token), 'idempotency-key': newKey() }, payload: { amount: krw(100), merchants: [shopA.code] } });
    expect(errorOf(res)).toEqual({ status: 400, code: 'missing_field', param: 'pin' });
    expect(errorOf(await buy(payer, { amount: krw(100), merchants: [shopA.code], pin: payer.pin === '000000' ? '111111' : '000000' }))).toMatchObject({ status: 401, code: 'invalid_credentials' });
    const after = await rowCounts(world);
    expect({ ...after, outbox_messages: 0 }).toEqual({ ...before, outbox_messages: 0 });
  });

  const redeemCases: [string, Record<string, unknown>, { status: number; code: string; param?: string }][] = [
    ['a short code', { code: '1234', pin: '123456', amount: krw(1) }, { status: 400, code: 'invalid_voucher_code', param: 'code' }],
    ['letters in the code', { code: 'ABCD-EFGH-IJKL-MNOP', pin: '123456', amount: krw(1) }, { status: 400, code: 'invalid_voucher_code', param: 'code' }],
    ['an unknown code', { code: '0000-0000-0000-0000', pin: '123456', amount: krw(1) }, { status: 404, code: 'voucher_not_found', param: 'code' }],
    ['a bad PIN format', { code: '0000-0000-0000-0000', pin: '12', amount: krw(1) }, { status: 400, code: 'invalid_pin_format', param: 'pin' }],
    ['no amount', { code: '0000-0000-0000-0000', pin: '123456' }, { status: 400, code: 'missing_field', param: 'amount' }],
    ['an extra field', { code: '0000-0000-0000-0000', pin: '123456', amount: krw(1), cash: true }, { status: 400, code: 'unknown_field', param: 'cash' }],
  ];
  test.each(redeemCases)('redeeming with %s', async (_name, payload, expected) => {
    const before = await rowCounts(world);
    expect(errorOf(await redeem(shopA, payload))).toEqual(expected);
    expect(await rowCounts(world)).toEqual(before);
  });

  test('sending to a bad number, or a voucher that is not mine', async () => {
    const v = (await buy(payer, { amount: krw(100), merchants: [shopA.code] })).json();
    const stranger = await makePayer(world);
    const before = await rowCounts(world);
    expect(errorOf(await world.inject({ method: 'POST', url: `/v1/vouchers/${v.id}/send`, headers: bearer(payer.token), payload: { to: '12' } }))).toEqual({ status: 400, code: 'invalid_phone_number', param: 'to' });
    expect(errorOf(await world.inject({ method: 'POST', url: `/v1/vouchers/${v.id}/send`, headers: bearer(stranger.token), payload: { to: stranger.phone } }))).toEqual({ status: 404, code: 'voucher_not_found', param: 'id' });
    expect(errorOf(await world.inject({ method: 'GET', url: `/v1/vouchers/${v.id}`, headers: bearer(stranger.token) }))).toEqual({ status: 404, code: 'voucher_not_found', param: 'id' });
    expect(await rowCounts(world)).toEqual(before);
  });
});

describe('role matrix', () => {
  test('users buy, list and send; merchants redeem; staff and other partners are refused', async () => {
    const payer = await makePayer(world, { cashable: 1_000 });
    const callers = { user: bearer(payer.token), merchant: bearer(shopA.apiKey), admin: bearer(world.admin.token), none: {} };
    const routes: [string, string, Record<string, unknown> | undefined, keyof typeof callers][] = [
      ['POST', '/v1/vouchers', { amount: krw(0), merchants: [], pin: payer.pin }, 'user'],
      ['GET', '/v1/vouchers', undefined, 'user'],
      ['POST', '/v1/vouchers/vch_01h455vb4pex5vsknk084sn02q/send', { to: '12' }, 'user'],
      ['POST', '/v1/merchant/vouchers/redemptions', { code: '1', pin: '123456', amount: krw(1) }, 'merchant'],
    ];
    for (const [method, url, payload, allowed] of routes) {
      for (const [caller, headers] of Object.entries(callers)) {
        const before = await rowCounts(world);
        const res = await world.inject({ method: method as 'GET', url, headers: { ...headers, 'idempotency-key': newKey() }, ...(payload ? { payload } : {}) });
        const label = `${method} ${url} as ${caller}`;
        if (caller === 'none') expect(res.statusCode, label).toBe(401);
        else if (caller === allowed) expect([200, 400, 404], label).toContain(res.statusCode);
        else expect(errorOf(res), label).toMatchObject({ status: 403, code: 'forbidden' });
        expect(await rowCounts(world)).toEqual(before);
      }
    }
  });
});

describe('expiry', () => {
  test('an expired voucher cannot be redeemed nor sent; its value stays owed, never cash', async () => {
    const payer = await makePayer(world, { cashable: 5_000 });
    const v = (await buy(payer, { amount: krw(1_000), merchants: [shopA.code] })).json();
    world.clock.advance(366 * 86_400_000);
    const before = await rowCounts(world);
    expect(errorOf(await redeem(shopA, { code: v.code, pin: v.pin, amount: krw(100) }))).toEqual({ status: 409, code: 'voucher_expired', param: 'code' });
    // A year on, the person's session has ended too: the service is what the API would call.
    const payments = world.rt.ctx.services.payments;
    await expect(payments.sendVoucher(payer.user.id, v.id, '010-2000-3000')).rejects.toMatchObject({ code: 'voucher_expired', details: { param: 'id' } });
    expect(await rowCounts(world)).toEqual(before);
    expect((await payments.vouchers(payer.user.id, 10))[0]).toMatchObject({ status: 'expired', voucher: { remaining: won(1_000) } });
  });
});
