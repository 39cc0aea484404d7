// The promise of DESIGN §3, tested through the real API: spend-only value and voucher value never
// become a cash-out, a send to another person, or a bank payout. A person holding carrier-billed
// (spend-only) value tries every door — cash-out quote and confirm, send to a person, a voucher
// bought with it and given away — and then the whole journal is read: every transfer out of a
// spend-only account or the voucher liability went to a merchant (or, for spend-only value, into
// the voucher liability, which itself only pays merchants).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, smsCodeFor, type TestUser } from '../../test/helpers/identity.ts';
import { balancesOf, errorOf, krw, makeMerchant, makePayer, newKey, openPaymentsWorld, pay, refund, won, type Payer, type PaymentsWorld, type TestMerchant } from '../../test/helpers/payments.ts';
import { uuidToId } from '../shared/ids.ts';
import { ACCOUNT_CODES } from '../wallets/index.ts';

let world: PaymentsWorld;
let shop: TestMerchant;
beforeAll(async () => {
  world = await openPaymentsWorld();
  shop = await makeMerchant(world, { name: '마트' });
});
afterAll(async () => {
  await world.close();
});

let accountSequence = 0;

/** The person passes the identity check, proves a bank account and saves it as a payout destination. */
async function withBankDestination(person: TestUser): Promise<string> {
  const sims = world.rt.simulators.identity!;
  sims.identityCheck.addSubscriber(person.phone, { name: '김민준', birthDate: '1990-01-31', carrier: 'SKT' });
  const check = await world.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(person.token), payload: { name: '김민준', birth_date: '1990-01-31' } });
  expect(check.statusCode, check.body).toBe(200);
  const accountNumber = `110${String(process.pid % 1000).padStart(3, '0')}${String(++accountSequence).padStart(6, '0')}`;
  const start = await world.inject({ method: 'POST', url: '/v1/me/kyc/bank-accounts', headers: bearer(person.token), payload: { bank_code: '088', account_number: accountNumber } });
  expect(start.statusCode, start.body).toBe(201);
  const memo = sims.bank.depositsTo('088', accountNumber).at(-1)!.memo;
  const confirm = await world.inject({ method: 'POST', url: `/v1/me/kyc/bank-accounts/${start.json().bank_account.id}/confirm`, headers: bearer(person.token), payload: { code: /SC (\d{6})/.exec(memo)![1] } });
  expect(confirm.statusCode, confirm.body).toBe(200);
  const payload = { kind: 'bank', bank_code: '088', account_number: accountNumber };
  const first = await world.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload });
  const challengeId = first.json().error.details.challenge_id as string;
  const code = await smsCodeFor(world.rt.database.db, challengeId);
  const saved = await world.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload: { ...payload, otp: { challenge_id: challengeId, code } } });
  expect(saved.statusCode, saved.body).toBe(201);
  return saved.json().id as string;
}

function quote(person: Payer, destination: string, amount: unknown) {
  return world.inject({ method: 'POST', url: '/v1/cashouts/quotes', headers: bearer(person.token), payload: { wallet: uuidToId(person.wallet.id, 'wal'), amount, channel: 'bank', destination } });
}

describe('spend-only and voucher value have no path to cash or to another person', () => {
  let person: Payer;
  let friend: Payer;
  beforeAll(async () => {
    person = await makePayer(world, { spendOnly: 50_000 });
    friend = await makePayer(world);
  });

  test('a cash-out of spend-only value is refused at the quote; "all" finds nothing to pay', async () => {
    const destination = await withBankDestination(person);
    const some = await quote(person, destination, krw(10_000));
    expect(errorOf(some)).toMatchObject({ status: 400, code: 'spend_only_not_transferable', param: 'amount' });
    const all = await quote(person, destination, 'all');
    expect(errorOf(all)).toMatchObject({ status: 400, code: 'spend_only_not_transferable' });
    expect(await balancesOf(world, person)).toEqual({ cashable: won(0), spend_only: won(50_000) });
  });

  test('with some cashable value beside it, a cash-out quote and its confirmation take only the cashable part', async () => {
    const mixed = await makePayer(world, { cashable: 20_000, spendOnly: 50_000 });
    const destination = await withBankDestination(mixed);
    const over = await quote(mixed, destination, krw(30_000));
    expect(errorOf(over)).toMatchObject({ status: 400, code: 'spend_only_not_transferable', param: 'amount' });
    const all = await quote(mixed, destination, 'all');
    expect(all.statusCode, all.body).toBe(201);
    const q = all.json();
    expect(q.amount).toEqual(krw('20000'));
    expect(q.debit).toEqual(krw('20000'));
    let confirm = await world.inject({ method: 'POST', url: '/v1/cashouts', headers: { ...bearer(mixed.token), 'idempotency-key': newKey() }, payload: { quote: q.id, pin: mixed.pin } });
    if (confirm.statusCode === 403 && confirm.json().error.details?.challenge_id) {
      const challengeId = confirm.json().error.details.challenge_id as string;
      const code = await smsCodeFor(world.rt.database.db, challengeId);
      confirm = await world.inject({ method: 'POST', url: '/v1/cashouts', headers: { ...bearer(mixed.token), 'idempotency-key': newKey() }, payload: { quote: q.id, pin: mixed.pin, otp: { challenge_id: challengeId, code } } });
    }
    expect(confirm.statusCode, confirm.body).toBe(201);
    const after = await balancesOf(world, mixed);
    expect(after.spend_only).toBe(won(50_000));
    expect(after.cashable).toBe(won(0));
  });

  test('a send to another person of spend-only value is refused', async () => {
    const res = await world.inject({ method: 'POST', url: '/v1/transfers', headers: { ...bearer(person.token), 'idempotency-key': newKey() }, payload: { to: friend.phone, amount: krw(5_000), pin: person.pin } });
    expect(errorOf(res)).toMatchObject({ code: 'spend_only_not_transferable', param: 'amount' });
    expect(await balancesOf(world, person)).toEqual({ cashable: won(0), spend_only: won(50_000) });
    expect(await balancesOf(world, friend)).toEqual({ cashable: won(0), spend_only: won(0) });
  });

  test('a voucher bought with spend-only value and given away pays only merchants; refunds of spend-only payments stay spend-only', async () => {
    const v = await world.inject({ method: 'POST', url: '/v1/vouchers', headers: { ...bearer(person.token), 'idempotency-key': newKey() }, payload: { amount: krw(20_000), merchants: [shop.code], pin: person.pin } });
    expect(v.statusCode, v.body).toBe(201);
    expect(v.json().funding).toEqual({ spend_only: krw('20000'), cashable: krw('0') });
    const sent = await world.inject({ method: 'POST', url: `/v1/vouchers/${v.json().id}/send`, headers: bearer(person.token), payload: { to: friend.phone } });
    expect(sent.statusCode, sent.body).toBe(200);
    // Nothing arrived in the friend's wallet: the voucher is redeemable at the shop, nowhere else.
    expect(await balancesOf(world, friend)).toEqual({ cashable: won(0), spend_only: won(0) });
    const sms = (await sql<{ body: string }>`SELECT body FROM outbox_messages WHERE recipient = ${friend.phone} AND template = 'voucher.received'`.execute(world.rt.database.db)).rows[0]!.body;
    const redeemed = await world.inject({
      method: 'POST', url: '/v1/merchant/vouchers/redemptions', headers: { ...bearer(shop.apiKey), 'idempotency-key': newKey() },
      payload: { code: /(\d{4}-\d{4}-\d{4}-\d{4})/.exec(sms)![1], pin: /PIN (\d{6})/.exec(sms)![1], amount: krw(20_000) },
    });
    expect(redeemed.statusCode, redeemed.body).toBe(201);

    const paid = (await pay(world, person, { merchant: shop.code, amount: krw(10_000) })).json();
    expect(paid.funding).toEqual({ spend_only: krw('10000'), cashable: krw('0') });
    const back = await refund(world, shop, paid.id, { amount: krw(10_000) });
    expect(back.json().funding).toEqual({ spend_only: krw('10000'), cashable: krw('0') });
    expect(await balancesOf(world, person)).toEqual({ cashable: won(0), spend_only: won(30_000) });
  });

  test('no route buys a voucher back, cashes it or moves it into a wallet', () => {
    const routes = world.rt.app.printRoutes({ commonPrefix: false });
    const voucherRoutes = routes.split('\n').filter((line) => /voucher/i.test(line)).map((line) => line.replace(/[│├└─\s]+/g, ' ').trim());
    for (const line of voucherRoutes) expect(line, line).not.toMatch(/cash|buyback|buy-back|refund|withdraw|payout|wallet|transfer/i);
    expect(voucherRoutes.length).toBeGreaterThan(0);
  });

  test('the journal: every transfer out of a spend-only account or the voucher liability went to a merchant (or, from spend-only, into vouchers)', async () => {
    const { rows } = await sql<{ debit_code: number; credit_code: number; n: string }>`
      SELECT da.code AS debit_code, ca.code AS credit_code, count(*)::text AS n
      FROM ledger_transfers t
      JOIN ledger_accounts da ON da.id = t.debit_account_id
      JOIN ledger_accounts ca ON ca.id = t.credit_account_id
      WHERE da.code IN (${ACCOUNT_CODES.user_spend_only}, ${ACCOUNT_CODES.voucher_liability})
      GROUP BY da.code, ca.code`.execute(world.rt.database.db);
    const allowed = new Set([
      `${ACCOUNT_CODES.user_spend_only}->${ACCOUNT_CODES.merchant_receivable}`,
      `${ACCOUNT_CODES.user_spend_only}->${ACCOUNT_CODES.voucher_liability}`,
      `${ACCOUNT_CODES.voucher_liability}->${ACCOUNT_CODES.merchant_receivable}`,
    ]);
    const seen = rows.map((r) => `${r.debit_code}->${r.credit_code}`);
    for (const edge of seen) expect(allowed.has(edge), `a transfer ${edge} exists`).toBe(true);
    // The test exercised each allowed edge, so it would have seen a forbidden one had any path made it.
    expect(new Set(seen)).toEqual(allowed);
  });
});
