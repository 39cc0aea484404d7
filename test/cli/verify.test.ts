// `smallchange verify`, `migrate` and `sms` run as a user runs them, against a real database.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Database } from '../../src/db/index.ts';
import { createLedger, type AccountId, type TransferId } from '../../src/ledger/index.ts';
import { DemoInboxProvider } from '../../src/notify/index.ts';
import type { Micros } from '../../src/money/index.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';

describe('smallchange verify / migrate / sms', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let pgDatabase: TestDatabase | null = null;
  const open = async (): Promise<Database> => {
    if (pgDatabase) return pgDatabase;
    const database = await openDatabase({ dataDir: join(dir, 'pglite') });
    await migrate(database);
    return database;
  };
  const release = async (database: Database) => {
    if (!pgDatabase) await database.close();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-cli-'));
    if (process.env.TEST_DATABASE_URL) {
      pgDatabase = await openTestDatabase();
      env = { DATABASE_URL: pgDatabase.url, DATA_DIR: dir };
    } else {
      env = { DATABASE_URL: undefined, DATA_DIR: dir };
    }
  });
  afterAll(async () => {
    await pgDatabase?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrate applies the migrations, then reports the database up to date', async () => {
    const first = await runCli(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(pgDatabase ? /up to date|applied/ : /applied \d+ migration/);
    const second = await runCli(['migrate'], env);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('verify passes on a real journal and fails, naming the block, after tampering', async () => {
    const database = await open();
    const ledger = createLedger(database.db, systemClock);
    const a = randomUUID() as AccountId;
    const b = randomUUID() as AccountId;
    await ledger.createAccounts([{ id: a, currency: 'KRW', code: 1 }, { id: b, currency: 'KRW', code: 1 }]);
    for (let i = 0; i < 5; i++) {
      expect(await ledger.createTransfer({ id: randomUUID() as TransferId, debit_account_id: a, credit_account_id: b, amount: 100n as Micros, currency: 'KRW', code: 1 })).toBe('ok');
    }
    await ledger.close();
    await release(database);

    const ok = await runCli(['verify', '--seal'], env);
    expect(ok.stdout).toMatch(/verify: OK/);
    expect(ok.code).toBe(0);

    const tamper = await open();
    await tamper.exec(`ALTER TABLE ledger_transfers DISABLE TRIGGER ledger_transfers_append_only;
      UPDATE ledger_transfers SET amount = 1 WHERE amount = 100 AND id = (SELECT id FROM ledger_transfers WHERE amount = 100 ORDER BY tx_id LIMIT 1);
      ALTER TABLE ledger_transfers ENABLE TRIGGER ledger_transfers_append_only;`);
    await release(tamper);

    const bad = await runCli(['verify', '--json'], env);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/^block \d+ .*hash does not match/);
  });

  it('sms refuses a malformed number with exit code 2 and reads an empty inbox', async () => {
    const bad = await runCli(['sms', '--to', '12'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/phone number/);
    const empty = await runCli(['sms', '--to', '010-9999-0000'], env);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/no messages/);
  });

  it.skipIf(!!process.env.TEST_DATABASE_URL)('while a server holds the embedded database: other commands are refused, sms reads the delivered inbox (PGlite only)', async () => {
    const held = await openDatabase({ dataDir: join(dir, 'pglite') });
    try {
      const refused = await runCli(['verify'], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/in use by another process \(pid \d+/);
      await new DemoInboxProvider(join(dir, 'sms-inbox.ndjson')).send({ to: '+821099990001', text: '[스몰체인지] 인증번호 123456', messageId: 'msg_test' });
      const inbox = await runCli(['sms', '--to', '010-9999-0001'], { ...env, DEMO: 'on' });
      expect(inbox.code, inbox.stderr).toBe(0);
      expect(inbox.stdout).toMatch(/sent {5}\[스몰체인지\] 인증번호 123456/);
    } finally {
      await held.close();
    }
    // Released: commands open it again.
    expect((await runCli(['migrate'], env)).code).toBe(0);
  });

  it('unknown commands are usage errors (exit 2)', async () => {
    const result = await runCli(['frobnicate'], env);
    expect(result.code).toBe(2);
  });
});
