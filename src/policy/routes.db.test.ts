import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { everyRoleTokens, FixedTokenAuthenticator } from '../../test/helpers/fixed-token-authenticator.ts';
import { openTestDatabase } from '../../test/helpers/db.ts';
import { buildApp } from '../api/app.ts';
import type { AppContext } from '../api/context.ts';
import { createMetrics } from '../api/metrics.ts';
import { loadConfig } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { createLogger } from '../shared/logger.ts';
import { loadDefaultPolicy } from './load.ts';
import { policyRoutes } from './routes.ts';
import { PolicyService } from './service.ts';

const defaults = loadDefaultPolicy();
const cheaperBankYaml = defaults.yaml.replace('bank: { fixed: "500",', 'bank: { fixed: "300",');
const carrierCashableYaml = defaults.yaml.replace(/(carrier_billing:\n\s+label: .*\n\s+)funding_class: spend_only/, '$1funding_class: cashable');

/** TEST DOUBLE: the policy routes never touch the ledger; any call is a test failure. */
const unusedLedger = new Proxy({} as Ledger, {
  get: (_target, name) => () => {
    throw new Error(`the policy routes must not use the ledger (called ${String(name)})`);
  },
});

let database: Database;
let clock: ManualClock;
let app: FastifyInstance;

async function versionCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM policy_versions`.execute(database.db);
  return rows[0]?.n ?? -1;
}

const bearer = (role: string) => ({ authorization: `Bearer token.${role}` });

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await app?.close();
  await database.close();
});

beforeEach(async () => {
  await app?.close();
  await database.exec(`SET session_replication_role = replica; DELETE FROM policy_versions; SET session_replication_role = DEFAULT;`);
  clock = new ManualClock('2026-03-02T00:00:00Z');
  const policy = new PolicyService(database.db, clock);
  await policy.seedDefault();
  const ctx: AppContext = {
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    database,
    clock,
    logger: createLogger('silent'),
    metrics: createMetrics({ defaultMetrics: false }),
    ledger: unusedLedger,
    authenticator: new FixedTokenAuthenticator(everyRoleTokens(), { admin: ['policy:publish'], compliance: ['cases:read'] }),
    // Only this area's service: the routes under test must not reach the others.
    services: { policy } as AppContext['services'],
    state: { ready: true, shuttingDown: false },
  };
  app = await buildApp(ctx, { areas: [policyRoutes] });
});

describe('GET /v1/policy', () => {
  it('returns the version in force with amounts on the wire format', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/policy' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    const body = response.json();
    expect(body).toMatchObject({ object: 'policy', version: 1, status: 'in_force', effective_from: '2026-03-02T00:00:00.000Z' });
    expect(body.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(body.policy.tiers[0].balance_cap).toEqual({ amount: '500000', currency: 'KRW' });
    expect(body.policy.sources.carrier_billing.funding_class).toBe('spend_only');
    expect(body.policy.fees.merchant.max).toBeNull();
  });

  it('returns any earlier version unchanged after a new one is published', async () => {
    const published = await app.inject({ method: 'POST', url: '/v1/admin/policy/versions', headers: bearer('admin'), payload: { yaml: cheaperBankYaml } });
    expect(published.statusCode).toBe(201);
    const current = (await app.inject({ method: 'GET', url: '/v1/policy' })).json();
    expect(current).toMatchObject({ version: 2, policy: { fees: { bank: { fixed: { amount: '300', currency: 'KRW' } } } } });
    const first = await app.inject({ method: 'GET', url: '/v1/policy?version=1' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=86400');
    expect(first.json()).toMatchObject({ version: 1, status: 'superseded', policy: { fees: { bank: { fixed: { amount: '500', currency: 'KRW' } } } } });
  });

  it('answers 404 for a version that does not exist, 400 for a malformed one or an unknown parameter', async () => {
    const missing = await app.inject({ method: 'GET', url: '/v1/policy?version=99' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'policy_version_not_found', param: 'version' });
    for (const bad of ['abc', '0', '-1', '1.5', '9999999999']) {
      const response = await app.inject({ method: 'GET', url: `/v1/policy?version=${bad}` });
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().error.param).toBe('version');
    }
    const unknown = await app.inject({ method: 'GET', url: '/v1/policy?verison=1' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'unknown_field', param: 'verison' });
  });
});

describe('GET /v1/policy/versions', () => {
  it('lists versions newest first with their status, paginated', async () => {
    clock.advance(1000);
    await app.inject({ method: 'POST', url: '/v1/admin/policy/versions', headers: bearer('admin'), payload: { yaml: cheaperBankYaml } });
    await app.inject({
      method: 'POST',
      url: '/v1/admin/policy/versions',
      headers: bearer('admin'),
      payload: { yaml: defaults.yaml, effective_from: '2026-04-01T00:00:00+09:00' },
    });
    const all = (await app.inject({ method: 'GET', url: '/v1/policy/versions' })).json();
    expect(all.has_more).toBe(false);
    expect(all.data.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [3, 'scheduled'],
      [2, 'in_force'],
      [1, 'superseded'],
    ]);
    expect(all.data[0]).not.toHaveProperty('published_by');
    const page = (await app.inject({ method: 'GET', url: '/v1/policy/versions?limit=1&starting_after=3' })).json();
    expect(page).toMatchObject({ has_more: true, data: [{ version: 2 }] });
    const bad = await app.inject({ method: 'GET', url: '/v1/policy/versions?limit=1000' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('limit');
  });
});

describe('POST /v1/admin/policy/versions', () => {
  const publish = (headers: Record<string, string>, payload: unknown) => app.inject({ method: 'POST', url: '/v1/admin/policy/versions', headers, payload: payload as object });

  it('publishes for staff holding policy:publish', async () => {
    const response = await publish(bearer('admin'), { yaml: cheaperBankYaml, effective_from: '2026-03-02T10:00:00+09:00' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ object: 'policy', version: 2, status: 'scheduled', published_by: 'stf_admin', effective_from: '2026-03-02T01:00:00.000Z' });
    expect(await versionCount()).toBe(2);
  });

  it.each([
    ['nobody', {}, 401, 'unauthenticated'],
    ['a user', bearer('user'), 403, 'forbidden'],
    ['a partner, even with the scope', bearer('partner'), 403, 'forbidden'],
    ['support staff', bearer('support'), 403, 'forbidden'],
    ['compliance staff', bearer('compliance'), 403, 'forbidden'],
    ['finance staff', bearer('finance'), 403, 'forbidden'],
    ['agent staff', bearer('agent'), 403, 'forbidden'],
    ['an unknown token', { authorization: 'Bearer nope' }, 401, 'unauthenticated'],
  ])('refuses %s and writes nothing', async (_who, headers, status, code) => {
    const response = await publish(headers as Record<string, string>, { yaml: cheaperBankYaml });
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await versionCount()).toBe(1);
  });

  it('refuses bad YAML with invalid_policy, param "yaml" and the line', async () => {
    const response = await publish(bearer('admin'), { yaml: 'currency: KRW\ntiers: [\n' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_policy', param: 'yaml', message: expect.stringMatching(/line \d+/) });
    expect(await versionCount()).toBe(1);
  });

  it('refuses an invalid policy naming the field, with every issue listed, in the caller’s language', async () => {
    const response = await publish({ ...bearer('admin'), 'accept-language': 'en' }, { yaml: carrierCashableYaml });
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_policy', param: 'sources.carrier_billing.funding_class' });
    expect(error.message).toMatch(/spend_only/);
    expect(error.details.issues).toEqual([expect.objectContaining({ path: 'sources.carrier_billing.funding_class' })]);
    const korean = await publish({ ...bearer('admin'), 'accept-language': 'ko-KR' }, { yaml: carrierCashableYaml });
    expect(korean.json().error.message).toBe('정책 문서가 올바르지 않습니다.');
    expect(await versionCount()).toBe(1);
  });

  it('refuses a version effective in the past', async () => {
    const response = await publish(bearer('admin'), { yaml: cheaperBankYaml, effective_from: '2026-03-01T23:59:59Z' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'policy_effective_in_past', param: 'effective_from' });
    expect(await versionCount()).toBe(1);
  });

  it.each([
    ['an unknown field', { yaml: cheaperBankYaml, note: 'x' }, 'unknown_field', 'note'],
    ['no yaml', { effective_from: '2026-04-01T00:00:00Z' }, 'missing_field', 'yaml'],
    ['yaml of the wrong type', { yaml: 42 }, 'invalid_type', 'yaml'],
    ['empty yaml', { yaml: '' }, 'invalid_request', 'yaml'],
    ['a malformed effective_from', { yaml: cheaperBankYaml, effective_from: 'next tuesday' }, 'invalid_request', 'effective_from'],
    ['an effective_from without a time zone', { yaml: cheaperBankYaml, effective_from: '2026-04-01T00:00:00' }, 'invalid_request', 'effective_from'],
  ])('refuses %s and writes nothing', async (_what, payload, code, param) => {
    const response = await publish(bearer('admin'), payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code, param });
    expect(await versionCount()).toBe(1);
  });

  it('refuses malformed JSON and YAML over the size limit', async () => {
    const malformed = await app.inject({ method: 'POST', url: '/v1/admin/policy/versions', headers: { ...bearer('admin'), 'content-type': 'application/json' }, payload: '{"yaml": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('invalid_json');
    const huge = await publish(bearer('admin'), { yaml: `# ${'x'.repeat(300_000)}\n${defaults.yaml}` });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.param).toBe('yaml');
    expect(await versionCount()).toBe(1);
  });
});

describe('GET /v1/admin/policy/diff', () => {
  it('shows what changed between two versions, for any staff', async () => {
    await app.inject({ method: 'POST', url: '/v1/admin/policy/versions', headers: bearer('admin'), payload: { yaml: cheaperBankYaml } });
    for (const role of ['admin', 'support', 'compliance', 'finance', 'agent']) {
      const response = await app.inject({ method: 'GET', url: '/v1/admin/policy/diff?from=1&to=2', headers: bearer(role) });
      expect(response.statusCode, role).toBe(200);
      expect(response.json()).toEqual({
        object: 'policy_diff',
        from: 1,
        to: 2,
        changes: [{ path: 'fees.bank.fixed', change: 'changed', from: '500', to: '300' }],
        text: '~ fees.bank.fixed: "500" → "300"',
      });
    }
  });

  it('refuses non-staff, unknown versions and missing parameters', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/admin/policy/diff?from=1&to=1' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/admin/policy/diff?from=1&to=1', headers: bearer('user') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/admin/policy/diff?from=1&to=1', headers: bearer('partner') })).statusCode).toBe(403);
    const missing = await app.inject({ method: 'GET', url: '/v1/admin/policy/diff?from=1&to=5', headers: bearer('admin') });
    expect(missing.statusCode).toBe(404);
    const noTo = await app.inject({ method: 'GET', url: '/v1/admin/policy/diff?from=1', headers: bearer('admin') });
    expect(noTo.statusCode).toBe(400);
    expect(noTo.json().error).toMatchObject({ code: 'missing_field', param: 'to' });
  });
});

describe('GET /policy (the page for people)', () => {
  it('renders the rights, limits, fees and how to dispute in Korean by default', async () => {
    const response = await app.inject({ method: 'GET', url: '/policy' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(response.headers['content-language']).toBe('ko');
    const html = response.body;
    expect(html).toMatch(/^<!doctype html>\n<html lang="ko">/);
    expect(html).toContain('<h1>이용자의 권리, 한도와 수수료</h1>');
    expect(html).toContain('500,000원');
    expect(html).toContain('15일 이내에 결과를 알려드립니다');
    expect(html).toContain('120초 동안 유효');
    expect(html).toContain('<th scope="col">');
    expect(html).toContain('2026년 휴무일');
    // Sources in the standard order, whatever order jsonb gave the stored keys back in.
    const row = (label: string) => html.indexOf(`<th scope="row">${label}</th>`);
    expect(row('작업 수익')).toBeGreaterThan(0);
    expect(row('작업 수익')).toBeLessThan(row('휴대폰 결제 충전'));
    expect(row('휴대폰 결제 충전')).toBeLessThan(row('대리점 현금 충전'));
    expect(html).not.toMatch(/\{[a-z_.]+\}/);
  });

  it('renders English on request, by parameter or by Accept-Language', async () => {
    for (const request of [{ url: '/policy?lang=en' }, { url: '/policy', headers: { 'accept-language': 'en-US,en;q=0.9' } }]) {
      const html = (await app.inject({ method: 'GET', ...request })).body;
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('<h1>Your rights, limits and fees</h1>');
      expect(html).toContain('₩500,000');
      expect(html).toContain('within 15 days');
      expect(html).toContain('Chuseok');
    }
  });

  it('renders an earlier version when asked, and refuses unknown languages', async () => {
    await app.inject({ method: 'POST', url: '/v1/admin/policy/versions', headers: bearer('admin'), payload: { yaml: cheaperBankYaml } });
    const old = await app.inject({ method: 'GET', url: '/policy?lang=en&version=1' });
    expect(old.body).toContain('Policy version 1 (in force from');
    expect(old.body).toContain('₩500');
    const bad = await app.inject({ method: 'GET', url: '/policy?lang=fr' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('lang');
  });

  it('escapes the policy’s text', async () => {
    const sneaky = defaults.yaml.replace('title: "Your rights, limits and fees"', 'title: "Rights <script>alert(1)</script> & fees"');
    const published = await app.inject({ method: 'POST', url: '/v1/admin/policy/versions', headers: bearer('admin'), payload: { yaml: sneaky } });
    expect(published.statusCode).toBe(201);
    const html = (await app.inject({ method: 'GET', url: '/policy?lang=en' })).body;
    expect(html).not.toContain('<script>');
    expect(html).toContain('Rights &lt;script&gt;alert(1)&lt;/script&gt; &amp; fees');
  });
});

describe('OpenAPI', () => {
  it('documents the policy routes, the wire policy included', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/policy', '/v1/policy/versions', '/v1/admin/policy/versions', '/v1/admin/policy/diff', '/policy']));
    expect(JSON.stringify(document.paths['/v1/policy'].get.responses['200'])).toContain('balance_cap');
  });
});
