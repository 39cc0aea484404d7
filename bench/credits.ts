// `npm run bench -- credits`: partner credits through the real HTTP API against a raw COPY of the
// same rows, on PostgreSQL with durable commits (synchronous_commit = on, fsync checked). Medians
// of 3 alternating runs.
//
// The server is the product's composition root in a child process (bench/credits-server.ts), so
// that its resident memory is measured apart from this load generator; both share the machine
// with PostgreSQL. 100,000 people with phone numbers are set up once (rows copied into the users
// table, main wallets opened through Wallets.openMainWallets); every case credits them by phone
// with source "tip" (cashable, no clearance: the hot path, one ledger transfer per credit).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config/index.ts';
import { tryNormalizePhone } from '../src/identity/index.ts';
import { fromMinor, parseAmount } from '../src/money/index.ts';
import { createLedger, type AccountId, type TransferId } from '../src/ledger/index.ts';
import { createRuntime } from '../src/runtime.ts';
import { systemClock } from '../src/shared/clock.ts';
import { derivedUuid } from '../src/shared/ids.ts';
import { newId } from '../src/shared/ids.ts';
import { alternate, figure, freshBenchDatabase, median, pool, report } from './lib.ts';

const USERS = Number(process.env.BENCH_CREDIT_USERS ?? 100_000);
const STREAM_LINES = Number(process.env.BENCH_STREAM_LINES ?? 1_000_000);
const BATCH_CREDITS = Number(process.env.BENCH_BATCH_CREDITS ?? 200_000);
const SINGLE_CREDITS = Number(process.env.BENCH_SINGLE_CREDITS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RSS_FROM_LINE = 100_000;
const MIB = 1024 * 1024;

interface World {
  port: number;
  apiKey: string;
  phones: string[];
  server: ChildProcess;
  /** For the ledger_direct case: the partner's prefund account and the people's cashable accounts. */
  prefund: AccountId;
  cashable: AccountId[];
}

/** Valid Korean mobile numbers (libphonenumber's ranges), deterministic. */
function phones(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const candidate = `+8210${String(20_000_000 + ((i * 7_919) % 79_999_999)).padStart(8, '0')}`;
    if (tryNormalizePhone(candidate) === candidate) out.push(candidate);
  }
  return out;
}

/** A credit amount between 1 and 100 KRW with micro-unit digits, from the line number. */
function amountOf(i: number): string {
  return `${1 + (i % 100)}.${String((i * 37) % 10_000).padStart(4, '0')}`;
}

function creditLine(world: World, reference: string, i: number): string {
  const phone = world.phones[(i * 7_919) % world.phones.length]!;
  return JSON.stringify({ partner_reference: reference, recipient: { phone }, amount: { amount: amountOf(i), currency: 'KRW' }, source: 'tip' });
}

async function setUp(url: string): Promise<Omit<World, 'port' | 'server'>> {
  const config = loadConfig({ DATABASE_URL: url, DEMO: 'off', LOG_LEVEL: 'warn' });
  const rt = await createRuntime(config, { background: false });
  try {
    const { identity, credits } = rt.ctx.services;
    const db = rt.ctx.database.db;
    const partner = await identity.createPartner(db, { system: 'bench' }, 'Bench partner');
    const key = await identity.createApiKey(db, { system: 'bench' }, partner.id, ['credits:write', 'credits:read']);
    await credits.recordPrefunding('stf_bench', partner.id, { amount: fromMinor(1_000_000_000_000n), bankReference: `BENCH-${randomUUID()}` });
    const numbers = phones(USERS);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const now = new Date().toISOString();
      const rows = function* () {
        for (let i = 0; i < numbers.length; i += 5000) {
          yield numbers.slice(i, i + 5000).map((phone) => `${newId('usr')}\t${phone}\t${now}\tSKT\tko\t0\tbench\tbench\t1\t${now}\t${now}\t${now}\n`).join('');
        }
      };
      await pipeline(
        Readable.from(rows()),
        client.query(copyFrom('COPY users (id, phone, phone_verified_at, carrier, lang, tier, pin_hash, pin_salt, pin_key_version, pin_changed_at, created_at, updated_at) FROM STDIN')),
      );
      const ids = (await client.query<{ id: string }>('SELECT id FROM users ORDER BY id')).rows.map((r) => r.id);
      const cashable: AccountId[] = [];
      for (let i = 0; i < ids.length; i += 5000) {
        const wallets = await credits.deps.wallets.openMainWallets(db, ids.slice(i, i + 5000), 'KRW');
        for (const w of wallets.values()) cashable.push(w.cashable_account as AccountId);
      }
      const prefund = await credits.deps.partners.prefundAccount(partner.id, 'KRW');
      return { apiKey: key.secret, phones: numbers, prefund, cashable };
    } finally {
      await client.end();
    }
  } finally {
    await rt.close();
  }
}

async function startServer(url: string): Promise<{ server: ChildProcess; port: number }> {
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...extra, '--import', 'tsx', new URL('./credits-server.ts', import.meta.url).pathname], {
    env: { ...process.env, DATABASE_URL: url, DEMO: 'off', LOG_LEVEL: 'warn', DB_POOL_SIZE: '40' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: server.stdout! });
    lines.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`credits server exited (${code})`)));
  });
  return { server, port: (JSON.parse(first) as { port: number }).port };
}

/** Resident memory of a process (Linux /proc): now, and the peak since it started. */
function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

const agents = { batch: new http.Agent({ keepAlive: true, maxSockets: 8 }), single: new http.Agent({ keepAlive: true, maxSockets: 64 }) };

function post(world: World, path: string, body: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: world.port, path, method: 'POST', agent, headers: { authorization: `Bearer ${world.apiKey}`, 'content-type': 'application/json' } },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (c: Buffer) => parts.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

interface StreamRun {
  rate: number;
  peakMiB: number;
  growthMiB: number;
}

/**
 * Streams `lines` credits in one request, writing as fast as the server reads and reading results
 * as they come (full duplex), and samples the server's memory at line RSS_FROM_LINE and at the end.
 */
function streamCredits(world: World, run: number, lines: number): Promise<StreamRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answered = 0;
    let failed = 0;
    let at100k = 0;
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(world.server.pid!).rss);
    }, 200);
    const request = http.request({
      host: '127.0.0.1',
      port: world.port,
      path: '/v1/credits/stream',
      method: 'POST',
      headers: { authorization: `Bearer ${world.apiKey}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const reader = createInterface({ input: response });
      reader.on('line', (line) => {
        if (line.startsWith('{"object":"summary"')) return;
        answered++;
        if (!line.includes('"status":"posted"')) {
          failed++;
          if (failed <= 3) console.error(`  stream: ${line}`);
        }
        if (answered === Math.min(RSS_FROM_LINE, lines)) at100k = rssOf(world.server.pid!).rss;
      });
      reader.on('close', () => {
        clearInterval(sampler);
        const end = rssOf(world.server.pid!);
        peak = Math.max(peak, end.rss);
        const seconds = (performance.now() - started) / 1000;
        if (answered !== lines || failed > 0) reject(new Error(`stream: ${answered} answers, ${failed} failed of ${lines}`));
        else resolve({ rate: lines / seconds, peakMiB: peak / MIB, growthMiB: (end.rss - at100k) / MIB });
      });
    });
    // The body is generated as it is sent: 64 KiB at a time, waiting for 'drain' (back-pressure).
    let i = 0;
    const write = () => {
      while (i < lines) {
        let piece = '';
        for (const end = Math.min(i + 400, lines); i < end; i++) piece += `${creditLine(world, `s${run}-${i}`, i)}\n`;
        if (!request.write(piece)) {
          request.once('drain', write);
          return;
        }
      }
      request.end();
    };
    write();
  });
}

export async function run(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const bench = await freshBenchDatabase(base, 'sc_bench_credits');
  console.log(`credits benchmark on PostgreSQL: fsync=${bench.fsync}, synchronous_commit=${bench.synchronousCommit}`);
  console.log(`setting up ${USERS.toLocaleString()} people with wallets…`);
  const setup = await setUp(bench.url);
  const { server, port } = await startServer(bench.url);
  const world: World = { ...setup, port, server };
  const rawPool = new pg.Pool({ connectionString: bench.url, max: 4 });
  try {
    await rawPool.query(`CREATE TABLE bench_copy (id uuid, debit_account_id uuid, credit_account_id uuid, amount bigint, currency char(3), code int,
                         flags int, pending_id uuid, timeout_s int, metadata jsonb, ts timestamptz)`);
    const debit = randomUUID();
    const credits = Array.from({ length: 1000 }, () => randomUUID());

    let streamRun = 0;
    const streams: StreamRun[] = [];
    const stream_1m = async () => {
      const result = await streamCredits(world, ++streamRun, STREAM_LINES);
      streams.push(result);
      console.log(`    peak RSS ${result.peakMiB.toFixed(0)} MiB, growth from line ${RSS_FROM_LINE.toLocaleString()} to the end ${result.growthMiB.toFixed(1)} MiB`);
      return result.rate;
    };

    const copy_rows = async () => {
      const client = await rawPool.connect();
      try {
        await client.query('TRUNCATE bench_copy');
        const ts = new Date().toISOString();
        const started = performance.now();
        const rows = function* () {
          for (let i = 0; i < STREAM_LINES; i += 1000) {
            let piece = '';
            for (let j = i; j < Math.min(i + 1000, STREAM_LINES); j++) {
              const metadata = JSON.stringify({ partner: 'ptn_bench', ref: `c-${j}`, source: 'tip', class: 'cashable', to: world.phones[j % world.phones.length], request_hash: randomUUID().replace(/-/g, '') });
              piece += `${randomUUID()}\t${debit}\t${credits[j % 1000]}\t${j + 10_000}\tKRW\t200\t0\t\\N\t0\t${metadata}\t${ts}\n`;
            }
            yield piece;
          }
        };
        await pipeline(Readable.from(rows()), client.query(copyFrom('COPY bench_copy FROM STDIN')));
        return STREAM_LINES / ((performance.now() - started) / 1000);
      } finally {
        client.release();
      }
    };

    // The ledger alone, in this process: the same credits as transfers (derived ids, the same
    // metadata), createTransfers of 1,000 from 2 callers — what the credit path is built on.
    const { openDatabase } = await import('../src/db/index.ts');
    const direct = await openDatabase({ url: bench.url, poolSize: 8 });
    const ledger = createLedger(direct.db, systemClock, { background: true, groupCommit: { committers: 2, batchMax: 1000 } });
    let directRun = 0;
    const ledger_direct = async () => {
      const run = ++directRun;
      const total = BATCH_CREDITS;
      const started = performance.now();
      await pool(2, total / 1000, async (c) => {
        const transfers = Array.from({ length: 1000 }, (_, k) => {
          const i = c * 1000 + k;
          const ref = `d${run}-${i}`;
          return {
            id: derivedUuid(`smallchange:credit:bench:${ref}`) as TransferId,
            debit_account_id: world.prefund,
            credit_account_id: world.cashable[(i * 7_919) % world.cashable.length]!,
            amount: parseAmount(amountOf(i), 'KRW'),
            currency: 'KRW' as const,
            code: 200,
            metadata: { partner: 'ptn_bench', ref, source: 'tip', class: 'cashable', to: world.phones[(i * 7_919) % world.phones.length], request_hash: randomUUID().replace(/-/g, '').repeat(2) },
          };
        });
        const results = await ledger.createTransfers(transfers);
        if (results.some((r) => r !== 'ok')) throw new Error(`ledger_direct: ${results.find((r) => r !== 'ok')}`);
      });
      return total / ((performance.now() - started) / 1000);
    };

    let batchRun = 0;
    const batch_api = async () => {
      const run = ++batchRun;
      const requests = Math.ceil(BATCH_CREDITS / 1000);
      const bodies = (r: number) => JSON.stringify({ items: Array.from({ length: 1000 }, (_, k) => JSON.parse(creditLine(world, `b${run}-${r}-${k}`, r * 1000 + k)) as unknown) });
      const started = performance.now();
      await pool(8, requests, async (r) => {
        const response = await post(world, '/v1/credits/batch', bodies(r), agents.batch);
        const parsed = JSON.parse(response.body) as { results?: { status: string }[] };
        const bad = parsed.results?.find((x) => x.status !== 'posted');
        if (response.status !== 200 || bad) throw new Error(`batch_api: ${response.status} ${response.body.slice(0, 300)}`);
      });
      return (requests * 1000) / ((performance.now() - started) / 1000);
    };

    let singleRun = 0;
    const latencies: number[][] = [];
    const single_api = async () => {
      const run = ++singleRun;
      const took: number[] = [];
      const started = performance.now();
      await pool(64, SINGLE_CREDITS, async (i) => {
        const t0 = performance.now();
        const response = await post(world, '/v1/credits', creditLine(world, `one${run}-${i}`, i), agents.single);
        took.push(performance.now() - t0);
        if (response.status !== 201) throw new Error(`single_api: ${response.status} ${response.body.slice(0, 300)}`);
      });
      latencies.push(took);
      return SINGLE_CREDITS / ((performance.now() - started) / 1000);
    };

    const only = (process.env.BENCH_CASES ?? '').split(',').filter(Boolean);
    const all = { copy_rows, ledger_direct, stream_1m, batch_api, single_api };
    const chosen = Object.fromEntries(Object.entries(all).filter(([name]) => only.length === 0 || only.includes(name))) as typeof all;
    const runs = Object.assign({ copy_rows: [0], ledger_direct: [0], stream_1m: [0], batch_api: [0], single_api: [0] }, await alternate(chosen, RUNS));
    await ledger.close();
    await direct.close();
    const p99s = latencies.map((took) => {
      const sorted = [...took].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
    });
    const peak = median(streams.map((s) => s.peakMiB));
    const growth = median(streams.map((s) => s.growthMiB));
    const c = 'credits/s';
    report(
      'credits',
      [
        figure('copy_rows', runs.copy_rows, 'rows/s', undefined, `${STREAM_LINES.toLocaleString('en-US')} credit rows (ledger_transfers columns, with their metadata) COPY into a plain table`),
        figure(
          'stream_1m',
          runs.stream_1m,
          c,
          { name: 'copy_rows', runs: runs.copy_rows, target: 0.4 },
          `${STREAM_LINES.toLocaleString('en-US')} credits in one POST /v1/credits/stream to ${USERS.toLocaleString('en-US')} people; server peak RSS ${peak.toFixed(0)} MiB (runs ${streams.map((s) => s.peakMiB.toFixed(0)).join(', ')}), RSS growth from line ${RSS_FROM_LINE.toLocaleString('en-US')} to the end ${growth.toFixed(1)} MiB (runs ${streams.map((s) => s.growthMiB.toFixed(1)).join(', ')}; target ≤ 50)`,
        ),
        figure('batch_api', runs.batch_api, c, { name: 'copy_rows', runs: runs.copy_rows, target: 0.1 }, `${BATCH_CREDITS.toLocaleString('en-US')} credits, POST /v1/credits/batch of 1,000, 8 concurrent`),
        figure('single_api', runs.single_api, 'requests/s', undefined, `${SINGLE_CREDITS.toLocaleString('en-US')} POST /v1/credits, 64 concurrent connections; p99 ${median(p99s).toFixed(1)} ms (runs ${p99s.map((p) => p.toFixed(1)).join(', ')})`),
        { name: 'single_api_p99', value: Math.round(median(p99s) * 10) / 10, unit: 'ms', baseline: null, ratio: null, runs: p99s.map((p) => Math.round(p * 10) / 10) },
        { name: 'stream_1m_peak_rss', value: Math.round(peak), unit: 'MiB', baseline: null, ratio: null, runs: streams.map((s) => Math.round(s.peakMiB)) },
        { name: 'stream_1m_rss_growth', value: Math.round(growth * 10) / 10, unit: 'MiB', baseline: null, ratio: null, runs: streams.map((s) => Math.round(s.growthMiB * 10) / 10), notes: `from line ${RSS_FROM_LINE} to the end; target ≤ 50 MiB` },
      ],
      {
        fsync: bench.fsync,
        synchronous_commit: bench.synchronousCommit,
        users: USERS,
        stream_lines: STREAM_LINES,
        batch_credits: BATCH_CREDITS,
        single_credits: SINGLE_CREDITS,
        runs: RUNS,
        source: 'tip (cashable, no clearance)',
        cpus: (await import('node:os')).cpus().length,
        // Other work on the machine (this box is shared): 1-, 5- and 15-minute load at the end.
        load_average: (await import('node:os')).loadavg().map((l) => Math.round(l * 10) / 10).join(' / '),
      },
    );
  } finally {
    await rawPool.end();
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    agents.batch.destroy();
    agents.single.destroy();
    await bench.drop();
  }
}
