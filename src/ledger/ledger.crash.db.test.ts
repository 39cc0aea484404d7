// Crash safety: a child process applies a stream of batches and is killed with SIGKILL at random
// moments. After every kill: the journal verifies, every batch is wholly there or wholly absent,
// and nothing acknowledged to a caller is missing. PostgreSQL only (a real server survives the kill).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../shared/clock.ts';
import { openTestDatabase, postgresOnly, type TestDatabase } from '../../test/helpers/db.ts';
import { sealAndVerify } from '../../test/helpers/ledger.ts';
import { createLedger } from './index.ts';
import { BATCH_SIZE, crashAccounts } from './testing/crash-child.ts';

const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 20);
const pgOnly = postgresOnly(`crash test: ${ITERATIONS} SIGKILLs of a writer process`);
const CHILD = fileURLToPath(new URL('./testing/crash-child.ts', import.meta.url));

function runChildUntilKilled(url: string, start: number, killAfterAcks: number): Promise<{ acked: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, CRASH_DATABASE_URL: url, CRASH_START: String(start) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    // Kill after a random number of acks and a random extra delay: mid-batch, mid-commit, anywhere.
    const extraDelayMs = Math.floor(Math.random() * 40);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [word, k] = line.split(' ');
        if (word === 'ack') acked.push(Number(k));
        if (word === 'nack') reject(new Error(`unexpected refusal: ${line}`));
      }
      if (!killed && acked.length >= killAfterAcks) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ acked });
      else reject(new Error(`child exited on its own (code ${code}): ${stderr}`));
    });
    setTimeout(() => {
      if (!killed) child.kill('SIGKILL');
    }, 30_000).unref();
  });
}

describe.skipIf(pgOnly.skip)(pgOnly.note, () => {
  let database: TestDatabase;
  let url: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    url = database.url!;
    const ledger = createLedger(database.db, systemClock);
    await ledger.createAccounts(crashAccounts(50).map((id) => ({ id, currency: 'KRW', code: 1 })));
    await ledger.close();
  });
  afterAll(async () => database.close());

  it('keeps every batch whole and every acknowledged batch present across SIGKILLs', async () => {
    const acknowledged = new Set<number>();
    let next = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      // Restart a little before the last acknowledged batch: re-sent batches must be `exists`.
      const start = Math.max(0, next - 12);
      const { acked } = await runChildUntilKilled(url, start, 5 + Math.floor(Math.random() * 60));
      for (const k of acked) acknowledged.add(k);
      next = Math.max(next, ...acked, 0) + 1;

      const ledger = createLedger(database.db, systemClock);
      const report = await sealAndVerify(ledger, database.db);
      await ledger.close();
      expect(report.problems, `after kill ${i + 1}`).toEqual([]);
      const { rows } = await sql<{ k: string; n: number }>`
        SELECT metadata->>'batch' AS k, count(*)::int4 AS n FROM ledger_transfers GROUP BY 1`.execute(database.db);
      const present = new Map(rows.map((r) => [Number(r.k), r.n]));
      for (const [k, n] of present) expect(n, `batch ${k} after kill ${i + 1}`).toBe(BATCH_SIZE);
      for (const k of acknowledged) expect(present.has(k), `acknowledged batch ${k} after kill ${i + 1}`).toBe(true);
    }
    expect(acknowledged.size).toBeGreaterThan(ITERATIONS * 5);
  }, 600_000);
});
