// Every wallets route against every kind of caller (only users are let in), and against bad
// input: each gets a 4xx with a stable code and the offending param, and writes nothing — not a
// ledger transfer, not an idempotency record, not an SMS.
import type { InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../api/auth.ts';
import { uuidToId } from '../shared/ids.ts';
import { bearer, createTestPartner, createTestStaff, registerTestUser, type TestUser } from '../../test/helpers/identity.ts';
import { createWalletWorld, expectLedgerVerifies, fund, mainWallet, rowCounts, won, type WalletWorld } from '../../test/helpers/wallets.ts';

let world: WalletWorld;
let alice: TestUser;
let bob: TestUser;
let aliceWallet: string;
let alicePot: string;
let bobWallet: string;
let keys = 0;
const krw = (amount: string) => ({ amount, currency: 'KRW' });

const STAFF_ROLES: StaffRole[] = ['admin', 'support', 'compliance', 'finance', 'agent'];

interface Route {
  name: string;
  request: () => InjectOptions;
  /** The status a user gets with this valid request. */
  ok: number;
}

const idem = () => ({ 'idempotency-key': `matrix-${++keys}` });

function routes(): Route[] {
  return [
    { name: 'GET /v1/wallets', ok: 200, request: () => ({ method: 'GET', url: '/v1/wallets' }) },
    { name: 'POST /v1/wallets', ok: 201, request: () => ({ method: 'POST', url: '/v1/wallets', payload: { name: `Pot ${++keys}` } }) },
    { name: 'GET /v1/wallets/:wallet', ok: 200, request: () => ({ method: 'GET', url: `/v1/wallets/${aliceWallet}` }) },
    { name: 'GET /v1/wallets/:wallet/history', ok: 200, request: () => ({ method: 'GET', url: `/v1/wallets/${aliceWallet}/history?limit=5` }) },
    { name: 'GET /v1/wallets/:wallet/history.csv', ok: 200, request: () => ({ method: 'GET', url: `/v1/wallets/${aliceWallet}/history.csv` }) },
    {
      name: 'POST /v1/wallets/moves',
      ok: 201,
      request: () => ({ method: 'POST', url: '/v1/wallets/moves', headers: idem(), payload: { from: aliceWallet, to: alicePot, amount: krw('1') } }),
    },
    { name: 'GET /v1/me/limits', ok: 200, request: () => ({ method: 'GET', url: '/v1/me/limits' }) },
    { name: 'PUT /v1/me/limits', ok: 200, request: () => ({ method: 'PUT', url: '/v1/me/limits', payload: { spend: { daily: krw('900000') } } }) },
    { name: 'GET /v1/me/limits/changes', ok: 200, request: () => ({ method: 'GET', url: '/v1/me/limits/changes' }) },
    { name: 'POST /v1/transfers/quote', ok: 200, request: () => ({ method: 'POST', url: '/v1/transfers/quote', payload: { to: bob.phone, amount: krw('1') } }) },
    {
      name: 'POST /v1/transfers',
      ok: 201,
      request: () => ({ method: 'POST', url: '/v1/transfers', headers: idem(), payload: { to: bob.phone, amount: krw('1'), pin: alice.pin } }),
    },
  ];
}

function as(token: string | null, options: InjectOptions): Promise<Awaited<ReturnType<WalletWorld['app']['inject']>>> {
  return world.app.inject({ ...options, headers: { ...(options.headers ?? {}), ...(token ? bearer(token) : {}) } } as InjectOptions);
}

beforeAll(async () => {
  world = await createWalletWorld();
  alice = await registerTestUser(world);
  bob = await registerTestUser(world);
  await fund(world, alice.user.id, won(100_000));
  aliceWallet = uuidToId((await mainWallet(world, alice.user.id)).id, 'wal');
  bobWallet = uuidToId((await mainWallet(world, bob.user.id)).id, 'wal');
  const pot = await as(alice.token, { method: 'POST', url: '/v1/wallets', payload: { name: 'Matrix pot' } });
  alicePot = pot.json().id;
});
afterAll(async () => world?.close());
// Every scenario leaves a ledger that verifies: chain, totals, and a zero sum.
afterEach(async () => expectLedgerVerifies(world));

describe('OpenAPI', () => {
  it('documents every wallets route from its schemas', async () => {
    const response = await world.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    for (const path of ['/v1/wallets', '/v1/wallets/{wallet}', '/v1/wallets/{wallet}/history', '/v1/wallets/{wallet}/history.csv', '/v1/wallets/moves', '/v1/me/limits', '/v1/me/limits/changes', '/v1/transfers', '/v1/transfers/quote']) {
      expect(paths, path).toContain(path);
    }
  });
});

describe('role matrix', () => {
  it('lets a signed-in user in on every route', async () => {
    for (const route of routes()) {
      const response = await as(alice.token, route.request());
      expect(response.statusCode, `${route.name}: ${response.body.slice(0, 300)}`).toBe(route.ok);
    }
  });

  it('refuses callers without a session, staff of every role and partners, writing nothing', async () => {
    const staff = await Promise.all(STAFF_ROLES.map(async (role) => [role, (await createTestStaff(world, role)).token] as const));
    const partner = await createTestPartner(world, ['credits:write', 'webhooks:manage']);
    const before = await rowCounts(world);
    for (const route of routes()) {
      const anonymous = await as(null, route.request());
      expect(anonymous.statusCode, route.name).toBe(401);
      expect(anonymous.json().error.code).toBe('unauthenticated');
      const forged = await as('not-a-real-token', route.request());
      expect(forged.statusCode, route.name).toBe(401);
      for (const [role, token] of staff) {
        const response = await as(token, route.request());
        expect(response.statusCode, `${route.name} as ${role}`).toBe(403);
        expect(response.json().error.code).toBe('forbidden');
      }
      const asPartner = await as(partner.apiKey, route.request());
      expect(asPartner.statusCode, `${route.name} as partner`).toBe(403);
    }
    expect(await rowCounts(world)).toEqual(before);
  });
});

type Case = [label: string, options: InjectOptions, code: string, param: string | undefined];

function jsonCases(method: 'POST' | 'PUT', url: string, valid: Record<string, unknown>, headers: () => Record<string, string> = () => ({})): Case[] {
  const raw = (payload: string, contentType = 'application/json'): InjectOptions => ({ method, url, headers: { ...headers(), 'content-type': contentType }, payload });
  return [
    ['malformed JSON', raw('{"to": '), 'invalid_json', undefined],
    ['empty body', raw(''), 'invalid_json', undefined],
    ['array body', raw('[1,2]'), 'invalid_type', undefined],
    ['XML body', raw('<a/>', 'application/xml'), 'unsupported_media_type', undefined],
    ['plain-text body', raw('a=1', 'text/plain'), 'invalid_type', undefined],
    ['extra field', { method, url, headers: headers(), payload: { ...valid, admin: true } }, 'unknown_field', 'admin'],
    ['body over the size limit', raw(JSON.stringify({ ...valid, pad: 'x'.repeat(1_100_000) })), 'body_too_large', undefined],
  ];
}

function amountCases(method: 'POST' | 'PUT', url: string, valid: Record<string, unknown>, field: string, headers: () => Record<string, string> = () => ({})): Case[] {
  const withAmount = (amount: unknown): InjectOptions => ({ method, url, headers: headers(), payload: { ...valid, [field]: amount } });
  return [
    ['negative amount', withAmount(krw('-5')), 'invalid_amount', `${field}.amount`],
    ['zero amount', withAmount(krw('0')), 'invalid_amount', `${field}.amount`],
    ['over-precise amount', withAmount(krw('1.00001')), 'invalid_amount', `${field}.amount`],
    ['huge amount', withAmount(krw('99999999999999999999')), 'invalid_amount', `${field}.amount`],
    ['exponent amount', withAmount(krw('1e3')), 'invalid_amount', `${field}.amount`],
    ['number amount', withAmount({ amount: 100, currency: 'KRW' }), 'invalid_type', `${field}.amount`],
    ['bare number', withAmount(100), 'invalid_type', field],
    ['unknown currency', withAmount({ amount: '1', currency: 'XXX' }), 'invalid_currency', `${field}.currency`],
    ['extra amount field', withAmount({ amount: '1', currency: 'KRW', rate: 1 }), 'unknown_field', `${field}.rate`],
    ['missing currency', withAmount({ amount: '1' }), 'missing_field', `${field}.currency`],
  ];
}

function badInput(): Case[] {
  const send = { to: bob.phone, amount: krw('1'), pin: alice.pin };
  const move = { from: aliceWallet, to: alicePot, amount: krw('1') };
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({ method: 'POST', url, headers, payload: payload as InjectOptions['payload'] });
  const put = (payload: unknown): InjectOptions => ({ method: 'PUT', url: '/v1/me/limits', payload: payload as InjectOptions['payload'] });
  return [
    // POST /v1/transfers
    ...jsonCases('POST', '/v1/transfers', send, idem),
    ...amountCases('POST', '/v1/transfers', send, 'amount', idem),
    ['send: missing to', post('/v1/transfers', { amount: krw('1'), pin: alice.pin }, idem()), 'missing_field', 'to'],
    ['send: missing pin', post('/v1/transfers', { to: bob.phone, amount: krw('1') }, idem()), 'missing_field', 'pin'],
    ['send: missing amount', post('/v1/transfers', { to: bob.phone, pin: alice.pin }, idem()), 'missing_field', 'amount'],
    ['send: invalid phone', post('/v1/transfers', { ...send, to: '12345' }, idem()), 'invalid_phone_number', 'to'],
    ['send: phone as number', post('/v1/transfers', { ...send, to: 1012345678 }, idem()), 'invalid_type', 'to'],
    ['send: short pin', post('/v1/transfers', { ...send, pin: '123' }, idem()), 'invalid_pin_format', 'pin'],
    ['send: pin as number', post('/v1/transfers', { ...send, pin: 123456 }, idem()), 'invalid_type', 'pin'],
    ['send: bad otp', post('/v1/transfers', { ...send, otp: '12ab56' }, idem()), 'invalid_otp_format', 'otp'],
    ['send: note too long', post('/v1/transfers', { ...send, note: 'x'.repeat(141) }, idem()), 'invalid_note', 'note'],
    ['send: note with a line break', post('/v1/transfers', { ...send, note: 'a\nb' }, idem()), 'invalid_note', 'note'],
    ['send: wrong currency', post('/v1/transfers', { ...send, amount: { amount: '1', currency: 'USD' } }, idem()), 'currency_mismatch', 'amount.currency'],
    ['send: above the tier\'s maximum', post('/v1/transfers', { ...send, amount: krw('300001') }, idem()), 'above_maximum', 'amount'],
    ['send: own number', post('/v1/transfers', { ...send, to: alice.phone }, idem()), 'cannot_send_to_self', 'to'],
    ['send: no idempotency key', post('/v1/transfers', send), 'idempotency_key_required', 'Idempotency-Key'],
    // POST /v1/transfers/quote
    ...jsonCases('POST', '/v1/transfers/quote', { to: bob.phone, amount: krw('1') }),
    ...amountCases('POST', '/v1/transfers/quote', { to: bob.phone, amount: krw('1') }, 'amount'),
    ['quote: pin is not a quote field', post('/v1/transfers/quote', { to: bob.phone, amount: krw('1'), pin: alice.pin }), 'unknown_field', 'pin'],
    ['quote: invalid phone', post('/v1/transfers/quote', { to: '+1 555', amount: krw('1') }), 'invalid_phone_number', 'to'],
    ['quote: own number', post('/v1/transfers/quote', { to: alice.phone, amount: krw('1') }), 'cannot_send_to_self', 'to'],
    // POST /v1/wallets/moves
    ...jsonCases('POST', '/v1/wallets/moves', move, idem),
    ...amountCases('POST', '/v1/wallets/moves', move, 'amount', idem),
    ['move: missing from', post('/v1/wallets/moves', { to: alicePot, amount: krw('1') }, idem()), 'missing_field', 'from'],
    ['move: wallet id as number', post('/v1/wallets/moves', { ...move, to: 7 }, idem()), 'invalid_type', 'to'],
    ['move: another person\'s wallet', post('/v1/wallets/moves', { ...move, to: bobWallet }, idem()), 'wallet_not_found', 'to'],
    ['move: unknown wallet', post('/v1/wallets/moves', { ...move, from: 'wal_01h455vb4pex5vsknk084sn02q' }, idem()), 'wallet_not_found', 'from'],
    ['move: no idempotency key', post('/v1/wallets/moves', move), 'idempotency_key_required', 'Idempotency-Key'],
    // POST /v1/wallets
    ...jsonCases('POST', '/v1/wallets', { name: 'Rainy day' }),
    ['pot: missing name', post('/v1/wallets', {}), 'missing_field', 'name'],
    ['pot: name as number', post('/v1/wallets', { name: 5 }), 'invalid_type', 'name'],
    ['pot: name too long', post('/v1/wallets', { name: 'n'.repeat(41) }), 'invalid_wallet_name', 'name'],
    ['pot: name taken', post('/v1/wallets', { name: 'matrix POT' }), 'wallet_name_taken', 'name'],
    // PUT /v1/me/limits
    ...jsonCases('PUT', '/v1/me/limits', { send: { daily: krw('1000') } }),
    ['limits: unknown kind', put({ gambling: { daily: krw('1') } }), 'unknown_field', 'gambling'],
    ['limits: unknown period', put({ send: { weekly: krw('1') } }), 'unknown_field', 'send.weekly'],
    ['limits: negative cap', put({ send: { daily: krw('-1') } }), 'invalid_amount', 'send.daily.amount'],
    ['limits: over-precise cap', put({ send: { daily: krw('0.00001') } }), 'invalid_amount', 'send.daily.amount'],
    ['limits: cap as number', put({ send: { daily: 5000 } }), 'invalid_type', 'send.daily'],
    ['limits: wrong currency', put({ send: { daily: { amount: '5', currency: 'USD' } } }), 'currency_mismatch', 'send.daily.currency'],
    ['limits: unknown currency', put({ cash_out: { monthly: { amount: '5', currency: 'ABC' } } }), 'invalid_currency', 'cash_out.monthly.currency'],
    ['limits: bad otp', put({ send: { daily: krw('1') }, otp: '1' }), 'invalid_otp_format', 'otp'],
    // Queries and paths
    ['history: unknown query field', { method: 'GET', url: `/v1/wallets/${aliceWallet}/history?sort=asc` }, 'unknown_field', 'sort'],
    ['history: another person\'s wallet', { method: 'GET', url: `/v1/wallets/${bobWallet}/history` }, 'wallet_not_found', 'wallet'],
    ['csv: bad date', { method: 'GET', url: `/v1/wallets/${aliceWallet}/history.csv?from=03/10/2026` }, 'invalid_date', 'from'],
    ['wallet: another person\'s wallet', { method: 'GET', url: `/v1/wallets/${bobWallet}` }, 'wallet_not_found', 'wallet'],
    ['limit changes: bad limit', { method: 'GET', url: '/v1/me/limits/changes?limit=-1' }, 'invalid_request', 'limit'],
    ['limit changes: bad cursor', { method: 'GET', url: '/v1/me/limits/changes?starting_after=lim_nope' }, 'invalid_cursor', 'starting_after'],
  ];
}

describe('bad input', () => {
  it('gets a 4xx with a stable code and param on every route, and writes nothing', async () => {
    const before = await rowCounts(world);
    const failures: string[] = [];
    for (const [label, options, code, param] of badInput()) {
      const response = await as(alice.token, options);
      const error = response.statusCode >= 400 && response.statusCode < 500 ? response.json().error : null;
      if (!error || error.code !== code || error.param !== param) {
        failures.push(`${label}: ${response.statusCode} ${response.body.slice(0, 200)} (wanted ${code} / ${param})`);
      }
    }
    expect(failures).toEqual([]);
    expect(await rowCounts(world)).toEqual(before);
  });

  it('answers in Korean when asked', async () => {
    const response = await as(alice.token, { method: 'POST', url: '/v1/transfers/quote', headers: { 'accept-language': 'ko-KR' }, payload: { to: alice.phone, amount: krw('1') } });
    expect(response.json().error).toMatchObject({ code: 'cannot_send_to_self', message: '본인 번호로는 송금할 수 없습니다. 지갑 간 이동을 이용하세요.' });
  });
});
