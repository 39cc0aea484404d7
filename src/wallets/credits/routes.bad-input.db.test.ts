// Bad input on every credits route: a 4xx with a stable code and the offending param, and
// nothing written — every credit table, the journal, the outbox and the audit log are counted
// before and after each request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/ids.ts';
import {
  countCreditRows, createCreditPartner, createCreditsWorld, credit, prefund, registerPerson, verifyWorld, type CreditsWorld, type TestPartner,
} from '../../../test/helpers/credits.ts';
import { bearer } from '../../../test/helpers/identity.ts';
import type { TestUser } from '../../../test/helpers/identity.ts';

let world: CreditsWorld;
let partner: TestPartner;
let person: TestUser;
let financeToken: string;

beforeAll(async () => {
  world = await createCreditsWorld();
  partner = await createCreditPartner(world);
  await prefund(world, partner.partnerId, '100000');
  person = await registerPerson(world);
  financeToken = (await world.tc.identity.staffLogin(world.finance.email, world.finance.password)).token;
  const posted = await world.app.inject({ method: 'POST', url: '/v1/credits', headers: partner.headers, payload: credit('exists-1', { phone: person.phone }, '10') });
  expect(posted.statusCode).toBe(201);
});
afterAll(async () => {
  const report = await verifyWorld(world);
  expect(report.ok).toBe(true);
  await world?.close();
});

interface Case {
  name: string;
  method?: 'POST' | 'GET';
  url: string;
  /** An object is sent as JSON; a string is sent as is with `type`. */
  body?: unknown;
  type?: string;
  staff?: boolean;
  status: number;
  code: string;
  param?: string;
}

const ok = (overrides: Record<string, unknown> = {}) => ({ ...credit('fresh-1', { phone: '010-2345-6789' }, '10'), ...overrides });
const amount = (value: unknown, currency: unknown = 'KRW') => ({ amount: { amount: value, currency } });
const without = (key: string) => {
  const body: Record<string, unknown> = ok();
  delete body[key];
  return body;
};

const singleCases: Case[] = [
  { name: 'malformed JSON', url: '/v1/credits', body: '{"partner_reference":', type: 'application/json', status: 400, code: 'invalid_json' },
  { name: 'empty JSON body', url: '/v1/credits', body: '', type: 'application/json', status: 400, code: 'invalid_json' },
  { name: 'a JSON array', url: '/v1/credits', body: [], status: 400, code: 'invalid_type' },
  { name: 'wrong content type', url: '/v1/credits', body: 'partner_reference=x', type: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { name: 'missing partner_reference', url: '/v1/credits', body: without('partner_reference'), status: 400, code: 'missing_field', param: 'partner_reference' },
  { name: 'missing recipient', url: '/v1/credits', body: without('recipient'), status: 400, code: 'missing_field', param: 'recipient' },
  { name: 'missing amount', url: '/v1/credits', body: without('amount'), status: 400, code: 'missing_field', param: 'amount' },
  { name: 'missing source', url: '/v1/credits', body: without('source'), status: 400, code: 'missing_field', param: 'source' },
  { name: 'extra field', url: '/v1/credits', body: ok({ fee: 1 }), status: 400, code: 'unknown_field', param: 'fee' },
  { name: 'extra field in recipient', url: '/v1/credits', body: ok({ recipient: { phone: '010-2345-6789', name: 'Kim' } }), status: 400, code: 'unknown_field', param: 'recipient.name' },
  { name: 'extra field in amount', url: '/v1/credits', body: ok({ amount: { amount: '1', currency: 'KRW', fee: '1' } }), status: 400, code: 'unknown_field', param: 'amount.fee' },
  { name: 'partner_reference a number', url: '/v1/credits', body: ok({ partner_reference: 12 }), status: 400, code: 'invalid_type', param: 'partner_reference' },
  { name: 'partner_reference with a space', url: '/v1/credits', body: ok({ partner_reference: 'a b' }), status: 400, code: 'invalid_partner_reference', param: 'partner_reference' },
  { name: 'partner_reference too long', url: '/v1/credits', body: ok({ partner_reference: 'r'.repeat(65) }), status: 400, code: 'invalid_partner_reference', param: 'partner_reference' },
  { name: 'recipient with phone and user_id', url: '/v1/credits', body: ok({ recipient: { phone: '010-2345-6789', user_id: newId('usr') } }), status: 400, code: 'invalid_recipient', param: 'recipient' },
  { name: 'empty recipient', url: '/v1/credits', body: ok({ recipient: {} }), status: 400, code: 'invalid_recipient', param: 'recipient' },
  { name: 'recipient a string', url: '/v1/credits', body: ok({ recipient: '010-2345-6789' }), status: 400, code: 'invalid_type', param: 'recipient' },
  { name: 'invalid phone', url: '/v1/credits', body: ok({ recipient: { phone: '12345' } }), status: 400, code: 'invalid_phone_number', param: 'recipient.phone' },
  { name: 'landline, not mobile', url: '/v1/credits', body: ok({ recipient: { phone: '02-2100-2114' } }), status: 400, code: 'invalid_phone_number', param: 'recipient.phone' },
  { name: 'malformed user id', url: '/v1/credits', body: ok({ recipient: { user_id: 'bob' } }), status: 400, code: 'invalid_recipient', param: 'recipient.user_id' },
  { name: 'unknown user id', url: '/v1/credits', body: ok({ recipient: { user_id: newId('usr') } }), status: 404, code: 'recipient_not_found', param: 'recipient.user_id' },
  { name: 'amount a number', url: '/v1/credits', body: ok({ amount: 12.5 }), status: 400, code: 'invalid_type', param: 'amount' },
  { name: 'amount.amount a number', url: '/v1/credits', body: ok(amount(12.5)), status: 400, code: 'invalid_type', param: 'amount.amount' },
  { name: 'over-precise amount', url: '/v1/credits', body: ok(amount('1.00001')), status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'negative amount', url: '/v1/credits', body: ok(amount('-1')), status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'zero amount', url: '/v1/credits', body: ok(amount('0')), status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'huge amount', url: '/v1/credits', body: ok(amount('99999999999999999999')), status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'amount with exponent', url: '/v1/credits', body: ok(amount('1e3')), status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'wrong currency', url: '/v1/credits', body: ok(amount('1', 'USD')), status: 400, code: 'invalid_currency', param: 'amount.currency' },
  { name: 'unknown currency', url: '/v1/credits', body: ok(amount('1', 'XYZ')), status: 400, code: 'invalid_currency', param: 'amount.currency' },
  { name: 'unknown source', url: '/v1/credits', body: ok({ source: 'lottery' }), status: 400, code: 'unknown_source', param: 'source' },
  { name: 'malformed source', url: '/v1/credits', body: ok({ source: 'Tip!' }), status: 400, code: 'unknown_source', param: 'source' },
  { name: 'description too long', url: '/v1/credits', body: ok({ description: 'd'.repeat(141) }), status: 400, code: 'invalid_description', param: 'description' },
  { name: 'description with a control character', url: '/v1/credits', body: ok({ description: 'a\u0007b' }), status: 400, code: 'invalid_description', param: 'description' },
  { name: 'description a number', url: '/v1/credits', body: ok({ description: 5 }), status: 400, code: 'invalid_type', param: 'description' },
  { name: 'metadata with a nested object', url: '/v1/credits', body: ok({ metadata: { a: { b: 1 } } }), status: 400, code: 'invalid_metadata', param: 'metadata' },
  { name: 'metadata with 21 keys', url: '/v1/credits', body: ok({ metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) }), status: 400, code: 'invalid_metadata', param: 'metadata' },
  { name: 'metadata an array', url: '/v1/credits', body: ok({ metadata: [1] }), status: 400, code: 'invalid_type', param: 'metadata' },
  { name: 'oversized body', url: '/v1/credits', body: ok({ description: 'x'.repeat(1_100_000) }), status: 413, code: 'body_too_large' },
];

const item = (i: number) => credit(`bi-${i}`, { phone: person.phone }, '1');
const batchCases = (): Case[] => [
  { name: 'malformed JSON', url: '/v1/credits/batch', body: '{"items":[', type: 'application/json', status: 400, code: 'invalid_json' },
  { name: 'missing items', url: '/v1/credits/batch', body: {}, status: 400, code: 'missing_field', param: 'items' },
  { name: 'items not an array', url: '/v1/credits/batch', body: { items: {} }, status: 400, code: 'invalid_type', param: 'items' },
  { name: 'empty batch', url: '/v1/credits/batch', body: { items: [] }, status: 400, code: 'batch_empty', param: 'items' },
  { name: 'more than 10,000 items', url: '/v1/credits/batch', body: { items: Array.from({ length: 10_001 }, (_, i) => item(i)) }, status: 400, code: 'batch_too_large', param: 'items' },
  { name: 'extra top-level field', url: '/v1/credits/batch', body: { items: [item(1)], mode: 'fast' }, status: 400, code: 'unknown_field', param: 'mode' },
  { name: 'one over-precise amount among good items', url: '/v1/credits/batch', body: { items: [item(1), item(2), { ...item(3), amount: { amount: '0.00001', currency: 'KRW' } }] }, status: 400, code: 'invalid_amount', param: 'items.2.amount.amount' },
  { name: 'one invalid phone among good items', url: '/v1/credits/batch', body: { items: [item(1), { ...item(2), recipient: { phone: 'call me' } }] }, status: 400, code: 'invalid_phone_number', param: 'items.1.recipient.phone' },
  { name: 'one missing field', url: '/v1/credits/batch', body: { items: [item(1), { ...item(2), source: undefined }] }, status: 400, code: 'missing_field', param: 'items.1.source' },
  { name: 'one unknown source', url: '/v1/credits/batch', body: { items: [item(1), item(2), { ...item(3), source: 'lottery' }] }, status: 400, code: 'unknown_source', param: 'items.2.source' },
  { name: 'one wrong currency', url: '/v1/credits/batch', body: { items: [{ ...item(1), amount: { amount: '1', currency: 'JPY' } }] }, status: 400, code: 'invalid_currency', param: 'items.0.amount.currency' },
  { name: 'an item that is not an object', url: '/v1/credits/batch', body: { items: [item(1), 'x'] }, status: 400, code: 'invalid_type', param: 'items.1' },
  { name: 'oversized body (over 8 MiB)', url: '/v1/credits/batch', body: { items: [{ ...item(1), description: 'x'.repeat(9 * 1024 * 1024) }] }, status: 413, code: 'body_too_large' },
];

const otherCases = (): Case[] => [
  { name: 'GET a reference with a space', method: 'GET', url: '/v1/credits/a%20b', status: 400, code: 'invalid_partner_reference', param: 'reference' },
  { name: 'GET an unknown reference', method: 'GET', url: '/v1/credits/never-sent', status: 404, code: 'credit_not_found', param: 'reference' },
  { name: 'GET with an unknown query parameter', method: 'GET', url: '/v1/credits/exists-1?expand=all', status: 400, code: 'unknown_field', param: 'expand' },
  { name: 'GET balance with an unknown query parameter', method: 'GET', url: '/v1/partner/balance?currency=USD', status: 400, code: 'unknown_field', param: 'currency' },
  { name: 'reversal: malformed JSON', url: '/v1/credits/exists-1/reversal', body: '{"reason"', type: 'application/json', status: 400, code: 'invalid_json' },
  { name: 'reversal: extra field', url: '/v1/credits/exists-1/reversal', body: { reason: 'fraud', all: true }, status: 400, code: 'unknown_field', param: 'all' },
  { name: 'reversal: over-precise amount', url: '/v1/credits/exists-1/reversal', body: amount('0.00001'), status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'reversal: negative amount', url: '/v1/credits/exists-1/reversal', body: amount('-5'), status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'reversal: wrong currency', url: '/v1/credits/exists-1/reversal', body: amount('1', 'EUR'), status: 400, code: 'invalid_currency', param: 'amount.currency' },
  { name: 'reversal: more than the credit', url: '/v1/credits/exists-1/reversal', body: amount('10.0001'), status: 400, code: 'amount_exceeds_credit', param: 'amount' },
  { name: 'reversal: reason too short', url: '/v1/credits/exists-1/reversal', body: { reason: 'x' }, status: 400, code: 'invalid_reason', param: 'reason' },
  { name: 'reversal: reason a number', url: '/v1/credits/exists-1/reversal', body: { reason: 7 }, status: 400, code: 'invalid_type', param: 'reason' },
  { name: 'reversal: unknown reference', url: '/v1/credits/nope-1/reversal', body: {}, status: 404, code: 'credit_not_found', param: 'reference' },
  { name: 'reversal: malformed reference', url: '/v1/credits/-x/reversal', body: {}, status: 400, code: 'invalid_partner_reference', param: 'reference' },
  { name: 'cancel: extra field', url: '/v1/credits/exists-1/cancel', body: { now: true }, status: 400, code: 'unknown_field', param: 'now' },
  { name: 'cancel: unknown reference', url: '/v1/credits/nope-2/cancel', body: {}, status: 404, code: 'credit_not_found', param: 'reference' },
  { name: 'cancel: a posted credit', url: '/v1/credits/exists-1/cancel', body: {}, status: 409, code: 'credit_not_cancellable', param: 'reference' },
  { name: 'prefunding: malformed partner id', url: '/v1/admin/partners/acme/prefunding', staff: true, body: { ...amount('1'), bank_reference: 'B-1' }, status: 404, code: 'partner_not_found', param: 'partner' },
  { name: 'prefunding: unknown partner', url: `/v1/admin/partners/${newId('ptn')}/prefunding`, staff: true, body: { ...amount('1'), bank_reference: 'B-2' }, status: 404, code: 'partner_not_found', param: 'partner' },
  { name: 'prefunding: malformed JSON', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: '{', type: 'application/json', status: 400, code: 'invalid_json' },
  { name: 'prefunding: missing amount', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { bank_reference: 'B-3' }, status: 400, code: 'missing_field', param: 'amount' },
  { name: 'prefunding: missing bank_reference', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: amount('1'), status: 400, code: 'missing_field', param: 'bank_reference' },
  { name: 'prefunding: empty bank_reference', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { ...amount('1'), bank_reference: '' }, status: 400, code: 'invalid_bank_reference', param: 'bank_reference' },
  { name: 'prefunding: bank_reference with a newline', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { ...amount('1'), bank_reference: 'B\n4' }, status: 400, code: 'invalid_bank_reference', param: 'bank_reference' },
  { name: 'prefunding: bank_reference too long', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { ...amount('1'), bank_reference: 'B'.repeat(65) }, status: 400, code: 'invalid_bank_reference', param: 'bank_reference' },
  { name: 'prefunding: zero amount', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { ...amount('0'), bank_reference: 'B-5' }, status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'prefunding: over-precise amount', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { ...amount('1.00001'), bank_reference: 'B-6' }, status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'prefunding: huge amount', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { ...amount('922337203685478'), bank_reference: 'B-7' }, status: 400, code: 'invalid_amount', param: 'amount.amount' },
  { name: 'prefunding: wrong currency', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { ...amount('1', 'USD'), bank_reference: 'B-8' }, status: 400, code: 'invalid_currency', param: 'amount.currency' },
  { name: 'prefunding: extra field', url: `/v1/admin/partners/${partner.partnerId}/prefunding`, staff: true, body: { ...amount('1'), bank_reference: 'B-9', note: 'x' }, status: 400, code: 'unknown_field', param: 'note' },
];

async function send(c: Case) {
  const headers: Record<string, string> = c.staff ? bearer(financeToken) : { ...partner.headers };
  if (c.type) headers['content-type'] = c.type;
  const payload = c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  if (payload !== undefined && !c.type) headers['content-type'] = 'application/json';
  return world.app.inject({ method: c.method ?? 'POST', url: c.url, headers, ...(payload !== undefined ? { payload } : {}) });
}

async function expectRefused(c: Case): Promise<void> {
  const before = await countCreditRows(world);
  const response = await send(c);
  expect({ status: response.statusCode, body: response.json() }).toMatchObject({
    status: c.status,
    body: { error: { code: c.code, ...(c.param ? { param: c.param } : {}), request_id: expect.any(String), message: expect.any(String) } },
  });
  expect(await countCreditRows(world)).toEqual(before);
}

describe('POST /v1/credits', () => {
  it.each(singleCases)('$name → $status $code', expectRefused);
});

describe('POST /v1/credits/batch', () => {
  it('refuses every malformed batch whole', async () => {
    for (const c of batchCases()) await expectRefused(c);
  });
});

describe('other routes', () => {
  it('refuse bad input with a stable code and param, writing nothing', async () => {
    for (const c of otherCases()) await expectRefused(c);
  });

  it('refuses the same bank_reference with another amount (409) and writes nothing', async () => {
    const url = `/v1/admin/partners/${partner.partnerId}/prefunding`;
    const first = await send({ name: '', url, staff: true, body: { ...amount('5'), bank_reference: 'DUP-1' }, status: 201, code: '' });
    expect(first.statusCode).toBe(201);
    const replay = await send({ name: '', url, staff: true, body: { ...amount('5'), bank_reference: 'DUP-1' }, status: 201, code: '' });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(first.json().id);
    await expectRefused({ name: 'same reference, other amount', url, staff: true, body: { ...amount('6'), bank_reference: 'DUP-1' }, status: 409, code: 'idempotency_conflict', param: 'bank_reference' });
  });
});

describe('POST /v1/credits/stream', () => {
  const stream = (body: string, type = 'application/x-ndjson') => world.app.inject({ method: 'POST', url: '/v1/credits/stream', headers: { ...partner.headers, 'content-type': type }, payload: body });

  it('refuses another content type before reading anything', async () => {
    const before = await countCreditRows(world);
    const response = await stream(JSON.stringify(credit('st-json', { phone: person.phone }, '1')), 'application/json');
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
    expect(await countCreditRows(world)).toEqual(before);
  });

  it('answers an empty body with a summary and writes nothing', async () => {
    const before = await countCreditRows(world);
    const response = await stream('');
    expect(response.statusCode).toBe(200);
    expect(response.body.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([{ object: 'summary', lines: 0, credits: 0, failed: 0, replayed: 0 }]);
    expect(await countCreditRows(world)).toEqual(before);
  });

  it('fails each bad line alone, with its code and param, and writes only the good ones', async () => {
    const good = (ref: string) => JSON.stringify(credit(ref, { phone: person.phone }, '1'));
    const lines = [
      good('st-1'),
      '{"partner_reference": "st-x",',
      JSON.stringify({ ...credit('st-2', { phone: person.phone }, '1'), extra: 1 }),
      JSON.stringify(credit('st-3', { phone: 'nope' }, '1')),
      JSON.stringify(credit('st-4', { phone: person.phone }, '1.00001')),
      JSON.stringify(credit('st-5', { phone: person.phone }, '1', 'lottery')),
      JSON.stringify({ ...credit('st-6', { phone: person.phone }, '1'), source: undefined }),
      JSON.stringify({ ...credit('st-7', { phone: person.phone }, '1'), description: 'd'.repeat(9000) }),
      '[1,2]',
      good('st-8'),
    ];
    const before = await countCreditRows(world);
    const response = await stream(lines.join('\n'));
    expect(response.statusCode).toBe(200);
    const out = response.body.trim().split('\n').map((l) => JSON.parse(l) as { line?: number; status?: string; error?: { code: string; param?: string } });
    expect(out.map((o) => [o.line, o.status, o.error?.code, o.error?.param])).toEqual([
      [1, 'posted', undefined, undefined],
      [2, 'failed', 'invalid_json', undefined],
      [3, 'failed', 'unknown_field', 'extra'],
      [4, 'failed', 'invalid_phone_number', 'recipient.phone'],
      [5, 'failed', 'invalid_amount', 'amount.amount'],
      [6, 'failed', 'unknown_source', 'source'],
      [7, 'failed', 'missing_field', 'source'],
      [8, 'failed', 'line_too_long', undefined],
      [9, 'failed', 'invalid_type', undefined],
      [10, 'posted', undefined, undefined],
      [undefined, undefined, undefined, undefined],
    ]);
    expect(out[out.length - 1]).toEqual({ object: 'summary', lines: 10, credits: 2, failed: 8, replayed: 0 });
    const after = await countCreditRows(world);
    expect(after.ledger_transfers).toBe(before.ledger_transfers + 2);
    expect({ ...after, ledger_transfers: 0 }).toEqual({ ...before, ledger_transfers: 0 });
  });
});
