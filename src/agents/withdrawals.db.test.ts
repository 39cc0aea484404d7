// Cash-out at an agent, end to end through the API on the real composition root: quote with the
// agent fee shown first, confirm → one-time code by SMS, the agent redeems it → the reservation
// lands in the agent's float, commission from fee income, SMS and receipt to both; and every way
// a code can be wrong, with nothing moved.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemAccountId, walletIdOf } from '../wallets/index.ts';
import { agentAccountId } from './index.ts';
import { bearer, createTestPartner, createTestStaff } from '../../test/helpers/identity.ts';
import { cashCode, fund, idem, makePerson, makeShop, openAgentWorld, won, wire, type AgentWorld, type Person, type Shop } from '../../test/helpers/agents.ts';

let world: AgentWorld;
let shop: Shop;

beforeAll(async () => {
  world = await openAgentWorld();
  shop = await makeShop(world, { cash: won(2_000_000) });
});
afterAll(async () => world?.close());

async function balanceOf(account: string): Promise<bigint> {
  const [b] = await world.rt.ctx.ledger.getBalances([account as never]);
  return b!.available;
}

async function walletBalance(person: Person): Promise<bigint> {
  return balanceOf(person.wallet.cashable_account);
}

const redeem = (code: string, amount: string, token = shop.counter.token) =>
  world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(token), ...idem() }, payload: { code, amount: wire(amount) } });

async function countRows(table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(world.rt.database.db);
  return Number(rows[0]!.n);
}

describe('cash-out at an agent', () => {
  it('quotes the agent fee first, pays the code into the float, credits commission, tells both, and balances', async () => {
    const person = await makePerson(world);
    await fund(world, person, won(100_000));
    const feeIncomeBefore = await balanceOf(systemAccountId('fee_income', 'KRW'));

    const quote = await world.rt.app.inject({ method: 'POST', url: '/v1/cashouts/quotes', headers: bearer(person.token), payload: { wallet: walletIdOf(person.wallet), amount: wire(50_000), channel: 'agent' } });
    expect(quote.statusCode, quote.body).toBe(201);
    // policy fees.agent: 1 % with a 500 minimum → 500 won; the person sees it before confirming.
    expect(quote.json()).toMatchObject({ channel: 'agent', fee: wire(500), net: wire(49_500) });

    const { cashout, code, net } = await cashCode(world, person, 'agent', 50_000n);
    expect(code).toMatch(/^\d{8}$/);
    expect(net).toBe('49500');
    // Reserved, not gone: the wallet's available balance drops, the cash-out waits for the code.
    expect(await walletBalance(person)).toBe(won(50_000));
    const sms = await sql<{ template: string; body: string }>`SELECT template, body FROM outbox_messages WHERE recipient = ${person.phone} AND template = 'agent.code'`.execute(world.rt.database.db);
    expect(sms.rows[0]?.body).toContain(code);
    // The code is stored only as a keyed hash.
    const stored = await sql<{ code_hash: string }>`SELECT code_hash FROM cashout_pickup_codes`.execute(world.rt.database.db);
    expect(stored.rows.every((r) => !r.code_hash.includes(code))).toBe(true);

    const paid = await redeem(code, '49500');
    expect(paid.statusCode, paid.body).toBe(201);
    // policy agents.commission.cash_out: 0.5 % of 49,500 = 247.5 → 247 won (rounded down).
    expect(paid.json()).toMatchObject({ object: 'agent_withdrawal', cashout, agent: shop.id, amount: wire(49_500), commission: wire(247) });
    expect(paid.json().receipt_number).toMatch(/^RCT-2026-/);

    expect(await balanceOf(agentAccountId(shop.id, 'float'))).toBe(won(49_500));
    expect(await balanceOf(agentAccountId(shop.id, 'commission'))).toBe(won(247));
    expect(await balanceOf(systemAccountId('agent_clearing', 'KRW'))).toBe(0n);
    expect((await balanceOf(systemAccountId('fee_income', 'KRW'))) - feeIncomeBefore).toBe(won(500 - 247));
    expect(await walletBalance(person)).toBe(won(50_000));

    const view = await world.rt.app.inject({ method: 'GET', url: `/v1/cashouts/${cashout}`, headers: bearer(person.token) });
    expect(view.json()).toMatchObject({ state: 'settled', channel: 'agent', receipt_number: paid.json().receipt_number });
    const receipt = await world.rt.app.inject({ method: 'GET', url: `/v1/cashouts/${cashout}/receipt`, headers: bearer(person.token) });
    expect(receipt.statusCode, receipt.body).toBe(200);
    const told = await sql<{ recipient: string; template: string }>`SELECT recipient, template FROM outbox_messages WHERE template IN ('cashout.settled', 'agent.cash_out_paid')`.execute(world.rt.database.db);
    expect(told.rows).toEqual(expect.arrayContaining([{ recipient: person.phone, template: 'cashout.settled' }, { recipient: shop.owner.phone, template: 'agent.cash_out_paid' }]));

    const me = await world.rt.app.inject({ method: 'GET', url: '/v1/agent/me', headers: bearer(shop.counter.token) });
    expect(me.json()).toMatchObject({ id: shop.id, float: wire(49_500), commission_balance: wire(247), cash_on_hand: wire(2_000_000 - 49_500) });

    // The same code again: used, nothing moves.
    const again = await redeem(code, '49500');
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'withdrawal_code_used', param: 'code' });
    expect(await balanceOf(agentAccountId(shop.id, 'float'))).toBe(won(49_500));
  });

  it('refuses amounts other than the code\'s, and leaves the code usable', async () => {
    const person = await makePerson(world);
    await fund(world, person, won(30_000));
    const { code } = await cashCode(world, person, 'agent', 20_000n);
    const above = await redeem(code, '19501');
    expect(above.statusCode).toBe(400);
    expect(above.json().error).toMatchObject({ code: 'amount_above_code', param: 'amount' });
    const below = await redeem(code, '10000');
    expect(below.statusCode).toBe(400);
    expect(below.json().error).toMatchObject({ code: 'amount_mismatch', param: 'amount' });
    expect(await walletBalance(person)).toBe(won(10_000));
    const ok = await redeem(code, '19500');
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('an expired code voids the reservation and gives every unit back', async () => {
    const person = await makePerson(world);
    await fund(world, person, won(40_000));
    const { cashout, code } = await cashCode(world, person, 'agent', 40_000n);
    expect(await walletBalance(person)).toBe(0n);
    world.clock.advance(31 * 60_000);
    const late = await redeem(code, '39500');
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('withdrawal_code_expired');
    const report = await world.rt.ctx.services.cashout.expirePickupCodes();
    expect(report.expired).toBe(1);
    expect(await walletBalance(person)).toBe(won(40_000));
    const view = await world.rt.app.inject({ method: 'GET', url: `/v1/cashouts/${cashout}`, headers: bearer(person.token) });
    expect(view.json()).toMatchObject({ state: 'failed', reason: { code: 'code_expired' } });
    const afterJob = await redeem(code, '39500');
    expect(afterJob.json().error.code).toBe('withdrawal_code_expired');
  });

  it('a cancelled cash-out\'s code no longer pays', async () => {
    const person = await makePerson(world);
    await fund(world, person, won(10_000));
    const { cashout, code } = await cashCode(world, person, 'agent', 10_000n);
    const cancel = await world.rt.app.inject({ method: 'POST', url: `/v1/cashouts/${cashout}/cancel`, headers: bearer(person.token) });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(await walletBalance(person)).toBe(won(10_000));
    const tried = await redeem(code, '9500');
    expect(tried.statusCode).toBe(409);
    expect(tried.json().error.code).toBe('withdrawal_code_not_valid');
    // The job marks the code void: it never shows as live again.
    expect((await world.rt.ctx.services.cashout.expirePickupCodes()).voided).toBeGreaterThanOrEqual(1);
    const { rows } = await sql<{ status: string }>`SELECT status FROM cashout_pickup_codes WHERE cashout_id = (SELECT id FROM cashouts WHERE state = 'cancelled' ORDER BY created_at DESC LIMIT 1)`.execute(world.rt.database.db);
    expect(rows.map((r) => r.status)).toEqual(['void']);
  });

  it('answers a retried redemption (same Idempotency-Key) with the same receipt, paying once', async () => {
    const person = await makePerson(world);
    await fund(world, person, won(10_000));
    const { code } = await cashCode(world, person, 'agent', 10_000n);
    const floatBefore = await balanceOf(agentAccountId(shop.id, 'float'));
    const key = idem();
    const send = () => world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(shop.counter.token), ...key }, payload: { code, amount: wire(9_500) } });
    const first = await send();
    const retry = await send();
    expect(first.statusCode, first.body).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect((await balanceOf(agentAccountId(shop.id, 'float'))) - floatBefore).toBe(won(9_500));
    // The stored answer holds no code (a secret field).
    const stored = await sql<{ body: string }>`SELECT response_body::text AS body FROM idempotency_keys WHERE key = ${key['idempotency-key']}`.execute(world.rt.database.db);
    expect(stored.rows[0]!.body).not.toContain(code);
  });

  it('wrong codes count against the agent and are rate-limited', async () => {
    const other = await makeShop(world, { name: 'Guessing shop' });
    const person = await makePerson(world);
    await fund(world, person, won(10_000));
    const { code } = await cashCode(world, person, 'agent', 10_000n);
    const wrong = code === '00000000' ? '00000001' : '00000000';
    for (let i = 0; i < 5; i++) {
      const r = await redeem(wrong, '9500', other.counter.token);
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'withdrawal_code_invalid', param: 'code' });
    }
    // Even the right code is refused now: the agent is locked out for the hour, not the person.
    const limited = await redeem(code, '9500', other.counter.token);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('agent_code_attempts_exceeded');
    const elsewhere = await redeem(code, '9500');
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    world.clock.advance(61 * 60_000);
    const later = await redeem(wrong, '9500', other.counter.token);
    expect(later.json().error.code).toBe('withdrawal_code_invalid');
  });

  it('refuses bad input with stable codes and writes nothing', async () => {
    const before = { codes: await countRows('cashout_pickup_codes'), tx: await countRows('agent_transactions'), keys: await countRows('idempotency_keys') };
    const post = (payload: unknown, headers: Record<string, string> = idem()) =>
      world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(shop.counter.token), ...headers }, payload: payload as object });
    const cases: Array<[unknown, number, string, string | undefined]> = [
      [{ amount: wire(1000) }, 400, 'missing_field', 'code'],
      [{ code: '12345678' }, 400, 'missing_field', 'amount'],
      [{ code: '1234', amount: wire(1000) }, 400, 'withdrawal_code_invalid', 'code'],
      [{ code: 12345678, amount: wire(1000) }, 400, 'invalid_type', 'code'],
      [{ code: '12345678', amount: wire('-5') }, 400, 'invalid_amount', 'amount'],
      [{ code: '12345678', amount: wire('1.000000001') }, 400, 'invalid_amount', 'amount'],
      [{ code: '12345678', amount: { amount: '1000', currency: 'USD' } }, 400, 'currency_not_supported', 'amount.currency'],
      [{ code: '12345678', amount: wire(1000), extra: 1 }, 400, 'unknown_field', 'extra'],
    ];
    for (const [payload, status, code, param] of cases) {
      const r = await post(payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(status);
      expect(r.json().error.code, JSON.stringify(payload)).toBe(code);
      if (param) expect(r.json().error.param, JSON.stringify(payload)).toBe(param);
    }
    const noKey = await post({ code: '12345678', amount: wire(1000) }, {});
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.code).toBe('idempotency_key_required');
    expect({ codes: await countRows('cashout_pickup_codes'), tx: await countRows('agent_transactions'), keys: await countRows('idempotency_keys') }).toEqual(before);
  });

  it('lets only a registered agent\'s counter redeem (role matrix)', async () => {
    const person = await makePerson(world);
    const partner = await createTestPartner(world.tc, ['atm:operate']);
    const unregistered = await createTestStaff(world.tc, 'agent');
    const callers: Array<[string, Record<string, string>, number, string]> = [
      ['anonymous', {}, 401, 'unauthenticated'],
      ['user', bearer(person.token), 403, 'forbidden'],
      ['partner', bearer(partner.apiKey), 403, 'forbidden'],
      ['admin', bearer(world.admin.token), 403, 'forbidden'],
      ['finance', bearer(world.finance.token), 403, 'forbidden'],
      ['agent without a shop', bearer(unregistered.token), 403, 'not_an_agent'],
    ];
    for (const [who, headers, status, code] of callers) {
      const r = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...headers, ...idem() }, payload: { code: '12345678', amount: wire(1000) } });
      expect(r.statusCode, who).toBe(status);
      expect(r.json().error.code, who).toBe(code);
    }
  });
});
