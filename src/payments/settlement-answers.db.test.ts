// The bank's answers to merchant settlements, end to end through the bank simulator: the run
// reserves each receivable into bank_clearing and writes the pain.001; the bank accepts one item
// and rejects the other (AC04, closed account); cash-out's bank ingest hands the rct_ answers to
// payments, which posts the accepted one into bank_clearing (as a settled cash-out) and voids the
// rejected one back to the merchant's receivable, the reason on the settlement. A duplicate or
// contradicting answer books nothing; the camt.053 is then matched by reconciliation, not flagged,
// and a later return of the paid settlement goes back to the merchant's receivable once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createTestStaff } from '../../test/helpers/identity.ts';
import { krw, makeMerchant, makePayer, newKey, openPaymentsWorld, pay, rowCounts, won, type PaymentsWorld } from '../../test/helpers/payments.ts';
import { DEMO_DEBTOR } from '../cashout/index.ts';
import { bankDirectories, BankSimulator, type RailUpdate } from '../rails/index.ts';
import { systemAccountId } from '../wallets/index.ts';

let world: PaymentsWorld;
beforeAll(async () => {
  world = await openPaymentsWorld();
});
afterAll(async () => {
  await world.close(); // seals the ledger and verifies it: no problems
});

const clearing = async () => (await world.rt.ctx.ledger.getBalances([systemAccountId('bank_clearing', 'KRW')]))[0]!;
const deposits = async () => (await world.rt.ctx.ledger.getBalances([systemAccountId('bank_deposits', 'KRW')]))[0]!.posted;

describe('the bank answers merchant settlements', () => {
  test('accepted → posted into bank_clearing; rejected AC04 → back in the receivable with the reason; duplicates book nothing; the statement matches', async () => {
    const finance = await createTestStaff(world.tc, 'finance');
    const paid = await makeMerchant(world, { name: '편의점 A' });
    const closed = await makeMerchant(world, { name: '카페 B' });
    const payer = await makePayer(world, { cashable: 100_000 });
    await pay(world, payer, { merchant: paid.code, amount: krw(10_000) });
    await pay(world, payer, { merchant: closed.code, amount: krw(5_000) });
    const closedAccount = (await sql<{ a: string }>`SELECT settlement_account AS a FROM merchants WHERE code = ${closed.code}`.execute(world.rt.database.db)).rows[0]!.a;
    const bank = new BankSimulator({ dataDir: world.dataDir, clock: world.clock, account: DEMO_DEBTOR, latency_ms: 0, rejectionRate: 0, statementAtLocal: null, seed: 5, closedAccounts: [closedAccount] });
    let staffToken = world.admin.token;
    const receivable = async (id: string) => {
      const res = await world.inject({ method: 'GET', url: `/v1/merchants/${id}`, headers: bearer(staffToken) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().receivable_balance;
    };
    const before = await clearing();

    const run = await world.inject({ method: 'POST', url: '/v1/merchants/settlements', headers: { ...bearer(finance.token), 'idempotency-key': newKey() } });
    expect(run.statusCode, run.body).toBe(201);
    const ids = Object.fromEntries(run.json().settlements.map((s: { merchant: { id: string }; id: string; state: string }) => [s.merchant.id, s.id]));
    expect(run.json().settlements.map((s: { state: string }) => s.state)).toEqual(['submitted', 'submitted']);
    // Reserved, not yet paid: the receivables are spent, bank_clearing holds it as pending.
    expect(await receivable(paid.id)).toEqual(krw('0'));
    expect(await receivable(closed.id)).toEqual(krw('0'));
    expect((await clearing()).posted).toBe(before.posted);

    await bank.processOutgoing();
    await bank.flushAnswers();
    const ingest = await world.rt.ctx.services.cashout.ingestBank();
    expect(ingest.updates).toMatchObject({ settled: 1, failed: 1, unknown: 0, conflicts: 0 });

    expect(await receivable(paid.id)).toEqual(krw('0'));
    expect(await receivable(closed.id)).toEqual(krw('5000'));
    const after = await clearing();
    expect(after.posted - before.posted).toBe(won(10_000));
    expect(after.available).toBe(after.posted); // nothing reserved any more
    const rows = (await sql<{ id: string; state: string; reason_code: string | null; reason_text: string | null }>`
      SELECT id, state, reason_code, reason_text FROM merchant_settlements ORDER BY state`.execute(world.rt.database.db)).rows;
    expect(rows.map((r) => [r.state, r.reason_code, r.reason_text])).toEqual([['failed', 'AC04', 'The account is closed.'], ['settled', null, null]]);

    // The same answers again (a duplicate pain.002), a stale pending, and a contradiction: nothing books.
    const counts = await rowCounts(world);
    const at = world.clock.now();
    const again: RailUpdate[] = [
      { ref: ids[paid.id], state: 'accepted', at },
      { ref: ids[closed.id], state: 'rejected', at, reasonCode: 'AC04', reasonText: 'closed' },
    ];
    expect(await world.rt.ctx.services.cashout.applyRailUpdates(again, 'test')).toMatchObject({ settled: 0, failed: 0, conflicts: 0, unknown: 0 });
    expect(await world.rt.ctx.services.cashout.applyRailUpdates([{ ref: ids[paid.id], state: 'pending', since: at }], 'test')).toMatchObject({ settled: 0, failed: 0, conflicts: 0 });
    expect(await world.rt.ctx.services.cashout.applyRailUpdates([{ ref: ids[closed.id], state: 'accepted', at }], 'test')).toMatchObject({ settled: 0, conflicts: 1 });
    expect(await rowCounts(world)).toEqual(counts);
    expect(await clearing()).toEqual(after);
    expect(await receivable(closed.id)).toEqual(krw('5000'));

    // A rerun the same day shows what the bank said; the rejected amount waits for the next day.
    const rerun = await world.inject({ method: 'POST', url: '/v1/merchants/settlements', headers: { ...bearer(finance.token), 'idempotency-key': newKey() } });
    const byId = Object.fromEntries(rerun.json().settlements.map((s: { id: string; state: string; failure: unknown }) => [s.id, [s.state, s.failure]]));
    expect(byId).toEqual({ [ids[paid.id]]: ['settled', null], [ids[closed.id]]: ['failed', { code: 'AC04', message: 'The account is closed.' }] });

    // The day's camt.053: the settlement it shows paid is matched (clearing → deposits), not flagged.
    const [statementFile] = await bank.writeStatement('2026-01-13');
    const xml = await readFile(join(bankDirectories(world.dataDir).incoming, statementFile!), 'utf8');
    const depositsBefore = await deposits();
    const result = await world.rt.ctx.services.reconciliation.reconcileXml(xml, { source: 'api', actor: { kind: 'system', name: 'test' } });
    const items = (await sql<{ cashout_id: string | null; outcome: string }>`SELECT cashout_id, outcome FROM reconciliation_items`.execute(world.rt.database.db)).rows;
    expect(items).toContainEqual({ cashout_id: ids[paid.id], outcome: 'matched' });
    expect(items.filter((i) => i.outcome !== 'matched')).toEqual([]);
    expect(result).toBeDefined();
    expect((await clearing()).posted).toBe(before.posted);
    expect((await deposits()) - depositsBefore).toBe(won(10_000));
    // The statement through the ingest too: its accepted answer is a duplicate, nothing books.
    expect((await world.rt.ctx.services.cashout.ingestBank()).updates).toMatchObject({ settled: 0, failed: 0, conflicts: 0, unknown: 0 });
    expect(await receivable(closed.id)).toEqual(krw('5000'));

    // The next day the payee bank sends the paid settlement back (camt.053 return, AC04):
    // reconciliation brings it into clearing and hands it to payments, which moves it back to the
    // receivable; the ingest's returned answer then finds it already returned.
    world.clock.advance(86_400_000);
    staffToken = (await createTestStaff(world.tc, 'admin')).token; // yesterday's session has expired
    await bank.returnPayout(ids[paid.id], 'AC04');
    const [returnFile] = await bank.writeStatement('2026-01-14');
    const returnXml = await readFile(join(bankDirectories(world.dataDir).incoming, returnFile!), 'utf8');
    await world.rt.ctx.services.reconciliation.reconcileXml(returnXml, { source: 'api', actor: { kind: 'system', name: 'test' } });
    expect(await receivable(paid.id)).toEqual(krw('10000'));
    expect((await clearing()).posted).toBe(before.posted);
    expect(await deposits()).toBe(depositsBefore);
    const returned = (await sql<{ state: string; reason_code: string | null }>`SELECT state, reason_code FROM merchant_settlements WHERE state = 'returned'`.execute(world.rt.database.db)).rows;
    expect(returned).toEqual([{ state: 'returned', reason_code: 'AC04' }]);
    const countsAfterReturn = await rowCounts(world);
    expect((await world.rt.ctx.services.cashout.ingestBank()).updates).toMatchObject({ returned: 0, conflicts: 0, unknown: 0 });
    expect(await world.rt.ctx.services.payments.markSettlementReturned(ids[paid.id], { code: 'AC04' })).toBe('already_returned');
    expect(await rowCounts(world)).toEqual(countsAfterReturn);
    expect(await receivable(paid.id)).toEqual(krw('10000'));
    await bank.stop();
  });
});
