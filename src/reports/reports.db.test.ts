// Reports on a real ledger: money moved on known days (operator time zone), read back by code.
// Every figure is checked against the sums of what the test posted, and the journal still
// verifies afterwards.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { sealAndVerify } from '../../test/helpers/ledger.ts';
import { AccountFlags, createLedger, isSuccess, TransferFlags, type AccountId, type Ledger, type TransferId, type TransferInput } from '../ledger/index.ts';
import type { Micros } from '../money/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { ACCOUNT_CODES, systemAccountId, TRANSFER_CODES, Wallets } from '../wallets/index.ts';
import { DomainError } from '../shared/errors.ts';
import { agentsReport, dailyReport, reportDay, safeguardingReport, type SafeguardedFunds } from './index.ts';

const TZ = 'Asia/Seoul';
const won = (n: bigint, micros = 0n) => (n * 10_000n + micros) as Micros;

let database: TestDatabase;
let ledger: Ledger;
let clock: ManualClock;
let wallets: Wallets;
const id = () => randomUUID() as TransferId;
const sys = (name: Parameters<typeof systemAccountId>[0]) => systemAccountId(name, 'KRW');

async function post(at: string, transfers: Omit<TransferInput, 'id' | 'currency'>[]): Promise<TransferId[]> {
  clock.set(at);
  const withIds = transfers.map((t) => ({ id: id(), currency: 'KRW' as const, ...t }));
  const results = await ledger.createTransfers(withIds);
  expect(results.every(isSuccess), results.join(',')).toBe(true);
  return withIds.map((t) => t.id);
}

let alice: Awaited<ReturnType<Wallets['openMainWallet']>>;
let bob: Awaited<ReturnType<Wallets['openMainWallet']>>;
const partner = 'a0000000-0000-4000-8000-000000000001' as AccountId;
const floatA = 'a0000000-0000-4000-8000-0000000000a1' as AccountId;
const commissionA = 'a0000000-0000-4000-8000-0000000000a2' as AccountId;
const floatB = 'a0000000-0000-4000-8000-0000000000b1' as AccountId;

beforeAll(async () => {
  database = await openTestDatabase();
  clock = new ManualClock('2026-03-01T00:00:00Z');
  ledger = createLedger(database.db, clock, { background: false });
  wallets = new Wallets(database.db, ledger, clock);
  await wallets.ensureSystemAccounts('KRW');
  alice = await wallets.openMainWallet(database.db, 'usr_alice', 'KRW');
  bob = await wallets.openMainWallet(database.db, 'usr_bob', 'KRW');
  const flags = AccountFlags.debits_must_not_exceed_credits;
  expect((await ledger.createAccounts([
    { id: partner, currency: 'KRW', code: ACCOUNT_CODES.partner_prefund, flags, owner: 'ptn_demo' },
    { id: floatA, currency: 'KRW', code: ACCOUNT_CODES.agent_float, flags, owner: 'agt_a' },
    { id: commissionA, currency: 'KRW', code: ACCOUNT_CODES.agent_commission, flags, owner: 'agt_a' },
    { id: floatB, currency: 'KRW', code: ACCOUNT_CODES.agent_float, flags, owner: 'agt_b' },
  ])).every(isSuccess)).toBe(true);

  // Day 1 (2026-03-02 KST): prefunding, credits, an unclaimed credit, agent floats.
  await post('2026-03-02T01:00:00Z', [
    { debit_account_id: sys('bank_deposits'), credit_account_id: partner, amount: won(100_000n), code: TRANSFER_CODES.partner_prefunding },
    { debit_account_id: partner, credit_account_id: alice.cashable_account, amount: won(10_000n, 35n), code: TRANSFER_CODES.credit },
    { debit_account_id: partner, credit_account_id: bob.spend_only_account!, amount: won(3_000n), code: TRANSFER_CODES.credit },
    { debit_account_id: partner, credit_account_id: sys('unclaimed_suspense'), amount: won(700n), code: TRANSFER_CODES.credit },
    { debit_account_id: sys('bank_deposits'), credit_account_id: floatA, amount: won(600_000n), code: TRANSFER_CODES.agent_rebalance },
    { debit_account_id: sys('bank_deposits'), credit_account_id: floatB, amount: won(50_000n), code: TRANSFER_CODES.agent_rebalance },
  ]);
  // Day 2 (2026-03-03 KST, 00:30 local is still 03-02 UTC): a send, a cash-out with a fee, a
  // credit still in clearance, agent cash-in and commission, a voucher bought.
  await post('2026-03-02T15:30:00Z', [
    { debit_account_id: alice.cashable_account, credit_account_id: bob.cashable_account, amount: won(1_000n), code: TRANSFER_CODES.send_to_person },
    { debit_account_id: alice.cashable_account, credit_account_id: sys('bank_clearing'), amount: won(4_000n), code: TRANSFER_CODES.cashout },
    { debit_account_id: alice.cashable_account, credit_account_id: sys('fee_income'), amount: won(500n), code: TRANSFER_CODES.cashout_fee },
    { debit_account_id: partner, credit_account_id: bob.cashable_account, amount: won(2_500n), code: TRANSFER_CODES.credit, flags: TransferFlags.pending },
    { debit_account_id: floatA, credit_account_id: bob.cashable_account, amount: won(20_000n), code: TRANSFER_CODES.agent_cash_in },
    { debit_account_id: sys('fee_income'), credit_account_id: commissionA, amount: won(60n), code: TRANSFER_CODES.agent_commission },
    { debit_account_id: bob.spend_only_account!, credit_account_id: sys('voucher_liability'), amount: won(1_000n), code: TRANSFER_CODES.voucher_purchase },
  ]);
});
afterAll(async () => {
  await ledger.close();
  await database.close();
});

const noStatement = async () => null;

describe('reportDay', () => {
  test('a local day as UTC instants; a date that is not one is invalid_report_date', () => {
    expect(reportDay('2026-03-03', TZ)).toMatchObject({ start: new Date('2026-03-02T15:00:00Z'), end: new Date('2026-03-03T15:00:00Z') });
    for (const bad of ['2026-02-30', '03/03/2026', '', '2026-3-3']) {
      expect(() => reportDay(bad, TZ), bad).toThrow(DomainError);
    }
  });
});

describe('daily', () => {
  test('day 2: e-money at open and close, fees earned, clearance, and each movement by kind', async () => {
    const report = await dailyReport(database.db, { day: reportDay('2026-03-03', TZ), currency: 'KRW' });
    // Open: alice 10,000.0035 + bob 3,000 + unclaimed 700.
    expect(report.e_money_open.total).toBe(won(13_700n, 35n));
    // Close: alice 10,000.0035 − 1,000 − 4,000 − 500; bob +1,000 +20,000, spend-only 3,000 − 1,000; unclaimed 700; vouchers 1,000.
    expect(report.e_money_close.by_account).toEqual({
      user_cashable: won(4_500n + 21_000n, 35n),
      user_spend_only: won(2_000n),
      user_held_over_cap: won(0n),
      unclaimed_suspense: won(700n),
      voucher_liability: won(1_000n),
    });
    expect(report.e_money_change).toBe(won(29_200n - 13_700n));
    expect(report.fee_income).toBe(won(500n - 60n));
    expect(report.in_clearance_close).toBe(won(2_500n));
    expect(report.movements.map((m) => [m.kind, m.count, m.sum])).toEqual([
      ['send_to_person', 1, won(1_000n)],
      ['cashout', 1, won(4_000n)],
      ['cashout_fee', 1, won(500n)],
      ['agent_cash_in', 1, won(20_000n)],
      ['agent_commission', 1, won(60n)],
      ['voucher_purchase', 1, won(1_000n)],
    ]);
  });

  test('a day before anything happened is all zeros', async () => {
    const report = await dailyReport(database.db, { day: reportDay('2026-02-01', TZ), currency: 'KRW' });
    expect(report.e_money_close.total).toBe(0n);
    expect(report.movements).toEqual([]);
  });
});

describe('agents', () => {
  test('floats and commissions at the close, the day’s cash-ins and commission, low floats flagged', async () => {
    const report = await agentsReport(database.db, { day: reportDay('2026-03-03', TZ), currency: 'KRW', lowFloat: won(500_000n) });
    expect(report.agents).toEqual([
      { agent: 'agt_a', float: won(580_000n), commission_balance: won(60n), low_float: false, cash_in: { count: 1, sum: won(20_000n) }, cash_out: { count: 0, sum: won(0n) }, commission_earned: won(60n) },
      { agent: 'agt_b', float: won(50_000n), commission_balance: won(0n), low_float: true, cash_in: { count: 0, sum: won(0n) }, cash_out: { count: 0, sum: won(0n) }, commission_earned: won(0n) },
    ]);
    expect(report.totals).toEqual({ float: won(630_000n), commission_balance: won(60n), cash_in: won(20_000n), cash_out: won(0n), commission_earned: won(60n) });
    const before = await agentsReport(database.db, { day: reportDay('2026-03-02', TZ), currency: 'KRW', lowFloat: won(500_000n) });
    expect(before.agents.map((a) => [a.agent, a.float, a.cash_in.count])).toEqual([['agt_a', won(600_000n), 0], ['agt_b', won(50_000n), 0]]);
  });
});

describe('safeguarding', () => {
  const statement = (closing: Micros, date = '2026-03-03'): SafeguardedFunds => ({
    statements: [{ account: '110-000-000001', statement_id: `STMT-${date}`, statement_date: date, closing_balance: closing }],
    closing_balance: closing,
    currency: 'KRW',
  });

  test('funds above the e-money: no shortfall, the surplus shown', async () => {
    const report = await safeguardingReport(database.db, { day: reportDay('2026-03-03', TZ), currency: 'KRW', statements: async () => statement(won(30_000n)) });
    expect(report.e_money.total).toBe(won(29_200n, 35n));
    expect(report.surplus).toBe(won(800n) - 35n);
    expect(report.shortfall).toBe(false);
    expect(report.problems).toEqual([]);
    expect(report.in_clearance).toBe(won(2_500n));
  });

  test('funds below the e-money by a fraction of a won: a shortfall', async () => {
    const report = await safeguardingReport(database.db, { day: reportDay('2026-03-03', TZ), currency: 'KRW', statements: async () => statement(won(29_200n)) });
    expect(report.surplus).toBe(-35n);
    expect(report.shortfall).toBe(true);
    expect(report.problems[0]).toMatch(/^shortfall/);
  });

  test('no statement: flagged, as unproven; an old statement is named', async () => {
    const none = await safeguardingReport(database.db, { day: reportDay('2026-03-03', TZ), currency: 'KRW', statements: noStatement });
    expect(none).toMatchObject({ safeguarded: null, surplus: null, shortfall: true });
    const old = await safeguardingReport(database.db, { day: reportDay('2026-03-03', TZ), currency: 'KRW', statements: async () => statement(won(99_999n), '2026-03-01') });
    expect(old.shortfall).toBe(false);
    expect(old.problems).toEqual(['the latest statement of account 110-000-000001 closes on 2026-03-01, before 2026-03-03']);
  });

  test('the journal still verifies', async () => {
    expect((await sealAndVerify(ledger, database.db)).ok).toBe(true);
  });
});
