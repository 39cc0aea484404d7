// `npm run bench -- ledger`: the ledger against raw PostgreSQL baselines measured in the same run,
// with durable commits (synchronous_commit = on, fsync checked). Medians of 3 alternating runs.
//
// One fixed workload: 200,000 transfers among 10,000 accounts (a seeded generator, the same pairs
// and amounts for every case). The throughput-bound cases (copy_rows, batch_1000) run all of it;
// the commit-bound cases (one transaction per transfer: raw_tx_16, raw_fn_16, single_64, hot_16)
// run its first COMMIT_BOUND_TRANSFERS — their rate is set by fsyncs, not by volume, and the run
// stays within a CI budget. Every figure says how many transfers it measured.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { migrate, openDatabase, type Database } from '../src/db/index.ts';
import type { Micros } from '../src/money/index.ts';
import { systemClock } from '../src/shared/clock.ts';
import { uuidv7 } from '../src/shared/ids.ts';
import { AccountFlags, createLedger, type AccountId, type Ledger, type TransferId, type TransferInput } from '../src/ledger/index.ts';
import { alternate, figure, freshBenchDatabase, pool, report, timed } from './lib.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 200_000);
const COMMIT_BOUND_TRANSFERS = Number(process.env.BENCH_COMMIT_BOUND_TRANSFERS ?? 20_000);
const PGLITE_TRANSFERS = Number(process.env.BENCH_PGLITE_TRANSFERS ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// Each account gets 50 billion won: enough for every case and run, while the funding source's
// total debits stay inside int8.
const FUNDING = 500_000_000_000_000n;

interface Pair {
  debit: number;
  credit: number;
  amount: bigint;
}

/** The fixed workload: a seeded LCG, so every case and every run moves the same money. */
function workload(count: number, accounts: number): Pair[] {
  let state = 0x2545f491;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  return Array.from({ length: count }, () => {
    const debit = next() % accounts;
    let credit = next() % accounts;
    if (credit === debit) credit = (credit + 1) % accounts;
    return { debit, credit, amount: BigInt(1 + (next() % 100_000)) * 10_000n };
  });
}

const RAW_SCHEMA = `
  CREATE TABLE bench_accounts (id uuid PRIMARY KEY, balance bigint NOT NULL);
  CREATE TABLE bench_transfers (id uuid PRIMARY KEY, debit uuid NOT NULL, credit uuid NOT NULL, amount bigint NOT NULL, ts timestamptz NOT NULL DEFAULT now());
  CREATE TABLE bench_copy (id uuid, debit_account_id uuid, credit_account_id uuid, amount bigint, currency char(3), code int, flags int,
                           pending_id uuid, timeout_s int, metadata jsonb, ts timestamptz);
  CREATE FUNCTION bench_transfer(t uuid, d uuid, c uuid, a bigint) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    IF d < c THEN
      UPDATE bench_accounts SET balance = balance - a WHERE id = d;
      UPDATE bench_accounts SET balance = balance + a WHERE id = c;
    ELSE
      UPDATE bench_accounts SET balance = balance + a WHERE id = c;
      UPDATE bench_accounts SET balance = balance - a WHERE id = d;
    END IF;
    INSERT INTO bench_transfers (id, debit, credit, amount) VALUES (t, d, c, a);
  END $$;`;

async function setupLedger(ledger: Ledger, ids: AccountId[]): Promise<AccountId> {
  const source = randomUUID() as AccountId;
  await ledger.createAccounts([{ id: source, currency: 'KRW', code: 1 }]);
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    await ledger.createAccounts(chunk.map((id) => ({ id, currency: 'KRW', code: 2, flags: AccountFlags.debits_must_not_exceed_credits })));
    await ledger.createTransfers(chunk.map((id) => ({ id: randomUUID() as TransferId, debit_account_id: source, credit_account_id: id, amount: FUNDING as Micros, currency: 'KRW', code: 1 })));
  }
  return source;
}

function toInputs(pairs: Pair[], ids: AccountId[]): TransferInput[] {
  // Time-ordered ids, as the product's TypeIDs are.
  return pairs.map((p) => ({ id: uuidv7() as TransferId, debit_account_id: ids[p.debit]!, credit_account_id: ids[p.credit]!, amount: p.amount as Micros, currency: 'KRW', code: 3 }));
}

export async function run(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const bench = await freshBenchDatabase(base, 'sc_bench_ledger');
  console.log(`ledger benchmark on PostgreSQL: fsync=${bench.fsync}, synchronous_commit=${bench.synchronousCommit}`);
  console.log(`workload: ${TRANSFERS.toLocaleString()} transfers among ${ACCOUNTS.toLocaleString()} accounts; commit-bound cases use the first ${COMMIT_BOUND_TRANSFERS.toLocaleString()}`);
  const pairs = workload(TRANSFERS, ACCOUNTS);
  const commitBound = pairs.slice(0, COMMIT_BOUND_TRANSFERS);

  const database = await openDatabase({ url: bench.url, poolSize: 80 });
  const rawPool = new pg.Pool({ connectionString: bench.url, max: 20 });
  let pglite: { database: Database; dir: string } | null = null;
  try {
    await migrate(database);
    await database.exec(RAW_SCHEMA);
    const ids = Array.from({ length: ACCOUNTS }, () => randomUUID() as AccountId);
    await rawPool.query('INSERT INTO bench_accounts SELECT unnest($1::uuid[]), $2', [ids, FUNDING.toString()]);
    // Background sealing on, as in the server: hashing the chain is part of what a transfer costs.
    const ledger = createLedger(database.db, systemClock, { background: true, groupCommit: { committers: 2, batchMax: 1000 } });
    await setupLedger(ledger, ids);
    const hot = ids[0]!;

    const raw_tx_16 = () =>
      timed(async () => {
        await pool(16, commitBound.length, async (i) => {
          const p = commitBound[i]!;
          const client = await rawPool.connect();
          try {
            const [first, second] = ids[p.debit]! < ids[p.credit]! ? [[ids[p.debit], -p.amount], [ids[p.credit], p.amount]] : [[ids[p.credit], p.amount], [ids[p.debit], -p.amount]];
            await client.query('BEGIN');
            await client.query('UPDATE bench_accounts SET balance = balance + $2 WHERE id = $1', [first![0], first![1]!.toString()]);
            await client.query('UPDATE bench_accounts SET balance = balance + $2 WHERE id = $1', [second![0], second![1]!.toString()]);
            await client.query('INSERT INTO bench_transfers (id, debit, credit, amount) VALUES ($1, $2, $3, $4)', [randomUUID(), ids[p.debit], ids[p.credit], p.amount.toString()]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        });
        return commitBound.length;
      });

    const raw_fn_16 = () =>
      timed(async () => {
        await pool(16, commitBound.length, async (i) => {
          const p = commitBound[i]!;
          await rawPool.query('SELECT bench_transfer($1, $2, $3, $4)', [randomUUID(), ids[p.debit], ids[p.credit], p.amount.toString()]);
        });
        return commitBound.length;
      });

    const single_64 = () =>
      timed(async () => {
        const inputs = toInputs(commitBound, ids);
        await pool(64, inputs.length, async (i) => {
          const result = await ledger.createTransfer(inputs[i]!);
          if (result !== 'ok') throw new Error(`single_64: ${result}`);
        });
        return inputs.length;
      });

    const copy_rows = () =>
      timed(async () => {
        const client = await rawPool.connect();
        try {
          await client.query('TRUNCATE bench_copy');
          const ts = new Date().toISOString();
          // 1,000 rows per chunk: the stream's per-chunk cost must not be what this measures.
          const lines = function* () {
            for (let i = 0; i < pairs.length; i += 1000) {
              yield pairs.slice(i, i + 1000).map((p) => `${randomUUID()}\t${ids[p.debit]}\t${ids[p.credit]}\t${p.amount}\tKRW\t3\t0\t\\N\t0\t\\N\t${ts}\n`).join('');
            }
          };
          await pipeline(Readable.from(lines()), client.query(copyFrom('COPY bench_copy FROM STDIN')));
        } finally {
          client.release();
        }
        return pairs.length;
      });

    const batchCase = (target: Ledger, workloadPairs: Pair[], callers: number) => () =>
      timed(async () => {
        const inputs = toInputs(workloadPairs, ids);
        const calls = Math.ceil(inputs.length / 1000);
        await pool(callers, calls, async (c) => {
          const results = await target.createTransfers(inputs.slice(c * 1000, (c + 1) * 1000));
          const bad = results.find((r) => r !== 'ok');
          if (bad) throw new Error(`batch_1000: ${bad}`);
        });
        return inputs.length;
      });

    const hotCase = (distinct: boolean) => () =>
      timed(async () => {
        const inputs = commitBound.map((p, i) => ({
          id: uuidv7() as TransferId,
          debit_account_id: distinct ? ids[1 + (i % 16)]! : hot,
          credit_account_id: ids[100 + p.credit % (ACCOUNTS - 100)]!,
          amount: p.amount as Micros,
          currency: 'KRW' as const,
          code: 4,
        }));
        await pool(16, inputs.length, async (i) => {
          const result = await ledger.createTransfer(inputs[i]!);
          if (result !== 'ok') throw new Error(`hot_16: ${result}`);
        });
        return inputs.length;
      });

    const { retryStats } = await import('../src/db/index.ts');
    const deadlocksBefore = retryStats.deadlocks;
    const runs = await alternate(
      {
        raw_tx_16,
        raw_fn_16,
        single_64,
        copy_rows,
        batch_1000: batchCase(ledger, pairs, 4),
        hot_16: hotCase(false),
        hot_16_distinct: hotCase(true),
      },
      RUNS,
    );
    const hotDeadlocks = retryStats.deadlocks - deadlocksBefore;
    const stats = (ledger as Ledger & { stats?: { batches: number; transfers: number; largestBatch: number } }).stats;
    await ledger.close();

    // PGlite, file-backed like `npm start`.
    const dir = mkdtempSync(join(tmpdir(), 'sc-bench-pglite-'));
    pglite = { database: await openDatabase({ dataDir: dir }), dir };
    await migrate(pglite.database);
    const pgliteLedger = createLedger(pglite.database.db, systemClock, { background: true });
    await setupLedger(pgliteLedger, ids);
    const pgliteRuns = await alternate({ pglite_batch_1000: batchCase(pgliteLedger, pairs.slice(0, PGLITE_TRANSFERS), 1) }, RUNS);
    await pgliteLedger.close();

    const t = 'transfers/s';
    report(
      'ledger',
      [
        figure('raw_tx_16', runs.raw_tx_16, t, undefined, `${commitBound.length} transfers, 16 connections, BEGIN; 2×UPDATE; INSERT; COMMIT`),
        figure('raw_fn_16', runs.raw_fn_16, t, undefined, `${commitBound.length} transfers, 16 connections, one plpgsql call each`),
        figure('single_64', runs.single_64, t, { name: 'raw_fn_16', runs: runs.raw_fn_16, target: 1.5 }, `${commitBound.length} transfers, 64 concurrent createTransfer callers, group commit`),
        figure('copy_rows', runs.copy_rows, 'rows/s', undefined, `${pairs.length} rows COPY into a plain table`),
        figure('batch_1000', runs.batch_1000, t, { name: 'copy_rows', runs: runs.copy_rows, target: 0.2 }, `${pairs.length} transfers, createTransfers of 1,000, 4 callers`),
        figure('hot_16', runs.hot_16, t, { name: 'hot_16_distinct', runs: runs.hot_16_distinct, target: 0.5 }, `${commitBound.length} transfers, 16 callers debiting one account; deadlocks: ${hotDeadlocks}`),
        figure('hot_16_distinct', runs.hot_16_distinct, t, undefined, `${commitBound.length} transfers, 16 callers debiting 16 distinct accounts`),
        figure('pglite_batch_1000', pgliteRuns.pglite_batch_1000, t, { name: 'batch_1000', runs: runs.batch_1000 }, `${Math.min(PGLITE_TRANSFERS, pairs.length)} transfers on file-backed PGlite, createTransfers of 1,000`),
      ],
      {
        fsync: bench.fsync,
        synchronous_commit: bench.synchronousCommit,
        accounts: ACCOUNTS,
        transfers: TRANSFERS,
        commit_bound_transfers: COMMIT_BOUND_TRANSFERS,
        runs: RUNS,
        group_commit: stats ?? null,
        deadlocks: hotDeadlocks,
        cpus: (await import('node:os')).cpus().length,
      },
    );
  } finally {
    await rawPool.end();
    await database.close();
    if (pglite) {
      await pglite.database.close();
      rmSync(pglite.dir, { recursive: true, force: true });
    }
    await bench.drop();
  }
}
