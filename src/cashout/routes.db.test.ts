// The rest of the API: destinations (bank and partner wallet, step-up code, masked, removal),
// the cash-out list and its pages, other people's cash-outs, and auto-sweep rules.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uuidToId } from '../shared/ids.ts';
import { bearer, createTestStaff, smsCodeFor } from '../../test/helpers/identity.ts';
import { balancesOf, cashOut, fund, makePerson, openCashoutWorld, readyPerson, won, wire, type CashoutWorld } from '../../test/helpers/cashout.ts';

let world: CashoutWorld;
beforeAll(async () => {
  world = await openCashoutWorld();
});
afterAll(async () => {
  await world.close();
});

describe('destinations', () => {
  test('a partner wallet: step-up code, masked, listed, removed', async () => {
    const person = await makePerson(world, { lang: 'en' });
    const partner = await world.tc.identity.createPartner(world.tc.database.db, { system: 'test' }, 'Kakao Wallet');
    const payload = { kind: 'wallet', provider: partner.id, account: 'minjun.kim@kakao', label: 'My Kakao' };
    const first = await world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload });
    expect(first.statusCode).toBe(403);
    const challenge = first.json().error.details.challenge_id;
    const code = await smsCodeFor(world.tc.database.db, challenge);
    // A code is bound to what it approves: it does not add another account.
    const other = await world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload: { ...payload, account: 'someone.else', otp: { challenge_id: challenge, code } } });
    expect(other.json().error.code).toBe('otp_binding_mismatch');
    const added = await world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload: { ...payload, otp: { challenge_id: challenge, code } } });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ kind: 'wallet', label: 'My Kakao', provider: partner.id, account_masked: '****akao', paid_before: false, display: 'My Kakao ****akao' });
    expect(added.body).not.toContain('minjun.kim@kakao');
    const list = (await world.app.inject({ method: 'GET', url: '/v1/me/destinations', headers: bearer(person.token) })).json();
    expect(list.data.map((d: { id: string }) => d.id)).toEqual([added.json().id]);
    const again = await world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload });
    expect(again.json().error.code).toBe('destination_exists');
    const removed = await world.app.inject({ method: 'DELETE', url: `/v1/me/destinations/${added.json().id}`, headers: bearer(person.token) });
    expect(removed.json()).toEqual({ id: added.json().id, deleted: true });
    expect((await world.app.inject({ method: 'GET', url: '/v1/me/destinations', headers: bearer(person.token) })).json().data).toEqual([]);
    const twice = await world.app.inject({ method: 'DELETE', url: `/v1/me/destinations/${added.json().id}`, headers: bearer(person.token) });
    expect(twice.statusCode).toBe(404);
  });

  test('a bank account shows the bank\'s name and the last four digits only; hyphens are accepted', async () => {
    const person = await makePerson(world);
    const payload = { kind: 'bank', bank_code: person.bankCode, account_number: `${person.accountNumber.slice(0, 3)}-${person.accountNumber.slice(3)}` };
    const first = await world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload });
    const challenge = first.json().error.details.challenge_id;
    const code = await smsCodeFor(world.tc.database.db, challenge);
    const added = await world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: { ...bearer(person.token), 'accept-language': 'ko' }, payload: { ...payload, otp: { challenge_id: challenge, code } } });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ kind: 'bank', bank: { code: '088', name: '신한은행' }, account_masked: `****${person.accountNumber.slice(-4)}` });
    expect(added.body).not.toContain(person.accountNumber);
  });
});

describe('cash-out list and detail', () => {
  test('newest first, in pages; someone else\'s cash-out is not found', async () => {
    const person = await readyPerson(world, won(60_000));
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(await cashOut(world, person, wire(5_000)));
      world.clock.advance(1_000);
    }
    const page1 = (await world.app.inject({ method: 'GET', url: '/v1/cashouts?limit=2', headers: bearer(person.token) })).json();
    expect(page1.data.map((c: { id: string }) => c.id)).toEqual([made[2]!.id, made[1]!.id]);
    expect(page1.has_more).toBe(true);
    const page2 = (await world.app.inject({ method: 'GET', url: `/v1/cashouts?limit=2&starting_after=${made[1]!.id}`, headers: bearer(person.token) })).json();
    expect(page2.data.map((c: { id: string }) => c.id)).toEqual([made[0]!.id]);
    expect(page2.has_more).toBe(false);
    const stranger = await readyPerson(world, won(1_000));
    for (const url of [`/v1/cashouts/${made[0]!.id}`, `/v1/cashouts/${made[0]!.id}/receipt`]) {
      const res = await world.app.inject({ method: 'GET', url, headers: bearer(stranger.token) });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('cashout_not_found');
    }
    const cancel = await world.app.inject({ method: 'POST', url: `/v1/cashouts/${made[0]!.id}/cancel`, headers: bearer(stranger.token) });
    expect(cancel.statusCode).toBe(404);
    await world.service.runBankBatch();
  });
});

describe('auto-sweep', () => {
  test('set with PIN + code; a credit over the threshold makes an ordinary cash-out of the whole cashable balance', async () => {
    const person = await readyPerson(world, won(3_000));
    const payload = { threshold: wire(20_000), destination: person.destination, channel: 'bank', pin: person.pin };
    const first = await world.app.inject({ method: 'PUT', url: '/v1/me/auto-sweep', headers: bearer(person.token), payload });
    expect(first.statusCode, first.body).toBe(403);
    const challenge = first.json().error.details.challenge_id;
    const code = await smsCodeFor(world.tc.database.db, challenge);
    const wrongPin = await world.app.inject({ method: 'PUT', url: '/v1/me/auto-sweep', headers: bearer(person.token), payload: { ...payload, pin: person.pin === '111111' ? '222222' : '111111', otp: { challenge_id: challenge, code } } });
    expect(wrongPin.json().error.code).toBe('invalid_credentials');
    const set = await world.app.inject({ method: 'PUT', url: '/v1/me/auto-sweep', headers: bearer(person.token), payload: { ...payload, otp: { challenge_id: challenge, code } } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ threshold: wire(20_000), channel: 'bank', active: true, wallet: uuidToId(person.wallet.id, 'wal') });

    expect(await world.service.evaluateAutoSweep(person.user.id)).toEqual({ swept: false, reason: 'below_threshold' });
    await fund(world, person, { cashable: (won(18_000) + 4_200n) as never });
    const swept = await world.service.evaluateAutoSweep(person.user.id);
    expect(swept.swept).toBe(true);
    const c = (await world.app.inject({ method: 'GET', url: `/v1/cashouts/${(swept as { cashout: string }).cashout}`, headers: bearer(person.token) })).json();
    // 21,000.42 cashable: an ordinary quote of "all" — whole won paid, the 0.42 stays.
    expect(c).toMatchObject({ state: 'submitted', origin: 'auto_sweep', net: wire(21_000), dust_kept: wire('0.42') });
    expect((await balancesOf(world, person)).cashable.available).toBe(4_200n);
    // One sweep in flight at a time; the periodic job finds nothing more to do.
    await fund(world, person, { cashable: won(30_000) });
    expect(await world.service.evaluateAutoSweep(person.user.id)).toEqual({ swept: false, reason: 'in_flight' });
    const periodic = await world.service.runAutoSweeps();
    expect(periodic.swept).toBe(0);
    await world.service.runBankBatch();
    await world.bank.processOutgoing();
    await world.bank.flushAnswers();
    await world.service.ingestBank();
    expect((await world.service.runAutoSweeps()).swept).toBe(1);

    const removed = await world.app.inject({ method: 'DELETE', url: '/v1/me/auto-sweep', headers: bearer(person.token) });
    expect(removed.json().active).toBe(false);
    expect(await world.service.evaluateAutoSweep(person.user.id)).toEqual({ swept: false, reason: 'no_rule' });
    const gone = await world.app.inject({ method: 'GET', url: '/v1/me/auto-sweep', headers: { ...bearer(person.token), 'accept-language': 'ko' } });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('auto_sweep_not_found');
    await world.service.runBankBatch();
  });

  test('a sweep that cannot go (the balance is frozen) is recorded, not thrown; removing the destination stops the rule', async () => {
    const person = await readyPerson(world, won(30_000));
    const { rows } = await sql<{ id: string }>`SELECT id FROM wallets WHERE user_id = ${person.user.id}`.execute(world.tc.database.db);
    await sql`INSERT INTO cashout_auto_sweeps (user_id, wallet_id, threshold, destination_id, channel, active, created_at, updated_at)
      VALUES (${person.user.id}, ${rows[0]!.id}::uuid, ${won(10_000)}, ${person.destination!}, 'bank', true, ${world.clock.now()}, ${world.clock.now()})`.execute(world.tc.database.db);
    await world.app.inject({ method: 'POST', url: '/v1/me/freeze', headers: bearer(person.token) });
    expect(await world.service.evaluateAutoSweep(person.user.id)).toEqual({ swept: false, reason: 'account_frozen' });
    const rule = (await world.app.inject({ method: 'GET', url: '/v1/me/auto-sweep', headers: bearer(person.token) })).json();
    expect(rule.last_outcome).toBe('account_frozen');
    await world.app.inject({ method: 'DELETE', url: `/v1/me/destinations/${person.destination}`, headers: bearer(person.token) });
    expect(await world.service.evaluateAutoSweep(person.user.id)).toEqual({ swept: false, reason: 'no_rule' });
  });

  test('the threshold must reach the payout minimum', async () => {
    const person = await readyPerson(world, won(3_000));
    const res = await world.app.inject({
      method: 'PUT', url: '/v1/me/auto-sweep', headers: { ...bearer(person.token), 'accept-language': 'ko' },
      payload: { threshold: wire(500), destination: person.destination, channel: 'bank', pin: person.pin },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'below_payout_threshold', param: 'threshold' });
    const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM cashout_auto_sweeps WHERE user_id = ${person.user.id}`.execute(world.tc.database.db);
    expect(rows[0]!.n).toBe(0n);
  });
});

describe('operations: run the payouts now', () => {
  test('finance staff may; support staff and people may not', async () => {
    const person = await readyPerson(world, won(20_000));
    await cashOut(world, person, wire(5_000));
    const support = await createTestStaff(world.tc, 'support');
    expect((await world.app.inject({ method: 'POST', url: '/v1/admin/payouts/run', headers: bearer(support.token) })).statusCode).toBe(403);
    expect((await world.app.inject({ method: 'POST', url: '/v1/admin/payouts/run', headers: bearer(person.token) })).statusCode).toBe(403);
    expect((await world.app.inject({ method: 'POST', url: '/v1/admin/payouts/run' })).statusCode).toBe(401);
    const finance = await createTestStaff(world.tc, 'finance');
    const run = await world.app.inject({ method: 'POST', url: '/v1/admin/payouts/run', headers: bearer(finance.token) });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json().data).toEqual([expect.objectContaining({ channel: 'bank', items: 1, refused: 0 })]);
    const again = await world.app.inject({ method: 'POST', url: '/v1/admin/payouts/run', headers: bearer(finance.token), payload: { channel: 'bank' } });
    expect(again.json().data).toEqual([]);
  });
});
