// Two agents entering the same withdrawal code at the same moment: exactly one pays, the other is
// told the code is used, the money lands in one float once, and the ledger verifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresOnly } from '../../test/helpers/db.ts';
import { bearer, createTestPartner } from '../../test/helpers/identity.ts';
import { cashCode, fund, idem, makePerson, makeShop, openAgentWorld, won, wire, type AgentWorld } from '../../test/helpers/agents.ts';
import { agentAccountId } from './index.ts';
import { AtmNetworkSimulator } from '../rails/index.ts';
import { systemAccountId } from '../wallets/index.ts';

const pg = postgresOnly('two agents redeem one withdrawal code concurrently');

describe.skipIf(pg.skip)(pg.note, () => {
  let world: AgentWorld;
  beforeAll(async () => {
    world = await openAgentWorld();
  });
  afterAll(async () => world?.close());

  it('exactly one agent wins each code, money conserved', async () => {
    const shops = await Promise.all([makeShop(world, { name: 'Shop A' }), makeShop(world, { name: 'Shop B' })]);
    const rounds = 5;
    const people = [];
    for (let round = 0; round < rounds; round++) {
      // One person per round: each new device's step-up SMS stays under the per-phone send limit.
      const person = await makePerson(world);
      people.push(person);
      await fund(world, person, won(10_000));
      const { code } = await cashCode(world, person, 'agent', 10_000n);
      const answers = await Promise.all(shops.map((shop) =>
        world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { code, amount: wire(9_500) } })));
      const statuses = answers.map((a) => a.statusCode).sort();
      expect(statuses, answers.map((a) => a.body).join('\n')).toEqual([201, 409]);
      expect(answers.find((a) => a.statusCode === 409)!.json().error.code).toBe('withdrawal_code_used');
    }
    const balances = await world.rt.ctx.ledger.getBalances(shops.map((s) => agentAccountId(s.id, 'float')));
    expect(balances.reduce((sum, b) => sum + b.available, 0n)).toBe(won(9_500 * rounds));
    const wallets = await world.rt.ctx.ledger.getBalances(people.map((p) => p.wallet.cashable_account));
    expect(wallets.map((w) => w.available)).toEqual(people.map(() => 0n));
  });

  it('a redemption racing the person\'s cancel and the expiry job: one outcome, every unit accounted for', async () => {
    const [shop] = await Promise.all([makeShop(world, { name: 'Race shop' })]);
    for (let round = 0; round < 4; round++) {
      const person = await makePerson(world);
      await fund(world, person, won(10_000));
      const { cashout, code } = await cashCode(world, person, 'agent', 10_000n);
      const floatBefore = (await world.rt.ctx.ledger.getBalances([agentAccountId(shop!.id, 'float')]))[0]!.available;
      // Odd rounds: the code has just expired, so the expiry job and the cancel race for it.
      const expired = round % 2 === 1;
      if (expired) world.clock.advance(30 * 60_000 + 1);
      const [paid, cancel] = await Promise.all([
        world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(shop!.counter.token), ...idem() }, payload: { code, amount: wire(9_500) } }),
        world.rt.app.inject({ method: 'POST', url: `/v1/cashouts/${cashout}/cancel`, headers: bearer(person.token) }),
        world.rt.ctx.services.cashout.expirePickupCodes(),
      ]);
      if (expired) expect(paid.json().error.code).toBe('withdrawal_code_expired');
      else expect([paid.statusCode, cancel.statusCode].filter((s) => s < 300), `${paid.body}\n${cancel.body}`).toHaveLength(1);
      const view = await world.rt.app.inject({ method: 'GET', url: `/v1/cashouts/${cashout}`, headers: bearer(person.token) });
      expect(['settled', 'cancelled', 'failed']).toContain(view.json().state);
      const [wallet] = await world.rt.ctx.ledger.getBalances([person.wallet.cashable_account]);
      const floatAfter = (await world.rt.ctx.ledger.getBalances([agentAccountId(shop!.id, 'float')]))[0]!.available;
      if (paid.statusCode === 201) {
        expect(wallet!.available).toBe(0n);
        expect(floatAfter - floatBefore).toBe(won(9_500));
      } else {
        expect(wallet!.available).toBe(won(10_000));
        expect(floatAfter).toBe(floatBefore);
      }
      world.clock.advance(60_000);
    }
  });

  it('an ATM completing the same withdrawal twice at once settles it once', async () => {
    const network = await createTestPartner(world.tc, ['atm:operate'], 'Race ATM network');
    const atm = new AtmNetworkSimulator({
      apiKey: network.apiKey, secrets: ['whsec_c21hbGxjaGFuZ2UtZGVtby1hdG0tbmV0d29yay1zZWNyZXQ='], now: () => world.clock.now(),
      transport: async (path, body, headers) => {
        const res = await world.rt.app.inject({ method: 'POST', url: path, headers, payload: body });
        return { status: res.statusCode, body: res.json() };
      },
    });
    const person = await makePerson(world);
    await fund(world, person, won(20_000));
    const { cashout, code } = await cashCode(world, person, 'atm', 20_000n);
    const auth = await atm.call('/v1/atm/authorize', { code, pin: person.pin, amount: wire(19_000), atm_reference: 'R1' });
    expect(auth.status, JSON.stringify(auth.body)).toBe(200);
    const settlementBefore = (await world.rt.ctx.ledger.getBalances([systemAccountId('atm_settlement', 'KRW')]))[0]!.available;
    const answers = await Promise.all([atm.call('/v1/atm/complete', { withdrawal: cashout }), atm.call('/v1/atm/complete', { withdrawal: cashout })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const settlementAfter = (await world.rt.ctx.ledger.getBalances([systemAccountId('atm_settlement', 'KRW')]))[0]!.available;
    expect(settlementAfter - settlementBefore).toBe(won(19_000));
  });
});
