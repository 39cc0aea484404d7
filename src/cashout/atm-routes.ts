// The ATM network's way in (cardless withdrawals): authorize → complete | reverse. The caller is a
// partner with scope atm:operate, and every body is signed (Standard Webhooks headers over the
// exact bytes, secrets in ATM_SIGNING_SECRETS): this plugin reads JSON as text, checks the
// signature, and only then parses it for the schema.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../api/app.ts';
import { principalOf, requireAuth } from '../api/auth.ts';
import { runIdempotent, scopeOf, sendIdempotent } from '../api/idempotency.ts';
import { moneyWireSchema, parseAmount, toWire, type MoneyWire } from '../money/index.ts';
import { verifyWebhook } from '../rails/index.ts';
import { DomainError } from '../shared/errors.ts';
import { uuidToId } from '../shared/ids.ts';
import './errors.ts';

export const ATM_BODY_BYTES_MAX = 16 * 1024;
const coded = (code: string) => ({ params: { code }, message: '' });
const tags = ['cash-out: ATM network'];
const security = [{ apiKey: [] }];
const withdrawalField = z.string().min(1).max(64).meta({ description: 'The withdrawal id from authorize (cot_…)' });
const resultWire = z.object({
  object: z.literal('atm_withdrawal'),
  withdrawal: z.string(),
  state: z.string(),
  amount: moneyWireSchema,
  receipt_number: z.string().nullable(),
});

export const atmRoutes: AreaPlugin = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: ATM_BODY_BYTES_MAX }, (_request, body, done) => done(null, body));
  const asNetwork = requireAuth(() => ctx.authenticator, { kinds: ['partner'], permission: 'atm:operate' });
  const cashout = () => ctx.services.cashout;
  // The signed message id is the request's idempotency key: a network retrying the same message
  // (a lost answer) gets the stored answer, never a second effect.
  const messageIds = new WeakMap<FastifyRequest, string>();
  const once = async (request: FastifyRequest, reply: FastifyReply, route: string, work: () => Promise<unknown>) => {
    const me = principalOf(request, 'partner');
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(me), key: messageIds.get(request)!, route, body: request.body }, async () => ({ status: 200, body: await work() }));
    return sendIdempotent(reply, outcome);
  };

  /** The signature over the raw body, then the body as JSON for the schema. */
  const verified = async (request: FastifyRequest) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const check = verifyWebhook(ctx.config.ATM_SIGNING_SECRETS, request.headers, raw, ctx.clock.now());
    if (!check.ok) throw new DomainError('atm_signature_invalid', { data: { reason: check.code } });
    messageIds.set(request, check.messageId);
    try {
      request.body = JSON.parse(raw);
    } catch {
      throw new DomainError('invalid_json');
    }
  };

  app.post('/v1/atm/authorize', {
    onRequest: asNetwork,
    preValidation: verified,
    schema: {
      tags, security, summary: 'May this ATM dispense? The withdrawal code, the person\'s PIN and the amount (exactly the code\'s)',
      body: z.object({
        code: z.string().refine((v) => /^\d{8}$/.test(v), coded('withdrawal_code_invalid')),
        pin: z.string().refine((v) => /^\d{6}$/.test(v), coded('invalid_pin_format')),
        amount: z.unknown().refine((v) => moneyWireSchema.safeParse(v).success, coded('invalid_amount')),
        atm_reference: z.string().min(1).max(64),
      }).strict(),
      response: { 200: resultWire.extend({ expires_at: z.string() }) },
    },
  }, async (request, reply) => once(request, reply, 'POST /v1/atm/authorize', async () => {
    const me = principalOf(request, 'partner');
    const wire = request.body.amount as MoneyWire;
    const { currency } = (await ctx.services.policy.inForce()).policy;
    if (wire.currency !== currency) throw new DomainError('currency_not_supported', { param: 'amount.currency' });
    const { cashout: row, pickup } = await cashout().authorizeAtm({
      partnerId: me.partnerId, code: request.body.code, pin: request.body.pin, amount: parseAmount(wire.amount, wire.currency), atmReference: request.body.atm_reference,
    });
    return {
      object: 'atm_withdrawal' as const, withdrawal: uuidToId(row.id, 'cot'), state: 'authorized', amount: toWire({ amount: row.payout, currency: row.currency }),
      receipt_number: null, expires_at: pickup.expires_at.toISOString(),
    };
  }));

  app.post('/v1/atm/complete', {
    onRequest: asNetwork,
    preValidation: verified,
    schema: { tags, security, summary: 'The cash was dispensed: the withdrawal settles to the ATM network\'s settlement account', body: z.object({ withdrawal: withdrawalField }).strict(), response: { 200: resultWire } },
  }, async (request, reply) => once(request, reply, 'POST /v1/atm/complete', async () => {
    const me = principalOf(request, 'partner');
    const row = await cashout().completeAtm({ partnerId: me.partnerId, withdrawal: request.body.withdrawal });
    return { object: 'atm_withdrawal' as const, withdrawal: uuidToId(row.id, 'cot'), state: row.state, amount: toWire({ amount: row.payout, currency: row.currency }), receipt_number: row.receipt_number };
  }));

  app.post('/v1/atm/reverse', {
    onRequest: asNetwork,
    preValidation: verified,
    schema: {
      tags, security, summary: 'The ATM could not dispense: the money goes back to the person (before or after complete)',
      body: z.object({ withdrawal: withdrawalField, reason: z.string().min(1).max(100) }).strict(), response: { 200: resultWire },
    },
  }, async (request, reply) => once(request, reply, 'POST /v1/atm/reverse', async () => {
    const me = principalOf(request, 'partner');
    const row = await cashout().reverseAtm({ partnerId: me.partnerId, withdrawal: request.body.withdrawal, reason: request.body.reason });
    return { object: 'atm_withdrawal' as const, withdrawal: uuidToId(row.id, 'cot'), state: row.state, amount: toWire({ amount: row.payout, currency: row.currency }), receipt_number: row.receipt_number };
  }));
};
