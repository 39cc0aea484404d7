// Support's HTTP face for staff holding `cases:manage`: the call-back queue, and closing a request
// once called. Listing shows phone numbers to call, so who listed is audited.
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../api/app.ts';
import { principalOf, requireAuth } from '../api/auth.ts';
import { withTransaction } from '../db/index.ts';
import { CALLBACK_TOPICS, type CallbackRequest } from './callbacks.ts';

const iso = z.string().meta({ format: 'date-time' });

const callbackWire = z.object({
  id: z.string(),
  object: z.literal('callback_request'),
  reference: z.string().describe('What the person was told: the last six characters of the id'),
  user_id: z.string(),
  phone: z.string().describe('E.164: the number to call'),
  topic: z.enum(CALLBACK_TOPICS),
  channel: z.enum(['ussd', 'app', 'web']),
  lang: z.enum(['ko', 'en']),
  status: z.enum(['open', 'closed']),
  created_at: iso,
  closed_at: iso.nullable(),
  closed_by: z.string().nullable(),
  outcome: z.string().nullable(),
});

function callbackOut(request: CallbackRequest) {
  return {
    id: request.id,
    object: 'callback_request' as const,
    reference: request.reference,
    user_id: request.userId,
    phone: request.phone,
    topic: request.topic,
    channel: request.channel,
    lang: request.lang,
    status: request.status,
    created_at: request.createdAt.toISOString(),
    closed_at: request.closedAt?.toISOString() ?? null,
    closed_by: request.closedBy,
    outcome: request.outcome,
  };
}

export const supportRoutes: AreaPlugin = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const staff = requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission: 'cases:manage' });
  const tags = ['admin: support'];
  const security = [{ session: [] }];
  const service = () => ctx.services.support;

  app.get('/v1/admin/callback-requests', {
    onRequest: staff,
    schema: {
      tags,
      security,
      summary: 'Call-back requests, oldest first (the queue); open ones by default',
      querystring: z.object({
        status: z.enum(['open', 'closed']).default('open'),
        topic: z.enum(CALLBACK_TOPICS).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        starting_after: z.string().max(64).optional(),
      }).strict(),
      response: { 200: z.object({ object: z.literal('list'), data: z.array(callbackWire), has_more: z.boolean() }) },
    },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    const q = request.query;
    const page = await service().listRequests(ctx.database.db, { status: q.status, limit: q.limit, ...(q.topic ? { topic: q.topic } : {}), ...(q.starting_after ? { startingAfter: q.starting_after } : {}) });
    await ctx.services.identity.recordAudit(ctx.database.db, { actor: { kind: 'staff', id: me.staffId }, action: 'callback_requests.listed', after: { ...q }, requestId: request.id });
    return { object: 'list' as const, data: page.data.map(callbackOut), has_more: page.hasMore };
  });

  app.post('/v1/admin/callback-requests/:id/close', {
    onRequest: staff,
    schema: {
      tags,
      security,
      summary: 'Close a call-back request after calling, saying what came of it',
      params: z.object({ id: z.string().min(1).max(64) }).strict(),
      body: z.object({ outcome: z.string().trim().min(3).max(500) }).strict(),
      response: { 200: callbackWire },
    },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    const closed = await withTransaction(ctx.database.db, (trx) => service().closeRequest(trx, me.staffId, request.params.id, request.body.outcome, request.id));
    return callbackOut(closed);
  });
};
