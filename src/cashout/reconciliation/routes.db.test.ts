// The reconciliation routes with identity's real sessions and permission table: who may read,
// who may run and resolve, and every bad input answered with its code while nothing is written.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestContext, type TestContext } from '../../../test/helpers/context.ts';
import { bearer, createTestPartner, createTestStaff, registerTestUser } from '../../../test/helpers/identity.ts';
import { sealAndVerify } from '../../../test/helpers/ledger.ts';
import { depositEntry, openPayoutWorld, payoutEntry, type PayoutWorld } from '../../../test/helpers/reconciliation.ts';
import type { StaffRole } from '../../api/auth.ts';
import { ManualClock } from '../../shared/clock.ts';
import { createLedger, type Ledger } from '../../ledger/index.ts';
import { reconciliationRoutes } from './routes.ts';
import { ReconciliationService } from './service.ts';

const DAY = '2026-01-15';
const STAFF_ROLES: StaffRole[] = ['admin', 'support', 'compliance', 'finance', 'agent'];

let tc: TestContext;
let ledger: Ledger;
let world: PayoutWorld;
let app: FastifyInstance;
const tokens: Record<string, Record<string, string>> = {};
let statementXml = '';
let cashoutMissing = '';

beforeAll(async () => {
  const clock = new ManualClock('2026-01-15T01:00:00Z');
  tc = await createTestContext({ clock });
  ledger = createLedger(tc.database.db, clock, { background: false });
  tc.ctx.ledger = ledger;
  world = await openPayoutWorld(tc.database, clock, { ledger });
  tc.ctx.services.reconciliation = new ReconciliationService({
    db: tc.database.db,
    ledger,
    clock,
    timeZone: 'Asia/Seoul',
    audit: (trx, entry) => tc.identity.recordAudit(trx, entry),
    onReturned: async () => undefined,
  });
  app = await buildTestApp(tc, [reconciliationRoutes]);
  for (const role of STAFF_ROLES) tokens[role] = bearer((await createTestStaff(tc, role)).token);
  tokens.user = bearer((await registerTestUser(tc)).token);
  tokens.partner = bearer((await createTestPartner(tc, ['credits:write'])).apiKey);
  tokens.nobody = {};

  const paid = await world.settle(10_000n);
  cashoutMissing = await world.settle(20_000n);
  statementXml = world.statement(DAY, [payoutEntry(paid, 10_000n, DAY), depositEntry(50_000n, DAY)]);
});

afterAll(async () => {
  await app?.close();
  const report = await sealAndVerify(ledger, tc.database.db);
  expect(report.problems).toEqual([]);
  await ledger.close();
  await tc.close();
});

async function written() {
  const { rows } = await sql<{ runs: number; items: number; open_tasks: number; audit: number; transfers: number }>`
    SELECT (SELECT count(*)::int FROM reconciliation_runs) AS runs, (SELECT count(*)::int FROM reconciliation_items) AS items,
           (SELECT count(*)::int FROM finance_tasks WHERE status = 'open') AS open_tasks, (SELECT count(*)::int FROM audit_log) AS audit,
           (SELECT count(*)::int FROM ledger_transfers) AS transfers`.execute(tc.database.db);
  return rows[0]!;
}

const xml = (body: string, who: string) => ({ headers: { ...tokens[who], 'content-type': 'application/xml' }, payload: body });
const codeOf = (response: { json(): unknown }) => (response.json() as { error: { code: string } }).error.code;

describe('who may upload a statement', () => {
  it.each([['support', 403], ['compliance', 403], ['agent', 403], ['user', 403], ['partner', 403], ['nobody', 401]] as const)(
    '%s gets %i and nothing is written',
    async (who, status) => {
      const before = await written();
      const response = await app.inject({ method: 'POST', url: '/v1/admin/reconciliations', ...xml(statementXml, who) });
      expect(response.statusCode).toBe(status);
      expect(codeOf(response)).toBe(status === 401 ? 'unauthenticated' : 'forbidden');
      expect(await written()).toEqual(before);
    },
  );

  it('finance reconciles it (201, audited); admin uploading it again changes nothing (200)', async () => {
    const before = await written();
    const first = await app.inject({ method: 'POST', url: '/v1/admin/reconciliations', ...xml(statementXml, 'finance') });
    expect(first.statusCode).toBe(201);
    const body = first.json() as { created: boolean; data: Array<{ counts: Record<string, number>; difference: { amount: string }; source: string; statement_date: string }> };
    expect(body.created).toBe(true);
    expect(body.data[0]).toMatchObject({ statement_date: DAY, source: 'api', counts: { matched: 1, unmatched_ours: 1, unmatched_bank: 1 } });
    const after = await written();
    expect(after.runs).toBe(before.runs + 1);
    expect(after.audit).toBe(before.audit + 1);
    const { rows } = await sql<{ action: string; actor_kind: string }>`SELECT action, actor_kind FROM audit_log ORDER BY at DESC, id DESC LIMIT 1`.execute(tc.database.db);
    expect(rows[0]).toEqual({ action: 'reconciliation.run', actor_kind: 'staff' });

    const again = await app.inject({ method: 'POST', url: '/v1/admin/reconciliations', ...xml(statementXml, 'admin') });
    expect(again.statusCode).toBe(200);
    expect((again.json() as { created: boolean }).created).toBe(false);
    expect(await written()).toEqual(after);
  });
});

describe('who may read', () => {
  it.each([['admin', 200], ['finance', 200], ['support', 403], ['compliance', 403], ['agent', 403], ['user', 403], ['partner', 403], ['nobody', 401]] as const)(
    '%s gets %i on the day and on the task list',
    async (who, status) => {
      const day = await app.inject({ method: 'GET', url: `/v1/admin/reconciliations/${DAY}`, headers: tokens[who] });
      expect(day.statusCode).toBe(status);
      const tasks = await app.inject({ method: 'GET', url: '/v1/admin/finance-tasks', headers: tokens[who] });
      expect(tasks.statusCode).toBe(status);
      if (status !== 200) return;
      const view = day.json() as { statements: unknown[]; matched: { data: unknown[] }; unmatched_ours: { data: Array<{ cashout: string; our_amount: { amount: string } }> }; unmatched_bank: { data: Array<{ entry_kind: string }> } };
      expect(view.statements).toHaveLength(1);
      expect(view.matched.data).toHaveLength(1);
      expect(view.unmatched_ours.data).toEqual([expect.objectContaining({ cashout: cashoutMissing, our_amount: { amount: '20000', currency: 'KRW' } })]);
      expect(view.unmatched_bank.data.map((i) => i.entry_kind)).toEqual(['deposit']);
      expect((tasks.json() as { data: unknown[] }).data).toHaveLength(2);
    },
  );
});

describe('resolving a task', () => {
  async function openTask(): Promise<string> {
    const list = await app.inject({ method: 'GET', url: '/v1/admin/finance-tasks?status=open&kind=unmatched_ours', headers: tokens.finance });
    return (list.json() as { data: Array<{ id: string }> }).data[0]!.id;
  }

  it('is refused to staff without reconciliation:run, changing nothing', async () => {
    const id = await openTask();
    for (const who of ['support', 'compliance', 'agent', 'user', 'partner'] as const) {
      const before = await written();
      const response = await app.inject({ method: 'POST', url: `/v1/admin/finance-tasks/${id}/resolve`, headers: tokens[who], payload: { resolution: 'paid by hand' } });
      expect(response.statusCode).toBe(403);
      expect(await written()).toEqual(before);
    }
  });

  it('is done by finance with a resolution, audited; a second time is 409', async () => {
    const id = await openTask();
    const before = await written();
    const response = await app.inject({ method: 'POST', url: `/v1/admin/finance-tasks/${id}/resolve`, headers: tokens.finance, payload: { resolution: '  bank confirmed by phone, booked next day  ' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: 'resolved', resolution: 'bank confirmed by phone, booked next day' });
    expect((response.json() as { resolved_by: string }).resolved_by).toMatch(/^stf_/);
    const after = await written();
    expect(after.open_tasks).toBe(before.open_tasks - 1);
    expect(after.audit).toBe(before.audit + 1);
    const { rows } = await sql<{ action: string; target_id: string; reason: string }>`SELECT action, target_id, reason FROM audit_log ORDER BY at DESC, id DESC LIMIT 1`.execute(tc.database.db);
    expect(rows[0]).toEqual({ action: 'finance_task.resolved', target_id: id, reason: 'bank confirmed by phone, booked next day' });

    const twice = await app.inject({ method: 'POST', url: `/v1/admin/finance-tasks/${id}/resolve`, headers: tokens.finance, payload: { resolution: 'again' } });
    expect(twice.statusCode).toBe(409);
    expect(codeOf(twice)).toBe('finance_task_already_resolved');
    expect(await written()).toEqual(after);
  });
});

describe('bad input: a stable code, nothing written', () => {
  const camtOf = (body: string) => body;
  it.each([
    ['GET', `/v1/admin/reconciliations/2026-02-30`, undefined, 400, 'invalid_date'],
    ['GET', `/v1/admin/reconciliations/yesterday`, undefined, 400, 'invalid_date'],
    ['GET', `/v1/admin/reconciliations/2026-01-16`, undefined, 404, 'reconciliation_not_found'],
    ['GET', `/v1/admin/reconciliations/${DAY}?limit=0`, undefined, 400, 'invalid_request'],
    ['GET', `/v1/admin/reconciliations/${DAY}?page=2`, undefined, 400, 'unknown_field'],
    ['GET', '/v1/admin/finance-tasks?status=closed', undefined, 400, 'invalid_task_filter'],
    ['GET', '/v1/admin/finance-tasks?kind=everything', undefined, 400, 'invalid_task_filter'],
    ['GET', '/v1/admin/finance-tasks?limit=500', undefined, 400, 'invalid_task_filter'],
    ['POST', '/v1/admin/finance-tasks/ftk_nothere/resolve', { resolution: 'done and dusted' }, 404, 'finance_task_not_found'],
    ['POST', '/v1/admin/finance-tasks/ftk_nothere/resolve', {}, 400, 'missing_field'],
    ['POST', '/v1/admin/finance-tasks/ftk_nothere/resolve', { resolution: 'ok' }, 400, 'invalid_resolution'],
    ['POST', '/v1/admin/finance-tasks/ftk_nothere/resolve', { resolution: 'done and dusted', by: 'me' }, 400, 'unknown_field'],
    ['POST', '/v1/admin/reconciliations', { statement: camtOf('<Document/>') }, 415, 'unsupported_media_type'],
  ] as const)('%s %s → %s %s', async (method, url, payload, status, code) => {
    const before = await written();
    const response = await app.inject({ method, url, headers: tokens.finance, ...(payload ? { payload } : {}) });
    expect(response.statusCode).toBe(status);
    expect(codeOf(response)).toBe(code);
    expect(await written()).toEqual(before);
  });

  it.each([
    ['a schema violation', () => statementXml.replace('<CdtDbtInd>DBIT</CdtDbtInd>', '<CdtDbtInd>DEBIT</CdtDbtInd>'), /CdtDbtInd/],
    ['text that is not XML', () => 'hello', /camt\.053/],
    ['an empty body', () => '', /camt\.053/],
  ])('refuses %s whole with 400 invalid_statement and its errors', async (_name, body, mentions) => {
    const before = await written();
    const response = await app.inject({ method: 'POST', url: '/v1/admin/reconciliations', ...xml(body(), 'finance') });
    expect(response.statusCode).toBe(400);
    const error = (response.json() as { error: { code: string; message: string; details: { errors: string[] } } }).error;
    expect(error.code).toBe('invalid_statement');
    expect(error.details.errors.length).toBeGreaterThan(0);
    expect(`${error.message}\n${error.details.errors.join('\n')}`).toMatch(mentions);
    expect(await written()).toEqual(before);
  });

  it('refuses text/plain with 415', async () => {
    const before = await written();
    const response = await app.inject({ method: 'POST', url: '/v1/admin/reconciliations', headers: { ...tokens.finance, 'content-type': 'text/plain' }, payload: statementXml });
    expect(response.statusCode).toBe(415);
    expect(codeOf(response)).toBe('unsupported_media_type');
    expect(await written()).toEqual(before);
  });

  it('refuses the same statement id with other content: 409 statement_conflict', async () => {
    const before = await written();
    const changed = statementXml.replace(/<Nm>Partner Co\.<\/Nm>/, '<Nm>Another Co.</Nm>');
    expect(changed).not.toBe(statementXml);
    const response = await app.inject({ method: 'POST', url: '/v1/admin/reconciliations', ...xml(changed, 'finance') });
    expect(response.statusCode).toBe(409);
    expect(codeOf(response)).toBe('statement_conflict');
    expect(await written()).toEqual(before);
  });
});
