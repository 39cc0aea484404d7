// Bad input on every identity endpoint: a 4xx with a stable code and the offending param, never a
// 5xx, and nothing written (row counts of every table identity or the outbox writes, before and after).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withTransaction } from '../db/index.ts';
import { buildTestApp, countRows, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { bearer, createTestPartner, createTestStaff, registerTestUser, type TestUser } from '../../test/helpers/identity.ts';
import { createIdentityRoutes } from './index.ts';

const TABLES = ['users', 'user_devices', 'staff', 'sessions', 'otp_challenges', 'user_id_documents', 'bank_accounts', 'partners', 'partner_api_keys', 'carrier_events', 'audit_log', 'outbox_messages'];

let tc: TestContext;
let app: FastifyInstance;
let user: TestUser;
let tier1: TestUser;
let adminToken: string;
let carrierKey: string;
let partnerId: string;
let keyId: string;

beforeAll(async () => {
  tc = await createTestContext();
  app = await buildTestApp(tc, [createIdentityRoutes({ authAttemptsPerMinute: 100_000 })]);
  user = await registerTestUser(tc);
  tier1 = await registerTestUser(tc);
  tc.simulators.identityCheck.addSubscriber(tier1.phone, { name: '홍길동', birthDate: '1990-01-31', carrier: 'SKT' });
  await tc.identity.checkIdentity(tier1.user.id, { name: '홍길동', birthDate: '1990-01-31' });
  adminToken = (await createTestStaff(tc, 'admin')).token;
  const partner = await createTestPartner(tc, ['carrier:events', 'credits:write']);
  carrierKey = partner.apiKey;
  partnerId = partner.partnerId;
  keyId = partner.keyId;
});
afterAll(async () => {
  await app.close();
  await tc.close();
});

type Auth = 'none' | 'user' | 'tier1' | 'admin' | 'carrier';
interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  auth: Auth;
  payload?: unknown;
  raw?: { body: string; contentType: string };
  status: number;
  code: string;
  param?: string;
}

function headersFor(auth: Auth): Record<string, string> {
  switch (auth) {
    case 'none':
      return {};
    case 'user':
      return bearer(user.token);
    case 'tier1':
      return bearer(tier1.token);
    case 'admin':
      return bearer(adminToken);
    case 'carrier':
      return bearer(carrierKey);
  }
}

const phone = '010-2468-1357';
const dev = 'device-bad-input-01';
const unknownOtp = 'otp_01jzzzzzzzzzzzzzzzzzzzzzzz';

// Every POST/PUT/PATCH route, with the auth it needs: each also gets malformed JSON, an oversized
// body and a non-JSON content type.
const bodyRoutes: { method: Case['method']; url: () => string; auth: Auth }[] = [
  { method: 'POST', url: () => '/v1/registrations', auth: 'none' },
  { method: 'POST', url: () => `/v1/registrations/${unknownOtp}/verify`, auth: 'none' },
  { method: 'POST', url: () => '/v1/sessions', auth: 'none' },
  { method: 'POST', url: () => '/v1/sessions/verify', auth: 'none' },
  { method: 'POST', url: () => '/v1/pin-resets', auth: 'none' },
  { method: 'POST', url: () => `/v1/pin-resets/${unknownOtp}/complete`, auth: 'none' },
  { method: 'PATCH', url: () => '/v1/me', auth: 'user' },
  { method: 'POST', url: () => '/v1/otp-challenges', auth: 'user' },
  { method: 'PUT', url: () => '/v1/me/pin', auth: 'user' },
  { method: 'POST', url: () => '/v1/me/freeze', auth: 'user' },
  { method: 'POST', url: () => '/v1/me/unfreeze', auth: 'user' },
  { method: 'POST', url: () => '/v1/me/phone-bindings', auth: 'user' },
  { method: 'POST', url: () => `/v1/me/phone-bindings/${unknownOtp}/verify`, auth: 'user' },
  { method: 'POST', url: () => '/v1/me/kyc/identity-check', auth: 'user' },
  { method: 'PUT', url: () => '/v1/me/kyc/id-document', auth: 'tier1' },
  { method: 'POST', url: () => '/v1/me/kyc/bank-accounts', auth: 'tier1' },
  { method: 'POST', url: () => '/v1/me/kyc/bank-accounts/dst_nope/confirm', auth: 'tier1' },
  { method: 'POST', url: () => '/v1/staff/sessions', auth: 'none' },
  { method: 'POST', url: () => `/v1/admin/users/${user.user.id}/unlock`, auth: 'admin' },
  { method: 'POST', url: () => `/v1/admin/users/${user.user.id}/freeze`, auth: 'admin' },
  { method: 'POST', url: () => `/v1/admin/users/${user.user.id}/unfreeze`, auth: 'admin' },
  { method: 'POST', url: () => `/v1/admin/users/${user.user.id}/tier`, auth: 'admin' },
  { method: 'POST', url: () => '/v1/admin/staff', auth: 'admin' },
  { method: 'PATCH', url: () => '/v1/admin/staff/stf_nope', auth: 'admin' },
  { method: 'POST', url: () => '/v1/admin/partners', auth: 'admin' },
  { method: 'PATCH', url: () => `/v1/admin/partners/${partnerId}`, auth: 'admin' },
  { method: 'POST', url: () => `/v1/admin/partners/${partnerId}/keys`, auth: 'admin' },
  { method: 'POST', url: () => `/v1/admin/partners/${partnerId}/keys/${keyId}/rotate`, auth: 'admin' },
  { method: 'POST', url: () => '/v1/carrier/events', auth: 'carrier' },
];

function cases(): Case[] {
  const c = (name: string, method: Case['method'], url: string, auth: Auth, payload: unknown, status: number, code: string, param?: string): Case => ({ name, method, url, auth, payload, status, code, ...(param ? { param } : {}) });
  const list: Case[] = [
    c('registration: missing phone', 'POST', '/v1/registrations', 'none', { carrier: 'SKT' }, 400, 'missing_field', 'phone'),
    c('registration: missing carrier', 'POST', '/v1/registrations', 'none', { phone }, 400, 'missing_field', 'carrier'),
    c('registration: extra field', 'POST', '/v1/registrations', 'none', { phone, carrier: 'SKT', referrer: 'x' }, 400, 'unknown_field', 'referrer'),
    c('registration: phone as a number', 'POST', '/v1/registrations', 'none', { phone: 1024681357, carrier: 'SKT' }, 400, 'invalid_type', 'phone'),
    c('registration: landline', 'POST', '/v1/registrations', 'none', { phone: '02-123-4567', carrier: 'SKT' }, 400, 'invalid_phone_number', 'phone'),
    c('registration: garbage phone', 'POST', '/v1/registrations', 'none', { phone: "'; DROP TABLE users; --", carrier: 'SKT' }, 400, 'invalid_phone_number', 'phone'),
    c('registration: unknown carrier', 'POST', '/v1/registrations', 'none', { phone, carrier: 'Vodafone' }, 400, 'invalid_carrier', 'carrier'),
    c('registration: unknown language', 'POST', '/v1/registrations', 'none', { phone, carrier: 'KT', lang: 'fr' }, 400, 'invalid_lang', 'lang'),
    c('registration: body is an array', 'POST', '/v1/registrations', 'none', [phone], 400, 'invalid_type'),
    c('registration verify: unknown id', 'POST', `/v1/registrations/${unknownOtp}/verify`, 'none', { code: '123456', pin: '480273', device_id: dev }, 404, 'challenge_not_found', 'id'),
    c('registration verify: 5-digit code', 'POST', `/v1/registrations/${unknownOtp}/verify`, 'none', { code: '12345', pin: '480273', device_id: dev }, 400, 'invalid_otp_format', 'code'),
    c('registration verify: PIN with a letter', 'POST', `/v1/registrations/${unknownOtp}/verify`, 'none', { code: '123456', pin: '48027a', device_id: dev }, 400, 'invalid_pin_format', 'pin'),
    c('registration verify: PIN as a number', 'POST', `/v1/registrations/${unknownOtp}/verify`, 'none', { code: '123456', pin: 480273, device_id: dev }, 400, 'invalid_type', 'pin'),
    c('registration verify: short device id', 'POST', `/v1/registrations/${unknownOtp}/verify`, 'none', { code: '123456', pin: '480273', device_id: 'x' }, 400, 'invalid_device_id', 'device_id'),
    c('registration verify: missing device id', 'POST', `/v1/registrations/${unknownOtp}/verify`, 'none', { code: '123456', pin: '480273' }, 400, 'missing_field', 'device_id'),
    c('login: bad phone', 'POST', '/v1/sessions', 'none', { phone: '12', pin: '480273', device_id: dev }, 400, 'invalid_phone_number', 'phone'),
    c('login: 7-digit PIN', 'POST', '/v1/sessions', 'none', { phone, pin: '4802731', device_id: dev }, 400, 'invalid_pin_format', 'pin'),
    c('login: extra field', 'POST', '/v1/sessions', 'none', { phone, pin: '480273', device_id: dev, remember: true }, 400, 'unknown_field', 'remember'),
    c('login: missing PIN', 'POST', '/v1/sessions', 'none', { phone, device_id: dev }, 400, 'missing_field', 'pin'),
    c('login verify: unknown challenge', 'POST', '/v1/sessions/verify', 'none', { challenge_id: unknownOtp, code: '123456', device_id: dev }, 404, 'challenge_not_found', 'challenge_id'),
    c('login verify: bad code', 'POST', '/v1/sessions/verify', 'none', { challenge_id: unknownOtp, code: 'abcdef', device_id: dev }, 400, 'invalid_otp_format', 'code'),
    c('pin reset: bad phone', 'POST', '/v1/pin-resets', 'none', { phone: '+1 999' }, 400, 'invalid_phone_number', 'phone'),
    c('pin reset: missing phone', 'POST', '/v1/pin-resets', 'none', {}, 400, 'missing_field', 'phone'),
    c('pin reset complete: unknown id', 'POST', `/v1/pin-resets/${unknownOtp}/complete`, 'none', { code: '123456', new_pin: '582916', device_id: dev }, 404, 'challenge_not_found', 'id'),
    c('pin reset complete: bad birth date', 'POST', `/v1/pin-resets/${unknownOtp}/complete`, 'none', { code: '123456', new_pin: '582916', device_id: dev, name: 'A', birth_date: '1990-02-30' }, 400, 'invalid_birth_date', 'birth_date'),
    c('pin reset complete: empty name', 'POST', `/v1/pin-resets/${unknownOtp}/complete`, 'none', { code: '123456', new_pin: '582916', device_id: dev, name: ' ', birth_date: '1990-01-31' }, 400, 'invalid_name', 'name'),
    c('me: bad language', 'PATCH', '/v1/me', 'user', { lang: 'de' }, 400, 'invalid_lang', 'lang'),
    c('me: missing language', 'PATCH', '/v1/me', 'user', {}, 400, 'missing_field', 'lang'),
    c('me: extra field', 'PATCH', '/v1/me', 'user', { lang: 'en', tier: 3 }, 400, 'unknown_field', 'tier'),
    c('revoke: unknown session', 'DELETE', '/v1/sessions/ses_nope', 'user', undefined, 404, 'session_not_found', 'id'),
    c('device: unknown device', 'DELETE', '/v1/me/devices/dev_nope', 'user', undefined, 404, 'device_not_found', 'id'),
    c('otp: unknown action', 'POST', '/v1/otp-challenges', 'user', { action: 'steal.money' }, 400, 'invalid_action', 'action'),
    c('otp: registration codes cannot be asked here', 'POST', '/v1/otp-challenges', 'user', { action: 'register' }, 400, 'invalid_action', 'action'),
    c('otp: params not an object', 'POST', '/v1/otp-challenges', 'user', { action: 'limits.raise', params: 'x' }, 400, 'invalid_type', 'params'),
    c('otp: missing action', 'POST', '/v1/otp-challenges', 'user', {}, 400, 'missing_field', 'action'),
    c('pin change: bad current PIN format', 'PUT', '/v1/me/pin', 'user', { current_pin: '1', new_pin: '582916' }, 400, 'invalid_pin_format', 'current_pin'),
    c('pin change: weak new PIN', 'PUT', '/v1/me/pin', 'user', { current_pin: '480273', new_pin: '111111' }, 400, 'weak_pin', 'new_pin'),
    c('pin change: bad code format', 'PUT', '/v1/me/pin', 'user', { current_pin: '480273', new_pin: '582916', challenge_id: unknownOtp, code: '1' }, 400, 'invalid_otp_format', 'code'),
    c('freeze: extra field', 'POST', '/v1/me/freeze', 'user', { reason: 'x' }, 400, 'unknown_field', 'reason'),
    c('unfreeze: missing PIN', 'POST', '/v1/me/unfreeze', 'user', {}, 400, 'missing_field', 'pin'),
    c('unfreeze: not frozen', 'POST', '/v1/me/unfreeze', 'user', { pin: '480273' }, 409, 'not_frozen'),
    c('phone binding: bad phone', 'POST', '/v1/me/phone-bindings', 'user', { phone: '0000' }, 400, 'invalid_phone_number', 'phone'),
    c('phone binding: bad carrier', 'POST', '/v1/me/phone-bindings', 'user', { phone, carrier: 'skt' }, 400, 'invalid_carrier', 'carrier'),
    c('phone binding verify: unknown id', 'POST', `/v1/me/phone-bindings/${unknownOtp}/verify`, 'user', { code: '123456', pin: '480273' }, 404, 'challenge_not_found', 'id'),
    c('identity check: impossible date', 'POST', '/v1/me/kyc/identity-check', 'user', { name: '홍길동', birth_date: '1990-13-01' }, 400, 'invalid_birth_date', 'birth_date'),
    c('identity check: date as a number', 'POST', '/v1/me/kyc/identity-check', 'user', { name: '홍길동', birth_date: 19900131 }, 400, 'invalid_type', 'birth_date'),
    c('identity check: long name', 'POST', '/v1/me/kyc/identity-check', 'user', { name: 'x'.repeat(61), birth_date: '1990-01-31' }, 400, 'invalid_name', 'name'),
    c('id document: unknown type', 'PUT', '/v1/me/kyc/id-document', 'tier1', { type: 'visa', number: '123' }, 400, 'invalid_id_number', 'type'),
    c('id document: bad number', 'PUT', '/v1/me/kyc/id-document', 'tier1', { type: 'resident_registration', number: '900132-1234567' }, 400, 'invalid_id_number', 'number'),
    c('bank: 2-digit bank code', 'POST', '/v1/me/kyc/bank-accounts', 'tier1', { bank_code: '04', account_number: '1234567890' }, 400, 'invalid_bank_code', 'bank_code'),
    c('bank: short account number', 'POST', '/v1/me/kyc/bank-accounts', 'tier1', { bank_code: '004', account_number: '123456789' }, 400, 'invalid_account_number', 'account_number'),
    c('bank: long account number', 'POST', '/v1/me/kyc/bank-accounts', 'tier1', { bank_code: '004', account_number: '123456789012345' }, 400, 'invalid_account_number', 'account_number'),
    c('bank confirm: unknown account', 'POST', '/v1/me/kyc/bank-accounts/dst_nope/confirm', 'tier1', { code: '123456' }, 404, 'bank_account_not_found', 'id'),
    c('staff login: bad email', 'POST', '/v1/staff/sessions', 'none', { email: 'not-an-email', password: 'whatever password' }, 400, 'invalid_email', 'email'),
    c('staff login: missing password', 'POST', '/v1/staff/sessions', 'none', { email: 'a@example.com' }, 400, 'missing_field', 'password'),
    c('admin users: bad phone filter', 'GET', '/v1/admin/users?phone=02-123-4567', 'admin', undefined, 400, 'invalid_phone_number', 'phone'),
    c('admin users: limit 0', 'GET', '/v1/admin/users?limit=0', 'admin', undefined, 400, 'invalid_request', 'limit'),
    c('admin users: limit not a number', 'GET', '/v1/admin/users?limit=ten', 'admin', undefined, 400, 'invalid_type', 'limit'),
    c('admin users: bad tier', 'GET', '/v1/admin/users?tier=7', 'admin', undefined, 400, 'invalid_request', 'tier'),
    c('admin users: unknown filter', 'GET', '/v1/admin/users?sort=name', 'admin', undefined, 400, 'unknown_field', 'sort'),
    c('admin user: unknown id', 'GET', '/v1/admin/users/usr_nope', 'admin', undefined, 404, 'user_not_found', 'id'),
    c('unlock: short reason', 'POST', `/v1/admin/users/USER/unlock`, 'admin', { reason: 'x' }, 400, 'invalid_reason', 'reason'),
    c('unlock: unknown user', 'POST', '/v1/admin/users/usr_nope/unlock', 'admin', { reason: 'checked id' }, 404, 'user_not_found', 'id'),
    c('unlock: not locked', 'POST', `/v1/admin/users/USER/unlock`, 'admin', { reason: 'checked id' }, 409, 'not_locked'),
    c('freeze: missing reason', 'POST', `/v1/admin/users/USER/freeze`, 'admin', {}, 400, 'missing_field', 'reason'),
    c('unfreeze: not frozen', 'POST', `/v1/admin/users/USER/unfreeze`, 'admin', { reason: 'checked id' }, 409, 'not_frozen'),
    c('tier: 5', 'POST', `/v1/admin/users/USER/tier`, 'admin', { tier: 5, reason: 'edd' }, 400, 'invalid_tier', 'tier'),
    c('tier: as a string', 'POST', `/v1/admin/users/USER/tier`, 'admin', { tier: '3', reason: 'edd' }, 400, 'invalid_type', 'tier'),
    c('tier: 1.5', 'POST', `/v1/admin/users/USER/tier`, 'admin', { tier: 1.5, reason: 'edd' }, 400, 'invalid_tier', 'tier'),
    c('tier: grant 2 without checks', 'POST', `/v1/admin/users/USER/tier`, 'admin', { tier: 2, reason: 'looks fine' }, 409, 'tier_requires_checks', 'tier'),
    c('staff list: bad limit', 'GET', '/v1/admin/staff?limit=-1', 'admin', undefined, 400, 'invalid_request', 'limit'),
    c('staff create: bad email', 'POST', '/v1/admin/staff', 'admin', { email: 'x', name: 'X', role: 'support', password: 'a long enough password' }, 400, 'invalid_email', 'email'),
    c('staff create: bad role', 'POST', '/v1/admin/staff', 'admin', { email: 'x@example.com', name: 'X', role: 'root', password: 'a long enough password' }, 400, 'invalid_role', 'role'),
    c('staff create: short password', 'POST', '/v1/admin/staff', 'admin', { email: 'x@example.com', name: 'X', role: 'support', password: 'short' }, 400, 'weak_password', 'password'),
    c('staff update: unknown staff', 'PATCH', '/v1/admin/staff/stf_nope', 'admin', { name: 'Y' }, 404, 'staff_not_found', 'id'),
    c('staff update: bad status', 'PATCH', '/v1/admin/staff/stf_nope', 'admin', { status: 'gone' }, 400, 'invalid_request', 'status'),
    c('audit: limit 101', 'GET', '/v1/admin/audit-log?limit=101', 'admin', undefined, 400, 'invalid_request', 'limit'),
    c('audit: unknown filter', 'GET', '/v1/admin/audit-log?who=me', 'admin', undefined, 400, 'unknown_field', 'who'),
    c('partners: unknown filter', 'GET', '/v1/admin/partners?x=1', 'admin', undefined, 400, 'unknown_field', 'x'),
    c('partner create: empty name', 'POST', '/v1/admin/partners', 'admin', { name: '' }, 400, 'invalid_name', 'name'),
    c('partner: unknown id', 'GET', '/v1/admin/partners/ptn_nope', 'admin', undefined, 404, 'partner_not_found', 'id'),
    c('partner update: bad status', 'PATCH', '/v1/admin/partners/PARTNER', 'admin', { status: 'paused' }, 400, 'invalid_request', 'status'),
    c('key create: unknown scope', 'POST', '/v1/admin/partners/PARTNER/keys', 'admin', { scopes: ['credits:write', 'root'] }, 400, 'invalid_scope', 'scopes.1'),
    c('key create: no scopes', 'POST', '/v1/admin/partners/PARTNER/keys', 'admin', { scopes: [] }, 400, 'invalid_request', 'scopes'),
    c('key create: unknown partner', 'POST', '/v1/admin/partners/ptn_nope/keys', 'admin', { scopes: ['credits:read'] }, 404, 'partner_not_found', 'id'),
    c('key rotate: overlap too long', 'POST', '/v1/admin/partners/PARTNER/keys/KEY/rotate', 'admin', { overlap_hours: 1000 }, 400, 'invalid_request', 'overlap_hours'),
    c('key rotate: negative overlap', 'POST', '/v1/admin/partners/PARTNER/keys/KEY/rotate', 'admin', { overlap_hours: -1 }, 400, 'invalid_request', 'overlap_hours'),
    c('key rotate: unknown key', 'POST', '/v1/admin/partners/PARTNER/keys/key_nope/rotate', 'admin', {}, 404, 'api_key_not_found', 'key_id'),
    c('key revoke: unknown key', 'DELETE', '/v1/admin/partners/PARTNER/keys/key_nope', 'admin', undefined, 404, 'api_key_not_found', 'key_id'),
    c('carrier event: unknown type', 'POST', '/v1/carrier/events', 'carrier', { event_id: 'e1', type: 'number_ported', phone, occurred_at: '2026-01-01T00:00:00Z' }, 400, 'invalid_request', 'type'),
    c('carrier event: bad phone', 'POST', '/v1/carrier/events', 'carrier', { event_id: 'e1', type: 'number_terminated', phone: '1', occurred_at: '2026-01-01T00:00:00Z' }, 400, 'invalid_phone_number', 'phone'),
    c('carrier event: bad time', 'POST', '/v1/carrier/events', 'carrier', { event_id: 'e1', type: 'number_terminated', phone, occurred_at: 'yesterday' }, 400, 'invalid_request', 'occurred_at'),
    c('carrier event: missing id', 'POST', '/v1/carrier/events', 'carrier', { type: 'number_terminated', phone, occurred_at: '2026-01-01T00:00:00Z' }, 400, 'missing_field', 'event_id'),
  ];
  for (const route of bodyRoutes) {
    const url = route.url();
    list.push({ name: `${route.method} ${url}: malformed JSON`, method: route.method, url, auth: route.auth, raw: { body: '{"phone": ', contentType: 'application/json' }, status: 400, code: 'invalid_json' });
    list.push({ name: `${route.method} ${url}: oversized body`, method: route.method, url, auth: route.auth, raw: { body: JSON.stringify({ x: 'y'.repeat(1_100_000) }), contentType: 'application/json' }, status: 413, code: 'body_too_large' });
    list.push({ name: `${route.method} ${url}: not JSON`, method: route.method, url, auth: route.auth, raw: { body: '<phone>1</phone>', contentType: 'application/xml' }, status: 415, code: 'unsupported_media_type' });
  }
  return list;
}

describe('bad input writes nothing and says what is wrong', () => {
  test('every case', async () => {
    const all = cases().map((k) => ({
      ...k,
      url: k.url.replace('USER', user.user.id).replace('PARTNER', partnerId).replace('KEY', keyId),
    }));
    expect(all.length).toBeGreaterThan(150);
    const failures: string[] = [];
    for (const k of all) {
      const before = await countRows(tc.database, TABLES);
      const response = await app.inject({
        method: k.method,
        url: k.url,
        headers: { ...headersFor(k.auth), ...(k.raw ? { 'content-type': k.raw.contentType } : {}) },
        ...(k.raw ? { payload: k.raw.body } : k.payload !== undefined ? { payload: k.payload as object } : {}),
      });
      await tc.identity.settle();
      const after = await countRows(tc.database, TABLES);
      const error = response.json().error ?? {};
      const problems = [
        response.statusCode !== k.status ? `status ${response.statusCode}` : null,
        error.code !== k.code ? `code ${error.code}` : null,
        k.param !== undefined && error.param !== k.param ? `param ${error.param}` : null,
        JSON.stringify(before) !== JSON.stringify(after) ? `wrote ${JSON.stringify(after)}` : null,
        typeof error.message !== 'string' || typeof error.request_id !== 'string' ? 'no message/request_id' : null,
      ].filter(Boolean);
      if (problems.length > 0) failures.push(`${k.name}: ${problems.join(', ')} (${response.body.slice(0, 200)})`);
    }
    expect(failures).toEqual([]);
  });

  test('the PIN of a rejected body never reaches a response or the outbox', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: user.phone, pin: '97531x', device_id: dev } });
    expect(response.body).not.toContain('97531x');
    const rows = await withTransaction(tc.database.db, (trx) => trx.selectFrom('outbox_messages').select('body').execute());
    expect(JSON.stringify(rows)).not.toContain('97531');
  });
});
