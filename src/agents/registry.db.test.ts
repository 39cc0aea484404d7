// Onboarding, liquidity (rebalancing approved by finance, recorded against bank_deposits),
// nearby agents with opening hours in the operator's time zone, and the daily statement.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemAccountId } from '../wallets/index.ts';
import { bearer, createTestStaff, registerTestUser } from '../../test/helpers/identity.ts';
import { ALL_DAY, cashCode, fund, giveBankAccount, idem, makePerson, makeShop, openAgentWorld, topUp, won, wire, type AgentWorld } from '../../test/helpers/agents.ts';
import { agentAccountId } from './index.ts';

let world: AgentWorld;

beforeAll(async () => {
  world = await openAgentWorld();
});
afterAll(async () => world?.close());

async function available(account: string): Promise<bigint> {
  const [b] = await world.rt.ctx.ledger.getBalances([account as never]);
  return b!.available;
}

describe('onboarding', () => {
  it('registers a shop with its accounts, and refuses ineligible logins and owners', async () => {
    const shop = await makeShop(world, { name: 'Hongdae mart' });
    const view = await world.rt.app.inject({ method: 'GET', url: `/v1/admin/agents/${shop.id}`, headers: bearer(world.admin.token) });
    expect(view.json()).toMatchObject({ id: shop.id, name: 'Hongdae mart', float: wire(0), commission_balance: wire(0), staff: shop.counter.staffId, owner: shop.owner.user.id, onboarded_by: world.admin.staffId });
    const accounts = await world.rt.ctx.ledger.lookupAccounts([agentAccountId(shop.id, 'float'), agentAccountId(shop.id, 'commission')]);
    expect(accounts.map((a) => [a.code, a.flags])).toEqual([[2100, 1], [2101, 1]]);

    const counter = await createTestStaff(world.tc, 'agent');
    const support = await createTestStaff(world.tc, 'support');
    const lowTier = await registerTestUser(world.tc);
    const tier3 = shop.owner.user.id;
    const base = { name: 'X', lat: 37.5, lng: 127, opening_hours: ALL_DAY, staff: counter.staffId, owner: tier3 };
    const count = async () => (await sql<{ n: string }>`SELECT count(*)::text AS n FROM agents`.execute(world.rt.database.db)).rows[0]!.n;
    const before = await count();
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ ...base, staff: support.staffId }, 400, 'agent_staff_not_eligible', 'staff'],
      [{ ...base, staff: shop.counter.staffId }, 409, 'agent_staff_taken', 'staff'],
      [{ ...base, owner: lowTier.user.id }, 400, 'agent_owner_not_eligible', 'owner'],
      [{ ...base, lat: 91 }, 400, 'invalid_request', 'lat'],
      [{ ...base, lat: '37.5' }, 400, 'invalid_type', 'lat'],
      [{ ...base, opening_hours: { mon: [['21:00', '09:00']] } }, 400, 'invalid_opening_hours', 'opening_hours.mon'],
      [{ ...base, opening_hours: { someday: [['09:00', '18:00']] } }, 400, 'invalid_opening_hours', 'opening_hours.someday'],
      [{ ...base, name: undefined }, 400, 'missing_field', 'name'],
      [{ ...base, colour: 'red' }, 400, 'unknown_field', 'colour'],
      [{ ...base, cash_on_hand: wire('-1') }, 400, 'invalid_amount', 'cash_on_hand'],
    ];
    for (const [payload, status, code, param] of cases) {
      const r = await world.rt.app.inject({ method: 'POST', url: '/v1/admin/agents', headers: bearer(world.admin.token), payload });
      expect(r.statusCode, JSON.stringify([payload, r.body])).toBe(status);
      expect(r.json().error, JSON.stringify(payload)).toMatchObject({ code, param });
    }
    expect(await count()).toBe(before);
    const unknown = await world.rt.app.inject({ method: 'GET', url: '/v1/admin/agents/agt_01h455vb4pex5vsknk084sn02q', headers: bearer(world.admin.token) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('agent_not_found');
  });

  it('role matrix for onboarding and finance routes', async () => {
    const person = await makePerson(world);
    const support = await createTestStaff(world.tc, 'support');
    const agentStaff = await createTestStaff(world.tc, 'agent');
    const routes: Array<[string, string, Record<string, string | number>, Record<string, number>]> = [
      ['GET', '/v1/admin/agents', {}, { admin: 200, finance: 403, support: 403, agent: 403, user: 403 }],
      ['GET', '/v1/admin/agent-rebalances', {}, { admin: 200, finance: 200, support: 403, agent: 403, user: 403 }],
    ];
    const tokens: Record<string, string> = { admin: world.admin.token, finance: world.finance.token, support: support.token, agent: agentStaff.token, user: person.token };
    for (const [method, url, , expected] of routes) {
      for (const [who, status] of Object.entries(expected)) {
        const r = await world.rt.app.inject({ method: method as 'GET', url, headers: bearer(tokens[who]!) });
        expect(r.statusCode, `${who} ${url}`).toBe(status);
      }
      const anonymous = await world.rt.app.inject({ method: method as 'GET', url });
      expect(anonymous.statusCode).toBe(401);
    }
  });
});

describe('liquidity', () => {
  it('a finance-approved top-up moves bank_deposits → float; a withdrawal reserves the float for the bank; decisions are final', async () => {
    const shop = await makeShop(world, { cash: won(1_000_000) });
    const bankBefore = await available(systemAccountId('bank_deposits', 'KRW'));
    await topUp(world, shop.id, won(800_000));
    expect(await available(agentAccountId(shop.id, 'float'))).toBe(won(800_000));
    expect(bankBefore - (await available(systemAccountId('bank_deposits', 'KRW')))).toBe(won(800_000));

    // No bank account on record: a withdrawal has nowhere to go and is refused at once.
    const nowhere = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/rebalances', headers: bearer(shop.counter.token), payload: { direction: 'withdrawal', amount: wire(300_000) } });
    expect(nowhere.statusCode).toBe(409);
    expect(nowhere.json().error.code).toBe('agent_bank_account_missing');
    await giveBankAccount(world, shop);
    const asked = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/rebalances', headers: bearer(shop.counter.token), payload: { direction: 'withdrawal', amount: wire(300_000), note: 'too much float' } });
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json()).toMatchObject({ status: 'requested', requested_by: `agent:${shop.id}` });
    // Finance decides (admin holds every permission but the counter's); the agent and support cannot.
    const support = await createTestStaff(world.tc, 'support');
    for (const token of [shop.counter.token, support.token]) {
      const r = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/agent-rebalances/${asked.json().id}/approve`, headers: { ...bearer(token), ...idem() }, payload: {} });
      expect(r.statusCode).toBe(403);
    }
    expect(await available(agentAccountId(shop.id, 'float'))).toBe(won(800_000));
    const approved = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/agent-rebalances/${asked.json().id}/approve`, headers: { ...bearer(world.finance.token), ...idem() }, payload: {} });
    expect(approved.json()).toMatchObject({ status: 'approved', decided_by: `staff:${world.finance.staffId}`, bank_reference: null, failure: null });
    expect(approved.json().batch_id).toMatch(/^bat_/);
    expect(await available(agentAccountId(shop.id, 'float'))).toBe(won(500_000));
    const noKey = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/agent-rebalances/${asked.json().id}/approve`, headers: bearer(world.finance.token), payload: {} });
    expect(noKey.json().error.code).toBe('idempotency_key_required');
    const again = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/agent-rebalances/${asked.json().id}/approve`, headers: { ...bearer(world.finance.token), ...idem() }, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('rebalance_already_decided');

    const tooBig = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/rebalances', headers: bearer(shop.counter.token), payload: { direction: 'withdrawal', amount: wire(600_000) } });
    const refused = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/agent-rebalances/${tooBig.json().id}/approve`, headers: { ...bearer(world.finance.token), ...idem() }, payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('agent_float_too_low');
    expect(await available(agentAccountId(shop.id, 'float'))).toBe(won(500_000));
    const rejected = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/agent-rebalances/${tooBig.json().id}/reject`, headers: bearer(world.finance.token), payload: { note: 'keep your float' } });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decided_by: `staff:${world.finance.staffId}` });
    const open = await world.rt.app.inject({ method: 'GET', url: `/v1/admin/agent-rebalances?status=requested&agent=${shop.id}`, headers: bearer(world.finance.token) });
    expect(open.json().data).toEqual([]);
    const bad = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/rebalances', headers: bearer(shop.counter.token), payload: { direction: 'sideways', amount: wire(1) } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('direction');
    const missing = await world.rt.app.inject({ method: 'POST', url: '/v1/admin/agent-rebalances/rbl_01h455vb4pex5vsknk084sn02q/approve', headers: { ...bearer(world.finance.token), ...idem() }, payload: {} });
    expect(missing.json().error.code).toBe('rebalance_not_found');
  });
});

describe('nearby agents', () => {
  it('lists open shops near a point, nearest first, with whether each can pay the amount', async () => {
    // Far from the other tests' shops (Busan), so the list is ours alone.
    const near = await makeShop(world, { name: 'Near', lat: 35.1796, lng: 129.0756, cash: won(100_000) });
    const far = await makeShop(world, { name: 'Far', lat: 35.1896, lng: 129.0756, cash: won(10_000) });
    // Open only 22:00–23:00 Seoul time: closed at 11:30 Seoul.
    await makeShop(world, { name: 'Closed', lat: 35.1797, lng: 129.0757, hours: { tue: [['22:00', '23:00']] } });
    const person = await makePerson(world);
    const r = await world.rt.app.inject({ method: 'GET', url: '/v1/agents/nearby?lat=35.1795&lng=129.0756&amount=50000&radius_m=5000', headers: bearer(person.token) });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().data.map((d: { agent: string; can_pay: boolean; distance_m: number }) => [d.agent, d.can_pay])).toEqual([[near.id, true], [far.id, false]]);
    expect(r.json().data[1].distance_m).toBeGreaterThan(1000);
    const narrow = await world.rt.app.inject({ method: 'GET', url: '/v1/agents/nearby?lat=35.1795&lng=129.0756&radius_m=500', headers: bearer(person.token) });
    expect(narrow.json().data.map((d: { agent: string; can_pay: unknown }) => [d.agent, d.can_pay])).toEqual([[near.id, null]]);
    for (const [query, param] of [['lat=95&lng=1', 'lat'], ['lng=1', 'lat'], ['lat=1&lng=1&amount=-3', 'amount'], ['lat=1&lng=1&zoom=3', 'zoom']] as const) {
      const bad = await world.rt.app.inject({ method: 'GET', url: `/v1/agents/nearby?${query}`, headers: bearer(person.token) });
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().error.param, query).toBe(param);
    }
    const anonymous = await world.rt.app.inject({ method: 'GET', url: '/v1/agents/nearby?lat=1&lng=1' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('statements', () => {
  it('a day\'s float movements and commissions, JSON and CSV, agreeing with the ledger', async () => {
    const shop = await makeShop(world, { name: 'Statement shop' });
    await topUp(world, shop.id, won(600_000));
    const person = await makePerson(world);
    await fund(world, person, won(50_000));
    const { code } = await cashCode(world, person, 'agent', 50_000n);
    const paid = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { code, amount: wire(49_500) } });
    expect(paid.statusCode, paid.body).toBe(201);
    const cashIn = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/cash-ins', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { phone: person.phone, amount: wire(20_000) } });
    expect(cashIn.statusCode, cashIn.body).toBe(201);
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(world.clock.now());
    const json = await world.rt.app.inject({ method: 'GET', url: `/v1/agent/statement?date=${date}`, headers: bearer(shop.counter.token) });
    expect(json.statusCode, json.body).toBe(200);
    expect(json.json()).toMatchObject({
      agent: shop.id, date, opening_float: wire(0), float_in: wire(600_000 + 49_500), float_out: wire(20_000), closing_float: wire(629_500), commission: wire(247 + 60),
    });
    expect(json.json().lines.map((l: { kind: string }) => l.kind)).toEqual(['top_up', 'cash_out', 'cash_in']);
    expect(await available(agentAccountId(shop.id, 'float'))).toBe(won(629_500));
    const csv = await world.rt.app.inject({ method: 'GET', url: `/v1/admin/agents/${shop.id}/statement?date=${date}&format=csv`, headers: bearer(world.admin.token) });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csv.body.trim().split('\r\n');
    expect(rows[0]).toBe('at,kind,float_delta,commission,currency,reference,receipt');
    expect(rows.slice(1).map((r) => r.split(',').slice(1, 4))).toEqual([['top_up', '600000', '0'], ['cash_out', '49500', '247'], ['cash_in', '-20000', '60']]);
    const nextDay = await world.rt.app.inject({ method: 'GET', url: `/v1/agent/statement?date=2026-01-14`, headers: bearer(shop.counter.token) });
    expect(nextDay.json()).toMatchObject({ opening_float: wire(629_500), closing_float: wire(629_500), lines: [] });
    const bad = await world.rt.app.inject({ method: 'GET', url: '/v1/agent/statement?date=yesterday', headers: bearer(shop.counter.token) });
    expect(bad.json().error).toMatchObject({ code: 'invalid_statement_date', param: 'date' });
    const otherAgent = await world.rt.app.inject({ method: 'GET', url: `/v1/admin/agents/${shop.id}/statement?date=${date}`, headers: bearer(shop.counter.token) });
    expect(otherAgent.statusCode).toBe(403);
  });
});
