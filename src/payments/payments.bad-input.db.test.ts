// Bad input and the role matrix for merchants, payments and refunds: each refusal has its own
// stable code and param, and changes no row.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createTestPartner, createTestStaff, type TestStaff } from '../../test/helpers/identity.ts';
import { errorOf, krw, makeMerchant, makePayer, newKey, openPaymentsWorld, pay, refund, rowCounts, type Payer, type PaymentsWorld, type TestMerchant } from '../../test/helpers/payments.ts';

let world: PaymentsWorld;
let merchant: TestMerchant;
let payer: Payer;
let paymentId: string;
beforeAll(async () => {
  world = await openPaymentsWorld();
  merchant = await makeMerchant(world);
  payer = await makePayer(world, { cashable: 50_000 });
  paymentId = (await pay(world, payer, { merchant: merchant.code, amount: krw(1_000) })).json().id;
});
afterAll(async () => {
  await world.close();
});

const account = { bank_code: '088', account_number: '110123456789', holder_name: '(주)상점' };

describe('POST /v1/payments refuses bad input with its own code', () => {
  const cases: [string, Record<string, unknown>, { status: number; code: string; param?: string }][] = [
    ['no amount', { merchant: 'X' }, { status: 400, code: 'missing_field', param: 'amount' }],
    ['an extra field', { merchant: 'SHOP', amount: krw(1), tip: 1 }, { status: 400, code: 'unknown_field', param: 'tip' }],
    ['a number amount', { merchant: 'SHOP', amount: 1000 }, { status: 400, code: 'invalid_type', param: 'amount' }],
    ['a negative amount', { merchant: 'SHOP', amount: krw(-5) }, { status: 400, code: 'invalid_amount', param: 'amount.amount' }],
    ['a zero amount', { merchant: 'SHOP', amount: krw(0) }, { status: 400, code: 'invalid_amount', param: 'amount.amount' }],
    ['a too precise amount', { merchant: 'SHOP', amount: krw('1.00001') }, { status: 400, code: 'invalid_amount', param: 'amount.amount' }],
    ['an unknown currency', { merchant: 'SHOP', amount: { amount: '1', currency: 'XYZ' } }, { status: 400, code: 'invalid_currency', param: 'amount.currency' }],
    ['another currency', { merchant: 'SHOP', amount: { amount: '1', currency: 'USD' } }, { status: 400, code: 'currency_mismatch', param: 'amount.currency' }],
    ['a short PIN', { merchant: 'SHOP', amount: krw(1), pin: '12' }, { status: 400, code: 'invalid_pin_format', param: 'pin' }],
    ['a two-line reference', { merchant: 'SHOP', amount: krw(1), reference: 'a\nb' }, { status: 400, code: 'invalid_text', param: 'reference' }],
    ['no merchant', { amount: krw(1) }, { status: 400, code: 'merchant_or_qr_required', param: 'merchant' }],
    ['both merchant and QR', { merchant: 'SHOP', qr: 'SCPAY1.SHOP.0000', amount: krw(1) }, { status: 400, code: 'merchant_or_qr_required', param: 'merchant' }],
    ['a foreign QR', { qr: 'https://example.com/pay', amount: krw(1) }, { status: 400, code: 'invalid_qr_payload', param: 'qr' }],
    ['an unknown merchant', { merchant: 'NOPE0000', amount: krw(1) }, { status: 404, code: 'merchant_not_found', param: 'merchant' }],
    ['a malformed merchant code', { merchant: '!!', amount: krw(1) }, { status: 404, code: 'merchant_not_found', param: 'merchant' }],
  ];
  test.each(cases)('%s', async (_name, payload, expected) => {
    const before = await rowCounts(world);
    expect(errorOf(await pay(world, payer, payload))).toEqual(expected);
    expect(await rowCounts(world)).toEqual(before);
  });

  test('without an Idempotency-Key', async () => {
    const before = await rowCounts(world);
    const res = await world.inject({ method: 'POST', url: '/v1/payments', headers: bearer(payer.token), payload: { merchant: merchant.code, amount: krw(1) } });
    expect(errorOf(res)).toEqual({ status: 400, code: 'idempotency_key_required', param: 'Idempotency-Key' });
    expect(await rowCounts(world)).toEqual(before);
  });
});

describe('POST /v1/merchants refuses bad input with its own code', () => {
  const cases: [string, Record<string, unknown>, { status: number; code: string; param?: string }][] = [
    ['no name', { code: 'GOODCODE', settlement_account: account }, { status: 400, code: 'missing_field', param: 'name' }],
    ['a lower-case or short code', { name: 'a', code: 'ab', settlement_account: account }, { status: 400, code: 'invalid_merchant_code', param: 'code' }],
    ['an unknown bank', { name: 'a', code: 'GOODCODE', settlement_account: { ...account, bank_code: '999' } }, { status: 400, code: 'invalid_bank_code', param: 'settlement_account.bank_code' }],
    ['a short account number', { name: 'a', code: 'GOODCODE', settlement_account: { ...account, account_number: '123' } }, { status: 400, code: 'invalid_account_number', param: 'settlement_account.account_number' }],
    ['an extra settlement field', { name: 'a', code: 'GOODCODE', settlement_account: { ...account, iban: 'x' } }, { status: 400, code: 'unknown_field', param: 'settlement_account.iban' }],
    ['an unknown partner', { name: 'a', code: 'GOODCODE', partner: 'ptn_01h455vb4pex5vsknk084sn02q', settlement_account: account }, { status: 404, code: 'partner_not_found', param: 'partner' }],
    ['a taken code', { name: 'a', code: 'TAKEN001', settlement_account: account }, { status: 409, code: 'merchant_code_taken', param: 'code' }],
    ['a blank name', { name: '  ', code: 'GOODCODE', settlement_account: account }, { status: 400, code: 'invalid_text', param: 'name' }],
  ];
  beforeAll(async () => {
    await makeMerchant(world, { code: 'TAKEN001' });
  });
  test.each(cases)('%s', async (_name, payload, expected) => {
    const before = await rowCounts(world);
    const res = await world.inject({ method: 'POST', url: '/v1/merchants', headers: bearer(world.admin.token), payload });
    expect(errorOf(res)).toEqual(expected);
    expect(await rowCounts(world)).toEqual(before);
  });

  test('a partner that already acts for a merchant', async () => {
    const before = await rowCounts(world);
    const res = await world.inject({ method: 'POST', url: '/v1/merchants', headers: bearer(world.admin.token), payload: { name: 'b', code: 'OTHER001', partner: merchant.partnerId, settlement_account: account } });
    expect(errorOf(res)).toEqual({ status: 409, code: 'merchant_partner_taken', param: 'partner' });
    expect(await rowCounts(world)).toEqual(before);
  });
});

describe('POST /v1/merchant/payments/:id/refunds refuses bad input with its own code', () => {
  const cases: [string, string, Record<string, unknown>, { status: number; code: string; param?: string }][] = [
    ['no amount', 'PAY', {}, { status: 400, code: 'missing_field', param: 'amount' }],
    ['a negative amount', 'PAY', { amount: krw(-1) }, { status: 400, code: 'invalid_amount', param: 'amount.amount' }],
    ['an extra field', 'PAY', { amount: krw(1), to: 'cash' }, { status: 400, code: 'unknown_field', param: 'to' }],
    ['a long reason', 'PAY', { amount: krw(1), reason: 'x'.repeat(141) }, { status: 400, code: 'invalid_text', param: 'reason' }],
    ['an unknown payment', 'pay_01h455vb4pex5vsknk084sn02q', { amount: krw(1) }, { status: 404, code: 'payment_not_found', param: 'id' }],
    ['not a payment id', 'usr_01h455vb4pex5vsknk084sn02q', { amount: krw(1) }, { status: 404, code: 'payment_not_found', param: 'id' }],
    ['above the payment', 'PAY', { amount: krw(1_001) }, { status: 400, code: 'refund_exceeds_payment', param: 'amount' }],
    ['another currency', 'PAY', { amount: { amount: '1', currency: 'USD' } }, { status: 400, code: 'currency_mismatch', param: 'amount.currency' }],
  ];
  test.each(cases)('%s', async (_name, id, payload, expected) => {
    const before = await rowCounts(world);
    expect(errorOf(await refund(world, merchant, id === 'PAY' ? paymentId : id, payload))).toEqual(expected);
    expect(await rowCounts(world)).toEqual(before);
  });
});

describe('role matrix', () => {
  let staff: Record<'admin' | 'support' | 'compliance' | 'finance' | 'agent', TestStaff>;
  let plainPartner: string;
  beforeAll(async () => {
    staff = {
      admin: world.admin,
      support: await createTestStaff(world.tc, 'support'),
      compliance: await createTestStaff(world.tc, 'compliance'),
      finance: await createTestStaff(world.tc, 'finance'),
      agent: await createTestStaff(world.tc, 'agent'),
    };
    plainPartner = (await createTestPartner(world.tc, ['credits:write'])).apiKey;
  });

  type Caller = 'none' | 'user' | 'admin' | 'support' | 'compliance' | 'finance' | 'agent' | 'partner' | 'merchant';
  const callers: Caller[] = ['none', 'user', 'admin', 'support', 'compliance', 'finance', 'agent', 'partner', 'merchant'];
  function token(caller: Caller): Record<string, string> {
    switch (caller) {
      case 'none': return {};
      case 'user': return bearer(payer.token);
      case 'partner': return bearer(plainPartner);
      case 'merchant': return bearer(merchant.apiKey);
      default: return bearer(staff[caller].token);
    }
  }
  const routes: { method: 'GET' | 'POST'; url: () => string; allowed: Caller[]; payload?: () => Record<string, unknown> }[] = [
    { method: 'POST', url: () => '/v1/merchants', allowed: ['admin'], payload: () => ({ name: 'x', code: 'ab', settlement_account: account }) },
    { method: 'GET', url: () => '/v1/merchants', allowed: ['admin'] },
    { method: 'GET', url: () => `/v1/merchants/${merchant.id}`, allowed: ['admin'] },
    { method: 'POST', url: () => '/v1/merchants/settlements', allowed: ['admin', 'finance'], payload: () => ({ unexpected: true }) },
    { method: 'GET', url: () => `/v1/merchants/lookup?code=${merchant.code}`, allowed: ['user'] },
    { method: 'POST', url: () => '/v1/payments', allowed: ['user'], payload: () => ({ merchant: merchant.code, amount: krw(0) }) },
    { method: 'GET', url: () => '/v1/payments', allowed: ['user'] },
    { method: 'GET', url: () => `/v1/payments/${paymentId}`, allowed: ['user'] },
    { method: 'GET', url: () => '/v1/merchant', allowed: ['merchant'] },
    { method: 'GET', url: () => '/v1/merchant/payments', allowed: ['merchant'] },
    { method: 'GET', url: () => `/v1/merchant/payments/${paymentId}`, allowed: ['merchant'] },
    { method: 'POST', url: () => `/v1/merchant/payments/${paymentId}/refunds`, allowed: ['merchant'], payload: () => ({ amount: krw(0) }) },
  ];

  test.each(routes.flatMap((route) => callers.map((caller) => [`${route.method} ${route.url.toString().slice(6, 60)}`, caller, route] as const)))('%s as %s', async (_name, caller, route) => {
    const before = await rowCounts(world);
    const res = await world.inject({ method: route.method, url: route.url(), headers: { ...token(caller), 'idempotency-key': newKey() }, ...(route.payload ? { payload: route.payload() } : {}) });
    if (caller === 'none') expect(res.statusCode).toBe(401);
    else if (route.allowed.includes(caller)) expect([200, 400]).toContain(res.statusCode); // allowed in; the POST bodies are deliberately invalid
    else expect(errorOf(res)).toMatchObject({ status: 403, code: 'forbidden' });
    expect(await rowCounts(world)).toEqual(before);
  });
});
