// Partner API keys (shown once, hashed, scoped, rotatable with overlap, revocable), staff accounts
// and sessions, and the append-only audit log.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withTransaction } from '../db/index.ts';
import { buildTestApp, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { bearer, createTestStaff, registerTestUser, type TestStaff } from '../../test/helpers/identity.ts';
import { sha256Hex } from './secrets.ts';
import { identityRoutes } from './index.ts';

let tc: TestContext;
let app: FastifyInstance;
let admin: TestStaff;
beforeAll(async () => {
  tc = await createTestContext();
  app = await buildTestApp(tc, [identityRoutes]);
  admin = await createTestStaff(tc, 'admin');
});
afterAll(async () => {
  await app.close();
  await tc.close();
});

async function newPartnerWithKey(scopes: string[] = ['credits:write', 'carrier:events']) {
  const partner = await app.inject({ method: 'POST', url: '/v1/admin/partners', headers: bearer(admin.token), payload: { name: 'Rewards Co' } });
  const key = await app.inject({ method: 'POST', url: `/v1/admin/partners/${partner.json().id}/keys`, headers: bearer(admin.token), payload: { scopes } });
  expect(key.statusCode).toBe(201);
  return { partnerId: partner.json().id as string, keyId: key.json().api_key.id as string, secret: key.json().secret as string, body: key.json() };
}

/** A request only a carrier-scoped partner key passes authentication for (bad body → 400, not 401). */
async function keyWorks(secret: string): Promise<boolean> {
  const res = await app.inject({ method: 'POST', url: '/v1/carrier/events', headers: bearer(secret), payload: {} });
  return res.statusCode !== 401;
}

describe('partner API keys', () => {
  test('shown once as sk_live_<prefix>_<secret>; stored as a hash; the prefix is visible', async () => {
    const { partnerId, secret, body } = await newPartnerWithKey();
    expect(secret).toMatch(/^sk_live_[a-z0-9]{12}_[a-f0-9]{64}$/);
    expect(body.api_key).toMatchObject({ prefix: secret.slice(0, 20), scopes: ['carrier:events', 'credits:write'], status: 'active' });
    const row = await tc.database.db.selectFrom('partner_api_keys').selectAll().where('partner_id', '=', partnerId).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(sha256Hex(secret.slice(21)));
    expect(JSON.stringify(row)).not.toContain(secret.slice(21));
    const page = await app.inject({ method: 'GET', url: `/v1/admin/partners/${partnerId}`, headers: bearer(admin.token) });
    expect(page.body).not.toContain(secret.slice(21));
    expect(page.json().api_keys[0].prefix).toBe(secret.slice(0, 20));
    expect(await keyWorks(secret)).toBe(true);
  });

  test('a wrong secret with a real prefix, or garbage, is no principal', async () => {
    const { secret } = await newPartnerWithKey();
    const tampered = `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
    expect(await keyWorks(tampered)).toBe(false);
    expect(await keyWorks('sk_live_nothing')).toBe(false);
    expect(await keyWorks('')).toBe(false);
  });

  test('rotation: new key with the same scopes; the old one works until the overlap ends', async () => {
    const { partnerId, keyId, secret } = await newPartnerWithKey(['carrier:events']);
    const rotated = await app.inject({ method: 'POST', url: `/v1/admin/partners/${partnerId}/keys/${keyId}/rotate`, headers: bearer(admin.token), payload: { overlap_hours: 2 } });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json().api_key.scopes).toEqual(['carrier:events']);
    expect(rotated.json().previous).toMatchObject({ status: 'expiring', replaced_by: rotated.json().api_key.id });
    const fresh = rotated.json().secret as string;
    expect(await keyWorks(secret)).toBe(true);
    expect(await keyWorks(fresh)).toBe(true);
    tc.clock.advance(2 * 3_600_000);
    expect(await keyWorks(secret)).toBe(false);
    expect(await keyWorks(fresh)).toBe(true);
    const again = await app.inject({ method: 'POST', url: `/v1/admin/partners/${partnerId}/keys/${keyId}/rotate`, headers: bearer(admin.token), payload: {} });
    expect(again.json().error.code).toBe('api_key_revoked');
  });

  test('revocation ends a key at once; a disabled partner has no working keys', async () => {
    const { partnerId, keyId, secret } = await newPartnerWithKey();
    const revoked = await app.inject({ method: 'DELETE', url: `/v1/admin/partners/${partnerId}/keys/${keyId}`, headers: bearer(admin.token) });
    expect(revoked.json().status).toBe('revoked');
    expect(await keyWorks(secret)).toBe(false);

    const other = await newPartnerWithKey();
    await app.inject({ method: 'PATCH', url: `/v1/admin/partners/${other.partnerId}`, headers: bearer(admin.token), payload: { status: 'disabled' } });
    expect(await keyWorks(other.secret)).toBe(false);
    const noNewKeys = await app.inject({ method: 'POST', url: `/v1/admin/partners/${other.partnerId}/keys`, headers: bearer(admin.token), payload: { scopes: ['credits:read'] } });
    expect(noNewKeys.json().error.code).toBe('partner_disabled');
  });

  test('key management is audited with who and the request id', async () => {
    const { partnerId } = await newPartnerWithKey();
    const audit = await app.inject({ method: 'GET', url: `/v1/admin/audit-log?target_id=${partnerId}`, headers: bearer(admin.token) });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toEqual(['partner.key_created', 'partner.created']);
    expect(audit.json().data[0]).toMatchObject({ actor: { kind: 'staff', id: admin.staffId } });
    expect(audit.json().data[0].request_id).toMatch(/^req_/);
    expect(JSON.stringify(audit.json())).not.toMatch(/[a-f0-9]{64}/);
  });
});

describe('staff', () => {
  test('login by email + password (scrypt); wrong passwords lock like PINs; admin unlocks', async () => {
    const s = await createTestStaff(tc, 'support', { email: 'Mina.Support@Example.com' });
    const row = await tc.database.db.selectFrom('staff').select(['email', 'password_hash']).where('id', '=', s.staffId).executeTakeFirstOrThrow();
    expect(row.email).toBe('mina.support@example.com');
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    const login = await app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: 'MINA.SUPPORT@example.com', password: s.password } });
    expect(login.statusCode).toBe(201);
    expect(login.json().permissions).toContain('users:lock');
    for (let i = 0; i < 5; i++) {
      const wrong = await app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: s.email, password: 'not the password!' } });
      expect(wrong.json().error.code).toBe('invalid_staff_credentials');
    }
    const locked = await app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: s.email, password: s.password } });
    expect(locked.json().error.code).toBe('invalid_staff_credentials');
    await app.inject({ method: 'PATCH', url: `/v1/admin/staff/${s.staffId}`, headers: bearer(admin.token), payload: { unlock: true } });
    expect((await app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: s.email, password: s.password } })).statusCode).toBe(201);
  });

  test('admin creates staff; duplicates and weak passwords refused; disabling ends sessions; no self-demotion', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/admin/staff', headers: bearer(admin.token), payload: { email: 'fin@example.com', name: 'Fin', role: 'finance', password: 'a long enough password' } });
    expect(created.statusCode).toBe(201);
    const dup = await app.inject({ method: 'POST', url: '/v1/admin/staff', headers: bearer(admin.token), payload: { email: 'FIN@example.com', name: 'Fin 2', role: 'finance', password: 'a long enough password' } });
    expect(dup.json().error.code).toBe('staff_email_taken');
    const weak = await app.inject({ method: 'POST', url: '/v1/admin/staff', headers: bearer(admin.token), payload: { email: 'x@example.com', name: 'X', role: 'agent', password: 'short' } });
    expect(weak.json().error.code).toBe('weak_password');
    const login = await app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: 'fin@example.com', password: 'a long enough password' } });
    await app.inject({ method: 'PATCH', url: `/v1/admin/staff/${created.json().id}`, headers: bearer(admin.token), payload: { status: 'disabled' } });
    expect((await app.inject({ method: 'GET', url: '/v1/staff/me', headers: bearer(login.json().token) })).statusCode).toBe(401);
    const self = await app.inject({ method: 'PATCH', url: `/v1/admin/staff/${admin.staffId}`, headers: bearer(admin.token), payload: { role: 'support' } });
    expect(self.json().error.code).toBe('cannot_change_own_account');
  });

  test("a user's page is masked and its viewing is audited", async () => {
    const u = await registerTestUser(tc);
    const support = await createTestStaff(tc, 'support');
    const page = await app.inject({ method: 'GET', url: `/v1/admin/users/${u.user.id}`, headers: bearer(support.token) });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ user: { id: u.user.id }, locked: false, active_sessions: 1 });
    const search = await app.inject({ method: 'GET', url: `/v1/admin/users?phone=${encodeURIComponent(u.phone.replace('+82', '0'))}`, headers: bearer(support.token) });
    expect(search.json().data.map((x: { id: string }) => x.id)).toEqual([u.user.id]);
    const viewed = await tc.identity.listAudit(tc.database.db, { actorId: support.staffId, action: 'user.viewed', limit: 5 });
    expect(viewed.data).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url: '/v1/admin/users/usr_nobody', headers: bearer(support.token) })).json().error.code).toBe('user_not_found');
  });
});

describe('every staff action is audited', () => {
  test('each staff request through the API adds an audit row naming the staff member', async () => {
    const u = await registerTestUser(tc);
    for (let i = 0; i < 5; i++) await tc.identity.verifyPin(tc.database.db, u.user.id, '000001').catch(() => undefined);
    const { partnerId, keyId } = await newPartnerWithKey();
    const fresh = await tc.identity.staffLogin(admin.email, admin.password);
    const actions: [string, string, unknown?][] = [
      ['GET', `/v1/admin/users?phone=${encodeURIComponent(u.phone)}`],
      ['GET', `/v1/admin/users/${u.user.id}`],
      ['POST', `/v1/admin/users/${u.user.id}/unlock`, { reason: 'verified caller' }],
      ['POST', `/v1/admin/users/${u.user.id}/freeze`, { reason: 'fraud report' }],
      ['POST', `/v1/admin/users/${u.user.id}/unfreeze`, { reason: 'report withdrawn' }],
      ['POST', '/v1/admin/staff', { email: 'audited@example.com', name: 'A', role: 'agent', password: 'a long enough password' }],
      ['POST', '/v1/admin/partners', { name: 'Audited partner' }],
      ['PATCH', `/v1/admin/partners/${partnerId}`, { name: 'Renamed' }],
      ['POST', `/v1/admin/partners/${partnerId}/keys`, { scopes: ['credits:read'] }],
      ['POST', `/v1/admin/partners/${partnerId}/keys/${keyId}/rotate`, { overlap_hours: 1 }],
      ['DELETE', `/v1/admin/partners/${partnerId}/keys/${keyId}`],
      ['DELETE', '/v1/staff/sessions/current'],
    ];
    for (const [method, url, payload] of actions) {
      const token = url === '/v1/staff/sessions/current' ? fresh.token : admin.token;
      const response = await app.inject({ method: method as 'GET', url, headers: bearer(token), ...(payload ? { payload: payload as object } : {}) });
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
      const requestId = response.headers['x-request-id'];
      const rows = await tc.database.db.selectFrom('audit_log').select(['actor_id', 'actor_kind']).where('request_id', '=', String(requestId)).execute();
      expect(rows, `${method} ${url}`).toEqual([expect.objectContaining({ actor_kind: 'staff', actor_id: admin.staffId })]);
    }
  });
});

describe('the audit log is append-only', () => {
  test('UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const id = await withTransaction(tc.database.db, (trx) => tc.identity.recordAudit(trx, { actor: { kind: 'system' }, action: 'test.event', after: { a: 1 } }));
    await expect(sql`UPDATE audit_log SET action = 'x' WHERE id = ${id}`.execute(tc.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE id = ${id}`.execute(tc.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(tc.database.db)).rejects.toThrow(/append-only/);
    const row = await tc.database.db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ action: 'test.event', after: { a: 1 } });
  });

  test('pagination: newest first with starting_after', async () => {
    const all = await tc.identity.listAudit(tc.database.db, { limit: 100 });
    const first = await tc.identity.listAudit(tc.database.db, { limit: 3 });
    const second = await tc.identity.listAudit(tc.database.db, { limit: 3, startingAfter: first.data.at(-1)!.id });
    expect([...first.data, ...second.data].map((e) => e.id)).toEqual(all.data.slice(0, 6).map((e) => e.id));
    expect(first.hasMore).toBe(true);
  });
});
