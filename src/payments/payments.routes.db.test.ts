// Merchants, payments and refunds through the real API (composition root): the money splits by
// funding class, refunds go back where they came from, replays are idempotent, and the SMS and
// ledger say what happened.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer } from '../../test/helpers/identity.ts';
import { balancesOf, errorOf, krw, makeMerchant, makePayer, newKey, openPaymentsWorld, pay, refund, rowCounts, won, type PaymentsWorld } from '../../test/helpers/payments.ts';
import { ACCOUNT_CODES, TRANSFER_CODES } from '../wallets/index.ts';
import { idToUuid, uuidToId } from '../shared/ids.ts';

let world: PaymentsWorld;
beforeAll(async () => {
  world = await openPaymentsWorld();
});
afterAll(async () => {
  await world.close();
});

describe('the API description', () => {
  test('every payments route is in the OpenAPI document', async () => {
    const doc = (await world.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.keys(doc.paths);
    for (const path of ['/v1/merchants', '/v1/merchants/lookup', '/v1/payments', '/v1/merchant/payments/{id}/refunds', '/v1/vouchers', '/v1/vouchers/{id}/send',
      '/v1/merchant/vouchers/redemptions', '/v1/merchant/subscriptions', '/v1/me/subscriptions/{id}/authorize', '/v1/merchants/settlements']) {
      expect(paths, path).toContain(path);
    }
  });
});

describe('merchants', () => {
  test('an admin registers a merchant with a QR payload that encodes its code, a masked settlement account and a receivable account', async () => {
    const merchant = await makeMerchant(world, { name: '동네 빵집', code: 'BAKERY01' });
    expect(merchant.qr).toMatch(/^SCPAY1\.BAKERY01\.[0-9A-F]{4}$/);
    const res = await world.inject({ method: 'GET', url: `/v1/merchants/${merchant.id}`, headers: bearer(world.admin.token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      object: 'merchant', merchant_code: 'BAKERY01', name: '동네 빵집', status: 'active', partner: merchant.partnerId,
      receivable_balance: krw('0'), settlement_account: { bank_code: '088', bank_name: '신한은행', holder_name: '(주)카페' },
    });
    expect(res.json().settlement_account.account_masked).toMatch(/^\*+\d{4}$/);
    const { rows } = await sql<{ code: number }>`SELECT a.code FROM ledger_accounts a JOIN merchants m ON m.receivable_account = a.id WHERE m.code = 'BAKERY01'`.execute(world.rt.database.db);
    expect(rows[0]!.code).toBe(ACCOUNT_CODES.merchant_receivable);
    // The merchant's key sees the same merchant.
    const me = await world.inject({ method: 'GET', url: '/v1/merchant', headers: bearer(merchant.apiKey) });
    expect(me.json()).toMatchObject({ id: merchant.id, merchant_code: 'BAKERY01' });
  });

  test('a user looks a merchant up by code or by QR before paying', async () => {
    const merchant = await makeMerchant(world, { name: '편의점' });
    const payer = await makePayer(world);
    const byQr = await world.inject({ method: 'GET', url: `/v1/merchants/lookup?qr=${encodeURIComponent(merchant.qr)}`, headers: bearer(payer.token) });
    expect(byQr.json()).toMatchObject({ id: merchant.id, name: '편의점', merchant_code: merchant.code });
    const byCode = await world.inject({ method: 'GET', url: `/v1/merchants/lookup?code=${merchant.code.toLowerCase()}`, headers: bearer(payer.token) });
    expect(byCode.json().id).toBe(merchant.id);
    const misread = merchant.qr.slice(0, -1) + (merchant.qr.endsWith('0') ? '1' : '0');
    expect(errorOf(await world.inject({ method: 'GET', url: `/v1/merchants/lookup?qr=${encodeURIComponent(misread)}`, headers: bearer(payer.token) }))).toEqual({ status: 400, code: 'invalid_qr_payload', param: 'qr' });
  });
});

describe('paying a merchant', () => {
  test('spend-only value goes first, then cashable, in one linked chain; receipt and SMS; a replay answers the same', async () => {
    const merchant = await makeMerchant(world, { name: '분식집' });
    const payer = await makePayer(world, { cashable: 10_000, spendOnly: 3_000 });
    const key = newKey();
    const res = await pay(world, payer, { merchant: merchant.code, amount: krw(5_000), reference: 'ORDER-1' }, key);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      object: 'payment', status: 'paid', source: 'payment', merchant: { id: merchant.id, merchant_code: merchant.code, name: '분식집' },
      amount: krw('5000'), funding: { spend_only: krw('3000'), cashable: krw('2000') }, refunded: krw('0'), refundable: krw('5000'), reference: 'ORDER-1',
    });
    expect(body.id).toMatch(/^pay_/);
    expect(body.receipt_number).toMatch(/^20260113-[0-9A-F]{8}$/);
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(8_000), spend_only: won(0) });

    // The ledger: two linked transfers to the merchant's receivable, nothing else.
    const { rows } = await sql<{ amount: string; flags: number; debit: string; credit_code: number; code: number }>`
      SELECT t.amount::text, t.flags, t.debit_account_id::text AS debit, ca.code AS credit_code, t.code
      FROM ledger_transfers t JOIN ledger_accounts ca ON ca.id = t.credit_account_id
      WHERE t.metadata->>'payment' = ${body.id} ORDER BY t.amount DESC`.execute(world.rt.database.db);
    expect(rows.map((r) => [r.debit, r.credit_code, r.code, BigInt(r.amount)])).toEqual([
      [payer.wallet.spend_only_account, ACCOUNT_CODES.merchant_receivable, TRANSFER_CODES.merchant_payment, won(3_000)],
      [payer.wallet.cashable_account, ACCOUNT_CODES.merchant_receivable, TRANSFER_CODES.merchant_payment, won(2_000)],
    ]);
    expect(rows.filter((r) => (r.flags & 1) === 1)).toHaveLength(1);

    const sms = await sql<{ body: string; template: string }>`SELECT body, template FROM outbox_messages WHERE recipient = ${payer.phone} AND template = 'payment.paid'`.execute(world.rt.database.db);
    expect(sms.rows).toHaveLength(1);
    expect(sms.rows[0]!.body).toContain('분식집');

    const before = await rowCounts(world);
    const replay = await pay(world, payer, { merchant: merchant.code, amount: krw(5_000), reference: 'ORDER-1' }, key);
    expect(replay.statusCode, replay.body).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(body);
    const conflict = await pay(world, payer, { merchant: merchant.code, amount: krw(5_001) }, key);
    expect(errorOf(conflict)).toMatchObject({ status: 409, code: 'idempotency_conflict' });
    expect(await rowCounts(world)).toEqual(before);

    // The wallet's history names the merchant on both legs.
    const history = (await world.inject({ method: 'GET', url: `/v1/wallets/${uuidToId(payer.wallet.id, 'wal')}/history`, headers: bearer(payer.token) })).json();
    const legs = history.data.filter((e: { type: string }) => e.type === 'payment');
    expect(legs.map((e: { class: string; counterparty: { kind: string; id: string } }) => [e.class, e.counterparty.kind, e.counterparty.id]).sort()).toEqual([
      ['cashable', 'merchant', merchant.id], ['spend_only', 'merchant', merchant.id],
    ]);

    const receipt = await world.inject({ method: 'GET', url: `/v1/payments/${body.id}`, headers: bearer(payer.token) });
    expect(receipt.json()).toEqual(body);
    const mine = await world.inject({ method: 'GET', url: '/v1/payments', headers: bearer(payer.token) });
    expect(mine.json().data.map((p: { id: string }) => p.id)).toEqual([body.id]);
    const theirs = await world.inject({ method: 'GET', url: '/v1/merchant/payments', headers: bearer(merchant.apiKey) });
    expect(theirs.json().data.map((p: { id: string }) => p.id)).toEqual([body.id]);
    const stranger = await makePayer(world);
    expect(errorOf(await world.inject({ method: 'GET', url: `/v1/payments/${body.id}`, headers: bearer(stranger.token) }))).toEqual({ status: 404, code: 'payment_not_found', param: 'id' });
  });

  test('by QR, with the PIN above the policy threshold; cashable first when the policy orders it so is not the default', async () => {
    const merchant = await makeMerchant(world);
    const payer = await makePayer(world, { cashable: 40_000, spendOnly: 1_000 });
    const noPin = await pay(world, payer, { qr: merchant.qr, amount: krw(25_000) });
    expect(errorOf(noPin)).toEqual({ status: 400, code: 'pin_required', param: 'pin' });
    const res = await pay(world, payer, { qr: merchant.qr, amount: krw(25_000), pin: payer.pin });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().funding).toEqual({ spend_only: krw('1000'), cashable: krw('24000') });
    // Exactly the threshold rides the session.
    const atThreshold = await pay(world, payer, { merchant: merchant.code, amount: krw(15_000) });
    expect(atThreshold.statusCode, atThreshold.body).toBe(201);
  });

  test('refusals change nothing: frozen, wrong PIN, short balance, own spend cap, unknown or disabled merchant', async () => {
    const merchant = await makeMerchant(world);
    const payer = await makePayer(world, { cashable: 5_000, spendOnly: 1_000 });
    const before = await rowCounts(world);
    expect(errorOf(await pay(world, payer, { merchant: merchant.code, amount: krw(6_001) }))).toEqual({ status: 400, code: 'insufficient_funds', param: 'amount' });
    expect(errorOf(await pay(world, payer, { merchant: 'NOSUCH99', amount: krw(1_000) }))).toEqual({ status: 404, code: 'merchant_not_found', param: 'merchant' });
    expect(errorOf(await pay(world, payer, { merchant: merchant.code, amount: krw(1_000), pin: '000000' }))).toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(5_000), spend_only: won(1_000) });
    // Attempts that reach the PIN check leave the PIN failure counters; money and payment rows are unchanged.
    const after = await rowCounts(world);
    expect({ ...after, outbox_messages: 0 }).toEqual({ ...before, outbox_messages: 0 });

    const capped = await world.inject({ method: 'PUT', url: '/v1/me/limits', headers: bearer(payer.token), payload: { spend: { daily: krw(2_000) } } });
    expect(capped.statusCode, capped.body).toBe(200);
    const beforeCap = await rowCounts(world);
    expect(errorOf(await pay(world, payer, { merchant: merchant.code, amount: krw(2_500) }))).toMatchObject({ code: 'self_limit_exceeded', param: 'amount' });
    expect(await rowCounts(world)).toEqual(beforeCap);

    const frozen = await world.inject({ method: 'POST', url: '/v1/me/freeze', headers: bearer(payer.token), payload: {} });
    expect(frozen.statusCode).toBe(200);
    const beforeFreeze = await rowCounts(world);
    expect(errorOf(await pay(world, payer, { merchant: merchant.code, amount: krw(1_000) }))).toMatchObject({ status: 403, code: 'account_frozen' });
    expect(await rowCounts(world)).toEqual(beforeFreeze);

    await sql`UPDATE merchants SET status = 'disabled' WHERE code = ${merchant.code}`.execute(world.rt.database.db);
    const other = await makePayer(world, { cashable: 5_000 });
    expect(errorOf(await pay(world, other, { merchant: merchant.code, amount: krw(1_000) }))).toEqual({ status: 409, code: 'merchant_disabled', param: 'merchant' });
  });
});

describe('refunds', () => {
  test('partial then full: spend-only value goes back to spend-only, never above what was paid, idempotent', async () => {
    const merchant = await makeMerchant(world, { name: '서점' });
    const payer = await makePayer(world, { cashable: 10_000, spendOnly: 3_000 });
    const paid = (await pay(world, payer, { merchant: merchant.code, amount: krw(5_000) })).json();
    const key = newKey();
    const first = await refund(world, merchant, paid.id, { amount: krw(4_000), reason: '품절' }, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      object: 'refund', payment: paid.id, amount: krw('4000'), funding: { spend_only: krw('3000'), cashable: krw('1000') },
      reason: '품절', payment_status: 'partially_refunded', refundable: krw('1000'),
    });
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(9_000), spend_only: won(3_000) });
    const replay = await refund(world, merchant, paid.id, { amount: krw(4_000), reason: '품절' }, key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());

    const before = await rowCounts(world);
    expect(errorOf(await refund(world, merchant, paid.id, { amount: krw(1_001) }))).toEqual({ status: 400, code: 'refund_exceeds_payment', param: 'amount' });
    expect(await rowCounts(world)).toEqual(before);

    const last = await refund(world, merchant, paid.id, { amount: krw(1_000) });
    expect(last.json()).toMatchObject({ payment_status: 'refunded', refundable: krw('0'), funding: { spend_only: krw('0'), cashable: krw('1000') } });
    expect(await balancesOf(world, payer)).toEqual({ cashable: won(10_000), spend_only: won(3_000) });
    const receipt = (await world.inject({ method: 'GET', url: `/v1/payments/${paid.id}`, headers: bearer(payer.token) })).json();
    expect(receipt).toMatchObject({ status: 'refunded', refunded: krw('5000') });
    expect(receipt.refunds).toHaveLength(2);
    expect(errorOf(await refund(world, merchant, paid.id, { amount: krw(1) }))).toEqual({ status: 400, code: 'refund_exceeds_payment', param: 'amount' });
    const sms = await sql<{ n: string }>`SELECT count(*)::text AS n FROM outbox_messages WHERE recipient = ${payer.phone} AND template = 'payment.refunded'`.execute(world.rt.database.db);
    expect(sms.rows[0]!.n).toBe('2');
  });

  test('another merchant cannot refund the payment; a merchant cannot refund more than it holds unsettled', async () => {
    const merchant = await makeMerchant(world);
    const other = await makeMerchant(world);
    const payer = await makePayer(world, { cashable: 10_000 });
    const paid = (await pay(world, payer, { merchant: merchant.code, amount: krw(5_000) })).json();
    const before = await rowCounts(world);
    expect(errorOf(await refund(world, other, paid.id, { amount: krw(1_000) }))).toEqual({ status: 404, code: 'payment_not_found', param: 'id' });
    expect(errorOf(await world.inject({ method: 'GET', url: `/v1/merchant/payments/${paid.id}`, headers: bearer(other.apiKey) }))).toEqual({ status: 404, code: 'payment_not_found', param: 'id' });
    // The receivable was emptied (as a settlement would): the ledger refuses the refund, nothing changes.
    const receivable = (await sql<{ id: string }>`SELECT receivable_account::text AS id FROM merchants WHERE id = ${idToUuid(merchant.id, 'mer')}`.execute(world.rt.database.db)).rows[0]!.id;
    await world.rt.ctx.ledger.createTransfers([{ id: crypto.randomUUID() as never, debit_account_id: receivable as never, credit_account_id: (await sql<{ id: string }>`SELECT id::text FROM ledger_accounts WHERE owner = 'system:bank_clearing'`.execute(world.rt.database.db)).rows[0]!.id as never, amount: won(5_000), currency: 'KRW', code: TRANSFER_CODES.merchant_settlement }]);
    const beforeShort = await rowCounts(world);
    expect(errorOf(await refund(world, merchant, paid.id, { amount: krw(1_000) }))).toEqual({ status: 409, code: 'merchant_balance_insufficient', param: 'amount' });
    expect({ ...(await rowCounts(world)) }).toEqual(beforeShort);
    expect(beforeShort.ledger_transfers).toBe(before.ledger_transfers! + 1);
  });
});
