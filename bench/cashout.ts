// `npm run bench -- cashout`: cash-out over HTTP on PostgreSQL with durable commits and the bank
// simulator, medians of alternating runs.
//
//   raw_http_insert     the baseline: the same server (same process, same Fastify stack) answering
//                       a bare route that does one durable INSERT, 64 keep-alive connections;
//   cashout_http        quote + confirm for BENCH_USERS distinct users over 64 connections
//                       (target ≥ 0.2 × raw_http_insert in cash-outs/s, p99 of the confirm ≤ 50 ms);
//   payout_batch_*      BENCH_BATCH submitted payouts written as one pain.001 (built, validated
//                       against the XSD, written) and settled from the bank's pain.002.
// The load generator runs in the same process (node:http with a keep-alive agent), so its cost is
// in every figure alike. Users are registered, identity-checked and bank-verified through the
// identity service with its simulators; their saved destinations are seeded as if paid before (the
// benchmark measures quote + confirm, not the first-payout code).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { buildApp, type AreaPlugin } from '../src/api/app.ts';
import type { AppContext } from '../src/api/context.ts';
import { createMetrics } from '../src/api/metrics.ts';
import { cashoutRoutes, createCashout, type CashoutService } from '../src/cashout/index.ts';
import { configSchema } from '../src/config/index.ts';
import { migrate, openDatabase, withTransaction, type Database } from '../src/db/index.ts';
import { createIdentity, identityRoutes, pinWeakness, tryNormalizePhone, type IdentityService, type IdentitySimulators } from '../src/identity/index.ts';
import { createLedger, type AccountId, type Ledger, type TransferId } from '../src/ledger/index.ts';
import { fromMinor, type Micros } from '../src/money/index.ts';
import { PolicyService } from '../src/policy/index.ts';
import type { BankSimulator } from '../src/rails/index.ts';
import { systemClock } from '../src/shared/clock.ts';
import { derivedUuid, uuidToId, uuidv7 } from '../src/shared/ids.ts';
import { createLogger } from '../src/shared/logger.ts';
import { systemAccountId, TRANSFER_CODES, Wallets } from '../src/wallets/index.ts';
import { alternate, figure, freshBenchDatabase, median, pool, report } from './lib.ts';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RAW_REQUESTS = Number(process.env.BENCH_RAW_REQUESTS ?? 20_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const PINS = ['480273', '739418', '961524', '305817'];
const CASHOUT_WON = 10_000n;

interface BenchUser {
  id: string;
  token: string;
  pin: string;
  wallet: string;
  walletId: string;
  cashable: AccountId;
  destination: string;
}

interface World {
  database: Database;
  ledger: Ledger;
  identity: IdentityService;
  simulators: IdentitySimulators;
  cashout: CashoutService;
  policy: PolicyService;
  wallets: Wallets;
  /** The bank simulator, driven step by step here (its timer is not started). */
  bank: BankSimulator;
  url: string;
  close(): Promise<void>;
}

// ——— HTTP load generation ———

interface Response {
  status: number;
  body: string;
}

function post(agent: Agent, base: URL, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { agent, host: base.hostname, port: base.port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

// ——— The server ———

const rawInsertArea: AreaPlugin = async (app, { ctx }) => {
  app.post('/bench/raw-insert', { schema: { hide: true } }, async () => {
    await sql`INSERT INTO bench_raw (id, body, at) VALUES (${randomUUID()}, ${'{"n":1}'}, now())`.execute(ctx.database.db);
    return { ok: true };
  });
};

async function openWorld(url: string, dataDir: string): Promise<World> {
  const database = await openDatabase({ url, poolSize: 40 });
  await migrate(database);
  await database.exec('CREATE TABLE bench_raw (id uuid PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL)');
  const config = configSchema.parse({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DEMO: 'off', DATA_DIR: dataDir, DATABASE_URL: url, SIMULATORS: 'on' });
  const logger = createLogger('silent');
  // Sealing on, as in the server: hashing the chain is part of what a cash-out costs.
  const ledger = createLedger(database.db, systemClock, { background: true });
  const policy = new PolicyService(database.db, systemClock);
  await policy.seedDefault();
  // The batch benchmark writes one file of BATCH items: a policy version that allows it.
  const current = await policy.inForce();
  await policy.publish({ yaml: current.yaml.replace('max_items: 10000', `max_items: ${Math.max(BATCH, 1)}`), staffId: null });
  const { service: identity, simulators } = createIdentity({ db: database.db, clock: systemClock, logger, config });
  const wallets = new Wallets(database.db, ledger, systemClock);
  const { service: cashout, bankSimulator } = await createCashout({
    db: database.db, clock: systemClock, logger, ledger, policy, identity, config, wallets, simulator: { latency_ms: 0, rejectionRate: 0, statementAtLocal: null },
  });
  const ctx: AppContext = {
    config, database, clock: systemClock, logger, metrics: createMetrics({ defaultMetrics: false }), ledger, authenticator: identity.authenticator,
    services: { identity, policy, cashout } as AppContext['services'], state: { ready: true, shuttingDown: false },
  };
  const app = await buildApp(ctx, { areas: [identityRoutes, cashoutRoutes, rawInsertArea], rateLimitPerMinute: 1_000_000_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    database, ledger, identity, simulators: simulators!, cashout, policy, wallets, bank: bankSimulator!, url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await cashout.stop();
      await bankSimulator?.stop();
      await identity.settle();
      await ledger.close();
      await database.close();
    },
  };
}

// ——— Users ———

let phoneSequence = 0;
function nextPhone(): string {
  for (;;) {
    phoneSequence += 1;
    const candidate = `+8210${String(2000_0000 + ((phoneSequence * 104_729) % 8000_0000)).padStart(8, '0')}`;
    if (tryNormalizePhone(candidate) === candidate) return candidate;
  }
}

async function smsCode(world: World, challengeId: string): Promise<string> {
  const { rows } = await sql<{ body: string }>`SELECT body FROM outbox_messages WHERE payload->>'challenge_id' = ${challengeId}`.execute(world.database.db);
  const code = /\b(\d{6})\b/.exec(rows[0]?.body ?? '')?.[1];
  if (!code) throw new Error(`no code for ${challengeId}`);
  return code;
}

async function makeUser(world: World, index: number): Promise<BenchUser> {
  const phone = nextPhone();
  const registration = await withTransaction(world.database.db, (trx) => world.identity.startRegistration(trx, { phone, carrier: 'SKT', lang: 'ko' }));
  const code = await smsCode(world, registration.id);
  const pin = PINS.find((candidate) => !pinWeakness(candidate, { phone: registration.phone }))!;
  const signed = await world.identity.completeRegistration({ registrationId: registration.id, code, pin, deviceId: `bench-device-${index}` });
  const userId = signed.user.id;
  await world.identity.checkIdentity(userId, { name: '김민준', birthDate: '1990-01-31' });
  const account = `110${String(index).padStart(9, '0')}`;
  const started = await world.identity.startBankVerification(userId, '088', account);
  const deposit = world.simulators.bank.depositsTo('088', account).at(-1)!;
  await world.identity.confirmBankAccount(userId, started.account.id, /SC (\d{6})/.exec(deposit.memo)![1]!);
  const wallet = await withTransaction(world.database.db, (trx) => world.wallets.openMainWallet(trx, userId, 'KRW'));
  const destination = `dst_bench${String(index).padStart(8, '0')}`;
  const past = new Date(Date.now() - 72 * 3_600_000);
  await sql`INSERT INTO cashout_destinations (id, user_id, kind, bank_account_id, bank_code, last4, status, created_at, first_payout_at)
            VALUES (${destination}, ${userId}, 'bank', ${started.account.id}, '088', ${account.slice(-4)}, 'active', ${past}, ${past})`.execute(world.database.db);
  await sql`UPDATE user_devices SET first_seen_at = ${past} WHERE user_id = ${userId}`.execute(world.database.db);
  return { id: userId, token: signed.token, pin, wallet: uuidToId(wallet.id, 'wal'), walletId: wallet.id, cashable: wallet.cashable_account, destination };
}

async function fundUsers(world: World, users: BenchUser[], amount: Micros): Promise<void> {
  const from = systemAccountId('bank_deposits', 'KRW');
  for (let i = 0; i < users.length; i += 5_000) {
    const results = await world.ledger.createTransfers(
      users.slice(i, i + 5_000).map((u) => ({ id: uuidv7() as TransferId, debit_account_id: from, credit_account_id: u.cashable, amount, currency: 'KRW' as const, code: TRANSFER_CODES.credit })),
    );
    if (results.some((r) => r !== 'ok')) throw new Error(`funding: ${results.find((r) => r !== 'ok')}`);
  }
}

// ——— The cases ———

async function rawHttpInsert(world: World, agent: Agent): Promise<number> {
  const base = new URL(world.url);
  const started = performance.now();
  await pool(CONNECTIONS, RAW_REQUESTS, async () => {
    const res = await post(agent, base, '/bench/raw-insert', {});
    if (res.status !== 200) throw new Error(`raw insert: ${res.status} ${res.body}`);
  });
  return RAW_REQUESTS / ((performance.now() - started) / 1000);
}

async function cashoutHttp(world: World, agent: Agent, users: BenchUser[], latencies: number[][], run: number): Promise<number> {
  const base = new URL(world.url);
  const confirmMs: number[] = [];
  const started = performance.now();
  await pool(CONNECTIONS, users.length, async (i) => {
    const user = users[i]!;
    const auth = { authorization: `Bearer ${user.token}` };
    const quote = await post(agent, base, '/v1/cashouts/quotes', { wallet: user.wallet, amount: { amount: CASHOUT_WON.toString(), currency: 'KRW' }, channel: 'bank', destination: user.destination }, auth);
    if (quote.status !== 201) throw new Error(`quote: ${quote.status} ${quote.body}`);
    const id = (JSON.parse(quote.body) as { id: string }).id;
    const t0 = performance.now();
    const confirm = await post(agent, base, '/v1/cashouts', { quote: id, pin: user.pin }, { ...auth, 'idempotency-key': `bench-${run}-${i}` });
    confirmMs.push(performance.now() - t0);
    if (confirm.status !== 201) throw new Error(`confirm: ${confirm.status} ${confirm.body}`);
  });
  latencies.push(confirmMs);
  return users.length / ((performance.now() - started) / 1000);
}

/** BATCH submitted bank payouts, reserved in the ledger, as confirmed cash-outs would be. */
async function seedSubmitted(world: World, users: BenchUser[], run: number): Promise<void> {
  const policyVersion = (await world.policy.inForce()).version;
  const clearing = systemAccountId('bank_clearing', 'KRW');
  const payout = fromMinor(1_000n + BigInt(run));
  const now = new Date();
  for (let start = 0; start < BATCH; start += 5_000) {
    const count = Math.min(5_000, BATCH - start);
    const rows = Array.from({ length: count }, (_, k) => {
      const user = users[(start + k) % users.length]!;
      return { id: uuidv7(), user, quote: uuidv7() };
    });
    const reserve = await world.ledger.createTransfers(rows.map((r) => ({
      id: derivedUuid(`smallchange:cashout:${r.id}:reserve:payout`) as TransferId, debit_account_id: r.user.cashable, credit_account_id: clearing, amount: payout,
      currency: 'KRW' as const, code: TRANSFER_CODES.cashout, flags: 2, timeout_s: 72 * 3600, metadata: { cashout: uuidToId(r.id, 'cot') },
    })));
    if (reserve.some((r) => r !== 'ok')) throw new Error(`seed reserve: ${reserve.find((r) => r !== 'ok')}`);
    await sql`
      INSERT INTO cashouts (id, user_id, wallet_id, quote_id, channel, destination_id, destination_label, currency, payout, fee, dust, policy_version,
                            debit_account, clearing_account, state, version, origin, notify_phone, lang, expected_at, created_at, updated_at, submitted_at)
      SELECT id, user_id, wallet_id, quote_id, 'bank', destination_id, 'Shinhan Bank ****', 'KRW', ${payout}, 0, 0, ${policyVersion},
             debit_account, ${clearing}::uuid, 'submitted', 3, 'user', '+821012345678', 'ko', ${now}, ${now}, ${now}, ${now}
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.user.id)}::text[], ${rows.map((r) => r.user.walletId)}::uuid[],
                  ${rows.map((r) => r.quote)}::uuid[], ${rows.map((r) => r.user.destination)}::text[], ${rows.map((r) => r.user.cashable)}::uuid[])
        AS s(id, user_id, wallet_id, quote_id, destination_id, debit_account)`.execute(world.database.db);
  }
}

export async function run(): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const bench = await freshBenchDatabase(base, 'sc_bench_cashout');
  const dataDir = mkdtempSync(`${tmpdir()}/sc-bench-cashout-`);
  console.log(`cash-out benchmark on PostgreSQL: fsync=${bench.fsync}, synchronous_commit=${bench.synchronousCommit}; ${USERS} users, batch ${BATCH}, ${RUNS} runs`);
  const world = await openWorld(bench.url, dataDir);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  try {
    const setupStarted = performance.now();
    const users: BenchUser[] = new Array(USERS);
    await pool(32, USERS, async (i) => {
      users[i] = await makeUser(world, i);
    });
    await fundUsers(world, users, fromMinor((CASHOUT_WON + 1_000n) * BigInt(RUNS) + 1_000n * BigInt(Math.ceil(BATCH / USERS) * RUNS + 1)));
    console.log(`  ${USERS} users registered, verified and funded in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);

    // Batches first (they would otherwise also carry the HTTP runs' payouts).
    const write: number[] = [];
    const settle: number[] = [];
    const total: number[] = [];
    const bankSeconds: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await seedSubmitted(world, users, r);
      const t0 = performance.now();
      const batches = await world.cashout.runBankBatch();
      const t1 = performance.now();
      if (batches.length !== 1 || batches[0]!.items !== BATCH) throw new Error(`expected one batch of ${BATCH}, got ${batches.map((b) => b.items).join(', ')}`);
      await world.bank.processOutgoing();
      await world.bank.flushAnswers();
      const t2 = performance.now();
      const ingest = await world.cashout.ingestBank();
      const t3 = performance.now();
      if (ingest.updates.settled !== BATCH) throw new Error(`settled ${ingest.updates.settled} of ${BATCH}`);
      write.push(BATCH / ((t1 - t0) / 1000));
      settle.push(BATCH / ((t3 - t2) / 1000));
      total.push((t1 - t0 + t3 - t2) / 1000);
      bankSeconds.push((t2 - t1) / 1000);
      console.log(`  run ${r + 1}/${RUNS} payout batch: write ${((t1 - t0) / 1000).toFixed(1)} s, bank ${((t2 - t1) / 1000).toFixed(1)} s, settle ${((t3 - t2) / 1000).toFixed(1)} s`);
    }

    const latencies: number[][] = [];
    let run = 0;
    const runs = await alternate({
      raw_http_insert: () => rawHttpInsert(world, agent),
      cashout_http: () => cashoutHttp(world, agent, users, latencies, run++),
    }, RUNS);
    const p99 = latencies.map((l) => percentile(l, 99));
    const p50 = latencies.map((l) => percentile(l, 50));

    report(
      'cashout',
      [
        figure('raw_http_insert', runs.raw_http_insert, 'requests/s', undefined, `${RAW_REQUESTS} POSTs, ${CONNECTIONS} keep-alive connections, one durable INSERT each, same server`),
        figure('cashout_http', runs.cashout_http, 'cash-outs/s', { name: 'raw_http_insert', runs: runs.raw_http_insert, target: 0.2 },
          `${USERS} distinct users, quote + confirm (PIN, reserve, screen, submit) over ${CONNECTIONS} connections`),
        figure('cashout_confirm_p99', p99, 'ms', undefined, `p99 latency of POST /v1/cashouts (target ≤ 50 ms); p50 ${median(p50).toFixed(1)} ms`),
        figure('payout_batch_write', write, 'rows/s', undefined, `${BATCH} payouts → one pain.001 (reveal accounts, build, XSD-validate, write, journal); median ${(BATCH / median(write)).toFixed(1)} s`),
        figure('payout_batch_settle', settle, 'rows/s', undefined, `${BATCH}-item pain.002 read, validated and settled (ledger posts, states, events, receipts, SMS); median ${(BATCH / median(settle)).toFixed(1)} s`),
        figure('payout_batch_total', total, 's', undefined, `write + settle of ${BATCH} payouts (the bank simulator's own ${median(bankSeconds).toFixed(1)} s excluded)`),
      ],
      { fsync: bench.fsync, synchronous_commit: bench.synchronousCommit, users: USERS, batch: BATCH, runs: RUNS, connections: CONNECTIONS, cpus: (await import('node:os')).cpus().length },
    );
  } finally {
    agent.destroy();
    await world.close();
    rmSync(dataDir, { recursive: true, force: true });
    await bench.drop();
  }
}
