// The wallets area: a person's wallets and balances, history (JSON and CSV), own limits, sends
// to a person and moves between their own wallets. Only users: staff and partners are refused
// (their views of wallets belong to the console and the credits API). Callers authenticate in
// onRequest, so a refused caller learns nothing from body validation.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../api/app.ts';
import { principalOf, requireAuth } from '../api/auth.ts';
import type { AppContext } from '../api/context.ts';
import { completeIdempotencyKey, idempotencyKeyOf, runIdempotent, scopeOf, sendIdempotent, type IdempotencyClaim } from '../api/idempotency.ts';
import type { LimitKind } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid } from '../shared/ids.ts';
import { historyCsv } from './history-csv.ts';
import { LIMIT_PERIODS } from './limits.ts';
import type { SelfLimitRequest } from './self-limits.ts';
import {
  challengeField, entryOut, entryWire, historyFilterOf, historyQuery, limitChangeOut, limitChangeWire, limitsBody, limitsOut, limitsWire, listOf, moneyField,
  moveOut, moveWire, noteField, otpField, pageQuery, phoneField, pinField, quoteOut, quoteWire, transferOut, transferWire, walletIdField, walletNameField, walletOut,
  walletWire,
} from './wire.ts';

const security = [{ session: [] }];
const walletParams = z.object({ wallet: walletIdField }).strict();
const idempotencyHeader = z
  .object({ 'idempotency-key': z.string().optional().meta({ description: 'Required: a unique key per intended movement (a UUID); a retry with the same key and body replays the answer' }) })
  .passthrough();

/** The ledger transfer id of an idempotent request: retries under one key can only ever collide. */
function transferIdFor(claim: IdempotencyClaim, route: string): string {
  return derivedUuid(`smallchange:idempotency:${claim.scope}:${route}:${claim.key}`);
}

function registerWalletRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });
  const wallets = () => ctx.services.wallets;
  const tags = ['wallets'];

  r.get('/v1/wallets', {
    onRequest: asUser,
    schema: { tags, security, summary: 'My wallets with their balances by class', response: { 200: listOf(walletWire) } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return { object: 'list' as const, data: (await wallets().listWallets(me.userId)).map(walletOut), has_more: false };
  });

  r.post('/v1/wallets', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'Open a named wallet (a pot): cashable value only',
      body: z.object({ name: walletNameField }).strict(),
      response: { 201: walletWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    return reply.code(201).send(walletOut(await wallets().openPot(me.userId, request.body.name)));
  });

  r.post('/v1/wallets/moves', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'Move cashable money between my own wallets (no PIN: it stays mine); needs Idempotency-Key',
      headers: idempotencyHeader,
      body: z.object({ from: walletIdField, to: walletIdField, amount: moneyField() }).strict(),
      response: { 201: moveWire, 200: moveWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const route = 'POST /v1/wallets/moves';
    const key = idempotencyKeyOf(request);
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(me), key, route, body: request.body }, async (claim) => {
      const result = await wallets().move(me.userId, request.body, {
        transferId: transferIdFor(claim, route),
        beforeCommit: (trx, moved) => completeIdempotencyKey(trx, ctx.clock, claim, { status: 201, body: moveOut(moved) }),
      });
      return { status: 201, body: moveOut(result) };
    });
    return sendIdempotent(reply, outcome);
  });

  r.get('/v1/wallets/:wallet', {
    onRequest: asUser,
    schema: { tags, security, summary: 'One of my wallets', params: walletParams, response: { 200: walletWire } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    return walletOut(await wallets().getWallet(me.userId, request.params.wallet));
  });

  r.get('/v1/wallets/:wallet/history', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'Entries of a wallet, newest first (filters: from, to, type, source; cursor: starting_after)',
      params: walletParams,
      querystring: historyQuery,
      response: { 200: listOf(entryWire) },
    },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const { policy } = await ctx.services.policy.inForce();
    const filter = historyFilterOf(request.query, policy);
    const page = await wallets().history(me.userId, request.params.wallet, filter, { limit: request.query.limit, startingAfter: request.query.starting_after ?? null });
    return { object: 'list' as const, data: page.entries.map(entryOut), has_more: page.has_more };
  });

  r.get('/v1/wallets/:wallet/history.csv', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'The same entries as CSV (UTF-8 with BOM, amounts as signed decimal strings), streamed',
      params: walletParams,
      querystring: historyQuery.omit({ limit: true, starting_after: true }),
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const { policy } = await ctx.services.policy.inForce();
    const filter = historyFilterOf(request.query, policy);
    const { timeZone, entries } = await wallets().historyStream(me.userId, request.params.wallet, filter);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${request.params.wallet}-history.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(historyCsv(entries, timeZone)));
  });
}

function registerLimitRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });
  const wallets = () => ctx.services.wallets;
  const tags = ['wallets: my limits'];

  r.get('/v1/me/limits', {
    onRequest: asUser,
    schema: { tags, security, summary: 'My limits: the tier\'s, my own, what I used today and this month, raises waiting', response: { 200: limitsWire } },
  }, async (request) => limitsOut(await wallets().limits(principalOf(request, 'user').userId)));

  r.put('/v1/me/limits', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'Set my own daily/monthly caps (null removes one). Lowering applies at once; raising needs an SMS code and applies after the cooling-off',
      body: limitsBody,
      response: { 200: limitsWire },
    },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const { policy } = await ctx.services.policy.inForce();
    const requests: SelfLimitRequest[] = [];
    for (const kind of ['send', 'spend', 'cash_out'] as const satisfies readonly LimitKind[]) {
      const caps = request.body[kind];
      for (const period of LIMIT_PERIODS) {
        const cap = caps?.[period];
        if (cap === undefined) continue;
        if (cap !== null && cap.currency !== policy.currency) throw new DomainError('currency_mismatch', { param: `${kind}.${period}.currency` });
        requests.push({ kind, period, cap: cap === null ? null : cap.amount });
      }
    }
    const view = await wallets().setLimits(me.userId, requests, { otp: request.body.otp ?? null, challengeId: request.body.challenge_id ?? null });
    return limitsOut(view);
  });

  r.get('/v1/me/limits/changes', {
    onRequest: asUser,
    schema: { tags, security, summary: 'The history of my own caps, newest first', querystring: z.object(pageQuery).strict(), response: { 200: listOf(limitChangeWire) } },
  }, async (request) => {
    const me = principalOf(request, 'user');
    const page = await wallets().limitChanges(me.userId, { limit: request.query.limit, startingAfter: request.query.starting_after ?? null });
    const now = ctx.clock.now();
    return { object: 'list' as const, data: page.changes.map((c) => limitChangeOut(c, now)), has_more: page.has_more };
  });
}

function registerTransferRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const asUser = requireAuth(() => ctx.authenticator, { kinds: ['user'] });
  const wallets = () => ctx.services.wallets;
  const tags = ['wallets: send to a person'];

  r.post('/v1/transfers/quote', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'The fee and what arrives for a send, and whether an SMS code will be asked; moves nothing',
      body: z.object({ to: phoneField, amount: moneyField() }).strict(),
      response: { 200: quoteWire },
    },
  }, async (request) => quoteOut(await wallets().quoteSend(principalOf(request, 'user').userId, request.body)));

  r.post('/v1/transfers', {
    onRequest: asUser,
    schema: {
      tags,
      security,
      summary: 'Send cashable money to a phone number with my PIN; above the policy threshold the first call answers 403 otp_required and sends a code',
      headers: idempotencyHeader,
      body: z
        .object({ to: phoneField, amount: moneyField(), note: noteField.optional(), pin: pinField, otp: otpField.optional(), challenge_id: challengeField.optional() })
        .strict(),
      response: { 201: transferWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const route = 'POST /v1/transfers';
    const key = idempotencyKeyOf(request);
    const body = request.body;
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(me), key, route, body }, async (claim) => {
      const result = await wallets().send(
        me.userId,
        { to: body.to, amount: body.amount, note: body.note?.trim() || null, pin: body.pin, otp: body.otp ?? null, challengeId: body.challenge_id ?? null },
        {
          transferId: transferIdFor(claim, route),
          beforeCommit: (trx, sent) => completeIdempotencyKey(trx, ctx.clock, claim, { status: 201, body: transferOut(sent) }),
        },
      );
      return { status: 201, body: transferOut(result) };
    });
    return sendIdempotent(reply, outcome);
  });
}

/** Register with buildApp's areas; needs ctx.services.wallets, .policy and the identity authenticator. */
export const walletRoutes: AreaPlugin = async (app, { ctx }) => {
  registerWalletRoutes(app, ctx);
  registerLimitRoutes(app, ctx);
  registerTransferRoutes(app, ctx);
};
