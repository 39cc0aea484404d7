// A credits world for tests: the real composition root on a fresh test database with a ManualClock,
// a partner with an API key, finance staff to record its prefunding, and helpers to register
// people and to count the rows that credits write.
import type { FastifyInstance } from 'fastify';
import type { PartnerScope } from '../../src/identity/index.ts';
import type { CreditsService } from '../../src/wallets/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import type { TestContext } from './context.ts';
import { countRows } from './context.ts';
import { bearer, createTestPartner, createTestStaff, registerTestUser, type TestStaff, type TestUser } from './identity.ts';
import { sealAndVerify } from './ledger.ts';
import { createTestRuntime, type TestRuntime } from './runtime.ts';

export const CREDIT_TABLES = ['ledger_transfers', 'ledger_accounts', 'wallets', 'credit_clearances', 'unclaimed_credits', 'held_credits', 'credit_reversals', 'outbox_messages', 'audit_log'] as const;

export interface CreditsWorld {
  rt: TestRuntime;
  app: FastifyInstance;
  clock: ManualClock;
  tc: TestContext;
  credits: CreditsService;
  finance: TestStaff;
  close(): Promise<void>;
}

export async function createCreditsWorld(options: { clock?: ManualClock } = {}): Promise<CreditsWorld> {
  const clock = options.clock ?? new ManualClock('2026-03-02T01:00:00Z');
  const rt = await createTestRuntime({ clock });
  await rt.app.ready();
  const tc: TestContext = {
    ctx: rt.ctx,
    database: rt.database,
    clock,
    identity: rt.ctx.services.identity,
    simulators: rt.simulators.identity!,
    close: () => rt.close(),
  };
  const finance = await createTestStaff(tc, 'finance');
  return { rt, app: rt.app, clock, tc, credits: rt.ctx.services.credits, finance, close: () => rt.close() };
}

export interface TestPartner {
  partnerId: string;
  apiKey: string;
  headers: { authorization: string };
}

export async function createCreditPartner(world: CreditsWorld, scopes: PartnerScope[] = ['credits:write', 'credits:read'], name = 'Task app'): Promise<TestPartner> {
  const partner = await createTestPartner(world.tc, scopes, name);
  return { partnerId: partner.partnerId, apiKey: partner.apiKey, headers: bearer(partner.apiKey) };
}

let deposits = 0;

/** Records a prefunding deposit through the API, as finance staff would (signing in afresh: tests move the clock by days). */
export async function prefund(world: CreditsWorld, partnerId: string, amount: string): Promise<void> {
  const login = await world.tc.identity.staffLogin(world.finance.email, world.finance.password);
  const response = await world.app.inject({
    method: 'POST',
    url: `/v1/admin/partners/${partnerId}/prefunding`,
    headers: bearer(login.token),
    payload: { amount: { amount, currency: 'KRW' }, bank_reference: `DEP-${process.pid}-${++deposits}` },
  });
  if (response.statusCode !== 201) throw new Error(`prefund: ${response.statusCode} ${response.body}`);
}

export function registerPerson(world: CreditsWorld, options: Parameters<typeof registerTestUser>[1] = {}): Promise<TestUser> {
  return registerTestUser(world.tc, options);
}

export async function countCreditRows(world: CreditsWorld): Promise<Record<(typeof CREDIT_TABLES)[number], number>> {
  return (await countRows(world.rt.database, CREDIT_TABLES)) as Record<(typeof CREDIT_TABLES)[number], number>;
}

/** The ledger's invariants and hash chain hold. */
export async function verifyWorld(world: CreditsWorld) {
  return sealAndVerify(world.rt.ctx.ledger, world.rt.database.db);
}

export function credit(reference: string, recipient: { phone: string } | { user_id: string }, amount: string, source = 'tip', extra: Record<string, unknown> = {}) {
  return { partner_reference: reference, recipient, amount: { amount, currency: 'KRW' }, source, ...extra };
}
