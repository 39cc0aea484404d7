// The whole way from credits to money in a bank account, through the API: the quote shows the fee
// first, the confirm reserves and submits, the bank batch goes out as a pain.001 that validates,
// the bank's pain.002 settles it, the person gets an SMS with the receipt number — and the ledger
// shows exactly where every unit went.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { validateXml } from '../rails/index.ts';
import { systemAccountId } from '../wallets/index.ts';
import { bearer } from '../../test/helpers/identity.ts';
import {
  balancesOf, bankRound, cashOut, cotUuid, openCashoutWorld, openHolds, postConfirm, postQuote, readyPerson, stateOf, won, wire, type CashoutWorld,
} from '../../test/helpers/cashout.ts';

let world: CashoutWorld;
beforeAll(async () => {
  world = await openCashoutWorld();
});
afterAll(async () => {
  await world.close();
});

async function balanceOf(account: string) {
  const [b] = await world.ledger.getBalances([account as never]);
  return b!;
}

describe('bank cash-out, end to end', () => {
  test('quote → confirm → batch → bank answer → settled, with fee, dust, receipt and SMS', async () => {
    const person = await readyPerson(world, (won(25_000) + 3_500n) as never);
    const clearingBefore = await balanceOf(systemAccountId('bank_clearing', 'KRW'));
    const feesBefore = await balanceOf(systemAccountId('fee_income', 'KRW'));

    const quote = await postQuote(world, person, 'all');
    expect(quote.statusCode, quote.body).toBe(201);
    const q = quote.json();
    // The first bank cash-out of the month is free (free_allowance_per_month: 1).
    expect(q).toMatchObject({ object: 'cashout_quote', channel: 'bank', amount: wire('25000.35'), fee: wire(0), net: wire(25_000), dust_kept: wire('0.35'), otp_required: false, policy_version: 1 });
    expect(q.fee_breakdown.free_allowance).toMatchObject({ applied: true, per_month: 1 });
    expect(new Date(q.expires_at).getTime() - world.clock.now().getTime()).toBe(120_000);
    expect(q.expected_arrival.departure_date).toBe('2026-01-13');

    const confirmed = await postConfirm(world, person, q.id);
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    const c = confirmed.json();
    expect(c).toMatchObject({ state: 'submitted', net: wire(25_000), in_batch: false });
    expect(c.events.map((e: { to: string }) => e.to)).toEqual(['reserved', 'screening', 'submitted']);
    expect(await openHolds(world, person)).toBe(1);
    expect((await balancesOf(world, person)).cashable).toMatchObject({ available: 3_500n, held: won(25_000) });

    const [batch] = await world.service.runBankBatch();
    expect(batch).toMatchObject({ items: 1, refused: 0, executionDate: '2026-01-13' });
    const outgoing = await readdir(join(world.dataDir, 'bank', 'outgoing'));
    expect(outgoing).toHaveLength(1);
    const xml = await readFile(join(world.dataDir, 'bank', 'outgoing', outgoing[0]!), 'utf8');
    expect(await validateXml('pain.001.001.10', xml)).toEqual({ ok: true });
    expect(xml).toContain(c.id);
    expect(xml).toContain('<InstdAmt Ccy="KRW">25000</InstdAmt>');

    const ingested = await bankRound(world);
    expect(ingested.updates.settled).toBe(1);
    expect(await stateOf(world, c.id)).toBe('settled');
    expect(await openHolds(world, person)).toBe(0);
    expect((await balancesOf(world, person)).cashable).toMatchObject({ posted: 3_500n, available: 3_500n, held: 0n });
    expect((await balanceOf(systemAccountId('bank_clearing', 'KRW'))).posted - clearingBefore.posted).toBe(won(25_000));
    expect((await balanceOf(systemAccountId('fee_income', 'KRW'))).posted - feesBefore.posted).toBe(0n);

    const view = (await world.app.inject({ method: 'GET', url: `/v1/cashouts/${c.id}`, headers: bearer(person.token) })).json();
    expect(view.receipt_number).toMatch(/^RCT-2026-[0-9A-Z]{12}$/);
    expect(view.events.map((e: { to: string }) => e.to)).toEqual(['reserved', 'screening', 'submitted', 'settled']);
    const { rows: sms } = await sql<{ template: string; body: string }>`
      SELECT template, body FROM outbox_messages WHERE recipient = ${person.phone} AND template LIKE 'cashout.%' ORDER BY created_at`.execute(world.tc.database.db);
    expect(sms.map((m) => m.template)).toEqual(['cashout.submitted', 'cashout.settled']);
    expect(sms[1]!.body).toContain(view.receipt_number);
    expect(sms[1]!.body).toContain('25,000원');
  });

  test('the second bank cash-out of the month pays the fee, and the fee lands in fee income on settle', async () => {
    const person = await readyPerson(world, won(40_000));
    await cashOut(world, person, wire(10_000));
    const feesBefore = await balanceOf(systemAccountId('fee_income', 'KRW'));
    const quote = (await postQuote(world, person, wire(20_000))).json();
    expect(quote).toMatchObject({ fee: wire(500), net: wire(19_500), debit: wire(20_000), dust_kept: wire(0) });
    const c = (await postConfirm(world, person, quote.id)).json();
    expect((await balanceOf(systemAccountId('fee_income', 'KRW'))).pending_in - feesBefore.pending_in).toBe(won(500));
    await world.service.runBankBatch();
    await bankRound(world);
    expect(await stateOf(world, c.id)).toBe('settled');
    expect((await balanceOf(systemAccountId('fee_income', 'KRW'))).posted - feesBefore.posted).toBe(won(500));
    expect((await balancesOf(world, person)).cashable.posted).toBe(won(10_000));
  });

  test('a quote is binding: a new policy with a higher fee does not change a confirmed quote', async () => {
    const person = await readyPerson(world, won(40_000));
    await cashOut(world, person, wire(5_000));
    const quote = (await postQuote(world, person, wire(20_000))).json();
    expect(quote.fee).toEqual(wire(500));
    const current = await world.policy.inForce();
    await world.policy.publish({ yaml: current.yaml.replace('bank: { fixed: "500", percent_bps: 0, min: "0", max: "500", free_allowance_per_month: 1 }', 'bank: { fixed: "900", percent_bps: 0, min: "0", max: "900", free_allowance_per_month: 0 }'), staffId: null });
    expect((await world.policy.inForce()).version).toBe(current.version + 1);
    const c = (await postConfirm(world, person, quote.id)).json();
    expect(c).toMatchObject({ fee: wire(500), net: wire(19_500), policy_version: current.version });
    const fresh = (await postQuote(world, person, wire(10_000))).json();
    expect(fresh).toMatchObject({ fee: wire(900), policy_version: current.version + 1 });
    await world.policy.publish({ yaml: current.yaml, staffId: null });
    expect(cotUuid(c.id)).toBeTruthy();
  });
});
