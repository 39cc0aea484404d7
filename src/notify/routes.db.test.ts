import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { authHeader, FixedAuthenticator, type TokenName } from '../../test/helpers/fixed-authenticator.ts';
import { openTestDatabase } from '../../test/helpers/db.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.ts';
import { buildApp } from '../api/app.ts';
import type { AppContext } from '../api/context.ts';
import { createMetrics } from '../api/metrics.ts';
import { loadConfig } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { fromMinor } from '../money/index.ts';
import { enqueue } from '../outbox/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { uuidToId } from '../shared/ids.ts';
import { createLogger } from '../shared/logger.ts';
import { createNotifyService, notifyRoutes, type NotifySettings } from './index.ts';
import { ScriptedSmsProvider } from './sms.ts';
import { renderSms } from '../outbox/index.ts';
import { renderWebhookEvent } from '../outbox/index.ts';

const PHONE = '+821012345678';
const OTHER_PHONE = '+821098765432';
let database: Database;
let receiver: WebhookReceiver;
const clock = new ManualClock(new Date());

async function makeApp(settings: Partial<NotifySettings> = {}): Promise<{ app: FastifyInstance; ctx: AppContext }> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const logger = createLogger('silent');
  const ctx: AppContext = {
    config,
    database,
    clock,
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    // notify never touches the ledger.
    ledger: {} as Ledger,
    authenticator: new FixedAuthenticator({ admin: ['sms:read', 'partners:manage'], support: ['sms:read'], compliance: [], finance: [], agent: [] }),
    services: {
      notify: createNotifyService({ database, clock, logger, config, sms: new ScriptedSmsProvider(), settings, worker: { random: () => 0 } }),
    } as AppContext['services'],
    state: { ready: true, shuttingDown: false },
  };
  const app = await buildApp(ctx, { areas: [notifyRoutes] });
  return { app, ctx };
}

let app: FastifyInstance;
let ctx: AppContext;

beforeAll(async () => {
  database = await openTestDatabase();
  receiver = await startWebhookReceiver();
  ({ app, ctx } = await makeApp());
});
afterAll(async () => {
  await app.close();
  await receiver.close();
  await database.close();
});

async function call(options: InjectOptions & { as?: TokenName }) {
  const { as, ...rest } = options;
  const response = await app.inject({ ...rest, headers: { ...(as ? authHeader(as) : {}), ...rest.headers } });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

async function counts() {
  const result = await sql<Record<string, bigint>>`
    SELECT (SELECT count(*) FROM outbox_messages) AS outbox,
           (SELECT count(*) FROM webhook_endpoints) AS endpoints,
           (SELECT count(*) FROM webhook_endpoint_secrets) AS secrets,
           (SELECT count(*) FROM webhook_deliveries) AS deliveries,
           (SELECT md5(coalesce(string_agg(id::text || status || attempts || coalesce(last_error, ''), ',' ORDER BY id), '')) FROM outbox_messages) AS outbox_state,
           (SELECT md5(coalesce(string_agg(url || enabled::text, ',' ORDER BY id), '')) FROM webhook_endpoints) AS endpoint_state`.execute(database.db);
  return result.rows[0];
}

async function sms(recipient: string, template: 'credit.received' | 'otp.login' = 'credit.received'): Promise<string> {
  const body =
    template === 'otp.login'
      ? renderSms('otp.login', 'ko', { code: '246810', minutes: 5 })
      : renderSms('credit.received', 'ko', { amount: { amount: fromMinor(100n), currency: 'KRW' }, partner: '리워드앱' });
  return enqueue(database.db, clock, { channel: 'sms', recipient, template, body });
}

async function webhook(partner: string): Promise<string> {
  return enqueue(database.db, clock, { channel: 'webhook', recipient: partner, template: 'credit.posted', body: renderWebhookEvent('credit.posted', { n: 1 }, clock.now()) });
}

beforeEach(async () => {
  await database.db.deleteFrom('webhook_deliveries').execute();
  await database.db.deleteFrom('outbox_messages').execute();
  await database.db.deleteFrom('webhook_endpoint_secrets').execute();
  await database.db.deleteFrom('webhook_endpoints').execute();
});

const ALL: TokenName[] = ['admin', 'support', 'compliance', 'finance', 'agent', 'user', 'partner', 'partner_other', 'partner_unscoped'];

describe('who may call what', () => {
  const routes: { name: string; request: () => Promise<InjectOptions>; allowed: TokenName[]; ok: number }[] = [
    { name: 'GET /v1/admin/sms', request: async () => ({ method: 'GET', url: '/v1/admin/sms' }), allowed: ['admin', 'support'], ok: 200 },
    { name: 'GET /v1/admin/webhooks/deliveries', request: async () => ({ method: 'GET', url: '/v1/admin/webhooks/deliveries' }), allowed: ['admin'], ok: 200 },
    {
      name: 'POST /v1/admin/outbox/:id/replay',
      request: async () => ({ method: 'POST', url: `/v1/admin/outbox/${uuidToId(await webhook('ptn_alpha'), 'msg')}/replay` }),
      allowed: ['admin'],
      ok: 200,
    },
    { name: 'GET /v1/webhook-endpoint', request: async () => ({ method: 'GET', url: '/v1/webhook-endpoint' }), allowed: ['partner', 'partner_other'], ok: 404 },
    {
      name: 'PUT /v1/webhook-endpoint',
      request: async () => ({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { url: 'https://partner.example.com/hooks' } }),
      allowed: ['partner', 'partner_other'],
      ok: 200,
    },
  ];

  for (const route of routes) {
    it(`${route.name}: ${route.allowed.join(', ')} allowed; everyone else refused; no token 401`, async () => {
      for (const who of ALL) {
        const response = await call({ ...(await route.request()), as: who });
        const expected = route.allowed.includes(who) ? route.ok : 403;
        expect(response.status, `${route.name} as ${who}`).toBe(expected);
        if (expected === 403) expect(response.body.error.code).toBe('forbidden');
      }
      const anonymous = await call(await route.request());
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toMatchObject({ code: 'unauthenticated', type: 'authentication_error' });
      const forged = await call({ ...(await route.request()), headers: { authorization: 'Bearer test-token-root' } });
      expect(forged.status).toBe(401);
    });
  }

  it('a refused call writes nothing', async () => {
    const id = await webhook('ptn_alpha');
    await database.db.updateTable('outbox_messages').set({ status: 'dead' }).where('id', '=', id).execute();
    const before = await counts();
    for (const who of ['support', 'user', 'partner'] as const) {
      expect((await call({ method: 'POST', url: `/v1/admin/outbox/${uuidToId(id, 'msg')}/replay`, as: who })).status).toBe(403);
    }
    for (const who of ['admin', 'user', 'partner_unscoped'] as const) {
      expect((await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { url: 'https://x.example.com/' }, as: who })).status).toBe(403);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('GET /v1/admin/sms (the demo inbox)', () => {
  it('lists texts to one phone, newest first, however the number is written', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await sms(PHONE));
      clock.advance(1000);
    }
    await sms(OTHER_PHONE);
    await ctx.services.notify.runOnce();
    for (const to of ['010-1234-5678', '+82 10 1234 5678', '01012345678', '+821012345678']) {
      const response = await call({ method: 'GET', url: `/v1/admin/sms?to=${encodeURIComponent(to)}`, as: 'support' });
      expect(response.status).toBe(200);
      expect(response.body.data.map((m: { id: string }) => m.id)).toEqual(ids.map((id) => uuidToId(id, 'msg')).reverse());
      expect(response.body).toMatchObject({ object: 'list', has_more: false });
    }
    const [newest] = (await call({ method: 'GET', url: '/v1/admin/sms?to=01012345678', as: 'support' })).body.data;
    expect(newest).toMatchObject({ to: PHONE, template: 'credit.received', lang: 'ko', status: 'sent', attempts: 1, body_hidden: false, last_error: null });
    expect(newest.body).toBe('[스몰체인지] 리워드앱에서 100원이 입금되었습니다.');
    expect(newest.sent_at).toBe(clock.now().toISOString());
    const all = await call({ method: 'GET', url: '/v1/admin/sms', as: 'admin' });
    expect(all.body.data).toHaveLength(4);
  });

  it('pages with limit and starting_after without skipping or repeating (ties on time included)', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 25; i++) {
      ids.add(uuidToId(await sms(PHONE), 'msg'));
      if (i % 2 === 0) clock.advance(1000); // pairs share a created_at
    }
    await webhook('ptn_alpha');
    const seen: string[] = [];
    let after: string | undefined;
    const sizes: number[] = [];
    for (;;) {
      const response = await call({ method: 'GET', url: `/v1/admin/sms?to=${encodeURIComponent(PHONE)}&limit=10${after ? `&starting_after=${after}` : ''}`, as: 'admin' });
      expect(response.status).toBe(200);
      const page = response.body.data as { id: string; created_at: string }[];
      sizes.push(page.length);
      seen.push(...page.map((m) => m.id));
      if (!response.body.has_more) break;
      after = page.at(-1)!.id;
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(seen)).toEqual(ids);
    expect(seen).toHaveLength(25);
  });

  it('shows one-time codes in the demo inbox and hides them otherwise', async () => {
    await sms(PHONE, 'otp.login');
    const demo = await call({ method: 'GET', url: '/v1/admin/sms', as: 'support' });
    expect(demo.body.data[0]).toMatchObject({ template: 'otp.login', body_hidden: false });
    expect(demo.body.data[0].body).toContain('246810');
    const production = await makeApp({ revealSensitiveSms: false });
    const response = await production.app.inject({ method: 'GET', url: '/v1/admin/sms', headers: authHeader('support') });
    expect(response.json().data[0]).toMatchObject({ template: 'otp.login', body: null, body_hidden: true });
    expect(response.body).not.toContain('246810');
    await production.app.close();
  });

  it('refuses bad queries with a stable code and param', async () => {
    const webhookId = uuidToId(await webhook('ptn_alpha'), 'msg');
    const cases: [string, string, string | undefined][] = [
      ['to=12345', 'invalid_phone_number', 'to'],
      ['to=010-1234', 'invalid_phone_number', 'to'],
      [`to=${'1'.repeat(41)}`, 'invalid_request', 'to'],
      ['to=', 'invalid_request', 'to'],
      ['limit=0', 'invalid_request', 'limit'],
      ['limit=101', 'invalid_request', 'limit'],
      ['limit=2.5', 'invalid_type', 'limit'],
      ['limit=ten', 'invalid_type', 'limit'],
      ['starting_after=nope', 'invalid_cursor', 'starting_after'],
      ['starting_after=msg_01h455vb4pex5vsknk084sn02q', 'invalid_cursor', 'starting_after'],
      [`starting_after=${webhookId}`, 'invalid_cursor', 'starting_after'],
      ['secret=1', 'unknown_field', 'secret'],
    ];
    for (const [query, code, param] of cases) {
      const response = await call({ method: 'GET', url: `/v1/admin/sms?${query}`, as: 'admin' });
      expect(response.status, query).toBe(400);
      expect(response.body.error, query).toMatchObject({ code, ...(param ? { param } : {}) });
      expect(response.body.error.request_id).toBeTruthy();
    }
  });

  it('answers in Korean when asked', async () => {
    const response = await call({ method: 'GET', url: '/v1/admin/sms?to=123', as: 'admin', headers: { 'accept-language': 'ko-KR' } });
    expect(response.body.error.message).toBe('올바른 전화번호가 아닙니다.');
  });
});

describe('GET /v1/admin/webhooks/deliveries', () => {
  it('lists attempts per partner and per message, newest first, paged', async () => {
    for (const partner of ['ptn_alpha', 'ptn_beta'] as const) {
      await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { url: receiver.url }, as: partner === 'ptn_alpha' ? 'partner' : 'partner_other' });
    }
    receiver.script.push({ status: 500 });
    const first = await webhook('ptn_alpha');
    await ctx.services.notify.runOnce();
    clock.advance(10_000);
    await ctx.services.notify.runOnce();
    await webhook('ptn_beta');
    await ctx.services.notify.runOnce();

    const alpha = await call({ method: 'GET', url: '/v1/admin/webhooks/deliveries?partner=ptn_alpha', as: 'admin' });
    expect(alpha.status).toBe(200);
    expect(alpha.body.data.map((d: Record<string, unknown>) => [d.attempt, d.status_code, d.outcome])).toEqual([
      [2, 200, 'succeeded'],
      [1, 500, 'retrying'],
    ]);
    expect(alpha.body.data[0]).toMatchObject({ message_id: uuidToId(first, 'msg'), partner_id: 'ptn_alpha', event_type: 'credit.posted', url: receiver.url, error: null });
    expect(alpha.body.data[0].id).toMatch(/^whd_/);

    const byMessage = await call({ method: 'GET', url: `/v1/admin/webhooks/deliveries?message=${uuidToId(first, 'msg')}&limit=1`, as: 'admin' });
    expect(byMessage.body.data).toHaveLength(1);
    expect(byMessage.body.has_more).toBe(true);
    const next = await call({ method: 'GET', url: `/v1/admin/webhooks/deliveries?message=${uuidToId(first, 'msg')}&limit=1&starting_after=${byMessage.body.data[0].id}`, as: 'admin' });
    expect(next.body.data[0].attempt).toBe(1);
    expect(next.body.has_more).toBe(false);

    const everyone = await call({ method: 'GET', url: '/v1/admin/webhooks/deliveries', as: 'admin' });
    expect(everyone.body.data).toHaveLength(3);
  });

  it('refuses bad filters', async () => {
    for (const [query, code, param] of [
      ['partner=bad%20id', 'invalid_request', 'partner'],
      ['message=crd_1', 'invalid_request', 'message'],
      ['starting_after=whd_01h455vb4pex5vsknk084sn02q', 'invalid_cursor', 'starting_after'],
      ['limit=-1', 'invalid_request', 'limit'],
      ['status=sent', 'unknown_field', 'status'],
    ] as const) {
      const response = await call({ method: 'GET', url: `/v1/admin/webhooks/deliveries?${query}`, as: 'admin' });
      expect(response.status, query).toBe(400);
      expect(response.body.error, query).toMatchObject({ code, param });
    }
  });
});

describe('POST /v1/admin/outbox/:id/replay', () => {
  it('re-queues a dead webhook, which the worker then delivers', async () => {
    const { body } = await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { url: receiver.url }, as: 'partner' });
    receiver.secrets = [body.secret];
    const id = await webhook('ptn_alpha');
    await database.db.updateTable('outbox_messages').set({ status: 'dead', attempts: 8, last_error: 'gave up' }).where('id', '=', id).execute();
    const response = await call({ method: 'POST', url: `/v1/admin/outbox/${uuidToId(id, 'msg')}/replay`, as: 'admin' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: uuidToId(id, 'msg'),
      channel: 'webhook',
      template: 'credit.posted',
      status: 'pending',
      attempts: 0,
      next_attempt_at: clock.now().toISOString(),
    });
    const before = receiver.received.length;
    expect(await ctx.services.notify.runOnce()).toMatchObject({ sent: 1 });
    expect(receiver.received.length).toBe(before + 1);
    expect(receiver.received.at(-1)!.verified).toEqual([true]);
    const stored = await database.db.selectFrom('outbox_messages').select(['status', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'sent', last_error: null });
  });

  it('refuses what cannot be replayed, and writes nothing', async () => {
    const otp = uuidToId(await sms(PHONE, 'otp.login'), 'msg');
    const inFlight = await webhook('ptn_alpha');
    await database.db.updateTable('outbox_messages').set({ status: 'sending' }).where('id', '=', inFlight).execute();
    const before = await counts();
    const cases: [string, number, string, unknown?][] = [
      ['msg_01h455vb4pex5vsknk084sn02q', 404, 'message_not_found'],
      ['usr_01h455vb4pex5vsknk084sn02q', 404, 'message_not_found'],
      ['nonsense', 404, 'message_not_found'],
      [otp, 409, 'message_not_replayable'],
      [uuidToId(inFlight, 'msg'), 409, 'message_in_flight'],
      [otp, 400, 'unknown_field', { force: true }],
    ];
    for (const [id, status, code, payload] of cases) {
      const response = await call({ method: 'POST', url: `/v1/admin/outbox/${id}/replay`, as: 'admin', ...(payload ? { payload } : {}) });
      expect(response.status, id).toBe(status);
      expect(response.body.error.code, id).toBe(code);
    }
    const malformed = await call({ method: 'POST', url: `/v1/admin/outbox/${otp}/replay`, as: 'admin', payload: '{"x":', headers: { 'content-type': 'application/json' } });
    expect(malformed.body.error.code).toBe('invalid_json');
    expect(await counts()).toEqual(before);
  });
});

describe('partner webhook endpoint', () => {
  it('creates the endpoint with a secret shown once, then shows prefixes only', async () => {
    const created = await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { url: 'https://partner.example.com/hooks' }, as: 'partner' });
    expect(created.status).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).toMatchObject({ url: 'https://partner.example.com/hooks', enabled: true, secrets: [{ version: 1, active: true, expires_at: null }] });
    expect(created.body.id).toMatch(/^whk_/);

    const shown = await call({ method: 'GET', url: '/v1/webhook-endpoint', as: 'partner' });
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain(created.body.secret);
    expect(shown.body.secrets[0].prefix).toBe(`${created.body.secret.slice(0, 10)}…`);
    expect(shown.body).not.toHaveProperty('secret');

    const changed = await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { enabled: false }, as: 'partner' });
    expect(changed.body).toMatchObject({ enabled: false, secret: null, url: 'https://partner.example.com/hooks' });

    // Another partner sees only its own.
    expect((await call({ method: 'GET', url: '/v1/webhook-endpoint', as: 'partner_other' })).status).toBe(404);
  });

  it('rotates: the new secret is shown once and the old one signs until its expiry', async () => {
    const created = await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { url: receiver.url }, as: 'partner' });
    const rotated = await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { rotate_secret: true, previous_secret_hours: 2 }, as: 'partner' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(rotated.body.secrets).toMatchObject([
      { version: 2, active: true, expires_at: null },
      { version: 1, active: true, expires_at: new Date(clock.now().getTime() + 2 * 3_600_000).toISOString() },
    ]);
    receiver.secrets = [created.body.secret, rotated.body.secret];
    await webhook('ptn_alpha');
    await ctx.services.notify.runOnce();
    expect(receiver.received.at(-1)!.verified).toEqual([true, true]);
  });

  it('refuses bad input with a stable code and param, and writes nothing', async () => {
    const before = await counts();
    const cases: [unknown, string, string | undefined][] = [
      [{}, 'missing_field', 'url'],
      [{ rotate_secret: true }, 'missing_field', 'url'],
      [{ url: 'ftp://partner.example.com/' }, 'invalid_webhook_url', 'url'],
      [{ url: 'https://user:pw@partner.example.com/' }, 'invalid_webhook_url', 'url'],
      [{ url: 'not a url' }, 'invalid_webhook_url', 'url'],
      [{ url: '' }, 'invalid_request', 'url'],
      [{ url: `https://partner.example.com/${'a'.repeat(2100)}` }, 'invalid_request', 'url'],
      [{ url: 42 }, 'invalid_type', 'url'],
      [{ url: 'https://partner.example.com/', enabled: 'yes' }, 'invalid_type', 'enabled'],
      [{ url: 'https://partner.example.com/', previous_secret_hours: 169 }, 'invalid_request', 'previous_secret_hours'],
      [{ url: 'https://partner.example.com/', previous_secret_hours: -1 }, 'invalid_request', 'previous_secret_hours'],
      [{ url: 'https://partner.example.com/', previous_secret_hours: 1.5 }, 'invalid_type', 'previous_secret_hours'],
      [{ url: 'https://partner.example.com/', secret: 'whsec_mine' }, 'unknown_field', 'secret'],
      [[], 'invalid_type', undefined],
    ];
    for (const [payload, code, param] of cases) {
      const response = await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: payload as object, as: 'partner' });
      expect(response.status, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(response.body.error, JSON.stringify(payload).slice(0, 80)).toMatchObject({ code, ...(param ? { param } : {}) });
    }
    for (const raw of ['{"url":', 'null', '"https://x"']) {
      const response = await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: raw, headers: { 'content-type': 'application/json' }, as: 'partner' });
      expect(response.status, raw).toBe(400);
    }
    const huge = await call({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { url: `https://x.example.com/${'a'.repeat(2_000_000)}` }, as: 'partner' });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('body_too_large');
    expect(await counts()).toEqual(before);
  });

  it('refuses http and private hosts in production', async () => {
    const production = await makeApp({ allowInsecureWebhookUrls: false });
    const before = await counts();
    for (const url of ['http://partner.example.com/', 'https://127.0.0.1/', 'https://169.254.169.254/']) {
      const response = await production.app.inject({ method: 'PUT', url: '/v1/webhook-endpoint', payload: { url }, headers: authHeader('partner') });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_webhook_url', param: 'url' });
    }
    expect(await counts()).toEqual(before);
    await production.app.close();
  });
});

describe('OpenAPI', () => {
  it('documents the notify routes', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    for (const path of ['/v1/admin/sms', '/v1/admin/webhooks/deliveries', '/v1/admin/outbox/{id}/replay', '/v1/webhook-endpoint']) expect(paths).toContain(path);
  });
});
