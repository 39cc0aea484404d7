// Cardless ATM withdrawals through the API, driven by the in-process ATM network simulator: a
// signed partner authorizes with code + PIN + amount, then completes (settles to atm_settlement)
// or reverses (every unit back); and every refusal with its own code and nothing moved.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtmNetworkSimulator, signAtmRequest, type AtmTransport } from '../rails/index.ts';
import { systemAccountId } from '../wallets/index.ts';
import { bearer, createTestPartner } from '../../test/helpers/identity.ts';
import { cashCode, fund, makePerson, openAgentWorld, won, wire, type AgentWorld, type Person } from '../../test/helpers/agents.ts';

const SECRET = 'whsec_c21hbGxjaGFuZ2UtZGVtby1hdG0tbmV0d29yay1zZWNyZXQ=';
let world: AgentWorld;
let network: { partnerId: string; apiKey: string };
let atm: AtmNetworkSimulator;

function transport(): AtmTransport {
  return async (path, body, headers) => {
    const res = await world.rt.app.inject({ method: 'POST', url: path, headers, payload: body });
    return { status: res.statusCode, body: res.json() };
  };
}

beforeAll(async () => {
  world = await openAgentWorld();
  network = await createTestPartner(world.tc, ['atm:operate'], 'Seoul ATM network');
  atm = new AtmNetworkSimulator({ apiKey: network.apiKey, secrets: [SECRET], transport: transport(), now: () => world.clock.now() });
});
afterAll(async () => world?.close());

async function available(account: string): Promise<bigint> {
  const [b] = await world.rt.ctx.ledger.getBalances([account as never]);
  return b!.available;
}

async function person(amount: number): Promise<Person> {
  const p = await makePerson(world);
  await fund(world, p, won(amount));
  return p;
}

describe('cardless ATM', () => {
  it('authorize + complete settles to the ATM settlement account; a second complete is refused', async () => {
    const p = await person(30_000);
    const settlementBefore = await available(systemAccountId('atm_settlement', 'KRW'));
    const { cashout, code, net, fee } = await cashCode(world, p, 'atm', 20_000n);
    expect({ net, fee }).toEqual({ net: '19000', fee: '1000' });
    const done = await atm.withdraw({ code, pin: p.pin, amount: wire(19_000), fault: false });
    expect(done.outcome).toBe('dispensed');
    if (done.outcome !== 'dispensed') return;
    expect(done.withdrawal).toBe(cashout);
    expect(done.complete.status, JSON.stringify(done.complete.body)).toBe(200);
    expect(done.complete.body).toMatchObject({ state: 'settled', amount: wire(19_000) });
    expect((await available(systemAccountId('atm_settlement', 'KRW'))) - settlementBefore).toBe(won(19_000));
    expect(await available(p.wallet.cashable_account)).toBe(won(10_000));
    const again = await atm.call('/v1/atm/complete', { withdrawal: cashout });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'atm_already_completed' } });
  });

  it('a retried message (same webhook-id) is answered again without a second effect', async () => {
    const p = await person(20_000);
    const { cashout, code } = await cashCode(world, p, 'atm', 20_000n);
    const auth = await atm.call('/v1/atm/authorize', { code, pin: p.pin, amount: wire(19_000), atm_reference: 'RT1' });
    expect(auth.status, JSON.stringify(auth.body)).toBe(200);
    const body = JSON.stringify({ withdrawal: cashout });
    const headers = signAtmRequest(network.apiKey, [SECRET], body, world.clock.now(), `atm_retry_${cashout}`);
    const settlementBefore = await available(systemAccountId('atm_settlement', 'KRW'));
    const first = await world.rt.app.inject({ method: 'POST', url: '/v1/atm/complete', headers, payload: body });
    const retry = await world.rt.app.inject({ method: 'POST', url: '/v1/atm/complete', headers, payload: body });
    expect(first.statusCode, first.body).toBe(200);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect((await available(systemAccountId('atm_settlement', 'KRW'))) - settlementBefore).toBe(won(19_000));
  });

  it('a dispensing fault reverses: the reservation is voided and every unit is back', async () => {
    const p = await person(20_000);
    const { cashout, code } = await cashCode(world, p, 'atm', 20_000n);
    expect(await available(p.wallet.cashable_account)).toBe(0n);
    const out = await atm.withdraw({ code, pin: p.pin, amount: wire(19_000), fault: true });
    expect(out.outcome).toBe('reversed');
    if (out.outcome !== 'reversed') return;
    expect(out.reverse.body).toMatchObject({ state: 'failed' });
    expect(await available(p.wallet.cashable_account)).toBe(won(20_000));
    const view = await world.rt.app.inject({ method: 'GET', url: `/v1/cashouts/${cashout}`, headers: bearer(p.token) });
    expect(view.json()).toMatchObject({ state: 'failed', reason: { code: 'atm_reversed' } });
    const twice = await atm.call('/v1/atm/reverse', { withdrawal: cashout, reason: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'atm_already_reversed' } });
    const completeAfter = await atm.call('/v1/atm/complete', { withdrawal: cashout });
    expect(completeAfter.body).toMatchObject({ error: { code: 'atm_already_reversed' } });
  });

  it('a reversal after complete returns the funds with new transfers (returned)', async () => {
    const p = await person(20_000);
    const { cashout, code } = await cashCode(world, p, 'atm', 20_000n);
    const done = await atm.withdraw({ code, pin: p.pin, amount: wire(19_000), fault: false });
    expect(done.outcome).toBe('dispensed');
    const reversed = await atm.call('/v1/atm/reverse', { withdrawal: cashout, reason: 'cash retained by the machine' });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    expect(reversed.body).toMatchObject({ state: 'returned' });
    expect(await available(p.wallet.cashable_account)).toBe(won(20_000));
  });

  it('refuses a wrong code, a wrong PIN, a wrong amount, an agent code, and another network', async () => {
    const p = await person(20_000);
    const { cashout, code } = await cashCode(world, p, 'atm', 20_000n);
    const wrongCode = code === '00000000' ? '00000001' : '00000000';
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ code: wrongCode, pin: p.pin, amount: wire(19_000), atm_reference: 'A1' }, 400, 'withdrawal_code_invalid'],
      [{ code, pin: p.pin === '111111' ? '222222' : '111111', amount: wire(19_000), atm_reference: 'A1' }, 401, 'invalid_credentials'],
      [{ code, pin: p.pin, amount: wire(19_001), atm_reference: 'A1' }, 400, 'amount_above_code'],
      [{ code, pin: p.pin, amount: wire(1_000), atm_reference: 'A1' }, 400, 'amount_mismatch'],
      [{ code, pin: p.pin, amount: wire(19_000) }, 400, 'missing_field'],
      [{ code, pin: p.pin, amount: wire(19_000), atm_reference: 'A1', extra: true }, 400, 'unknown_field'],
      [{ code: '12ab', pin: p.pin, amount: wire(19_000), atm_reference: 'A1' }, 400, 'withdrawal_code_invalid'],
    ];
    for (const [payload, status, errorCode] of cases) {
      const r = await atm.call('/v1/atm/authorize', payload);
      expect(r.status, JSON.stringify([payload, r.body])).toBe(status);
      expect((r.body as { error: { code: string } }).error.code, JSON.stringify(payload)).toBe(errorCode);
    }
    expect(await available(p.wallet.cashable_account)).toBe(0n);
    // An agent's code is not an ATM code (the hash is per channel).
    const q = await person(20_000);
    const agentCode = await cashCode(world, q, 'agent', 20_000n);
    const crossed = await atm.call('/v1/atm/authorize', { code: agentCode.code, pin: q.pin, amount: wire(19_500), atm_reference: 'A2' });
    expect((crossed.body as { error: { code: string } }).error.code).toBe('withdrawal_code_invalid');
    // Another network cannot complete this network's withdrawal.
    const ok = await atm.call('/v1/atm/authorize', { code, pin: p.pin, amount: wire(19_000), atm_reference: 'A3' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const rival = await createTestPartner(world.tc, ['atm:operate'], 'Rival network');
    const rivalAtm = new AtmNetworkSimulator({ apiKey: rival.apiKey, secrets: [SECRET], transport: transport(), now: () => world.clock.now() });
    const stolen = await rivalAtm.call('/v1/atm/complete', { withdrawal: cashout });
    expect(stolen.status).toBe(404);
    expect(stolen.body).toMatchObject({ error: { code: 'atm_withdrawal_not_found' } });
    // Once authorized the person cannot cancel: the cash may be in the tray.
    const cancel = await world.rt.app.inject({ method: 'POST', url: `/v1/cashouts/${cashout}/cancel`, headers: bearer(p.token) });
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json().error.code).toBe('cashout_not_cancellable');
    const reused = await atm.call('/v1/atm/authorize', { code, pin: p.pin, amount: wire(19_000), atm_reference: 'A4' });
    expect((reused.body as { error: { code: string } }).error.code).toBe('withdrawal_code_used');
  });

  it('counts wrong codes against the network and refuses it past its hourly allowance (5 × 100 by default)', async () => {
    const guesser = await createTestPartner(world.tc, ['atm:operate'], 'Guessing network');
    const guessAtm = new AtmNetworkSimulator({ apiKey: guesser.apiKey, secrets: [SECRET], transport: transport(), now: () => world.clock.now() });
    const p = await person(20_000);
    const { code } = await cashCode(world, p, 'atm', 20_000n);
    const wrong = code === '00000000' ? '00000001' : '00000000';
    const first = await guessAtm.call('/v1/atm/authorize', { code: wrong, pin: p.pin, amount: wire(19_000), atm_reference: 'G1' });
    expect((first.body as { error: { code: string } }).error.code).toBe('withdrawal_code_invalid');
    const counted = await sql<{ n: string }>`SELECT count(*)::text AS n FROM withdrawal_code_failures WHERE redeemer = ${guesser.partnerId}`.execute(world.rt.database.db);
    expect(counted.rows[0]!.n).toBe('1');
    // The rest of the hour's allowance, as if guessed (499 more requests would only slow the test).
    await sql`INSERT INTO withdrawal_code_failures (redeemer, at) SELECT ${guesser.partnerId}, ${world.clock.now()}::timestamptz FROM generate_series(1, 499)`.execute(world.rt.database.db);
    const limited = await guessAtm.call('/v1/atm/authorize', { code, pin: p.pin, amount: wire(19_000), atm_reference: 'G2' });
    expect(limited.status).toBe(429);
    expect((limited.body as { error: { code: string } }).error.code).toBe('atm_code_attempts_exceeded');
    // Another network still serves the person.
    const served = await atm.withdraw({ code, pin: p.pin, amount: wire(19_000), fault: false });
    expect(served.outcome).toBe('dispensed');
  });

  it('refuses unsigned, mis-signed or stale requests and callers without atm:operate', async () => {
    const body = JSON.stringify({ withdrawal: 'cot_01h455vb4pex5vsknk084sn02q' });
    const post = (headers: Record<string, string>, payload = body) => world.rt.app.inject({ method: 'POST', url: '/v1/atm/complete', headers: { 'content-type': 'application/json', ...headers }, payload });
    const good = signAtmRequest(network.apiKey, [SECRET], body, world.clock.now());
    const wrongSecret = signAtmRequest(network.apiKey, ['whsec_b3RoZXItc2VjcmV0LW5vdC10aGUtbmV0d29ya3Mtb25l'], body, world.clock.now());
    const stale = signAtmRequest(network.apiKey, [SECRET], body, new Date(world.clock.now().getTime() - 600_000));
    const unsigned = { authorization: `Bearer ${network.apiKey}` };
    const other = await createTestPartner(world.tc, ['credits:write'], 'Not an ATM network');
    const p = await makePerson(world);
    const cases: Array<[string, Record<string, string>, string, number, string]> = [
      ['unsigned', unsigned, body, 401, 'atm_signature_invalid'],
      ['wrong secret', wrongSecret, body, 401, 'atm_signature_invalid'],
      ['stale', stale, body, 401, 'atm_signature_invalid'],
      ['body changed after signing', good, body.replace('cot_', 'cot_x'), 401, 'atm_signature_invalid'],
      ['anonymous', {}, body, 401, 'unauthenticated'],
      ['partner without atm:operate', { ...good, authorization: `Bearer ${other.apiKey}` }, body, 403, 'forbidden'],
      ['user', { ...good, ...bearer(p.token) }, body, 403, 'forbidden'],
      ['admin', { ...good, ...bearer(world.admin.token) }, body, 403, 'forbidden'],
      ['signed, unknown withdrawal', good, body, 404, 'atm_withdrawal_not_found'],
    ];
    for (const [label, headers, payload, status, code] of cases) {
      const r = await post(headers, payload);
      expect(r.statusCode, `${label}: ${r.body}`).toBe(status);
      expect(r.json().error.code, label).toBe(code);
    }
  });
});
