// `smallchange report`: run as an operator runs it, against a real database holding a journal.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Database } from '../../src/db/index.ts';
import { createLedger, isSuccess, type TransferId } from '../../src/ledger/index.ts';
import type { Micros } from '../../src/money/index.ts';
import { PolicyService } from '../../src/policy/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { systemAccountId, TRANSFER_CODES, Wallets } from '../../src/wallets/index.ts';
import { buildCamt053 } from '../../src/rails/index.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { feeEntry, TRUST_ACCOUNT } from '../helpers/reconciliation.ts';
import { runCli } from '../helpers/cli.ts';

describe('smallchange report', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let pgDatabase: TestDatabase | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-report-'));
    pgDatabase = process.env.TEST_DATABASE_URL ? await openTestDatabase() : null;
    env = { DATABASE_URL: pgDatabase?.url, DATA_DIR: dir };
    const database: Database = pgDatabase ?? (await openDatabase({ dataDir: join(dir, 'pglite') }));
    await migrate(database);
    const clock = new ManualClock('2026-04-01T00:00:00Z');
    await new PolicyService(database.db, clock).seedDefault();
    const ledger = createLedger(database.db, clock, { background: false });
    const wallets = new Wallets(database.db, ledger, clock);
    await wallets.ensureSystemAccounts('KRW');
    const wallet = await wallets.openMainWallet(database.db, 'usr_report', 'KRW');
    const partner = await wallets.partnerAccount(database.db, 'ptn_report', 'KRW');
    clock.set('2026-04-02T03:00:00Z'); // 12:00 in Seoul on 2026-04-02
    const results = await ledger.createTransfers([
      { id: randomUUID() as TransferId, debit_account_id: systemAccountId('bank_deposits', 'KRW'), credit_account_id: partner, amount: 50_000_0000n as Micros, currency: 'KRW', code: TRANSFER_CODES.partner_prefunding },
      { id: randomUUID() as TransferId, debit_account_id: partner, credit_account_id: wallet.cashable_account, amount: 1_234_0000n as Micros, currency: 'KRW', code: TRANSFER_CODES.credit },
    ]);
    expect(results.every(isSuccess)).toBe(true);
    await ledger.close();
    if (!pgDatabase) await database.close();
  }, 120_000);
  afterAll(async () => {
    await pgDatabase?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('daily: the day’s movements and the e-money at its close, as text and JSON', async () => {
    const text = await runCli(['report', 'daily', '--date', '2026-04-02'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^daily report 2026-04-02 \(Asia\/Seoul\), KRW/);
    expect(text.stdout).toMatch(/e-money at close\s+1,234\n/);
    expect(text.stdout).toMatch(/credit ×1\s+1,234\n/);
    const json = await runCli(['report', 'daily', '--date', '2026-04-02', '--json'], env);
    const report = JSON.parse(json.stdout) as { e_money_close: { total: string }; movements: { kind: string; sum: string }[] };
    expect(report.e_money_close.total).toBe('1234');
    expect(report.movements).toEqual([expect.objectContaining({ kind: 'partner_prefunding', sum: '50000' }), expect.objectContaining({ kind: 'credit', sum: '1234' })]);
    const dayBefore = await runCli(['report', 'daily', '--date', '2026-04-01', '--json'], env);
    expect((JSON.parse(dayBefore.stdout) as { movements: unknown[] }).movements).toEqual([]);
  });

  it('agents: a day with no agents is an empty table', async () => {
    const result = await runCli(['report', 'agents', '--date', '2026-04-02'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^agents report 2026-04-02/);
  });

  it('safeguarding without a bank statement is not met: exit 1, the e-money still reported', async () => {
    const result = await runCli(['report', 'safeguarding', '--date', '2026-04-02'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/total e-money\s+1,234\n/);
    expect(result.stdout).toContain('safeguarding: NOT MET');
  });

  it('safeguarding against statements reconciled by `smallchange reconcile`: met, then a shortfall (exit 1)', async () => {
    const statement = (date: string, opening: bigint, entries: ReturnType<typeof feeEntry>[]) => {
      const path = join(dir, `camt053-${date}.xml`);
      writeFileSync(path, buildCamt053({
        messageId: `CAMT-${date}`, createdAt: new Date(`${date}T09:00:00Z`), statementId: `STMT-${date}`, sequenceNumber: 1n,
        account: TRUST_ACCOUNT, openingBalance: { amountMinor: opening, date }, closingDate: date, entries,
      }));
      return path;
    };
    const first = await runCli(['reconcile', statement('2026-04-02', 50_000n, [])], env);
    expect(first.stdout).toMatch(/^reconciled STMT-2026-04-02/);
    const met = await runCli(['report', 'safeguarding', '--date', '2026-04-02'], env);
    expect(met.stdout).toMatch(/trust account 123456-78-901234 \(STMT-2026-04-02, 2026-04-02\)\s+50,000\n/);
    expect(met.stdout).toMatch(/surplus\s+48,766\n/);
    expect(met.stdout).toContain('safeguarding: met');
    expect(met.code).toBe(0);

    await runCli(['reconcile', statement('2026-04-03', 50_000n, [feeEntry(49_000n, '2026-04-03')])], env);
    const short = await runCli(['report', 'safeguarding', '--date', '2026-04-03', '--json'], env);
    expect(short.code).toBe(1);
    const report = JSON.parse(short.stdout) as { surplus: string; shortfall: boolean; e_money: { total: string } };
    expect(report).toMatchObject({ surplus: '-234', shortfall: true, e_money: { total: '1234' } });
  });

  it('usage errors: unknown kind, impossible date, missing kind — exit 2', async () => {
    for (const args of [['report', 'weekly'], ['report', 'daily', '--date', '2026-02-30'], ['report']]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
    }
  });
});
