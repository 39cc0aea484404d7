// The credits area's HTTP face: partners credit (one, a batch, a stream), read a credit's status,
// reverse or cancel it, and read their prefunded balance; finance staff record prefunding.
// Callers are authenticated in onRequest, so a caller without the right key or role learns
// nothing about the body it sent (and a stream is refused before a byte of it is read).
import { Readable } from 'node:stream';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../../api/app.ts';
import { principalOf, requireAuth } from '../../api/auth.ts';
import { requestLang } from '../../api/errors.ts';
import type { CurrencyCode } from '../../money/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { idToUuid } from '../../shared/ids.ts';
import { BATCH_ITEMS_MAX, coded, creditAmountField, creditBatchSchema, creditItemSchema, partnerReferenceField } from './fields.ts';
import { BANK_REFERENCE } from './prefunding.ts';
import { toCreditRequest } from './request.ts';
import { sourceRule } from './plan.ts';
import { processCreditStream } from './stream.ts';
import { balanceOut, balanceWire, creditOut, creditWire, itemOut, itemResultWire, prefundingOut, prefundingWire } from './wire.ts';

/** Requests per minute per API key on the credit routes: partners send many small ones. */
export const CREDIT_REQUESTS_PER_MINUTE_MAX = 1_200_000;
/** 10,000 items of a few hundred bytes each, with room to spare. */
export const BATCH_BODY_BYTES_MAX = 8 * 1024 * 1024;
const NDJSON = 'application/x-ndjson';

const partnerSecurity = [{ apiKey: [] }];
const referenceParams = z.object({ reference: partnerReferenceField }).strict();
const noQuery = z.object({}).strict();

export function createCreditRoutes(): AreaPlugin {
  return async (fastify, { ctx }) => {
    const r = fastify.withTypeProvider<ZodTypeProvider>();
    const credits = () => ctx.services.credits;
    const currency: CurrencyCode = (await ctx.services.policy.inForce()).policy.currency;
    const partner = (permission: string) => requireAuth(() => ctx.authenticator, { kinds: ['partner'], permission });
    const limited = { rateLimit: { max: CREDIT_REQUESTS_PER_MINUTE_MAX, timeWindow: 60_000 } };
    const tags = ['credits'];

    // The stream's body is handed over unread: it is consumed line by line by the handler.
    fastify.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));
    // Every other body here is JSON: a form or plain text is the wrong media type, not a wrong field.
    fastify.addHook('preValidation', async (request) => {
      const type = request.headers['content-type'];
      if (request.method !== 'POST' || type === undefined || request.url.split('?')[0] === '/v1/credits/stream') return;
      if (!/^application\/json\s*(;|$)/i.test(type)) throw new DomainError('unsupported_media_type', { message: 'Send JSON (Content-Type: application/json).' });
    });

    r.post('/v1/credits', {
      onRequest: partner('credits:write'),
      config: limited,
      schema: {
        tags,
        security: partnerSecurity,
        summary: 'Credit one person (idempotent on partner_reference)',
        body: creditItemSchema(currency),
        response: { 201: creditWire },
      },
    }, async (request, reply) => {
      const me = principalOf(request, 'partner');
      const result = await credits().ingestOne(me.partnerId, toCreditRequest(request.body, currency));
      if (!result.ok) throw new DomainError(result.error.code, { ...(result.error.param ? { param: result.error.param } : {}) });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(creditOut(result.view));
    });

    r.post('/v1/credits/batch', {
      onRequest: partner('credits:write'),
      bodyLimit: BATCH_BODY_BYTES_MAX,
      config: limited,
      schema: {
        tags,
        security: partnerSecurity,
        summary: `Credit up to ${BATCH_ITEMS_MAX.toLocaleString('en-US')} people in one request; one result per item`,
        description: 'A malformed item refuses the whole batch (400, nothing written, `param` names the item). Items that are well formed each get their own result: a refused item (e.g. insufficient_partner_funds) is refused alone.',
        body: creditBatchSchema(currency),
        response: { 200: z.object({ object: z.literal('credit_batch'), results: z.array(itemResultWire) }) },
      },
    }, async (request) => {
      const me = principalOf(request, 'partner');
      const items = request.body.items;
      // A source the policy does not know is a malformed request, like a bad amount: the whole
      // batch is refused and nothing is written (a refusal that depends on state is per item).
      const policy = (await ctx.services.policy.inForce()).policy;
      const unknown = items.findIndex((item) => !sourceRule(policy, item.source));
      if (unknown >= 0) throw new DomainError('unknown_source', { param: `items.${unknown}.source` });
      const results = await credits().ingest(me.partnerId, items.map((item) => toCreditRequest(item, currency)));
      const lang = requestLang(request);
      return { object: 'credit_batch' as const, results: results.map((result, index) => itemOut({ index }, items[index]!.partner_reference, result, lang)) };
    });

    r.post('/v1/credits/stream', {
      onRequest: partner('credits:write'),
      config: limited,
      schema: {
        tags,
        security: partnerSecurity,
        summary: 'Credit any number of people: NDJSON in (one credit per line), NDJSON results out as they complete',
        description: `Send Content-Type: ${NDJSON}. Each line is a credit as for POST /v1/credits; each answer line carries the line number. A bad line fails alone. The last line is a summary.`,
      },
    }, async (request, reply) => {
      const me = principalOf(request, 'partner');
      const type = request.headers['content-type'] ?? '';
      if (!type.toLowerCase().startsWith(NDJSON)) throw new DomainError('unsupported_media_type', { message: `Send the credits as ${NDJSON}.` });
      const body = request.body as AsyncIterable<Buffer>;
      const lines = processCreditStream(credits(), me.partnerId, currency, body, requestLang(request));
      reply.type(`${NDJSON}; charset=utf-8`);
      return reply.send(Readable.from(lines, { objectMode: false, highWaterMark: 64 * 1024 }));
    });

    r.get('/v1/credits/:reference', {
      onRequest: partner('credits:read'),
      config: limited,
      schema: { tags, security: partnerSecurity, summary: 'A credit and its status', params: referenceParams, querystring: noQuery, response: { 200: creditWire } },
    }, async (request) => {
      const me = principalOf(request, 'partner');
      return creditOut(await credits().getCredit(me.partnerId, request.params.reference));
    });

    r.post('/v1/credits/:reference/reversal', {
      onRequest: partner('credits:write'),
      config: limited,
      schema: {
        tags,
        security: partnerSecurity,
        summary: 'Take a credit back (within the policy window), from what is still in the wallet; reports any shortfall',
        params: referenceParams,
        body: z
          .object({
            amount: creditAmountField(currency).optional().meta({ description: 'Omit to reverse the whole credit' }),
            reason: z.string().refine((v) => v.trim().length >= 3 && v.length <= 500, coded('invalid_reason')).optional(),
          })
          .strict()
          .nullish(),
        response: { 200: creditWire },
      },
    }, async (request, reply) => {
      const me = principalOf(request, 'partner');
      const body = request.body ?? {};
      const outcome = await credits().reverse(me.partnerId, request.params.reference, {
        ...(body.amount !== undefined ? { amount: body.amount } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      });
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return creditOut(outcome.view);
    });

    r.post('/v1/credits/:reference/cancel', {
      onRequest: partner('credits:write'),
      config: limited,
      schema: {
        tags,
        security: partnerSecurity,
        summary: 'Cancel a credit still in clearance (the reserved value returns to your balance)',
        params: referenceParams,
        body: z.object({}).strict().nullish(),
        response: { 200: creditWire },
      },
    }, async (request) => {
      const me = principalOf(request, 'partner');
      return creditOut(await credits().cancel(me.partnerId, request.params.reference));
    });

    r.get('/v1/partner/balance', {
      onRequest: partner('credits:read'),
      config: limited,
      schema: { tags, security: partnerSecurity, summary: 'Your prefunded balance', querystring: noQuery, response: { 200: balanceWire } },
    }, async (request) => {
      const me = principalOf(request, 'partner');
      return balanceOut(me.partnerId, await credits().partnerBalance(me.partnerId));
    });

    r.post('/v1/admin/partners/:partner/prefunding', {
      onRequest: requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission: 'prefunding:record' }),
      schema: {
        tags: ['admin: partners'],
        security: [{ session: [] }],
        summary: "Record a partner's prefunding deposit (idempotent on bank_reference; audited)",
        params: z.object({ partner: z.string().max(64).refine((v) => idToUuid(v, 'ptn') !== null, coded('partner_not_found')) }).strict(),
        body: z
          .object({
            amount: creditAmountField(currency),
            bank_reference: z.string().refine((v) => BANK_REFERENCE.test(v), coded('invalid_bank_reference')),
          })
          .strict(),
        response: { 201: prefundingWire },
      },
    }, async (request, reply) => {
      const me = principalOf(request, 'staff');
      const outcome = await credits().recordPrefunding(me.staffId, request.params.partner, { amount: request.body.amount, bankReference: request.body.bank_reference }, request.id);
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(prefundingOut(request.params.partner, outcome.transfer, request.body.bank_reference, outcome.balance));
    });
  };
}

export const creditRoutes: AreaPlugin = createCreditRoutes();
