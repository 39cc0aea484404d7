// Cash-in at an agent through the API: small amounts land at once, larger ones wait for the
// person's PIN on their phone; the float must cover the amount above the policy minimum.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, registerTestUser } from '../../test/helpers/identity.ts';
import { idem, makePerson, makeShop, openAgentWorld, won, wire, type AgentWorld, type Shop } from '../../test/helpers/agents.ts';
import { agentAccountId } from './index.ts';

let world: AgentWorld;
let shop: Shop;

beforeAll(async () => {
  world = await openAgentWorld();
  // Float 700,000: the policy minimum (100,000) leaves 600,000 for cash-ins.
  shop = await makeShop(world, { float: won(700_000), cash: won(0) });
});
afterAll(async () => world?.close());

async function available(account: string): Promise<bigint> {
  const [b] = await world.rt.ctx.ledger.getBalances([account as never]);
  return b!.available;
}

const cashIn = (phone: string, amount: number | string, token = shop.counter.token, headers = idem()) =>
  world.rt.app.inject({ method: 'POST', url: '/v1/agent/cash-ins', headers: { ...bearer(token), ...headers }, payload: { phone, amount: wire(amount) } });

describe('cash-in at an agent', () => {
  it('credits a small amount at once from the float, with commission, SMS and the cash counted', async () => {
    const person = await makePerson(world);
    const r = await cashIn(person.phone, 30_000);
    expect(r.statusCode, r.body).toBe(201);
    // policy agents.commission.cash_in: 0.3 % of 30,000 = 90 won.
    expect(r.json()).toMatchObject({ status: 'completed', amount: wire(30_000), commission: wire(90) });
    expect(await available(person.wallet.cashable_account)).toBe(won(30_000));
    expect(await available(agentAccountId(shop.id, 'float'))).toBe(won(670_000));
    expect(await available(agentAccountId(shop.id, 'commission'))).toBe(won(90));
    const me = await world.rt.app.inject({ method: 'GET', url: '/v1/agent/me', headers: bearer(shop.counter.token) });
    expect(me.json()).toMatchObject({ cash_on_hand: wire(30_000), float: wire(670_000) });
    const sms = await sql<{ template: string }>`SELECT template FROM outbox_messages WHERE recipient = ${person.phone} AND template = 'agent.cash_in'`.execute(world.rt.database.db);
    expect(sms.rows).toHaveLength(1);
    // The same Idempotency-Key answers the same cash-in again; nothing moves twice.
    const key = idem();
    const first = await cashIn(person.phone, 1_000, shop.counter.token, key);
    const replay = await cashIn(person.phone, 1_000, shop.counter.token, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(first.json().id);
    expect(await available(person.wallet.cashable_account)).toBe(won(31_000));
  });

  it('above the threshold the person confirms with the PIN; a decline or expiry moves nothing', async () => {
    const person = await makePerson(world);
    const floatBefore = await available(agentAccountId(shop.id, 'float'));
    const r = await cashIn(person.phone, 100_000);
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().status).toBe('awaiting_user');
    expect(await available(person.wallet.cashable_account)).toBe(0n);
    const pending = await world.rt.app.inject({ method: 'GET', url: '/v1/me/agent-cash-ins', headers: bearer(person.token) });
    expect(pending.json().data.map((d: { id: string }) => d.id)).toEqual([r.json().id]);
    const wrongPin = await world.rt.app.inject({ method: 'POST', url: `/v1/me/agent-cash-ins/${r.json().id}/confirm`, headers: { ...bearer(person.token), ...idem() }, payload: { pin: person.pin === '111111' ? '222222' : '111111' } });
    expect(wrongPin.statusCode).toBe(401);
    const ok = await world.rt.app.inject({ method: 'POST', url: `/v1/me/agent-cash-ins/${r.json().id}/confirm`, headers: { ...bearer(person.token), ...idem() }, payload: { pin: person.pin } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().status).toBe('completed');
    expect(await available(person.wallet.cashable_account)).toBe(won(100_000));
    expect(floatBefore - (await available(agentAccountId(shop.id, 'float')))).toBe(won(100_000));
    const twice = await world.rt.app.inject({ method: 'POST', url: `/v1/me/agent-cash-ins/${r.json().id}/confirm`, headers: { ...bearer(person.token), ...idem() }, payload: { pin: person.pin } });
    expect(twice.json().error.code).toBe('cash_in_not_pending');
    const seen = await world.rt.app.inject({ method: 'GET', url: `/v1/agent/cash-ins/${r.json().id}`, headers: bearer(shop.counter.token) });
    expect(seen.json().status).toBe('completed');

    const declined = await cashIn(person.phone, 60_000);
    const no = await world.rt.app.inject({ method: 'POST', url: `/v1/me/agent-cash-ins/${declined.json().id}/decline`, headers: bearer(person.token) });
    expect(no.json().status).toBe('declined');
    const late = await cashIn(person.phone, 60_000);
    world.clock.advance(11 * 60_000);
    const lapsed = await world.rt.app.inject({ method: 'GET', url: '/v1/me/agent-cash-ins', headers: bearer(person.token) });
    expect(lapsed.json().data).toEqual([]);
    const expired = await world.rt.app.inject({ method: 'POST', url: `/v1/me/agent-cash-ins/${late.json().id}/confirm`, headers: { ...bearer(person.token), ...idem() }, payload: { pin: person.pin } });
    expect(expired.statusCode).toBe(409);
    expect(expired.json().error.code).toBe('cash_in_expired');
    expect(await available(person.wallet.cashable_account)).toBe(won(100_000));
    // Someone else cannot confirm it.
    const other = await makePerson(world);
    const third = await cashIn(person.phone, 60_000);
    const foreign = await world.rt.app.inject({ method: 'POST', url: `/v1/me/agent-cash-ins/${third.json().id}/confirm`, headers: { ...bearer(other.token), ...idem() }, payload: { pin: other.pin } });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('cash_in_not_found');
  });

  it('refuses when the float would fall below the policy minimum, and sends the low-float alert once', async () => {
    const small = await makeShop(world, { name: 'Small shop', float: won(150_000) });
    const person = await makePerson(world);
    const tooMuch = await cashIn(person.phone, 50_001, small.counter.token);
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error).toMatchObject({ code: 'agent_float_too_low', param: 'amount' });
    expect(await available(person.wallet.cashable_account)).toBe(0n);
    // The first top-up left the float (150,000) under low_alert (500,000): one alert so far.
    const alerts = async () => (await sql<{ n: string }>`SELECT count(*)::text AS n FROM outbox_messages WHERE template = 'agent.float_low' AND payload->>'agent' = ${small.id}`.execute(world.rt.database.db)).rows[0]!.n;
    expect(await alerts()).toBe('1');
    const ok = await cashIn(person.phone, 50_000, small.counter.token);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await alerts()).toBe('1');
  });

  it('refuses cash that would take the person over their tier balance cap, whole', async () => {
    const big = await makeShop(world, { name: 'Big shop', float: won(1_000_000) });
    const anonymous = await registerTestUser(world.tc); // tier 0: cap 500,000
    const over = await cashIn(anonymous.phone, 500_001, big.counter.token);
    expect(over.json().error, over.body).toMatchObject({ code: 'balance_cap_exceeded', param: 'amount' });
    expect(await available(agentAccountId(big.id, 'float'))).toBe(won(1_000_000));
    const fits = await cashIn(anonymous.phone, 40_000, big.counter.token);
    expect(fits.statusCode, fits.body).toBe(201);
  });

  it('refuses bad input with stable codes and writes nothing', async () => {
    const person = await makePerson(world);
    const count = async () => (await sql<{ n: string }>`SELECT count(*)::text AS n FROM agent_cash_ins`.execute(world.rt.database.db)).rows[0]!.n;
    const before = await count();
    const post = (payload: unknown) => world.rt.app.inject({ method: 'POST', url: '/v1/agent/cash-ins', headers: { ...bearer(shop.counter.token), ...idem() }, payload: payload as object });
    const cases: Array<[unknown, number, string, string]> = [
      [{ amount: wire(1000) }, 400, 'missing_field', 'phone'],
      [{ phone: person.phone }, 400, 'missing_field', 'amount'],
      [{ phone: person.phone, amount: wire(0) }, 400, 'invalid_amount', 'amount'],
      [{ phone: person.phone, amount: wire('abc') }, 400, 'invalid_amount', 'amount'],
      [{ phone: person.phone, amount: wire(1000), note: 'x' }, 400, 'unknown_field', 'note'],
      [{ phone: '+821099990000', amount: wire(1000) }, 404, 'cash_in_recipient_not_found', 'phone'],
    ];
    for (const [payload, status, code, param] of cases) {
      const r = await post(payload);
      expect(r.statusCode, JSON.stringify([payload, r.body])).toBe(status);
      expect(r.json().error).toMatchObject({ code, param });
    }
    expect(await count()).toBe(before);
  });

  it('role matrix: only a shop\'s counter takes cash-ins; only the person confirms', async () => {
    const person = await makePerson(world);
    for (const [who, headers, status] of [['anonymous', {}, 401], ['user', bearer(person.token), 403], ['admin', bearer(world.admin.token), 403], ['finance', bearer(world.finance.token), 403]] as const) {
      const r = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/cash-ins', headers: { ...headers, ...idem() }, payload: { phone: person.phone, amount: wire(1000) } });
      expect(r.statusCode, who).toBe(status);
    }
    const staffConfirm = await world.rt.app.inject({ method: 'POST', url: '/v1/me/agent-cash-ins/cin_x/confirm', headers: bearer(shop.counter.token), payload: { pin: '123456' } });
    expect(staffConfirm.statusCode).toBe(403);
  });
});
