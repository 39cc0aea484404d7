// Partners and their API keys (staff), and the carrier-events push endpoint (carrier partners).
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, requireAuth } from '../../api/auth.ts';
import type { AppContext } from '../../api/context.ts';
import { withTransaction } from '../../db/index.ts';
import { KEY_OVERLAP_HOURS_MAX } from '../partners.ts';
import { normalizePhone } from '../phone.ts';
import { apiKeyWire, carrierField, idParam, idParams, listOf, nameField, pageQuery, partnerWire, phoneField, scopesField } from './fields.ts';
import { identityOf, typed } from './shared.ts';
import { apiKeyOut, partnerOut } from './wire.ts';

const security = [{ session: [] }];
const tags = ['admin: partners'];

export function registerPartnerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = typed(app);
  const identity = () => identityOf(ctx);
  const db = () => ctx.database.db;
  const staffWith = (permission: string) => requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission });
  const keyParams = z.object({ id: idParam, key_id: idParam }).strict();

  r.get('/v1/admin/partners', {
    onRequest: staffWith('partners:read'),
    schema: { tags, security, summary: 'Partners', querystring: z.object(pageQuery).strict(), response: { 200: listOf(partnerWire) } },
  }, async (request) => {
    const page = await identity().listPartners(db(), { limit: request.query.limit, ...(request.query.starting_after ? { startingAfter: request.query.starting_after } : {}) });
    return { object: 'list' as const, data: page.data.map(partnerOut), has_more: page.hasMore };
  });

  r.post('/v1/admin/partners', {
    onRequest: staffWith('partners:manage'),
    schema: { tags, security, summary: 'Create a partner', body: z.object({ name: nameField }).strict(), response: { 201: partnerWire } },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    return reply.code(201).send(partnerOut(await withTransaction(db(), (trx) => identity().createPartner(trx, { staffId: me.staffId }, request.body.name, request.id))));
  });

  r.get('/v1/admin/partners/:id', {
    onRequest: staffWith('partners:read'),
    schema: { tags, security, summary: 'A partner and its API keys (prefixes only)', params: idParams, response: { 200: z.object({ partner: partnerWire, api_keys: z.array(apiKeyWire) }) } },
  }, async (request) => {
    const partner = await identity().getPartner(db(), request.params.id);
    const keys = await identity().listApiKeys(db(), partner.id);
    const now = ctx.clock.now();
    return { partner: partnerOut(partner), api_keys: keys.map((k) => apiKeyOut(k, now)) };
  });

  r.patch('/v1/admin/partners/:id', {
    onRequest: staffWith('partners:manage'),
    schema: { tags, security, summary: 'Rename, disable or re-enable a partner', params: idParams, body: z.object({ name: nameField.optional(), status: z.enum(['active', 'disabled']).optional() }).strict(), response: { 200: partnerWire } },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    return partnerOut(await withTransaction(db(), (trx) => identity().updatePartner(trx, { staffId: me.staffId }, request.params.id, request.body, request.id)));
  });

  const createdKey = z.object({ api_key: apiKeyWire, secret: z.string().meta({ description: 'The full key: shown only in this response' }) });

  r.post('/v1/admin/partners/:id/keys', {
    onRequest: staffWith('partners:manage'),
    schema: { tags, security, summary: 'Create an API key (the secret is shown once)', params: idParams, body: z.object({ scopes: scopesField }).strict(), response: { 201: createdKey } },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    const created = await withTransaction(db(), (trx) => identity().createApiKey(trx, { staffId: me.staffId }, request.params.id, request.body.scopes, request.id));
    return reply.code(201).send({ api_key: apiKeyOut(created.key, ctx.clock.now()), secret: created.secret });
  });

  r.post('/v1/admin/partners/:id/keys/:key_id/rotate', {
    onRequest: staffWith('partners:manage'),
    schema: {
      tags,
      security,
      summary: 'Rotate a key: a new key with the same scopes; the old one works for the overlap',
      params: keyParams,
      body: z.object({ overlap_hours: z.number().int().min(0).max(KEY_OVERLAP_HOURS_MAX).default(24) }).strict(),
      response: { 201: createdKey.extend({ previous: apiKeyWire }) },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    const rotated = await withTransaction(db(), (trx) => identity().rotateApiKey(trx, { staffId: me.staffId }, request.params.id, request.params.key_id, request.body.overlap_hours, request.id));
    const now = ctx.clock.now();
    return reply.code(201).send({ api_key: apiKeyOut(rotated.key, now), secret: rotated.secret, previous: apiKeyOut(rotated.previous, now) });
  });

  r.delete('/v1/admin/partners/:id/keys/:key_id', {
    onRequest: staffWith('partners:manage'),
    schema: { tags, security, summary: 'Revoke a key at once', params: keyParams, response: { 200: apiKeyWire } },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    const key = await withTransaction(db(), (trx) => identity().revokeApiKey(trx, { staffId: me.staffId }, request.params.id, request.params.key_id, request.id));
    return apiKeyOut(key, ctx.clock.now());
  });

  r.post('/v1/carrier/events', {
    onRequest: requireAuth(() => ctx.authenticator, { kinds: ['partner'], permission: 'carrier:events' }),
    schema: {
      tags: ['carriers'],
      security: [{ apiKey: [] }],
      summary: 'A carrier reports a number terminated or reassigned: its old owner is unbound (idempotent on event_id)',
      body: z.object({
        event_id: z.string().min(1).max(128),
        type: z.enum(['number_terminated', 'number_reassigned']),
        phone: phoneField,
        carrier: carrierField.optional(),
        occurred_at: z.iso.datetime({ offset: true }),
      }).strict(),
      response: { 200: z.object({ id: z.string(), object: z.literal('carrier_event'), status: z.enum(['processed', 'duplicate']), unbound_user_id: z.string().nullable() }) },
    },
  }, async (request) => {
    const partner = principalOf(request, 'partner');
    const body = request.body;
    const outcome = await withTransaction(db(), (trx) =>
      identity().ingestCarrierEvent(trx, partner.partnerId, {
        externalId: body.event_id,
        type: body.type,
        phone: normalizePhone(body.phone),
        carrier: body.carrier ?? null,
        occurredAt: new Date(body.occurred_at),
      }),
    );
    return { id: outcome.id, object: 'carrier_event' as const, status: outcome.status, unbound_user_id: outcome.unboundUserId };
  });
}
