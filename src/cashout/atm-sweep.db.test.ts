// An ATM withdrawal authorized and then never completed nor reversed: after the policy's window
// (atm_complete_window_minutes) the sweep voids the hold — the money is back with the person at
// once, not an hour later by the ledger's timeout — and opens an atm_not_completed finance task,
// since the machine may have dispensed. A late complete is refused with atm_withdrawal_lapsed,
// posts nothing, and shows on the task (reopened if finance had closed it); a late reverse
// confirms nothing was dispensed and closes the task.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmNetworkSimulator, type AtmTransport } from '../rails/index.ts';
import { systemAccountId } from '../wallets/index.ts';
import { bearer, createTestPartner } from '../../test/helpers/identity.ts';
import { cashCode, fund, makePerson, openAgentWorld, won, wire, type AgentWorld, type Person } from '../../test/helpers/agents.ts';

const SECRET = 'whsec_c21hbGxjaGFuZ2UtZGVtby1hdG0tbmV0d29yay1zZWNyZXQ=';
let world: AgentWorld;
let atm: AtmNetworkSimulator;

beforeAll(async () => {
  world = await openAgentWorld();
  const network = await createTestPartner(world.tc, ['atm:operate'], 'Seoul ATM network');
  const transport: AtmTransport = async (path, body, headers) => {
    const res = await world.rt.app.inject({ method: 'POST', url: path, headers, payload: body });
    return { status: res.statusCode, body: res.json() };
  };
  atm = new AtmNetworkSimulator({ apiKey: network.apiKey, secrets: [SECRET], transport, now: () => world.clock.now() });
});
afterAll(async () => world?.close());

const available = async (account: string) => (await world.rt.ctx.ledger.getBalances([account as never]))[0]!.available;
const sweep = () => world.rt.ctx.services.cashout.sweepUnfinishedAtm();

async function person(amount: number): Promise<Person> {
  const p = await makePerson(world);
  await fund(world, p, won(amount));
  return p;
}

async function tasksFor(cashout: string) {
  const res = await world.rt.app.inject({ method: 'GET', url: '/v1/admin/finance-tasks?kind=atm_not_completed&status=open&limit=100', headers: bearer(world.finance.token) });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().data as Array<{ id: string; reference: string; detail: string; status: string }>).filter((t) => t.reference === cashout);
}

async function authorized(p: Person, reference: string): Promise<string> {
  const { cashout, code } = await cashCode(world, p, 'atm', 20_000n);
  const auth = await atm.call('/v1/atm/authorize', { code, pin: p.pin, amount: wire(19_000), atm_reference: reference });
  expect(auth.status, JSON.stringify(auth.body)).toBe(200);
  expect(await available(p.wallet.cashable_account)).toBe(0n);
  return cashout;
}

describe('ATM authorized but never finished', () => {
  it('is released after the window with a finance task; a late complete is refused, posts nothing and shows on the task', async () => {
    const p = await person(20_000);
    const cashout = await authorized(p, 'SWEEP-1');
    const settlement = systemAccountId('atm_settlement', 'KRW');
    const settlementBefore = await available(settlement);

    // Within the window (10 min in the default policy) nothing happens.
    world.clock.advance(9 * 60_000);
    expect(await sweep()).toEqual({ lapsed: 0 });
    expect(await available(p.wallet.cashable_account)).toBe(0n);

    world.clock.advance(2 * 60_000);
    expect(await sweep()).toEqual({ lapsed: 1 });
    expect(await available(p.wallet.cashable_account)).toBe(won(20_000));
    const view = await world.rt.app.inject({ method: 'GET', url: `/v1/cashouts/${cashout}`, headers: bearer(p.token) });
    expect(view.json()).toMatchObject({ state: 'failed', reason: { code: 'atm_not_completed' } });
    const [task] = await tasksFor(cashout);
    expect(task).toBeDefined();
    expect(task!.detail).toContain('SWEEP-1');
    // A second sweep finds nothing more to do and opens no second task.
    expect(await sweep()).toEqual({ lapsed: 0 });
    expect(await tasksFor(cashout)).toHaveLength(1);

    // Finance closes the task; then the network completes after all.
    const resolved = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/finance-tasks/${task!.id}/resolve`, headers: bearer(world.finance.token), payload: { resolution: 'network says nothing dispensed' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(await tasksFor(cashout)).toHaveLength(0);
    const late = await atm.call('/v1/atm/complete', { withdrawal: cashout });
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body).toMatchObject({ error: { code: 'atm_withdrawal_lapsed' } });
    // Nothing posted: the person keeps the money, the ATM settlement account did not move.
    expect(await available(p.wallet.cashable_account)).toBe(won(20_000));
    expect(await available(settlement)).toBe(settlementBefore);
    // The task is open again and says what happened; the code's row keeps the time.
    const [reopened] = await tasksFor(cashout);
    expect(reopened?.id).toBe(task!.id);
    expect(reopened!.detail).toContain('complete after the sweep');
    const row = (await sql<{ status: string; late_complete_at: Date | null }>`
      SELECT status, late_complete_at FROM cashout_pickup_codes WHERE cashout_id = (SELECT cashout_id FROM cashout_pickup_codes WHERE atm_reference = 'SWEEP-1')`.execute(world.rt.database.db)).rows[0]!;
    expect(row.status).toBe('lapsed');
    expect(row.late_complete_at).not.toBeNull();
    const view2 = await world.rt.app.inject({ method: 'GET', url: `/v1/cashouts/${cashout}`, headers: bearer(p.token) });
    expect(view2.json()).toMatchObject({ state: 'failed' });
  });

  it('a late reverse confirms nothing was dispensed: the task closes, nothing moves; then everything is refused', async () => {
    const p = await person(20_000);
    const cashout = await authorized(p, 'SWEEP-2');
    world.clock.advance(11 * 60_000);
    expect(await sweep()).toEqual({ lapsed: 1 });
    expect(await tasksFor(cashout)).toHaveLength(1);
    const reversed = await atm.call('/v1/atm/reverse', { withdrawal: cashout, reason: 'no cash dispensed' });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    expect(reversed.body).toMatchObject({ state: 'failed' });
    expect(await tasksFor(cashout)).toHaveLength(0);
    expect(await available(p.wallet.cashable_account)).toBe(won(20_000));
    const again = await atm.call('/v1/atm/reverse', { withdrawal: cashout, reason: 'again' });
    expect(again.body).toMatchObject({ error: { code: 'atm_already_reversed' } });
    const complete = await atm.call('/v1/atm/complete', { withdrawal: cashout });
    expect(complete.body).toMatchObject({ error: { code: 'atm_already_reversed' } });
    expect(await available(p.wallet.cashable_account)).toBe(won(20_000));
  });

  it('a withdrawal completed in time is never swept', async () => {
    const p = await person(20_000);
    const { code } = await cashCode(world, p, 'atm', 20_000n);
    const done = await atm.withdraw({ code, pin: p.pin, amount: wire(19_000), fault: false });
    expect(done.outcome).toBe('dispensed');
    world.clock.advance(30 * 60_000);
    expect(await sweep()).toEqual({ lapsed: 0 });
    expect(await available(p.wallet.cashable_account)).toBe(0n);
  });
});
