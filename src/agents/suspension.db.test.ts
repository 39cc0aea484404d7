// Suspending and reactivating an agent through the admin API (admin or compliance), with a reason
// in the audit log and an SMS to the shop: while suspended its counter is refused (agent_suspended)
// and it is not listed nearby; the person's code stays good and is paid once it is back. The agent
// sees the person's name masked when paying, and a cash-in names the shop for the person.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashCode, fund, idem, makePerson, makeShop, openAgentWorld, won, wire, type AgentWorld, type Shop } from '../../test/helpers/agents.ts';
import { bearer, createTestStaff } from '../../test/helpers/identity.ts';

let world: AgentWorld;
let shop: Shop;
// A corner of Busan no other test uses: the nearby list holds only this shop.
const PLACE = { lat: 35.1595, lng: 129.1604 };

beforeAll(async () => {
  world = await openAgentWorld();
  shop = await makeShop(world, { name: '해운대 마트', ...PLACE, float: won(500_000), cash: won(1_000_000) });
});
afterAll(async () => world?.close());

const post = (url: string, token: string, payload: unknown) => world.rt.app.inject({ method: 'POST', url, headers: bearer(token), payload: payload as Record<string, unknown> });
const nearby = async (token: string) => {
  const r = await world.rt.app.inject({ method: 'GET', url: `/v1/agents/nearby?lat=${PLACE.lat}&lng=${PLACE.lng}&radius_m=1000`, headers: bearer(token) });
  expect(r.statusCode, r.body).toBe(200);
  return (r.json().data as Array<{ agent: string }>).map((a) => a.agent);
};
const state = async () => (await sql<{ status: string; status_reason: string | null }>`SELECT status, status_reason FROM agents WHERE id = ${shop.id}`.execute(world.rt.database.db)).rows[0];

describe('suspending an agent', () => {
  it('refuses the counter and hides the shop while suspended; audited with the reason; the shop is told; reactivation restores it', async () => {
    const person = await makePerson(world);
    await fund(world, person, won(100_000));
    const { code, cashout } = await cashCode(world, person, 'agent', 50_000n);
    expect(await nearby(person.token)).toEqual([shop.id]);

    const compliance = await createTestStaff(world.tc, 'compliance');
    const support = await createTestStaff(world.tc, 'support');
    // Who may: admin and compliance; not finance, support, the agent itself or a person.
    for (const token of [world.finance.token, support.token, shop.counter.token, person.token]) {
      const r = await post(`/v1/admin/agents/${shop.id}/suspend`, token, { reason: 'complaint about fees' });
      expect(r.statusCode).toBe(403);
    }
    // Bad input changes nothing.
    const bad: Array<[string, unknown, number, string]> = [
      [shop.id, { reason: ' a ' }, 400, 'agent_status_reason_required'],
      [shop.id, {}, 400, 'missing_field'],
      [shop.id, { reason: 'x'.repeat(501) }, 400, 'string_too_long'],
      [shop.id, { reason: 'ok reason', extra: 1 }, 400, 'unknown_field'],
      ['agt_01h455vb4pex5vsknk084sn02q', { reason: 'no such shop' }, 404, 'agent_not_found'],
    ];
    for (const [id, payload, status, errorCode] of bad) {
      const r = await post(`/v1/admin/agents/${id}/suspend`, compliance.token, payload);
      expect(r.statusCode, JSON.stringify([payload, r.body])).toBe(status);
      if (errorCode !== 'string_too_long') expect(r.json().error.code, JSON.stringify(payload)).toBe(errorCode);
    }
    expect(await state()).toEqual({ status: 'active', status_reason: null });
    const notSuspended = await post(`/v1/admin/agents/${shop.id}/reactivate`, compliance.token, { reason: 'nothing to lift' });
    expect(notSuspended.statusCode).toBe(409);
    expect(notSuspended.json().error.code).toBe('agent_not_suspended');

    const suspended = await post(`/v1/admin/agents/${shop.id}/suspend`, compliance.token, { reason: 'complaint about fees' });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(suspended.json()).toMatchObject({ id: shop.id, status: 'suspended', status_reason: 'complaint about fees' });
    const twice = await post(`/v1/admin/agents/${shop.id}/suspend`, compliance.token, { reason: 'again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('agent_already_suspended');

    // The counter is refused on every call; nothing moves.
    const me = await world.rt.app.inject({ method: 'GET', url: '/v1/agent/me', headers: bearer(shop.counter.token) });
    expect(me.statusCode).toBe(403);
    expect(me.json().error.code).toBe('agent_suspended');
    const pay = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { code, amount: wire(49_500) } });
    expect(pay.statusCode).toBe(403);
    expect(pay.json().error.code).toBe('agent_suspended');
    const cashIn = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/cash-ins', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { phone: person.phone, amount: wire(10_000) } });
    expect(cashIn.json().error.code).toBe('agent_suspended');
    const rebalance = await post('/v1/agent/rebalances', shop.counter.token, { direction: 'top_up', amount: wire(10_000) });
    expect(rebalance.json().error.code).toBe('agent_suspended');
    expect(await nearby(person.token)).toEqual([]);
    const view = await world.rt.app.inject({ method: 'GET', url: `/v1/cashouts/${cashout}`, headers: bearer(person.token) });
    expect(view.json().state).toBe('submitted'); // the person's code is still good elsewhere

    const reactivated = await post(`/v1/admin/agents/${shop.id}/reactivate`, world.admin.token, { reason: 'complaint resolved' });
    expect(reactivated.statusCode, reactivated.body).toBe(200);
    expect(reactivated.json()).toMatchObject({ status: 'active', status_reason: 'complaint resolved' });
    expect(await nearby(person.token)).toEqual([shop.id]);

    // Audit: who, why, before → after; the shop got an SMS each time.
    const audit = (await sql<{ action: string; actor_id: string; reason: string; before: unknown; after: unknown }>`
      SELECT action, actor_id, reason, before, after FROM audit_log WHERE target_kind = 'agent' AND target_id = ${shop.id} ORDER BY at, id`.execute(world.rt.database.db)).rows;
    expect(audit.map((a) => [a.action, a.actor_id, a.reason])).toEqual([
      ['agent.suspended', compliance.staffId, 'complaint about fees'],
      ['agent.reactivated', world.admin.staffId, 'complaint resolved'],
    ]);
    expect(audit[0]).toMatchObject({ before: { status: 'active' }, after: { status: 'suspended' } });
    const phone = (await sql<{ phone: string }>`SELECT phone FROM agents WHERE id = ${shop.id}`.execute(world.rt.database.db)).rows[0]!.phone;
    const sms = (await sql<{ template: string }>`SELECT template FROM outbox_messages WHERE recipient = ${phone} AND template IN ('agent.suspended', 'agent.reactivated') ORDER BY created_at, id`.execute(world.rt.database.db)).rows;
    expect(sms.map((s) => s.template).sort()).toEqual(['agent.reactivated', 'agent.suspended']);

    // Back at the counter: the code pays, and the agent sees the person's name masked.
    const paid = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { code, amount: wire(49_500) } });
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json()).toMatchObject({ cashout, person_name: '김*준' });
    expect(paid.body).not.toContain('김민준');
  });

  it('a cash-in names the shop, for the person\'s SMS and receipt', async () => {
    const person = await makePerson(world);
    const small = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/cash-ins', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { phone: person.phone, amount: wire(10_000) } });
    expect(small.statusCode, small.body).toBe(201);
    expect(small.json()).toMatchObject({ agent: shop.id, agent_name: '해운대 마트', status: 'completed' });
    // Above the confirmation threshold the person sees the shop's name in their list and on confirm.
    const big = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/cash-ins', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { phone: person.phone, amount: wire(60_000) } });
    expect(big.statusCode, big.body).toBe(202);
    const pending = await world.rt.app.inject({ method: 'GET', url: '/v1/me/agent-cash-ins', headers: bearer(person.token) });
    expect(pending.json().data).toMatchObject([{ id: big.json().id, agent_name: '해운대 마트' }]);
    const confirmed = await world.rt.app.inject({ method: 'POST', url: `/v1/me/agent-cash-ins/${big.json().id}/confirm`, headers: { ...bearer(person.token), ...idem() }, payload: { pin: person.pin } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'completed', agent_name: '해운대 마트' });
  });
});
