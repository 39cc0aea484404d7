// The safeguarding report against real bank statements: camt.053 files written by rails-bank's
// writer and stored by reconciliation, on a real ledger.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { feeEntry, FUNDING_MINOR, openPayoutWorld, payoutEntry, type PayoutWorld } from '../../test/helpers/reconciliation.ts';
import { ReconciliationService } from '../cashout/reconciliation/index.ts';
import { fromMinor } from '../money/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { reconciledStatements, reportDay, safeguardingReport } from './index.ts';

const TZ = 'Asia/Seoul';
const cli = { source: 'cli' as const, actor: { kind: 'system' as const, name: 'test' } };

let database: TestDatabase;
let clock: ManualClock;
let world: PayoutWorld;
let reconciliation: ReconciliationService;

beforeAll(async () => {
  database = await openTestDatabase();
  clock = new ManualClock('2026-05-11T01:00:00Z');
  world = await openPayoutWorld(database, clock);
  reconciliation = new ReconciliationService({ db: database.db, ledger: world.ledger, clock, timeZone: TZ, onReturned: async () => undefined });
});
afterAll(async () => {
  await world.close();
  await database.close();
});

const report = (date: string) => safeguardingReport(database.db, { day: reportDay(date, TZ), currency: 'KRW', statements: reconciledStatements });

describe('safeguarding against reconciled statements', () => {
  test('before any statement: not proven', async () => {
    const r = await report('2026-05-11');
    expect(r.e_money.total).toBe(fromMinor(FUNDING_MINOR));
    expect(r).toMatchObject({ safeguarded: null, shortfall: true });
  });

  test('the bank paid out what the wallet cashed out: funds equal e-money, met', async () => {
    const cashout = await world.settle(1_000_000n);
    const xml = world.statement('2026-05-11', [payoutEntry(cashout, 1_000_000n, '2026-05-11')]);
    await reconciliation.reconcileXml(xml, cli);
    const r = await report('2026-05-11');
    expect(r.e_money.total).toBe(fromMinor(FUNDING_MINOR - 1_000_000n));
    expect(r.safeguarded).toEqual({
      statements: [{ account: '123456-78-901234', statement_id: 'STMT-1234-2026-05-11', statement_date: '2026-05-11', closing_balance: fromMinor(FUNDING_MINOR - 1_000_000n) }],
      closing_balance: fromMinor(FUNDING_MINOR - 1_000_000n),
      currency: 'KRW',
    });
    expect(r.surplus).toBe(0n);
    expect(r.shortfall).toBe(false);
    expect(r.problems).toEqual([]);
  });

  test('a bank fee taken from the trust account leaves it short of the e-money: shortfall', async () => {
    clock.set('2026-05-12T01:00:00Z');
    const xml = world.statement('2026-05-12', [feeEntry(3_000n, '2026-05-12')]);
    await reconciliation.reconcileXml(xml, cli);
    const r = await report('2026-05-12');
    expect(r.surplus).toBe(fromMinor(-3_000n));
    expect(r.shortfall).toBe(true);
    expect(r.problems).toEqual(['shortfall: the trust account holds less than the customers\' e-money']);
    // The earlier day still reads its own statement.
    expect((await report('2026-05-11')).shortfall).toBe(false);
    // A later day without its own statement uses the latest one, and says so.
    const later = await report('2026-05-14');
    expect(later.safeguarded?.statements[0]?.statement_date).toBe('2026-05-12');
    expect(later.problems).toContain('the latest statement of account 123456-78-901234 closes on 2026-05-12, before 2026-05-14');
  });
});
