// The cash-out API: quotes, cash-outs (confirm, cancel, list, receipts) and the person's payout
// destinations and auto-sweep rule. Routes authenticate in onRequest, so a caller without a
// session gets 401 before its body is read.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../api/app.ts';
import { principalOf, requireAuth } from '../api/auth.ts';
import { requestLang } from '../api/errors.ts';
import { moneyWireSchema, parseAmount, type MoneyWire } from '../money/index.ts';
import { DomainError, type Lang } from '../shared/errors.ts';
import { autoSweepOut, autoSweepWire, cashoutOut, cashoutWire, destinationOut, destinationWire, quoteOut, quoteWire, receiptWire } from './wire.ts';
import type { CashoutService } from './service.ts';
import './errors.ts';

const tags = ['cash-out'];
const security = [{ session: [] }];
const coded = (code: string) => ({ params: { code }, message: '' });

const pinField = z.string().refine((v) => /^\d{6}$/.test(v), coded('invalid_pin_format')).meta({ description: 'Six digits' });
const otpProof = z
  .object({
    challenge_id: z.string().min(1).max(64),
    code: z.string().refine((v) => /^\d{6}$/.test(v), coded('invalid_otp_format')),
  })
  .strict()
  .meta({ description: 'The step-up code: challenge_id from the otp_required error, and the code from the SMS' });
const channelField = z.string().refine((v) => v === 'bank' || v === 'wallet', coded('channel_not_available')).pipe(z.enum(['bank', 'wallet']));
const QUOTE_CHANNELS = ['bank', 'wallet', 'agent', 'atm'] as const;
const quoteChannelField = z.string().refine((v) => (QUOTE_CHANNELS as readonly string[]).includes(v), coded('channel_not_available')).pipe(z.enum(QUOTE_CHANNELS));
const idParams = z.object({ id: z.string().min(1).max(64) }).strict();
const moneyField = (name: string) =>
  z.unknown().superRefine((value, ctx) => {
    if (value === undefined) ctx.addIssue({ code: 'custom', message: `"${name}" is required.`, params: { code: 'missing_field' } });
    else if (!moneyWireSchema.safeParse(value).success) ctx.addIssue({ code: 'custom', message: 'an amount is { "amount": "12.3456", "currency": "KRW" }', params: { code: 'invalid_amount' } });
  }).meta({ description: '{ "amount": "12.3456", "currency": "KRW" }' });
const amountField = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === undefined) ctx.addIssue({ code: 'custom', message: '"amount" is required.', params: { code: 'missing_field' } });
    else if (value !== 'all' && !moneyWireSchema.safeParse(value).success) {
      ctx.addIssue({ code: 'custom', message: 'an amount is { "amount": "12.3456", "currency": "KRW" } or "all"', params: { code: 'invalid_amount' } });
    }
  })
  .meta({ description: '{ "amount": "12.3456", "currency": "KRW" }, or "all" for the whole cashable balance' });
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** The language of what the person reads: Accept-Language when sent, else their account's. */
function langOf(request: FastifyRequest): Lang {
  if (typeof request.headers['accept-language'] === 'string') return requestLang(request);
  const principal = request.principal;
  return principal && principal.kind !== 'partner' ? principal.lang : 'en';
}

function amountOf(wire: MoneyWire, currency: string): ReturnType<typeof parseAmount> {
  if (wire.currency !== currency) throw new DomainError('currency_not_supported', { param: 'amount.currency' });
  return parseAmount(wire.amount, wire.currency);
}

function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined) throw new DomainError('idempotency_key_required');
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) throw new DomainError('invalid_request', { param: 'Idempotency-Key', message: 'The Idempotency-Key must be 1–255 visible ASCII characters.' });
  return key;
}

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    starting_after: z.string().max(64).optional(),
    state: z.string().max(20).optional(),
  })
  .strict();

export const cashoutRoutes: AreaPlugin = async (app, { ctx }) => {
  const r = typed(app);
  const service = (): CashoutService => ctx.services.cashout;
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });
  const currency = async () => (await ctx.services.policy.inForce()).policy.currency;

  r.post('/v1/cashouts/quotes', {
    onRequest: asUser,
    schema: {
      tags, security, summary: 'What will I get? A binding quote: fee, net paid, dust kept, limits left, arrival, expiry',
      body: z
        .object({
          wallet: z.string().min(1).max(64), amount: amountField, channel: quoteChannelField,
          destination: z.string().min(1).max(64).optional().meta({ description: 'A saved destination (bank, wallet); none for the cash channels agent and atm' }),
        })
        .strict(),
      response: { 201: quoteWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const body = request.body;
    const amount = body.amount === 'all' ? 'all' : amountOf(body.amount as MoneyWire, await currency());
    const quote = await service().quote({ userId: me.userId, wallet: body.wallet, amount, channel: body.channel, destination: body.destination, origin: 'user', deviceId: me.deviceId ?? null });
    return reply.code(201).send(quoteOut(quote));
  });

  r.post('/v1/cashouts', {
    onRequest: asUser,
    schema: {
      tags, security, summary: 'Confirm a quote with the PIN (and a code when the policy asks): reserve, screen, submit',
      headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
      body: z.object({ quote: z.string().min(1).max(64), pin: pinField, otp: otpProof.optional() }).strict(),
      response: { 200: cashoutWire, 201: cashoutWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const key = idempotencyKeyOf(request);
    const { quote, pin, otp } = request.body;
    const lang = langOf(request);
    const view = await service().confirm(
      { userId: me.userId, quote, pin, otp: otp ? { challengeId: otp.challenge_id, code: otp.code } : null, deviceId: me.deviceId ?? null, idempotencyKey: key, origin: 'user' },
      lang,
    );
    const wire = cashoutOut(view.row, view.display, lang, view.events);
    if (view.pickup) wire.withdrawal_code = { code: view.pickup.code, expires_at: view.pickup.expiresAt.toISOString() };
    return reply.code(view.replayed ? 200 : 201).send(wire);
  });

  r.get('/v1/cashouts', {
    onRequest: asUser,
    schema: { tags, security, summary: 'My cash-outs, newest first', querystring: listQuery, response: { 200: z.object({ object: z.literal('list'), data: z.array(cashoutWire), has_more: z.boolean() }) } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const lang = langOf(request);
    const page = await service().list(me.userId, lang, { limit: request.query.limit, startingAfter: request.query.starting_after, state: request.query.state });
    return { object: 'list' as const, data: page.data.map((v) => cashoutOut(v.row, v.display, lang)), has_more: page.hasMore };
  });

  r.get('/v1/cashouts/:id', {
    onRequest: asUser,
    schema: { tags, security, summary: 'One cash-out with every state it went through', params: idParams, response: { 200: cashoutWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const lang = langOf(request);
    const view = await service().get(me.userId, request.params.id, lang);
    return cashoutOut(view.row, view.display, lang, view.events);
  });

  r.post('/v1/cashouts/:id/cancel', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Cancel until the payout is handed to the bank or wallet; the money is back at once', params: idParams, response: { 200: cashoutWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const lang = langOf(request);
    const view = await service().cancel(me.userId, request.params.id, lang);
    return cashoutOut(view.row, view.display, lang);
  });

  r.get('/v1/cashouts/:id/receipt', {
    onRequest: asUser,
    schema: { tags, security, summary: 'The receipt of a paid cash-out', params: idParams, response: { 200: receiptWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return service().receipt(me.userId, request.params.id, langOf(request));
  });

  r.get('/v1/cashouts/:id/receipt.pdf', {
    onRequest: asUser,
    schema: { tags, security, summary: 'The receipt as a PDF (ko or en)', params: idParams, querystring: z.object({ lang: z.enum(['ko', 'en']).optional() }).strict() },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const rendered = await service().receiptPdf(me.userId, request.params.id, request.query.lang ?? langOf(request));
    return reply
      .type('application/pdf')
      .header('content-language', rendered.lang)
      .header('content-disposition', `inline; filename="${rendered.receipt.receipt_number}.pdf"`)
      .send(rendered.pdf);
  });

  const destinationBody = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('bank'), bank_code: z.string().max(8), account_number: z.string().max(32), label: z.string().max(100).optional(), otp: otpProof.optional() }).strict(),
    z.object({ kind: z.literal('wallet'), provider: z.string().max(64), account: z.string().max(128), label: z.string().max(100).optional(), otp: otpProof.optional() }).strict(),
  ]);

  r.post('/v1/me/destinations', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Save a payout destination (a verified bank account or a partner wallet); needs a step-up code', body: destinationBody, response: { 201: destinationWire } },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const body = request.body;
    const proof = body.otp ? { challengeId: body.otp.challenge_id, code: body.otp.code } : null;
    const row = await service().addDestination(
      me.userId,
      body.kind === 'bank' ? { kind: 'bank', bankCode: body.bank_code, accountNumber: body.account_number, label: body.label ?? null } : { kind: 'wallet', provider: body.provider, account: body.account, label: body.label ?? null },
      proof,
    );
    return reply.code(201).send(destinationOut(row, langOf(request)));
  });

  r.get('/v1/me/destinations', {
    onRequest: asUser,
    schema: { tags, security, summary: 'My payout destinations (masked)', response: { 200: z.object({ object: z.literal('list'), data: z.array(destinationWire), has_more: z.boolean() }) } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const lang = langOf(request);
    return { object: 'list' as const, data: (await service().listDestinations(me.userId)).map((d) => destinationOut(d, lang)), has_more: false };
  });

  r.delete('/v1/me/destinations/:id', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Remove a payout destination (an auto-sweep rule paying to it stops)', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }) } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const removed = await service().deleteDestination(me.userId, request.params.id);
    return { id: removed.id, deleted: true as const };
  });

  const asPayoutStaff = requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission: 'payouts:run' });
  const batchWire = z.object({
    batch: z.string(), channel: z.enum(['bank', 'wallet', 'agent', 'atm']), items: z.number().int(), refused: z.number().int(), execution_date: z.string(),
  });

  r.post('/v1/admin/payouts/run', {
    onRequest: asPayoutStaff,
    schema: {
      tags: ['cash-out: operations'], security, summary: 'Send every waiting payout now, whatever the batch schedule (what `smallchange payouts run` calls)',
      body: z.object({ channel: z.enum(['bank', 'wallet']).default('bank') }).strict().nullish(),
      response: { 200: z.object({ object: z.literal('list'), data: z.array(batchWire), has_more: z.literal(false) }) },
    },
  }, async (request) => {
    const channel = request.body?.channel ?? 'bank';
    const reports = channel === 'bank' ? await service().runBankBatch() : await service().runWalletSubmissions();
    return {
      object: 'list' as const,
      data: reports.map((b) => ({ batch: b.batch, channel: b.channel, items: b.items, refused: b.refused, execution_date: b.executionDate })),
      has_more: false as const,
    };
  });

  r.put('/v1/me/auto-sweep', {
    onRequest: asUser,
    schema: {
      tags, security, summary: 'When my cashable balance reaches the threshold, pay it out (PIN + step-up code to set)',
      body: z.object({ wallet: z.string().max(64).optional(), threshold: moneyField('threshold'), destination: z.string().min(1).max(64), channel: channelField, pin: pinField, otp: otpProof.optional() }).strict(),
      response: { 200: autoSweepWire },
    },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const body = request.body;
    const cur = await currency();
    const rule = await service().setAutoSweep({
      userId: me.userId, wallet: body.wallet ?? null, threshold: amountOf(body.threshold as MoneyWire, cur), destination: body.destination, channel: body.channel, pin: body.pin,
      otp: body.otp ? { challengeId: body.otp.challenge_id, code: body.otp.code } : null,
    });
    return autoSweepOut(rule, cur);
  });

  r.get('/v1/me/auto-sweep', {
    onRequest: asUser,
    schema: { tags, security, summary: 'My auto-sweep rule', response: { 200: autoSweepWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return autoSweepOut(await service().getAutoSweep(me.userId), await currency());
  });

  r.delete('/v1/me/auto-sweep', {
    onRequest: asUser,
    schema: { tags, security, summary: 'Stop auto-sweep', response: { 200: autoSweepWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return autoSweepOut(await service().removeAutoSweep(me.userId), await currency());
  });
};
