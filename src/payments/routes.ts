// The payments API: staff register merchants; users look a merchant up and pay it; a merchant's
// systems (a partner key with the merchant:operate scope) see their payments and refund them.
// Callers authenticate in onRequest, so a refused caller learns nothing from body validation.
// Every POST that moves money takes an Idempotency-Key; the ledger ids derive from it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../api/app.ts';
import { principalOf, requireAuth } from '../api/auth.ts';
import type { AppContext } from '../api/context.ts';
import { completeIdempotencyKey, idempotencyKeyOf, runIdempotent, scopeOf, sendIdempotent, type IdempotencyClaim } from '../api/idempotency.ts';
import { ZERO } from '../money/index.ts';
import { derivedUuid } from '../shared/ids.ts';
import type { PaymentsService } from './service.ts';
import type { MerchantRow } from './tables.ts';
import {
  idParams, issuedVoucherOut, settlementRunOut, settlementRunWire, mandateOut, mandateWire, periodField, issuedVoucherWire, listOf, merchantCodeField, redemptionOut, redemptionWire, voucherOut, voucherWire, merchantOut, merchantPublicOut, merchantPublicWire, merchantWire, moneyField, pageQuery, paymentOut, paymentWire, pinField,
  qrField, refundOut, refundWire, textField,
} from './wire.ts';

declare module '../api/context.ts' {
  interface AppServices {
    payments: PaymentsService;
  }
}

const userSecurity = [{ session: [] }];
const partnerSecurity = [{ apiKey: [] }];
export const idempotencyHeader = z
  .object({ 'idempotency-key': z.string().optional().meta({ description: 'Required: a unique key per intended payment (a UUID); a retry with the same key and body replays the answer' }) })
  .passthrough();

/** The UUID of what an idempotent request creates: retries under one key can only ever collide. */
export function idFor(claim: IdempotencyClaim, route: string): string {
  return derivedUuid(`smallchange:idempotency:${claim.scope}:${route}:${claim.key}`);
}

function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** The merchant the calling partner key acts for (403 when its partner is not a merchant). */
export async function callingMerchant(ctx: AppContext, request: FastifyRequest): Promise<MerchantRow> {
  return ctx.services.payments.merchantOfPartner(principalOf(request, 'partner').partnerId);
}

function registerMerchantAdmin(app: FastifyInstance, ctx: AppContext): void {
  const r = typed(app);
  const asAdmin = requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission: 'merchants:manage' });
  const tags = ['payments: merchants'];
  const security = [{ session: [] }];

  r.post('/v1/merchants', {
    onRequest: asAdmin,
    schema: {
      tags, security, summary: 'Register a merchant: code, name, settlement bank account, and the partner whose merchant:operate keys act for it',
      body: z.object({
        name: textField(60),
        code: merchantCodeField,
        partner: z.string().min(1).max(64).optional().meta({ description: 'A partner id (ptn_…) whose keys get the merchant API' }),
        settlement_account: z.object({ bank_code: z.string().max(8), account_number: z.string().max(40), holder_name: textField(60) }).strict(),
      }).strict(),
      response: { 201: merchantWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    const body = request.body;
    const merchant = await ctx.services.payments.registerMerchant(
      { staffId: me.staffId, requestId: request.id },
      {
        name: body.name,
        code: body.code,
        partnerId: body.partner ?? null,
        settlement: { bankCode: body.settlement_account.bank_code, accountNumber: body.settlement_account.account_number, holderName: body.settlement_account.holder_name },
      },
    );
    return reply.code(201).send(merchantOut(merchant, ZERO));
  });

  r.get('/v1/merchants', {
    onRequest: asAdmin,
    schema: { tags, security, summary: 'Merchants, oldest first', querystring: pageQuery, response: { 200: listOf(merchantWire) } },
  }, async (request) => {
    const page = await ctx.services.payments.merchants({ limit: request.query.limit, startingAfter: request.query.starting_after });
    return { object: 'list' as const, data: page.data.map((m) => merchantOut(m)), has_more: page.has_more };
  });

  r.post('/v1/merchants/settlements', {
    onRequest: requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission: 'payouts:run' }),
    schema: {
      tags, security,
      summary: 'Run today\'s merchant settlement: each receivable (whole won) to bank clearing and a pain.001 to the merchants\' accounts; safe to repeat; needs Idempotency-Key',
      headers: idempotencyHeader,
      body: z.object({}).strict().nullish(),
      response: { 201: settlementRunWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    const key = idempotencyKeyOf(request);
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(me), key, route: 'POST /v1/merchants/settlements', body: {} }, async () => {
      const run = await ctx.services.payments.runSettlement();
      return { status: 201, body: settlementRunOut(run) };
    });
    return sendIdempotent(reply, outcome);
  });

  r.get('/v1/merchants/:id', {
    onRequest: asAdmin,
    schema: { tags, security, summary: 'One merchant, with its unsettled receivable', params: idParams, response: { 200: merchantWire } },
  }, async (request) => {
    const { merchant, balance } = await ctx.services.payments.merchant(request.params.id);
    return merchantOut(merchant, balance);
  });
}

function registerUserPayments(app: FastifyInstance, ctx: AppContext): void {
  const r = typed(app);
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });
  const tags = ['payments: paying'];
  const security = userSecurity;

  r.get('/v1/merchants/lookup', {
    onRequest: asUser,
    schema: {
      tags, security, summary: 'Who a merchant code or scanned QR names (show the shop before paying)',
      querystring: z.object({ code: merchantCodeField.optional(), qr: qrField.optional() }).strict(),
      response: { 200: merchantPublicWire },
    },
  }, async (request) => merchantPublicOut(await ctx.services.payments.lookupMerchant({ code: request.query.code, qr: request.query.qr })));

  r.post('/v1/payments', {
    onRequest: asUser,
    schema: {
      tags, security,
      summary: 'Pay a merchant (its code or scanned QR): spend-only value first, then cashable; PIN above the policy threshold; needs Idempotency-Key',
      headers: idempotencyHeader,
      body: z.object({
        merchant: merchantCodeField.optional(),
        qr: qrField.optional(),
        amount: moneyField(),
        pin: pinField.optional(),
        reference: textField(64).optional().meta({ description: 'The shop\'s order number or a note, shown on the receipt' }),
      }).strict(),
      response: { 201: paymentWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const route = 'POST /v1/payments';
    const key = idempotencyKeyOf(request);
    const body = request.body;
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(me), key, route, body }, async (claim) => {
      const view = await ctx.services.payments.pay(
        me.userId,
        { merchant: body.merchant, qr: body.qr, amount: body.amount, pin: body.pin ?? null, reference: body.reference ?? null },
        { id: idFor(claim, route), beforeCommit: (trx, paid) => completeIdempotencyKey(trx, ctx.clock, claim, { status: 201, body: paymentOut(paid) }) },
      );
      return { status: 201, body: paymentOut(view) };
    });
    return sendIdempotent(reply, outcome);
  });

  r.get('/v1/payments', {
    onRequest: asUser,
    schema: { tags, security, summary: 'My merchant payments, newest first', querystring: pageQuery, response: { 200: listOf(paymentWire) } },
  }, async (request) => {
    const page = await ctx.services.payments.paymentsOfUser(principalOf(request, 'user').userId, { limit: request.query.limit, startingAfter: request.query.starting_after });
    return { object: 'list' as const, data: page.data.map(paymentOut), has_more: page.has_more };
  });

  r.get('/v1/payments/:id', {
    onRequest: asUser,
    schema: { tags, security, summary: 'One of my payments: the receipt, with its refunds', params: idParams, response: { 200: paymentWire } },
  }, async (request) => paymentOut(await ctx.services.payments.payment(principalOf(request, 'user').userId, request.params.id)));
}

function registerMerchantApi(app: FastifyInstance, ctx: AppContext): void {
  const r = typed(app);
  const asMerchant = requireAuth(() => ctx.authenticator, { kinds: ['partner'], permission: 'merchant:operate' });
  const tags = ['payments: merchant API'];
  const security = partnerSecurity;

  r.get('/v1/merchant', {
    onRequest: asMerchant,
    schema: { tags, security, summary: 'The merchant this key acts for, with its unsettled receivable', response: { 200: merchantWire } },
  }, async (request) => {
    const merchant = await callingMerchant(ctx, request);
    return merchantOut(merchant, await ctx.services.payments.receivableBalance(merchant));
  });

  r.get('/v1/merchant/payments', {
    onRequest: asMerchant,
    schema: { tags, security, summary: 'Payments received, newest first', querystring: pageQuery, response: { 200: listOf(paymentWire) } },
  }, async (request) => {
    const merchant = await callingMerchant(ctx, request);
    const page = await ctx.services.payments.paymentsOfMerchant(merchant, { limit: request.query.limit, startingAfter: request.query.starting_after });
    return { object: 'list' as const, data: page.data.map(paymentOut), has_more: page.has_more };
  });

  r.get('/v1/merchant/payments/:id', {
    onRequest: asMerchant,
    schema: { tags, security, summary: 'One payment received, with its refunds', params: idParams, response: { 200: paymentWire } },
  }, async (request) => paymentOut(await ctx.services.payments.merchantPayment(await callingMerchant(ctx, request), request.params.id)));

  r.post('/v1/merchant/payments/:id/refunds', {
    onRequest: asMerchant,
    schema: {
      tags, security,
      summary: 'Refund a payment in full or in part, back to the classes it came from (never above what is left); needs Idempotency-Key',
      headers: idempotencyHeader,
      params: idParams,
      body: z.object({ amount: moneyField(), reason: textField(140).optional() }).strict(),
      response: { 201: refundWire },
    },
  }, async (request, reply) => {
    const principal = principalOf(request, 'partner');
    const merchant = await callingMerchant(ctx, request);
    const route = 'POST /v1/merchant/payments/:id/refunds';
    const key = idempotencyKeyOf(request);
    const body = request.body;
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(principal), key, route, body: { ...body, payment: request.params.id } }, async (claim) => {
      const view = await ctx.services.payments.refund(merchant, request.params.id, { amount: body.amount, reason: body.reason ?? null }, {
        id: idFor(claim, route),
        beforeCommit: (trx, refunded) => completeIdempotencyKey(trx, ctx.clock, claim, { status: 201, body: refundOut(refunded) }),
      });
      return { status: 201, body: refundOut(view) };
    });
    return sendIdempotent(reply, outcome);
  });
}

function registerVoucherRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = typed(app);
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });
  const asMerchant = requireAuth(() => ctx.authenticator, { kinds: ['partner'], permission: 'merchant:operate' });
  const tags = ['payments: vouchers'];

  r.post('/v1/vouchers', {
    onRequest: asUser,
    schema: {
      tags, security: userSecurity,
      summary: 'Buy a gift voucher from my wallet with my PIN (spend-only value first): the code and PIN are shown once; needs Idempotency-Key',
      headers: idempotencyHeader,
      body: z.object({
        amount: moneyField(),
        merchants: z.array(merchantCodeField).max(50).meta({ description: 'The merchant codes it may be used at (1–20)' }),
        pin: pinField,
      }).strict(),
      response: { 201: issuedVoucherWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const route = 'POST /v1/vouchers';
    const key = idempotencyKeyOf(request);
    const body = request.body;
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(me), key, route, body }, async (claim) => {
      const issued = await ctx.services.payments.buyVoucher(me.userId, { amount: body.amount, merchants: body.merchants, pin: body.pin }, {
        id: idFor(claim, route),
        // The stored answer leaves `code` and `pin` out (secret fields): a replay never shows them.
        beforeCommit: (trx, v) => completeIdempotencyKey(trx, ctx.clock, claim, { status: 201, body: issuedVoucherOut(v) }),
      });
      return { status: 201, body: issuedVoucherOut(issued) };
    });
    return sendIdempotent(reply, outcome);
  });

  r.get('/v1/vouchers', {
    onRequest: asUser,
    schema: { tags, security: userSecurity, summary: 'Vouchers I bought, newest first', querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(), response: { 200: listOf(voucherWire) } },
  }, async (request) => {
    const data = await ctx.services.payments.vouchers(principalOf(request, 'user').userId, request.query.limit);
    return { object: 'list' as const, data: data.map(voucherOut), has_more: false };
  });

  r.get('/v1/vouchers/:id', {
    onRequest: asUser,
    schema: { tags, security: userSecurity, summary: 'One voucher I bought, with its redemptions', params: idParams, response: { 200: voucherWire } },
  }, async (request) => voucherOut(await ctx.services.payments.voucher(principalOf(request, 'user').userId, request.params.id)));

  r.post('/v1/vouchers/:id/send', {
    onRequest: asUser,
    schema: {
      tags, security: userSecurity,
      summary: 'Give the voucher to a phone number: a fresh code and PIN go there by SMS and the ones I saw stop working (once)',
      params: idParams,
      body: z.object({ to: z.string().max(32).meta({ description: 'The recipient\'s mobile number', example: '010-1234-5678' }) }).strict(),
      response: { 200: voucherWire },
    },
  }, async (request) => voucherOut(await ctx.services.payments.sendVoucher(principalOf(request, 'user').userId, request.params.id, request.body.to)));

  r.post('/v1/merchant/vouchers/redemptions', {
    onRequest: asMerchant,
    schema: {
      tags, security: partnerSecurity,
      summary: 'Redeem a voucher in part or in full: its value pays this merchant (never cash); needs Idempotency-Key',
      headers: idempotencyHeader,
      body: z.object({
        code: z.string().max(40).meta({ description: 'The 16-digit voucher code (dashes and spaces ignored)' }),
        pin: pinField,
        amount: moneyField(),
      }).strict(),
      response: { 201: redemptionWire },
    },
  }, async (request, reply) => {
    const principal = principalOf(request, 'partner');
    const merchant = await callingMerchant(ctx, request);
    const route = 'POST /v1/merchant/vouchers/redemptions';
    const key = idempotencyKeyOf(request);
    const body = request.body;
    // The code and PIN are secret fields (left out of the hash); the code's keyed fingerprint stands in for it.
    const hashed = { ...body, voucher: ctx.services.payments.voucherFingerprint(body.code) };
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(principal), key, route, body: hashed }, async (claim) => {
      const view = await ctx.services.payments.redeemVoucher(merchant, { code: body.code, pin: body.pin, amount: body.amount }, {
        id: idFor(claim, route),
        beforeCommit: (trx, redeemed) => completeIdempotencyKey(trx, ctx.clock, claim, { status: 201, body: redemptionOut(redeemed) }),
      });
      return { status: 201, body: redemptionOut(view) };
    });
    return sendIdempotent(reply, outcome);
  });
}

function registerSubscriptionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = typed(app);
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });
  const asMerchant = requireAuth(() => ctx.authenticator, { kinds: ['partner'], permission: 'merchant:operate' });
  const tags = ['payments: subscriptions'];
  const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict();

  r.post('/v1/merchant/subscriptions', {
    onRequest: asMerchant,
    schema: {
      tags, security: partnerSecurity,
      summary: 'Ask a phone number\'s owner for a recurring payment (daily, weekly or monthly amount); they authorise it once with their PIN',
      body: z.object({
        phone: z.string().max(32).meta({ example: '010-1234-5678' }),
        amount: moneyField(),
        period: periodField,
        description: textField(80).meta({ description: 'What the person pays for, shown to them' }),
      }).strict(),
      response: { 201: mandateWire },
    },
  }, async (request, reply) => {
    const merchant = await callingMerchant(ctx, request);
    const body = request.body;
    return reply.code(201).send(mandateOut(await ctx.services.payments.requestMandate(merchant, { phone: body.phone, amount: body.amount, period: body.period, description: body.description })));
  });

  r.get('/v1/merchant/subscriptions', {
    onRequest: asMerchant,
    schema: { tags, security: partnerSecurity, summary: 'Subscriptions this merchant asked for, newest first', querystring: limitQuery, response: { 200: listOf(mandateWire) } },
  }, async (request) => {
    const data = await ctx.services.payments.mandatesOfMerchant(await callingMerchant(ctx, request), request.query.limit);
    return { object: 'list' as const, data: data.map(mandateOut), has_more: false };
  });

  r.get('/v1/me/subscriptions', {
    onRequest: asUser,
    schema: { tags, security: userSecurity, summary: 'My subscriptions (asked for, active and cancelled), newest first, with their charges', querystring: limitQuery, response: { 200: listOf(mandateWire) } },
  }, async (request) => {
    const data = await ctx.services.payments.mandatesOfUser(principalOf(request, 'user').userId, request.query.limit);
    return { object: 'list' as const, data: data.map(mandateOut), has_more: false };
  });

  r.post('/v1/me/subscriptions/:id/authorize', {
    onRequest: asUser,
    schema: { tags, security: userSecurity, summary: 'Authorise a subscription once with my PIN: the first charge is due at once', params: idParams, body: z.object({ pin: pinField }).strict(), response: { 200: mandateWire } },
  }, async (request) => mandateOut(await ctx.services.payments.authorizeMandate(principalOf(request, 'user').userId, request.params.id, request.body.pin)));

  r.post('/v1/me/subscriptions/:id/cancel', {
    onRequest: asUser,
    schema: { tags, security: userSecurity, summary: 'Cancel a subscription, effective at once: no further charge', params: idParams, body: z.object({}).strict().nullish(), response: { 200: mandateWire } },
  }, async (request) => mandateOut(await ctx.services.payments.cancelMandate(principalOf(request, 'user').userId, request.params.id)));
}

/** Register with buildApp's areas; needs ctx.services.payments and the identity authenticator. */
export const paymentRoutes: AreaPlugin = async (app, { ctx }) => {
  registerMerchantAdmin(app, ctx);
  registerUserPayments(app, ctx);
  registerMerchantApi(app, ctx);
  registerVoucherRoutes(app, ctx);
  registerSubscriptionRoutes(app, ctx);
};
