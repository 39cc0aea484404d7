// Call-back requests: one open per person, fraud raises the topic, the staff queue and closing.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withTransaction } from '../db/index.ts';
import { buildTestApp, countRows, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { bearer, createTestStaff, registerTestUser, type TestStaff } from '../../test/helpers/identity.ts';
import { SupportService } from './callbacks.ts';
import { supportRoutes } from './routes.ts';

let tc: TestContext;
let app: FastifyInstance;
let support: SupportService;
let agentOfSupport: TestStaff;
let finance: TestStaff;

beforeAll(async () => {
  tc = await createTestContext();
  support = new SupportService({ clock: tc.clock, recordAudit: (executor, entry) => tc.identity.recordAudit(executor, entry) });
  tc.ctx.services.support = support;
  app = await buildTestApp(tc, [supportRoutes]);
  agentOfSupport = await createTestStaff(tc, 'support');
  finance = await createTestStaff(tc, 'finance');
});
afterAll(async () => {
  await app.close();
  await tc.close();
});

async function ask(userId: string, phone: string, topic: 'account' | 'fraud' | 'other' = 'account') {
  return withTransaction(tc.database.db, (trx) => support.requestCallback(trx, { userId, phone, topic, channel: 'ussd', lang: 'ko' }));
}

describe('requestCallback', () => {
  test('one open request per person; asking again returns it; a fraud report raises its topic', async () => {
    const u = await registerTestUser(tc);
    const first = await ask(u.user.id, u.phone);
    expect(first.created).toBe(true);
    expect(first.request).toMatchObject({ status: 'open', topic: 'account', phone: u.phone, reference: first.request.id.slice(-6).toUpperCase() });
    const again = await ask(u.user.id, u.phone, 'other');
    expect(again).toMatchObject({ created: false, request: { id: first.request.id, topic: 'account' } });
    const fraud = await ask(u.user.id, u.phone, 'fraud');
    expect(fraud).toMatchObject({ created: false, request: { id: first.request.id, topic: 'fraud' } });
    const rows = await tc.database.db.selectFrom('callback_requests').select('id').where('user_id', '=', u.user.id).execute();
    expect(rows).toHaveLength(1);
  });

  test('after a request is closed, the person can ask again', async () => {
    const u = await registerTestUser(tc);
    const first = await ask(u.user.id, u.phone);
    await withTransaction(tc.database.db, (trx) => support.closeRequest(trx, agentOfSupport.staffId, first.request.id, 'called, solved'));
    const second = await ask(u.user.id, u.phone);
    expect(second.created).toBe(true);
    expect(second.request.id).not.toBe(first.request.id);
  });
});

describe('staff routes', () => {
  test('support lists the open queue oldest first, page by page; the listing is audited', async () => {
    const users = await Promise.all([0, 1, 2].map(() => registerTestUser(tc)));
    const ids: string[] = [];
    for (const u of users) {
      ids.push((await ask(u.user.id, u.phone)).request.id);
      tc.clock.advance(1000);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const response = await app.inject({ method: 'GET', url: `/v1/admin/callback-requests?limit=2${after ? `&starting_after=${after}` : ''}`, headers: bearer(agentOfSupport.token) });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as { data: { id: string; status: string }[]; has_more: boolean };
      expect(page.data.every((r) => r.status === 'open')).toBe(true);
      seen.push(...page.data.map((r) => r.id));
      if (!page.has_more) break;
      after = page.data.at(-1)!.id;
    }
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    const audit = await tc.database.db.selectFrom('audit_log').select('action').where('actor_id', '=', agentOfSupport.staffId).where('action', '=', 'callback_requests.listed').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  test('closing records who and what, is audited, and cannot happen twice', async () => {
    const u = await registerTestUser(tc);
    const { request } = await ask(u.user.id, u.phone, 'fraud');
    const closed = await app.inject({ method: 'POST', url: `/v1/admin/callback-requests/${request.id}/close`, headers: bearer(agentOfSupport.token), payload: { outcome: 'called; card blocked' } });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ id: request.id, status: 'closed', closed_by: agentOfSupport.staffId, outcome: 'called; card blocked', topic: 'fraud' });
    const audit = await tc.database.db.selectFrom('audit_log').select(['action', 'request_id']).where('target_id', '=', request.id).execute();
    expect(audit).toEqual([{ action: 'callback_request.closed', request_id: closed.headers['x-request-id'] }]);
    const twice = await app.inject({ method: 'POST', url: `/v1/admin/callback-requests/${request.id}/close`, headers: bearer(agentOfSupport.token), payload: { outcome: 'again' } });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('callback_request_closed');
  });

  test('bad input and unknown ids are 4xx and write nothing', async () => {
    const u = await registerTestUser(tc);
    const { request } = await ask(u.user.id, u.phone);
    const before = await countRows(tc.database, ['callback_requests', 'audit_log']);
    const cases: [string, string, unknown, number, string][] = [
      ['POST', `/v1/admin/callback-requests/${request.id}/close`, { outcome: 'no' }, 400, 'invalid_request'],
      ['POST', `/v1/admin/callback-requests/${request.id}/close`, {}, 400, 'missing_field'],
      ['POST', `/v1/admin/callback-requests/${request.id}/close`, { outcome: 'called', extra: 1 }, 400, 'unknown_field'],
      ['POST', '/v1/admin/callback-requests/cbr_nope/close', { outcome: 'called' }, 404, 'callback_request_not_found'],
      ['GET', '/v1/admin/callback-requests?status=pending', undefined, 400, 'invalid_request'],
      ['GET', '/v1/admin/callback-requests?limit=0', undefined, 400, 'invalid_request'],
      ['GET', '/v1/admin/callback-requests?starting_after=cbr_unknown', undefined, 404, 'callback_request_not_found'],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const response = await app.inject({ method: method as 'GET', url, headers: bearer(agentOfSupport.token), ...(payload ? { payload: payload as object } : {}) });
      expect(response.statusCode, `${method} ${url} ${response.body}`).toBe(status);
      expect(response.json().error.code, url).toBe(code);
    }
    expect(await countRows(tc.database, ['callback_requests', 'audit_log'])).toEqual(before);
    expect((await support.openRequestOf(tc.database.db, u.user.id))?.status).toBe('open');
  });

  test('roles: support and admin may; finance, users and nobody may not', async () => {
    const admin = await createTestStaff(tc, 'admin');
    const user = await registerTestUser(tc);
    for (const [token, status] of [[admin.token, 200], [agentOfSupport.token, 200], [finance.token, 403], [user.token, 403]] as const) {
      const response = await app.inject({ method: 'GET', url: '/v1/admin/callback-requests', headers: bearer(token) });
      expect(response.statusCode).toBe(status);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/admin/callback-requests' })).statusCode).toBe(401);
  });
});
