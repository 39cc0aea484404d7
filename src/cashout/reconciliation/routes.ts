// Finance's reconciliation routes. Reading needs reconciliation:read (finance, admin); uploading a
// statement and resolving a task need reconciliation:run. Caller and permission are checked in
// onRequest, before the body is read: a person without the permission learns nothing from a 400.
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../../api/app.ts';
import { principalOf, requireAuth } from '../../api/auth.ts';
import { DomainError } from '../../shared/errors.ts';
import { FINANCE_TASK_KINDS } from './reconciliation.sql.ts';
import type { ReconciliationService } from './service.ts';
import { itemOut, reconciliationWire, runOut, runWire, taskOut, taskWire } from './wire.ts';

declare module '../../api/context.ts' {
  interface AppServices {
    reconciliation: ReconciliationService;
  }
}

/** A statement upload at most this large (a day of a busy operator is a few MB). */
export const STATEMENT_UPLOAD_BYTES_MAX = 64 * 1024 * 1024;

const coded = (code: string) => ({ params: { code }, message: '' });

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const dateField = z.string().refine(isCalendarDate, coded('invalid_date')).meta({ description: 'The statement date, YYYY-MM-DD', example: '2026-01-15' });
const limitText = (max: number, code: string) =>
  z.string().refine((v) => /^[1-9][0-9]{0,3}$/.test(v) && Number.parseInt(v, 10) <= max, coded(code)).transform((v) => Number.parseInt(v, 10));
const resolutionField = z.string().refine((v) => v.trim().length >= 3 && v.length <= 500, coded('invalid_resolution')).meta({ description: 'What was done (3–500 characters); kept in the audit log' });
const taskIdField = z.string().max(64);
const errorWire = z.object({ error: z.object({ type: z.string(), code: z.string(), message: z.string(), param: z.string().optional(), request_id: z.string() }).passthrough() });
const errors = { 400: errorWire, 401: errorWire, 403: errorWire, 404: errorWire, 409: errorWire, 415: errorWire };

export const reconciliationRoutes: AreaPlugin = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: STATEMENT_UPLOAD_BYTES_MAX }, (_request, body, done) => done(null, body));
  const staffWith = (permission: string) => requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission });
  const service = () => ctx.services.reconciliation;
  const tags = ['admin: reconciliation'];
  const security = [{ session: [] }];

  app.get('/v1/admin/reconciliations/:date', {
    onRequest: staffWith('reconciliation:read'),
    schema: {
      tags,
      security,
      summary: "A day's reconciliation: matched, unmatched on either side, amount mismatches, returns, balances",
      params: z.object({ date: dateField }).strict(),
      querystring: z.object({ limit: limitText(1000, 'invalid_request').optional().meta({ description: 'Items per list, 1–1000 (default 500)' }) }).strict(),
      response: { 200: reconciliationWire, ...errors },
    },
  }, async (request) => {
    const view = await service().getReconciliation(request.params.date, request.query.limit ?? 500);
    const list = (outcome: keyof typeof view.items) => ({ data: view.items[outcome].map(itemOut), truncated: view.truncated[outcome] });
    return {
      object: 'reconciliation' as const,
      date: view.date,
      statements: view.runs.map(runOut),
      matched: list('matched'),
      unmatched_ours: list('unmatched_ours'),
      unmatched_bank: list('unmatched_bank'),
      amount_mismatches: list('amount_mismatch'),
      returned: list('returned'),
    };
  });

  app.post('/v1/admin/reconciliations', {
    onRequest: staffWith('reconciliation:run'),
    schema: {
      tags,
      security,
      summary: 'Reconcile a camt.053.001.08 bank statement (the XML file as the body, Content-Type application/xml)',
      description: 'Validated against the ISO 20022 schema first: an invalid file is refused whole (400 invalid_statement, with the schema errors) and changes nothing. Uploading the same statement again changes nothing and answers 200.',
      response: { 200: z.object({ object: z.literal('list'), data: z.array(runWire), created: z.boolean() }), 201: z.object({ object: z.literal('list'), data: z.array(runWire), created: z.boolean() }), ...errors },
    },
  }, async (request, reply) => {
    const type = request.headers['content-type'] ?? '';
    if (typeof request.body !== 'string' || !/^(application|text)\/xml\s*(;|$)/i.test(type)) {
      throw new DomainError('unsupported_media_type', { message: 'Send the statement as XML with Content-Type application/xml.' });
    }
    const me = principalOf(request, 'staff');
    const result = await service().reconcileXml(request.body, { source: 'api', actor: { kind: 'staff', staffId: me.staffId }, requestId: request.id });
    const created = result.statements.some((s) => s.created);
    return reply.code(created ? 201 : 200).send({ object: 'list' as const, data: result.statements.map((s) => runOut(s.run)), created });
  });

  app.get('/v1/admin/finance-tasks', {
    onRequest: staffWith('reconciliation:read'),
    schema: {
      tags,
      security,
      summary: 'Tasks reconciliation opened for finance, newest first',
      querystring: z.object({
        status: z.string().refine((v) => v === 'open' || v === 'resolved', coded('invalid_task_filter')).transform((v) => v as 'open' | 'resolved').optional(),
        kind: z.string().refine((v) => (FINANCE_TASK_KINDS as readonly string[]).includes(v), coded('invalid_task_filter')).transform((v) => v as (typeof FINANCE_TASK_KINDS)[number]).optional(),
        limit: limitText(100, 'invalid_task_filter').optional(),
        starting_after: z.string().max(64).optional(),
      }).strict(),
      response: { 200: z.object({ object: z.literal('list'), data: z.array(taskWire), has_more: z.boolean() }), ...errors },
    },
  }, async (request) => {
    const { status, kind, limit, starting_after: startingAfter } = request.query;
    const page = await service().listTasks({ status, kind, limit: limit ?? 20, startingAfter });
    return { object: 'list' as const, data: page.data.map(taskOut), has_more: page.hasMore };
  });

  app.post('/v1/admin/finance-tasks/:id/resolve', {
    onRequest: staffWith('reconciliation:run'),
    schema: {
      tags,
      security,
      summary: 'Resolve a finance task, saying what was done (audited)',
      params: z.object({ id: taskIdField }).strict(),
      body: z.object({ resolution: resolutionField }).strict(),
      response: { 200: taskWire, ...errors },
    },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    return taskOut(await service().resolveTask(request.params.id, me.staffId, request.body.resolution.trim(), request.id));
  });
};
