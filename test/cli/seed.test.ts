// `smallchange seed`: the demo world into an empty database, once; usage errors are exit 2.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';

describe('smallchange seed', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let pgDatabase: TestDatabase | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-seed-'));
    pgDatabase = process.env.TEST_DATABASE_URL ? await openTestDatabase() : null;
    env = { DATABASE_URL: pgDatabase?.url, DATA_DIR: dir };
  });
  afterAll(async () => {
    await pgDatabase?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds an empty database and writes the credentials; a second run seeds nothing', { timeout: 180_000 }, async () => {
    const first = await runCli(['seed', '--users', '4', '--days', '40'], env, { timeoutMs: 170_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^seeded 4 people in \d+ ms; credentials in /);
    expect(first.stdout).toContain('+821020260001 PIN 480273');
    expect(first.stdout).toMatch(/API key sk_/);
    // The demo user earns almost daily, saved a bank account and cashed out on day 25, which the bank settled.
    const history = /history {3}40 days: (\d+) credits, (\d+) destinations, cash-outs (\d+) settled \/ (\d+) failed \/ (\d+) waiting/.exec(first.stdout);
    expect(history, first.stdout).not.toBeNull();
    const [, credits, destinations, settled, failed] = history!.map(Number);
    expect(credits).toBeGreaterThan(40);
    expect(destinations).toBeGreaterThanOrEqual(1);
    expect(settled! + failed!).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(dir, 'demo-credentials.json'))).toBe(true);

    const database = pgDatabase ?? (await openDatabase({ dataDir: join(dir, 'pglite') }));
    const users = await database.db.selectFrom('users').select('id').execute();
    expect(users).toHaveLength(4);
    if (!pgDatabase) await database.close();

    const second = await runCli(['seed'], env, { timeoutMs: 170_000 });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already holds people: nothing seeded/);
  });

  it('usage errors are exit 2 and touch nothing', async () => {
    for (const args of [['seed', '--users', 'many'], ['seed', '--users', '0'], ['seed', '--days', '400'], ['seed', '--days', '-1']]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
    }
    const off = await runCli(['seed'], { ...env, SIMULATORS: 'off' });
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/SIMULATORS=on/);
  });
});
