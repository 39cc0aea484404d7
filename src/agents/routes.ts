// The agents API: staff register shops and decide rebalancing, the agent's counter pays cash-outs
// and takes cash-ins, people confirm cash-ins and find open agents nearby. Routes authenticate in
// onRequest, so a caller without a session gets 401 before its body is read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../api/app.ts';
import { principalOf, requireAuth } from '../api/auth.ts';
import { completeIdempotencyKey, idempotencyKeyOf, runIdempotent, scopeOf, sendIdempotent } from '../api/idempotency.ts';
import { uuidToId } from '../shared/ids.ts';
import { moneyWireSchema, parseAmount, toWire, type MoneyWire, type Micros } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import { NEARBY_RADIUS_M_MAX } from './registry.ts';
import type { AgentService } from './service.ts';
import type { CashInRow } from './tables.ts';
import { statementCsv } from './statement.ts';
import { agentOut, agentWire, cashInOut, cashInWire, nearbyOut, nearbyWire, rebalanceOut, rebalanceWire, statementOut, statementWire, withdrawalWire } from './wire.ts';
import './errors.ts';

const coded = (code: string) => ({ params: { code }, message: '' });
const security = [{ session: [] }];
const moneyField = (name: string) =>
  z.unknown().superRefine((value, ctx) => {
    if (value === undefined) ctx.addIssue({ code: 'custom', message: `"${name}" is required.`, params: { code: 'missing_field' } });
    else if (!moneyWireSchema.safeParse(value).success) ctx.addIssue({ code: 'custom', message: 'an amount is { "amount": "12.3456", "currency": "KRW" }', params: { code: 'invalid_amount' } });
  }).meta({ description: '{ "amount": "12.3456", "currency": "KRW" }' });
const idParams = z.object({ id: z.string().min(1).max(64) }).strict();
const codeField = z.string().refine((v) => /^\d{8}$/.test(v), coded('withdrawal_code_invalid')).meta({ description: 'The 8-digit withdrawal code from the person\'s SMS' });
const pinField = z.string().refine((v) => /^\d{6}$/.test(v), coded('invalid_pin_format'));
const direction = z.enum(['top_up', 'withdrawal']);
const statementQuery = z.object({ date: z.string().max(10), format: z.enum(['json', 'csv']).default('json') }).strict();
const hhmm = z.string().max(5);
const bankAccountField = z.string().min(1).max(64).meta({ description: 'One of the owner\'s verified bank accounts (dst_…), for float withdrawals' });

function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

export const agentRoutes: AreaPlugin = async (app, { ctx }) => {
  const r = typed(app);
  const agents = (): AgentService => ctx.services.agents;
  const auth = () => ctx.authenticator;
  const asManager = requireAuth(auth, { kinds: ['staff'], permission: 'agents:manage' });
  const asFinance = requireAuth(auth, { kinds: ['staff'], permission: 'agents:float' });
  const asSuspender = requireAuth(auth, { kinds: ['staff'], permission: 'agents:suspend' });
  const asAgent = requireAuth(auth, { kinds: ['staff'], permission: 'agents:operate' });
  const asUser = requireAuth(auth, { kinds: ['user'] });
  const asUserOrStaff = requireAuth(auth, { kinds: ['user', 'staff'] });
  const policy = async () => (await ctx.services.policy.inForce()).policy;
  const amountOf = async (wire: unknown, param = 'amount'): Promise<Micros> => {
    const money = wire as MoneyWire;
    const { currency } = await policy();
    if (money.currency !== currency) throw new DomainError('currency_not_supported', { param: `${param}.currency` });
    const amount = parseAmount(money.amount, money.currency);
    if (amount <= 0n) throw new DomainError('invalid_amount', { param });
    return amount;
  };
  const cashOf = async (wire: { amount: string; currency: string }): Promise<Micros> => {
    const { currency } = await policy();
    if (wire.currency !== currency) throw new DomainError('currency_not_supported', { param: 'cash_on_hand.currency' });
    try {
      return parseAmount(wire.amount, currency, { allowZero: true });
    } catch {
      throw new DomainError('invalid_amount', { param: 'cash_on_hand' });
    }
  };
  const counter = async (request: FastifyRequest) => agents().ofStaff(principalOf(request, 'staff').staffId);
  /** The shops' names for cash-ins shown to the person (their SMS and receipt name the shop). */
  const shopNames = async (ids: readonly string[]) => new Map(await Promise.all([...new Set(ids)].map(async (id) => [id, (await agents().get(id)).name] as const)));
  const named = async (row: CashInRow) => cashInOut(row, (await shopNames([row.agent_id])).get(row.agent_id)!);
  const sendStatement = async (agentId: string, query: z.infer<typeof statementQuery>, reply: FastifyReply) => {
    const agent = await agents().get(agentId);
    const statement = await agents().statement(agent, query.date);
    if (query.format === 'csv') {
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${agent.id}-${statement.date}.csv"`).send(statementCsv(statement));
    }
    return reply.send(statementOut(statement));
  };

  // ---- Staff: onboarding, float movements --------------------------------------------------------
  const adminTags = ['agents: operations'];

  r.post('/v1/admin/agents', {
    onRequest: asManager,
    schema: {
      tags: adminTags, security, summary: 'Register a shop as a cash agent (its counter login: a staff member with the role agent; its owner: a tier-3 user)',
      body: z.object({
        name: z.string().trim().min(1).max(80),
        lat: z.number().min(-90).max(90),
        lng: z.number().min(-180).max(180),
        opening_hours: z.record(z.string(), z.array(z.tuple([hhmm, hhmm]))),
        staff: z.string().min(1).max(64),
        owner: z.string().min(1).max(64),
        cash_on_hand: z.object({ amount: z.string().max(40), currency: z.string().max(3) }).strict().optional().meta({ description: 'The cash in the drawer at onboarding (zero allowed)' }),
        bank_account: bankAccountField.optional(),
      }).strict(),
      response: { 201: agentWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    const body = request.body;
    const cash = body.cash_on_hand === undefined ? (0n as Micros) : await cashOf(body.cash_on_hand);
    const row = await agents().register({
      name: body.name, lat: body.lat, lng: body.lng, openingHours: body.opening_hours, staffId: body.staff, ownerUserId: body.owner, cashOnHand: cash, onboardedBy: me.staffId,
      bankAccountId: body.bank_account ?? null,
    });
    return reply.code(201).send(agentOut(row, await agents().balances(row), undefined, await agents().bankAccount(row)));
  });

  r.get('/v1/admin/agents', {
    onRequest: asManager,
    schema: { tags: adminTags, security, summary: 'Registered agents, newest first', querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(), response: { 200: z.object({ object: z.literal('list'), data: z.array(agentWire) }) } },
  }, async (request) => ({ object: 'list' as const, data: (await agents().list(request.query.limit)).map((row) => agentOut(row)) }));

  r.get('/v1/admin/agents/:id', {
    onRequest: asManager,
    schema: { tags: adminTags, security, summary: 'One agent with its float, commission and cash', params: idParams, response: { 200: agentWire } },
  }, async (request) => {
    const row = await agents().get(request.params.id);
    return agentOut(row, await agents().balances(row), (await policy()).agents.float.low_alert, await agents().bankAccount(row));
  });

  r.put('/v1/admin/agents/:id/bank-account', {
    onRequest: asManager,
    schema: {
      tags: adminTags, security, summary: 'Record where float withdrawals are paid: one of the owner\'s verified bank accounts (shown masked); audited', params: idParams,
      body: z.object({ bank_account: bankAccountField }).strict(), response: { 200: agentWire },
    },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    const row = await agents().setBankAccount(request.params.id, { bankAccountId: request.body.bank_account, staffId: me.staffId, requestId: request.id });
    return agentOut(row, undefined, undefined, await agents().bankAccount(row));
  });

  for (const [action, status] of [['suspend', 'suspended'], ['reactivate', 'active']] as const) {
    r.post(`/v1/admin/agents/:id/${action}`, {
      onRequest: asSuspender,
      schema: {
        tags: adminTags, security, params: idParams,
        summary: action === 'suspend'
          ? 'Suspend an agent (admin, compliance): its counter is refused and it leaves the nearby list; audited, the shop told by SMS'
          : 'Reactivate a suspended agent (admin, compliance); audited, the shop told by SMS',
        body: z.object({ reason: z.string().max(500) }).strict(), response: { 200: agentWire },
      },
    }, async (request) => {
      const me = principalOf(request, 'staff');
      const row = await agents().setStatus(request.params.id, { status, reason: request.body.reason, staffId: me.staffId, requestId: request.id });
      return agentOut(row);
    });
  }

  r.get('/v1/admin/agents/:id/statement', {
    onRequest: asManager,
    schema: { tags: adminTags, security, summary: 'An agent\'s statement for one day (operator time zone), JSON or CSV', params: idParams, querystring: statementQuery, response: { 200: statementWire } },
  }, async (request, reply) => sendStatement(request.params.id, request.query, reply));

  r.post('/v1/admin/agents/:id/rebalances', {
    onRequest: asManager,
    schema: {
      tags: adminTags, security, summary: 'Record a float top-up or withdrawal for finance to approve', params: idParams,
      body: z.object({ direction, amount: moneyField('amount'), note: z.string().max(200).optional() }).strict(), response: { 201: rebalanceWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    const agent = await agents().get(request.params.id);
    const row = await agents().requestRebalance(agent, { direction: request.body.direction, amount: await amountOf(request.body.amount), requestedBy: `staff:${me.staffId}`, note: request.body.note ?? null });
    return reply.code(201).send(rebalanceOut(row));
  });

  r.get('/v1/admin/agent-rebalances', {
    onRequest: asFinance,
    schema: {
      tags: adminTags, security, summary: 'Rebalancing requests (finance)',
      querystring: z.object({ status: z.enum(['requested', 'approved', 'rejected', 'settled', 'failed', 'returned']).optional(), agent: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
      response: { 200: z.object({ object: z.literal('list'), data: z.array(rebalanceWire) }) },
    },
  }, async (request) => ({
    object: 'list' as const,
    data: (await agents().listRebalances({ status: request.query.status, agentId: request.query.agent }, request.query.limit)).map(rebalanceOut),
  }));

  r.post('/v1/admin/agent-rebalances/:id/approve', {
    onRequest: asFinance,
    schema: {
      tags: adminTags, security, params: idParams,
      summary: 'Approve. top_up: against the bank\'s deposit on a reconciled statement (deposit = its bank reference; same amount, used once) — the float grows. withdrawal: the float is reserved and paid to the agent\'s bank account through the bank rail (pain.001); the bank\'s answer settles or returns it',
      headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
      body: z.object({
        deposit: z.string().trim().min(1).max(64).optional().meta({ description: 'top_up only: the deposit\'s bank reference (AcctSvcrRef) from the reconciliation' }),
        note: z.string().max(200).optional(),
      }).strict(), response: { 200: rebalanceWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'staff');
    const key = idempotencyKeyOf(request);
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(me), key, route: 'POST /v1/admin/agent-rebalances/:id/approve', body: { id: request.params.id, ...request.body } }, async () => ({
      status: 200,
      body: rebalanceOut(await agents().approveRebalance(request.params.id, { by: `staff:${me.staffId}`, deposit: request.body.deposit ?? null, note: request.body.note ?? null })),
    }));
    return sendIdempotent(reply, outcome);
  });

  r.post('/v1/admin/agent-rebalances/:id/reject', {
    onRequest: asFinance,
    schema: { tags: adminTags, security, summary: 'Reject a rebalancing request', params: idParams, body: z.object({ note: z.string().trim().min(1).max(200) }).strict(), response: { 200: rebalanceWire } },
  }, async (request) => {
    const me = principalOf(request, 'staff');
    return rebalanceOut(await agents().rejectRebalance(request.params.id, { by: `staff:${me.staffId}`, note: request.body.note }));
  });

  // ---- The agent's counter -------------------------------------------------------------------------
  const agentTags = ['agents: counter'];

  r.get('/v1/agent/me', {
    onRequest: asAgent,
    schema: { tags: agentTags, security, summary: 'My shop: float, commission earned, cash on hand', response: { 200: agentWire } },
  }, async (request) => {
    const agent = await counter(request);
    return agentOut(agent, await agents().balances(agent), (await policy()).agents.float.low_alert, await agents().bankAccount(agent));
  });

  r.post('/v1/agent/withdrawals', {
    onRequest: asAgent,
    schema: {
      tags: agentTags, security, summary: 'Pay a cash-out: the person\'s withdrawal code and the amount; the reservation moves to my float and the commission is credited',
      headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
      body: z.object({ code: codeField, amount: moneyField('amount') }).strict(),
      response: { 201: withdrawalWire },
    },
  }, async (request, reply) => {
    const principal = principalOf(request, 'staff');
    const key = idempotencyKeyOf(request);
    const agent = await counter(request);
    const amount = await amountOf(request.body.amount);
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(principal), key, route: 'POST /v1/agent/withdrawals', body: request.body, secretFields: ['code'] }, async (claim) => {
      let response = { status: 201, body: {} as unknown };
      await agents().redeemWithdrawal(agent, { code: request.body.code, amount }, async (trx, result) => {
        const body: z.infer<typeof withdrawalWire> = {
          object: 'agent_withdrawal', cashout: uuidToId(result.cashout.id, 'cot'), agent: agent.id,
          amount: toWire({ amount: result.cashout.payout, currency: result.cashout.currency }),
          commission: toWire({ amount: result.commission, currency: result.cashout.currency }),
          receipt_number: result.cashout.receipt_number, settled_at: result.cashout.settled_at?.toISOString() ?? null, person_name: result.personName,
        };
        response = { status: 201, body };
        await completeIdempotencyKey(trx, ctx.clock, claim, response);
      });
      return response;
    });
    return sendIdempotent(reply, outcome);
  });

  r.post('/v1/agent/cash-ins', {
    onRequest: asAgent,
    schema: {
      tags: agentTags, security, summary: 'Credit a person\'s wallet from my float (above the policy threshold the person confirms on their phone first)',
      headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
      body: z.object({ phone: z.string().min(4).max(20), amount: moneyField('amount') }).strict(),
      response: { 201: cashInWire, 202: cashInWire },
    },
  }, async (request, reply) => {
    const principal = principalOf(request, 'staff');
    const key = idempotencyKeyOf(request);
    const agent = await counter(request);
    const amount = await amountOf(request.body.amount);
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(principal), key, route: 'POST /v1/agent/cash-ins', body: request.body }, async (claim) => {
      let response = { status: 201, body: {} as unknown };
      await agents().startCashIn(agent, { phone: request.body.phone, amount, idempotencyKey: key }, async (trx, row) => {
        response = { status: row.status === 'awaiting_user' ? 202 : 201, body: cashInOut(row, agent.name) };
        await completeIdempotencyKey(trx, ctx.clock, claim, response);
      });
      return response;
    });
    return sendIdempotent(reply, outcome);
  });

  r.get('/v1/agent/cash-ins/:id', {
    onRequest: asAgent,
    schema: { tags: agentTags, security, summary: 'One of my cash-ins (did the person confirm?)', params: idParams, response: { 200: cashInWire } },
  }, async (request) => {
    const agent = await counter(request);
    return cashInOut(await agents().ownCashIn(agent, request.params.id), agent.name);
  });

  r.post('/v1/agent/rebalances', {
    onRequest: asAgent,
    schema: {
      tags: agentTags, security, summary: 'Ask finance to rebalance my float (top_up: I paid cash into the operator\'s account; withdrawal: pay float to my bank account)',
      body: z.object({ direction, amount: moneyField('amount'), note: z.string().max(200).optional() }).strict(), response: { 201: rebalanceWire },
    },
  }, async (request, reply) => {
    const agent = await counter(request);
    const row = await agents().requestRebalance(agent, { direction: request.body.direction, amount: await amountOf(request.body.amount), requestedBy: `agent:${agent.id}`, note: request.body.note ?? null });
    return reply.code(201).send(rebalanceOut(row));
  });

  r.get('/v1/agent/statement', {
    onRequest: asAgent,
    schema: { tags: agentTags, security, summary: 'My statement for one day: float movements and commissions (JSON or CSV)', querystring: statementQuery, response: { 200: statementWire } },
  }, async (request, reply) => sendStatement((await counter(request)).id, request.query, reply));

  // ---- People ------------------------------------------------------------------------------------------
  const userTags = ['agents: people'];

  r.get('/v1/agents/nearby', {
    onRequest: asUserOrStaff,
    schema: {
      tags: userTags, security, summary: 'Open agents near a point, nearest first, and whether each can pay an amount in cash',
      querystring: z.object({
        lat: z.coerce.number().min(-90).max(90),
        lng: z.coerce.number().min(-180).max(180),
        amount: z.string().max(24).optional().meta({ description: 'Decimal amount in the operator\'s currency, e.g. "50000"' }),
        radius_m: z.coerce.number().int().min(100).max(NEARBY_RADIUS_M_MAX).default(3000),
        limit: z.coerce.number().int().min(1).max(50).default(20),
      }).strict(),
      response: { 200: nearbyWire },
    },
  }, async (request) => {
    const q = request.query;
    const amount = q.amount === undefined ? null : await amountOf({ amount: q.amount, currency: (await policy()).currency });
    return nearbyOut(await agents().nearby({ lat: q.lat, lng: q.lng }, { amount, radius_m: q.radius_m, limit: q.limit }));
  });

  r.get('/v1/me/agent-cash-ins', {
    onRequest: asUser,
    schema: { tags: userTags, security, summary: 'Cash-ins waiting for my confirmation', response: { 200: z.object({ object: z.literal('list'), data: z.array(cashInWire) }) } },
  }, async (request) => {
    const rows = await agents().pendingCashIns(principalOf(request, 'user').userId);
    const names = await shopNames(rows.map((r) => r.agent_id));
    return { object: 'list' as const, data: rows.map((row) => cashInOut(row, names.get(row.agent_id) ?? row.agent_id)) };
  });

  r.post('/v1/me/agent-cash-ins/:id/confirm', {
    onRequest: asUser,
    schema: {
      tags: userTags, security, summary: 'Confirm a cash-in with my PIN: the money lands in my wallet', params: idParams,
      headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
      body: z.object({ pin: pinField }).strict(), response: { 200: cashInWire },
    },
  }, async (request, reply) => {
    const me = principalOf(request, 'user');
    const key = idempotencyKeyOf(request);
    const outcome = await runIdempotent(ctx.database.db, ctx.clock, { scope: scopeOf(me), key, route: 'POST /v1/me/agent-cash-ins/:id/confirm', body: { id: request.params.id, ...request.body } }, async () => ({
      status: 200, body: await named(await agents().confirmCashIn(me.userId, request.params.id, request.body.pin)),
    }));
    return sendIdempotent(reply, outcome);
  });

  r.post('/v1/me/agent-cash-ins/:id/decline', {
    onRequest: asUser,
    schema: { tags: userTags, security, summary: 'Decline a cash-in that is not mine', params: idParams, response: { 200: cashInWire } },
  }, async (request) => named(await agents().declineCashIn(principalOf(request, 'user').userId, request.params.id)));
};
