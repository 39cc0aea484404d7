// The role matrix: every identity route against every kind of caller — nobody, a user, a partner
// with and without the route's scope, and staff of each role. Allowed callers get past
// authentication (their empty body is then a 400, an unknown id a 404); refused ones get 401/403.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StaffRole } from '../api/auth.ts';
import { buildTestApp, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { bearer, createTestPartner, createTestStaff, registerTestUser, type TestStaff, type TestUser } from '../../test/helpers/identity.ts';
import { createIdentityRoutes } from './index.ts';

type Caller = 'anonymous' | 'user' | 'partner_scoped' | 'partner_unscoped' | StaffRole;
const CALLERS: Caller[] = ['anonymous', 'user', 'partner_scoped', 'partner_unscoped', 'admin', 'support', 'compliance', 'finance', 'agent'];
const STAFF: StaffRole[] = ['admin', 'support', 'compliance', 'finance', 'agent'];
const EVERYONE = CALLERS;

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  allowed: Caller[];
  /** Signs the caller out: use a fresh token for each call. */
  endsSession?: boolean;
}

const MATRIX: Row[] = [
  // Public: no credentials needed (and none are refused).
  { method: 'POST', path: '/v1/registrations', allowed: EVERYONE },
  { method: 'POST', path: '/v1/registrations/:id/verify', allowed: EVERYONE },
  { method: 'POST', path: '/v1/sessions', allowed: EVERYONE },
  { method: 'POST', path: '/v1/sessions/verify', allowed: EVERYONE },
  { method: 'POST', path: '/v1/pin-resets', allowed: EVERYONE },
  { method: 'POST', path: '/v1/pin-resets/:id/complete', allowed: EVERYONE },
  { method: 'POST', path: '/v1/staff/sessions', allowed: EVERYONE },
  // A person's own account.
  { method: 'GET', path: '/v1/me', allowed: ['user'] },
  { method: 'PATCH', path: '/v1/me', allowed: ['user'] },
  { method: 'GET', path: '/v1/sessions', allowed: ['user'] },
  { method: 'DELETE', path: '/v1/sessions/current', allowed: ['user'], endsSession: true },
  { method: 'DELETE', path: '/v1/sessions/:id', allowed: ['user'] },
  { method: 'GET', path: '/v1/me/devices', allowed: ['user'] },
  { method: 'DELETE', path: '/v1/me/devices/:id', allowed: ['user'] },
  { method: 'POST', path: '/v1/otp-challenges', allowed: ['user'] },
  { method: 'PUT', path: '/v1/me/pin', allowed: ['user'] },
  { method: 'POST', path: '/v1/me/freeze', allowed: ['user'] },
  { method: 'POST', path: '/v1/me/unfreeze', allowed: ['user'] },
  { method: 'POST', path: '/v1/me/phone-bindings', allowed: ['user'] },
  { method: 'POST', path: '/v1/me/phone-bindings/:id/verify', allowed: ['user'] },
  { method: 'GET', path: '/v1/me/kyc', allowed: ['user'] },
  { method: 'POST', path: '/v1/me/kyc/identity-check', allowed: ['user'] },
  { method: 'PUT', path: '/v1/me/kyc/id-document', allowed: ['user'] },
  { method: 'POST', path: '/v1/me/kyc/bank-accounts', allowed: ['user'] },
  { method: 'POST', path: '/v1/me/kyc/bank-accounts/:id/confirm', allowed: ['user'] },
  // Staff, any role.
  { method: 'DELETE', path: '/v1/staff/sessions/current', allowed: STAFF, endsSession: true },
  { method: 'GET', path: '/v1/staff/me', allowed: STAFF },
  // Staff by permission.
  { method: 'GET', path: '/v1/admin/users', allowed: ['admin', 'support', 'compliance'] },
  { method: 'GET', path: '/v1/admin/users/:id', allowed: ['admin', 'support', 'compliance'] },
  { method: 'POST', path: '/v1/admin/users/:id/unlock', allowed: ['admin', 'support'] },
  { method: 'POST', path: '/v1/admin/users/:id/freeze', allowed: ['admin', 'support', 'compliance'] },
  { method: 'POST', path: '/v1/admin/users/:id/unfreeze', allowed: ['admin', 'support', 'compliance'] },
  { method: 'POST', path: '/v1/admin/users/:id/tier', allowed: ['admin', 'compliance'] },
  { method: 'GET', path: '/v1/admin/staff', allowed: ['admin'] },
  { method: 'POST', path: '/v1/admin/staff', allowed: ['admin'] },
  { method: 'PATCH', path: '/v1/admin/staff/:id', allowed: ['admin'] },
  { method: 'GET', path: '/v1/admin/audit-log', allowed: ['admin', 'compliance'] },
  { method: 'GET', path: '/v1/admin/partners', allowed: ['admin', 'finance'] },
  { method: 'POST', path: '/v1/admin/partners', allowed: ['admin'] },
  { method: 'GET', path: '/v1/admin/partners/:id', allowed: ['admin', 'finance'] },
  { method: 'PATCH', path: '/v1/admin/partners/:id', allowed: ['admin'] },
  { method: 'POST', path: '/v1/admin/partners/:id/keys', allowed: ['admin'] },
  { method: 'POST', path: '/v1/admin/partners/:id/keys/:key_id/rotate', allowed: ['admin'] },
  { method: 'DELETE', path: '/v1/admin/partners/:id/keys/:key_id', allowed: ['admin'] },
  // Carriers.
  { method: 'POST', path: '/v1/carrier/events', allowed: ['partner_scoped'] },
];

let tc: TestContext;
let app: FastifyInstance;
let user: TestUser;
const staff = new Map<StaffRole, TestStaff>();
let scopedKey: string;
let unscopedKey: string;

beforeAll(async () => {
  tc = await createTestContext();
  app = await buildTestApp(tc, [createIdentityRoutes({ authAttemptsPerMinute: 100_000 })]);
  user = await registerTestUser(tc);
  for (const role of STAFF) staff.set(role, await createTestStaff(tc, role));
  scopedKey = (await createTestPartner(tc, ['carrier:events', 'credits:write', 'credits:read', 'atm:operate', 'webhooks:manage'])).apiKey;
  unscopedKey = (await createTestPartner(tc, ['credits:read'])).apiKey;
});
afterAll(async () => {
  await app.close();
  await tc.close();
});

async function tokenFor(caller: Caller, fresh: boolean): Promise<string | null> {
  switch (caller) {
    case 'anonymous':
      return null;
    case 'user': {
      if (!fresh) return user.token;
      const login = await tc.identity.login({ phone: user.phone, pin: user.pin, deviceId: user.deviceId });
      return (login as { token: string }).token;
    }
    case 'partner_scoped':
      return scopedKey;
    case 'partner_unscoped':
      return unscopedKey;
    default: {
      const s = staff.get(caller)!;
      return fresh ? (await tc.identity.staffLogin(s.email, s.password)).token : s.token;
    }
  }
}

function concrete(path: string): string {
  return path.replace(':id', 'nope_0000').replace(':key_id', 'key_nope');
}

describe('role matrix', () => {
  test('the matrix covers every identity route in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    const covered = MATRIX.map((r) => `${r.method} ${r.path}`);
    expect(documented.sort()).toEqual(covered.sort());
  });

  test.each(MATRIX)('$method $path', async (row) => {
    const mismatches: string[] = [];
    for (const caller of CALLERS) {
      const token = await tokenFor(caller, Boolean(row.endsSession));
      const response = await app.inject({
        method: row.method,
        url: concrete(row.path),
        headers: token ? bearer(token) : {},
        ...(['POST', 'PUT', 'PATCH'].includes(row.method) ? { payload: {} } : {}),
      });
      await tc.identity.settle();
      const code = response.statusCode >= 400 ? (response.json().error?.code as string) : 'ok';
      const refused = code === 'unauthenticated' || code === 'forbidden';
      const shouldPass = row.allowed.includes(caller);
      if (shouldPass === refused) mismatches.push(`${caller}: ${response.statusCode} ${code}`);
      if (refused) {
        expect(response.statusCode).toBe(code === 'unauthenticated' ? 401 : 403);
        if (caller === 'anonymous') expect(code).toBe('unauthenticated');
      }
      expect(response.statusCode).toBeLessThan(500);
    }
    expect(mismatches).toEqual([]);
  });
});
