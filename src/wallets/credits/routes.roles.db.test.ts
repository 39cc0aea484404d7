// Every credits route against every kind of caller: partner keys with each scope, people, staff of
// each role, nobody. Allowed callers get their 2xx; the others 401/403 with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../db/index.ts';
import type { StaffRole } from '../../api/auth.ts';
import { countCreditRows, createCreditsWorld, credit, prefund, registerPerson, verifyWorld, type CreditsWorld } from '../../../test/helpers/credits.ts';
import { bearer, createTestStaff } from '../../../test/helpers/identity.ts';

type Caller = 'nobody' | 'partner_write' | 'partner_read' | 'partner_other' | 'user' | StaffRole;
const CALLERS: Caller[] = ['nobody', 'partner_write', 'partner_read', 'partner_other', 'user', 'admin', 'support', 'compliance', 'finance', 'agent'];

let world: CreditsWorld;
const tokens = new Map<Caller, string>();
let partnerId = '';
let phone = '';
let sequence = 0;

beforeAll(async () => {
  world = await createCreditsWorld();
  const made = await withTransaction(world.rt.database.db, async (trx) => {
    const partner = await world.tc.identity.createPartner(trx, { system: 'test' }, 'Roles partner');
    const key = (scopes: string[]) => world.tc.identity.createApiKey(trx, { system: 'test' }, partner.id, scopes);
    return { partner, write: await key(['credits:write']), read: await key(['credits:read']), other: await key(['webhooks:manage']) };
  });
  partnerId = made.partner.id;
  tokens.set('partner_write', made.write.secret);
  tokens.set('partner_read', made.read.secret);
  tokens.set('partner_other', made.other.secret);
  const person = await registerPerson(world);
  phone = person.phone;
  tokens.set('user', person.token);
  for (const role of ['admin', 'support', 'compliance', 'finance', 'agent'] as const) tokens.set(role, (await createTestStaff(world.tc, role)).token);
  await prefund(world, partnerId, '1000000');
});
afterAll(async () => {
  expect((await verifyWorld(world)).ok).toBe(true);
  await world?.close();
});

interface Route {
  name: string;
  allowed: Caller[];
  /** A fresh, valid request (references are unique per call, so allowed calls succeed). */
  request: () => Promise<{ method: 'GET' | 'POST'; url: string; payload?: string; type?: string }>;
  success: number;
}

const writer = () => tokens.get('partner_write')!;
async function seedCredit(source = 'tip'): Promise<string> {
  const reference = `seed-${++sequence}`;
  const response = await world.app.inject({ method: 'POST', url: '/v1/credits', headers: bearer(writer()), payload: credit(reference, { phone }, '1', source) });
  expect(response.statusCode).toBe(201);
  return reference;
}

const json = (body: unknown) => ({ payload: JSON.stringify(body), type: 'application/json' });

const ROUTES: Route[] = [
  { name: 'POST /v1/credits', allowed: ['partner_write'], success: 201, request: async () => ({ method: 'POST', url: '/v1/credits', ...json(credit(`r-${++sequence}`, { phone }, '1')) }) },
  { name: 'POST /v1/credits/batch', allowed: ['partner_write'], success: 200, request: async () => ({ method: 'POST', url: '/v1/credits/batch', ...json({ items: [credit(`r-${++sequence}`, { phone }, '1')] }) }) },
  {
    name: 'POST /v1/credits/stream', allowed: ['partner_write'], success: 200,
    request: async () => ({ method: 'POST', url: '/v1/credits/stream', payload: `${JSON.stringify(credit(`r-${++sequence}`, { phone }, '1'))}\n`, type: 'application/x-ndjson' }),
  },
  { name: 'GET /v1/credits/:reference', allowed: ['partner_read'], success: 200, request: async () => ({ method: 'GET', url: `/v1/credits/${await seedCredit()}` }) },
  { name: 'POST /v1/credits/:reference/reversal', allowed: ['partner_write'], success: 200, request: async () => ({ method: 'POST', url: `/v1/credits/${await seedCredit()}/reversal`, ...json({}) }) },
  { name: 'POST /v1/credits/:reference/cancel', allowed: ['partner_write'], success: 200, request: async () => ({ method: 'POST', url: `/v1/credits/${await seedCredit('task_earning')}/cancel`, ...json({}) }) },
  { name: 'GET /v1/partner/balance', allowed: ['partner_read'], success: 200, request: async () => ({ method: 'GET', url: '/v1/partner/balance' }) },
  {
    name: 'POST /v1/admin/partners/:partner/prefunding', allowed: ['admin', 'finance'], success: 201,
    request: async () => ({ method: 'POST', url: `/v1/admin/partners/${partnerId}/prefunding`, ...json({ amount: { amount: '1', currency: 'KRW' }, bank_reference: `ROLE-${++sequence}` }) }),
  },
];

describe.each(ROUTES)('$name', (route) => {
  it.each(CALLERS)('as %s', async (caller) => {
    const { method, url, payload, type } = await route.request();
    const headers: Record<string, string> = caller === 'nobody' ? {} : bearer(tokens.get(caller)!);
    if (type) headers['content-type'] = type;
    const before = await countCreditRows(world);
    const response = await world.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    if (route.allowed.includes(caller)) {
      expect(response.statusCode, response.body).toBe(route.success);
      return;
    }
    const expected = caller === 'nobody' ? { status: 401, code: 'unauthenticated' } : { status: 403, code: 'forbidden' };
    expect({ status: response.statusCode, code: response.json().error?.code }).toEqual(expected);
    expect(await countCreditRows(world)).toEqual(before);
  });
});

it('documents every credits route in the OpenAPI document', async () => {
  const doc = (await world.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  for (const route of ROUTES) {
    const [method, path] = route.name.split(' ') as [string, string];
    const key = path.replace(/:([a-z_]+)/g, '{$1}');
    expect(doc.paths[key]?.[method.toLowerCase()], route.name).toBeDefined();
  }
});
