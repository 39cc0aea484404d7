// HTTP face of notify: the demo SMS inbox and the webhook delivery log for staff, the staff
// replay, and the partner's own webhook endpoint (URL, on/off, secret rotation).
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AreaPlugin } from '../api/app.ts';
import { principalOf, requireAuth } from '../api/auth.ts';
import { withTransaction } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import './errors.ts';
import { idToUuid, uuidToId } from '../shared/ids.ts';
import { getWebhookEndpoint, putWebhookEndpoint, ROTATION_OVERLAP_HOURS_MAX, type EndpointView } from './endpoints.ts';
import { INBOX_LIMIT_MAX, toInboxMessage } from './inbox.ts';
import { findMessage, listSmsMessages } from './outbox-store.ts';
import { normalisePhone } from './phone.ts';
import { isSensitiveTemplate } from '../outbox/index.ts';
import { deliveryExists, listDeliveries } from './webhook-store.ts';

const statusSchema = z.enum(['pending', 'sending', 'sent', 'failed', 'dead']);
const limitSchema = z.coerce.number().int().min(1).max(INBOX_LIMIT_MAX).default(20);
const iso = (date: Date | null) => (date ? date.toISOString() : null);

const smsQuery = z
  .object({
    to: z.string().min(1).max(40).optional().describe('Phone number (any common format; default region KR)'),
    limit: limitSchema,
    starting_after: z.string().max(64).optional().describe('msg_… id of the last item of the previous page'),
  })
  .strict();

const smsItem = z.object({
  id: z.string(),
  to: z.string(),
  template: z.string(),
  lang: z.enum(['ko', 'en']),
  body: z.string().nullable().describe('The text; null when it holds a one-time code and this is not the demo inbox'),
  body_hidden: z.boolean(),
  status: statusSchema,
  attempts: z.number().int(),
  created_at: z.string(),
  sent_at: z.string().nullable(),
  last_error: z.string().nullable(),
});

const deliveriesQuery = z
  .object({
    partner: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional().describe('Partner id'),
    message: z.string().max(64).optional().describe('msg_… id: the attempts of one message'),
    limit: limitSchema,
    starting_after: z.string().max(64).optional().describe('whd_… id of the last item of the previous page'),
  })
  .strict();

const deliveryItem = z.object({
  id: z.string(),
  message_id: z.string(),
  partner_id: z.string(),
  event_type: z.string(),
  url: z.string().nullable(),
  attempt: z.number().int(),
  attempted_at: z.string(),
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int(),
  outcome: z.enum(['succeeded', 'retrying', 'failed', 'dead']),
  error: z.string().nullable(),
});

const replayParams = z.object({ id: z.string().max(64).describe('msg_… id') }).strict();
const replayResponse = z.object({
  id: z.string(),
  channel: z.enum(['sms', 'webhook']),
  template: z.string(),
  status: statusSchema,
  attempts: z.number().int(),
  next_attempt_at: z.string(),
});

const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  secrets: z.array(
    z.object({ version: z.number().int(), prefix: z.string(), created_at: z.string(), expires_at: z.string().nullable(), active: z.boolean() }),
  ),
  created_at: z.string(),
  updated_at: z.string(),
});

const endpointPut = z
  .object({
    url: z.string().min(1).max(2048).optional().describe('https URL that receives the POSTs'),
    enabled: z.boolean().optional(),
    rotate_secret: z.boolean().optional().describe('Make a new signing secret (shown once in this response)'),
    previous_secret_hours: z
      .number()
      .int()
      .min(0)
      .max(ROTATION_OVERLAP_HOURS_MAX)
      .optional()
      .describe('After a rotation, how long the previous secret still signs (default 24)'),
  })
  .strict();

const endpointPutResponse = endpointSchema.extend({
  secret: z.string().nullable().describe('The new whsec_… secret: shown only in this response, only when one was made'),
});

function endpointBody(view: EndpointView) {
  return {
    id: view.id,
    url: view.url,
    enabled: view.enabled,
    secrets: view.secrets.map((s) => ({ ...s, created_at: s.created_at.toISOString(), expires_at: iso(s.expires_at) })),
    created_at: view.created_at.toISOString(),
    updated_at: view.updated_at.toISOString(),
  };
}

export const notifyRoutes: AreaPlugin = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const staff = (permission: string) => requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission });
  const partner = requireAuth(() => ctx.authenticator, { kinds: ['partner'], permission: 'webhooks:manage' });

  app.get(
    '/v1/admin/sms',
    {
      schema: {
        tags: ['notify'],
        summary: 'The demo SMS inbox: texts sent, newest first',
        security: [{ session: [] }],
        querystring: smsQuery,
        response: { 200: z.object({ object: z.literal('list'), data: z.array(smsItem), has_more: z.boolean() }) },
      },
      preHandler: staff('sms:read'),
    },
    async (request) => {
      const query = request.query;
      const to = query.to === undefined ? undefined : normalisePhone(query.to);
      let startingAfter: string | undefined;
      if (query.starting_after !== undefined) {
        const id = idToUuid(query.starting_after, 'msg');
        const cursor = id ? await findMessage(ctx.database.db, id) : null;
        if (!id || !cursor || cursor.channel !== 'sms') throw new DomainError('invalid_cursor', { param: 'starting_after' });
        startingAfter = id;
      }
      const page = await listSmsMessages(ctx.database.db, { to, limit: query.limit, startingAfter });
      const reveal = ctx.services.notify.settings.revealSensitiveSms;
      const data = page.rows.map((row) => {
        const message = toInboxMessage(row);
        const hidden = !reveal && isSensitiveTemplate(row.template);
        return { ...message, body: hidden ? null : message.body, body_hidden: hidden, created_at: message.created_at.toISOString(), sent_at: iso(message.sent_at) };
      });
      return { object: 'list' as const, data, has_more: page.hasMore };
    },
  );

  app.get(
    '/v1/admin/webhooks/deliveries',
    {
      schema: {
        tags: ['notify'],
        summary: 'Webhook delivery attempts, newest first',
        security: [{ session: [] }],
        querystring: deliveriesQuery,
        response: { 200: z.object({ object: z.literal('list'), data: z.array(deliveryItem), has_more: z.boolean() }) },
      },
      preHandler: staff('partners:manage'),
    },
    async (request) => {
      const query = request.query;
      let messageId: string | undefined;
      if (query.message !== undefined) {
        messageId = idToUuid(query.message, 'msg') ?? undefined;
        if (!messageId) throw new DomainError('invalid_request', { param: 'message', message: 'message must be a msg_… id.' });
      }
      let startingAfter: string | undefined;
      if (query.starting_after !== undefined) {
        const id = idToUuid(query.starting_after, 'whd');
        if (!id || !(await deliveryExists(ctx.database.db, id))) throw new DomainError('invalid_cursor', { param: 'starting_after' });
        startingAfter = id;
      }
      const page = await listDeliveries(ctx.database.db, { partnerId: query.partner, messageId, limit: query.limit, startingAfter });
      const data = page.rows.map((row) => ({
        ...row,
        id: uuidToId(row.id, 'whd'),
        message_id: uuidToId(row.message_id, 'msg'),
        attempted_at: row.attempted_at.toISOString(),
      }));
      return { object: 'list' as const, data, has_more: page.hasMore };
    },
  );

  app.post(
    '/v1/admin/outbox/:id/replay',
    {
      schema: {
        tags: ['notify'],
        summary: 'Queue an outbox message again (fresh retry schedule, same webhook-id)',
        security: [{ session: [] }],
        params: replayParams,
        body: z.object({}).strict().nullish(),
        response: { 200: replayResponse },
      },
      preHandler: staff('partners:manage'),
    },
    async (request) => {
      const actor = principalOf(request, 'staff');
      const row = await ctx.services.notify.replay(request.params.id, actor.staffId);
      request.log.info({ staff_id: actor.staffId, message_id: request.params.id }, 'notify: outbox message replayed');
      return {
        id: uuidToId(row.id, 'msg'),
        channel: row.channel,
        template: row.template,
        status: row.status,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at.toISOString(),
      };
    },
  );

  app.get(
    '/v1/webhook-endpoint',
    {
      schema: {
        tags: ['webhooks'],
        summary: "The partner's webhook endpoint (secrets shown by prefix only)",
        security: [{ apiKey: [] }],
        response: { 200: endpointSchema },
      },
      preHandler: partner,
    },
    async (request) => {
      const { partnerId } = principalOf(request, 'partner');
      const view = await getWebhookEndpoint(ctx.database.db, ctx.clock, partnerId);
      if (!view) throw new DomainError('webhook_endpoint_not_found');
      return endpointBody(view);
    },
  );

  app.put(
    '/v1/webhook-endpoint',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Set the webhook URL, turn it on or off, or rotate the signing secret',
        description:
          'Deliveries follow the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature). ' +
          'The first PUT (with a url) and every rotate_secret make a whsec_… secret, shown once in the response. ' +
          'During the overlap after a rotation each delivery carries one signature per active secret.',
        security: [{ apiKey: [] }],
        body: endpointPut,
        response: { 200: endpointPutResponse },
      },
      preHandler: partner,
    },
    async (request, reply) => {
      const { partnerId } = principalOf(request, 'partner');
      const policy = { allowInsecure: ctx.services.notify.settings.allowInsecureWebhookUrls };
      const result = await withTransaction(ctx.database.db, (trx) => putWebhookEndpoint(trx, ctx.clock, partnerId, request.body, policy));
      reply.header('cache-control', 'no-store');
      return { ...endpointBody(result.endpoint), secret: result.secret };
    },
  );
};
