// Merchant settlement through the real API and the real bank rail: each merchant's receivable
// (whole won) moves to bank clearing and one pain.001 pays the merchants' accounts; a rerun pays
// nothing twice; only finance and admin may run it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createTestStaff } from '../../test/helpers/identity.ts';
import { errorOf, krw, makeMerchant, makePayer, newKey, openPaymentsWorld, pay, refund, rowCounts, won, type PaymentsWorld } from '../../test/helpers/payments.ts';
import { parsePain001 } from '../rails/index.ts';
import { systemAccountId } from '../wallets/index.ts';

let world: PaymentsWorld;
beforeAll(async () => {
  world = await openPaymentsWorld();
});
afterAll(async () => {
  await world.close();
});

async function outgoingFiles(): Promise<string[]> {
  const dir = join(world.dataDir, 'bank', 'outgoing');
  return (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.xml')).map((f) => join(dir, f));
}

describe('merchant settlement', () => {
  test('receivables go to bank clearing and into one pain.001 for the merchants\' accounts; dust stays; a rerun pays nothing twice', async () => {
    const finance = await createTestStaff(world.tc, 'finance');
    const a = await makeMerchant(world, { name: '가게 A' });
    const b = await makeMerchant(world, { name: '가게 B' });
    const idle = await makeMerchant(world, { name: '가게 C' });
    const payer = await makePayer(world, { cashable: 100_000 });
    await pay(world, payer, { merchant: a.code, amount: krw('10000.5') });
    const toB = (await pay(world, payer, { merchant: b.code, amount: krw(7_000) })).json();
    await refund(world, b, toB.id, { amount: krw(2_000) });
    const clearingBefore = (await world.rt.ctx.ledger.getBalances([systemAccountId('bank_clearing', 'KRW')]))[0]!.pending_in;

    const res = await world.inject({ method: 'POST', url: '/v1/merchants/settlements', headers: { ...bearer(finance.token), 'idempotency-key': newKey() } });
    expect(res.statusCode, res.body).toBe(201);
    const run = res.json();
    expect(run).toMatchObject({ object: 'merchant_settlement_run', business_date: '2026-01-13', execution_date: '2026-01-13' });
    const byMerchant = Object.fromEntries(run.settlements.map((s: { merchant: { id: string }; amount: unknown; rail_state: string }) => [s.merchant.id, [s.amount, s.rail_state]]));
    expect(byMerchant).toEqual({ [a.id]: [krw('10000'), 'pending'], [b.id]: [krw('5000'), 'pending'] });
    expect(byMerchant[idle.id]).toBeUndefined();

    // The ledger: receivables emptied but for A's dust, bank clearing holds what the bank will pay
    // as pending until the bank answers (settlement-answers.db.test.ts).
    const receivable = async (id: string) => (await world.inject({ method: 'GET', url: `/v1/merchants/${id}`, headers: bearer(world.admin.token) })).json().receivable_balance;
    expect(await receivable(a.id)).toEqual(krw('0.5'));
    expect(await receivable(b.id)).toEqual(krw('0'));
    const clearingAfter = (await world.rt.ctx.ledger.getBalances([systemAccountId('bank_clearing', 'KRW')]))[0]!.pending_in;
    expect(clearingAfter - clearingBefore).toBe(won(15_000));

    // The file: one pain.001 naming both accounts and amounts.
    const files = await outgoingFiles();
    expect(files).toHaveLength(1);
    const parsed = await parsePain001(await readFile(files[0]!, 'utf8'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.messageId).toBe(run.batch);
    const accounts = (await sql<{ code: string; settlement_account: string }>`SELECT code, settlement_account FROM merchants WHERE code IN (${a.code}, ${b.code})`.execute(world.rt.database.db)).rows;
    const accountOf = Object.fromEntries(accounts.map((r) => [r.code, r.settlement_account]));
    expect(parsed.value.items.map((i) => [i.creditorAccountNumber, i.amountMinor]).sort()).toEqual([[accountOf[a.code], 10_000n], [accountOf[b.code], 5_000n]].sort());

    // A rerun the same day: nothing new moves, no second file.
    const before = await rowCounts(world);
    const again = await world.inject({ method: 'POST', url: '/v1/merchants/settlements', headers: { ...bearer(world.admin.token), 'idempotency-key': newKey() } });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().settlements).toHaveLength(2);
    const after = await rowCounts(world);
    expect({ ...after, idempotency_keys: 0 }).toEqual({ ...before, idempotency_keys: 0 });
    expect(await outgoingFiles()).toHaveLength(1);
  });

  test('only finance and admin run it; without an Idempotency-Key it is refused', async () => {
    const payer = await makePayer(world);
    const shop = await makeMerchant(world);
    for (const [who, headers] of [
      ['support', bearer((await createTestStaff(world.tc, 'support')).token)],
      ['compliance', bearer((await createTestStaff(world.tc, 'compliance')).token)],
      ['user', bearer(payer.token)],
      ['merchant', bearer(shop.apiKey)],
    ] as const) {
      const before = await rowCounts(world);
      const res = await world.inject({ method: 'POST', url: '/v1/merchants/settlements', headers: { ...headers, 'idempotency-key': newKey() } });
      expect(errorOf(res), who).toMatchObject({ status: 403, code: 'forbidden' });
      expect(await rowCounts(world)).toEqual(before);
    }
    expect((await world.inject({ method: 'POST', url: '/v1/merchants/settlements' })).statusCode).toBe(401);
    const noKey = await world.inject({ method: 'POST', url: '/v1/merchants/settlements', headers: bearer(world.admin.token) });
    expect(errorOf(noKey)).toEqual({ status: 400, code: 'idempotency_key_required', param: 'Idempotency-Key' });
  });

  test('the background job settles once a business day at the policy\'s settlement time', async () => {
    const shop = await makeMerchant(world, { name: '늦은 가게' });
    const payer = await makePayer(world, { cashable: 10_000 });
    await pay(world, payer, { merchant: shop.code, amount: krw(3_000) });
    const payments = world.rt.ctx.services.payments;
    expect((await payments.runScheduled()).settlement).toBeNull(); // 10:00 in Seoul
    world.clock.advance(7 * 3_600_000); // 17:00
    const run = (await payments.runScheduled()).settlement!;
    expect(run.settlements.find((x) => x.merchant.code === shop.code)?.settlement.amount).toBe(won(3_000));
    expect((await payments.runScheduled()).settlement).toBeNull();
  });
});
