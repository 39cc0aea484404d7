// `smallchange credits import`: run as a partner's operator runs it, against a real database —
// including a run killed with SIGKILL in the middle and resumed, with no credit made twice.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.ts';
import { withTransaction } from '../../src/db/index.ts';
import type { Micros } from '../../src/money/index.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { creditUuid } from '../../src/wallets/index.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { nextPhone } from '../helpers/identity.ts';

const BIN = fileURLToPath(new URL('../../bin/smallchange.js', import.meta.url));

describe('smallchange credits import', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let pgDatabase: TestDatabase | null = null;
  let partner: { id: string; key: string; readOnlyKey: string };
  const phones = Array.from({ length: 20 }, () => nextPhone());

  /** The product on the test database, in this process (closed before any CLI run: PGlite is single-process). */
  async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
    const config = { ...configSchema.parse({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO: 'off', DATA_DIR: dir }), ...(pgDatabase ? { DATABASE_URL: pgDatabase.url } : {}) };
    const runtime = await createRuntime(config, { background: false });
    try {
      return await work(runtime);
    } finally {
      await runtime.close();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-import-'));
    pgDatabase = process.env.TEST_DATABASE_URL ? await openTestDatabase() : null;
    env = { DATABASE_URL: pgDatabase?.url, DATA_DIR: dir, DEMO: 'off' };
    partner = await withRuntime(async (runtime) => {
      const { identity, credits } = runtime.ctx.services;
      const made = await withTransaction(runtime.ctx.database.db, async (trx) => {
        const staff = await identity.createStaff(trx, { system: 'test' }, { email: 'finance@import.test', name: 'Finance', role: 'finance', password: 'correct horse battery staple' });
        const p = await identity.createPartner(trx, { system: 'test' }, 'Importer');
        const key = await identity.createApiKey(trx, { system: 'test' }, p.id, ['credits:write', 'credits:read']);
        const readOnly = await identity.createApiKey(trx, { system: 'test' }, p.id, ['credits:read']);
        return { staff: staff.id, id: p.id, key: key.secret, readOnlyKey: readOnly.secret };
      });
      await credits.recordPrefunding(made.staff, made.id, { amount: 10_000_000_0000n as Micros, bankReference: 'PREFUND-1' });
      return made;
    });
  }, 120_000);
  afterAll(async () => {
    await pgDatabase?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Credits of this partner in the journal for these references: how many rows, how many distinct, their sum. */
  async function journal(references: string[]) {
    return withRuntime(async (runtime) => {
      const ids = references.map((ref) => creditUuid(partner.id, ref));
      const { rows } = await sql<{ n: number; distinct_ids: number; total: string }>`
        SELECT count(*)::int4 AS n, count(DISTINCT id)::int4 AS distinct_ids, COALESCE(SUM(amount), 0)::text AS total
        FROM ledger_transfers WHERE id = ANY(${sql.val(ids)}::uuid[])`.execute(runtime.ctx.database.db);
      return rows[0]!;
    });
  }

  function ndjson(name: string, count: number, options: { prefix?: string; amount?: (i: number) => string } = {}): { path: string; references: string[] } {
    const path = join(dir, name);
    const references: string[] = [];
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const reference = `${options.prefix ?? name}-${i}`;
      references.push(reference);
      lines.push(JSON.stringify({ partner_reference: reference, recipient: { phone: phones[i % phones.length] }, amount: { amount: options.amount?.(i) ?? '1.25', currency: 'KRW' }, source: 'tip' }));
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
    return { path, references };
  }

  it('imports an NDJSON file with an API key: progress on stderr, summary on stdout, exit 0; a second run changes nothing', { timeout: 180_000 }, async () => {
    const file = ndjson('small.ndjson', 120);
    const result = await runCli(['credits', 'import', file.path, '--api-key', partner.key, '--chunk-size', '50'], env, { timeoutMs: 170_000 });
    expect(result.stderr).toMatch(/\[#+\] 100% 120 lines, 120 credited, 0 failed, [\d,]+ lines\/s/);
    expect(result.stdout).toMatch(/^imported: 120 lines — 120 credited \(0 already there\), 0 failed\nthis run: 120 lines in [\d.,]+ s \([\d,]+ lines\/s\)\n$/);
    expect(result.code).toBe(0);
    const checkpoint = JSON.parse(readFileSync(`${file.path}.checkpoint.json`, 'utf8')) as { complete: boolean; line_done: number };
    expect(checkpoint).toMatchObject({ complete: true, line_done: 120 });
    expect(await journal(file.references)).toMatchObject({ n: 120, distinct_ids: 120, total: String(120n * 1_2500n) });

    const again = await runCli(['credits', 'import', file.path, '--api-key', partner.key], env, { timeoutMs: 170_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^imported: 120 lines/);
    // --restart sends every line again: each is answered as a replay of its reference.
    const restart = await runCli(['credits', 'import', file.path, '--partner', partner.id, '--restart'], env, { timeoutMs: 170_000 });
    expect(restart.stdout).toMatch(/^imported: 120 lines — 120 credited \(120 already there\), 0 failed/);
    expect(await journal(file.references)).toMatchObject({ n: 120, distinct_ids: 120 });
  });

  it('killed with SIGKILL mid-import, then resumed: every line credited exactly once', { timeout: 600_000 }, async () => {
    const file = ndjson('big.ndjson', 1500, { amount: (i) => `${(i % 7) + 1}.0001` });
    const expectedTotal = file.references.reduce((sum, _ref, i) => sum + BigInt((i % 7) + 1) * 10_000n + 1n, 0n);
    const child = spawn(process.execPath, [BIN, 'credits', 'import', file.path, '--partner', partner.id, '--chunk-size', '25'], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it once a few chunks are done, while most of the file is still to come.
    const checkpointFile = `${file.path}.checkpoint.json`;
    for (let waited = 0; ; waited += 25) {
      if (existsSync(checkpointFile)) {
        const done = (JSON.parse(readFileSync(checkpointFile, 'utf8')) as { line_done: number }).line_done;
        if (done >= 100) break;
      }
      if (waited > 300_000) throw new Error('the import never got going');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const interrupted = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { complete: boolean; line_done: number };
    expect(interrupted.complete).toBe(false);
    expect(interrupted.line_done).toBeLessThan(1500);

    const resumed = await runCli(['credits', 'import', file.path, '--partner', partner.id, '--chunk-size', '25'], env, { timeoutMs: 590_000 });
    expect(resumed.stderr).toMatch(new RegExp(`^resuming .*big\\.ndjson after line ${interrupted.line_done.toLocaleString('en-US')}`));
    expect(resumed.stdout).toMatch(/^imported: 1,500 lines — 1,500 credited \([\d,]+ already there\), 0 failed/);
    expect(resumed.code).toBe(0);
    const after = await journal(file.references);
    expect(after).toMatchObject({ n: 1500, distinct_ids: 1500, total: expectedTotal.toString() });
  });

  it('Ctrl-C mid-import stops after the credits in flight, says how to resume; the resumed run credits each line once', { timeout: 600_000 }, async () => {
    const file = ndjson('ctrlc.ndjson', 1200, { amount: (i) => `${(i % 5) + 2}.5` });
    const expectedTotal = file.references.reduce((sum, _ref, i) => sum + BigInt((i % 5) + 2) * 10_000n + 5_000n, 0n);
    const child = spawn(process.execPath, [BIN, 'credits', 'import', file.path, '--partner', partner.id, '--chunk-size', '20'], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const checkpointFile = `${file.path}.checkpoint.json`;
    for (let waited = 0; ; waited += 25) {
      if (existsSync(checkpointFile) && (JSON.parse(readFileSync(checkpointFile, 'utf8')) as { line_done: number }).line_done >= 60) break;
      if (waited > 300_000) throw new Error('the import never got going');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr).toContain('stopping after the credits in flight; run again to resume');
    const stopped = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { complete: boolean; line_done: number; totals: { credits: number } };
    expect(stopped.complete).toBe(false);
    expect(stopped.line_done).toBeLessThan(1200);
    // The summary counts exactly what the checkpoint holds: every line up to it was answered.
    expect(stdout).toContain(`stopped: ${stopped.line_done.toLocaleString('en-US')} lines — ${stopped.totals.credits.toLocaleString('en-US')} credited`);
    expect(stdout).toContain(`run the same command again to resume (checkpoint ${checkpointFile})`);
    expect((await journal(file.references)).n).toBe(stopped.line_done);

    const resumed = await runCli(['credits', 'import', file.path, '--partner', partner.id, '--chunk-size', '20'], env, { timeoutMs: 590_000 });
    expect(resumed.stdout).toMatch(/^imported: 1,200 lines — 1,200 credited \(0 already there\), 0 failed/);
    expect(resumed.code).toBe(0);
    expect(await journal(file.references)).toMatchObject({ n: 1200, distinct_ids: 1200, total: expectedTotal.toString() });
  });

  it('CSV with bad rows: the good ones credited, the bad ones in <file>.errors.ndjson with their line and code, exit 1', { timeout: 180_000 }, async () => {
    const path = join(dir, 'mixed.csv');
    writeFileSync(path, [
      'partner_reference,phone,amount,source,description,metadata.task',
      `csv-1,${phones[0]},10,tip,"Thanks, friend",t1`,
      `csv-2,${phones[1]},2.5,reward,,t2`,
      'csv-3,12345,1,tip,,',
      `csv-4,${phones[2]},-1,tip,,`,
      `csv-5,${phones[3]},1,no_such_source,,`,
      `csv-6,${phones[4]},1`,
      '',
      `csv-1,${phones[0]},11,tip,,t1`,
      `"csv-7,${phones[5]},1,tip,,`,
    ].join('\r\n'));
    const result = await runCli(['credits', 'import', path, '--partner', partner.id], env, { timeoutMs: 170_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^imported: 8 lines — 2 credited \(0 already there\), 6 failed\n/);
    expect(result.stdout).toContain(`failed lines: ${path}.errors.ndjson`);
    const errors = readFileSync(`${path}.errors.ndjson`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; error: { code: string } });
    expect(errors.map((e) => [e.line, e.error.code])).toEqual([
      [4, 'invalid_phone_number'],
      [5, 'invalid_amount'],
      [6, 'unknown_source'],
      [7, 'invalid_csv_row'],
      [9, 'idempotency_conflict'],
      [10, 'invalid_csv_row'],
    ]);
    expect(await journal(['csv-1', 'csv-2'])).toMatchObject({ n: 2, total: String(10n * 10_000n + 2_5000n) });
  });

  it('usage errors are exit 2 and credit nothing', { timeout: 300_000 }, async () => {
    const file = ndjson('usage.ndjson', 3);
    const cases: [string[], RegExp][] = [
      [['credits', 'import', file.path], /give the partner/],
      [['credits', 'import', file.path, '--partner', partner.id, '--api-key', partner.key], /give the partner/],
      [['credits', 'import', file.path, '--partner', 'ptn_nobody'], /no partner ptn_nobody/],
      [['credits', 'import', file.path, '--api-key', 'sk_live_nope_0000'], /API key is not valid/],
      [['credits', 'import', file.path, '--api-key', partner.readOnlyKey], /credits:write/],
      [['credits', 'import', join(dir, 'missing.ndjson'), '--partner', partner.id], /no file/],
      [['credits', 'import', file.path, '--partner', partner.id, '--chunk-size', '0'], /--chunk-size/],
      [['credits', 'import', file.path, '--partner', partner.id, '--format', 'xml'], /--format/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    const txt = join(dir, 'credits.txt');
    writeFileSync(txt, '');
    expect((await runCli(['credits', 'import', txt, '--partner', partner.id], env)).code).toBe(2);
    const badHeader = join(dir, 'bad-header.csv');
    writeFileSync(badHeader, 'reference,phone,amount\nx,010,1\n');
    const header = await runCli(['credits', 'import', badHeader, '--partner', partner.id], env);
    expect(header.code).toBe(2);
    expect(header.stderr).toMatch(/no "partner_reference" column/);
    expect(await journal(file.references)).toMatchObject({ n: 0 });
  });

  it('a file changed after its checkpoint is refused until --restart', { timeout: 300_000 }, async () => {
    const file = ndjson('changed.ndjson', 10);
    expect((await runCli(['credits', 'import', file.path, '--partner', partner.id], env, { timeoutMs: 170_000 })).code).toBe(0);
    writeFileSync(file.path, readFileSync(file.path, 'utf8').replace('changed.ndjson-0', 'changed.ndjson-X'));
    appendFileSync(file.path, `${JSON.stringify({ partner_reference: 'changed-extra', recipient: { phone: phones[0] }, amount: { amount: '1', currency: 'KRW' }, source: 'tip' })}\n`);
    const refused = await runCli(['credits', 'import', file.path, '--partner', partner.id], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/changed since its checkpoint/);
  });
});
