// A partner-wallet world for the tests of src/rails/wallet: our rail and its webhook endpoint (a
// real Fastify server on 127.0.0.1) and the provider simulator (another real HTTP server), over
// one migrated database and one ManualClock. Nothing is faked between them: every payout goes
// over HTTP, and every answer comes back as a signed webhook or a polled status.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AppContext } from '../../src/api/context.ts';
import { createMetrics } from '../../src/api/metrics.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { Database } from '../../src/db/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import { createWalletRail, WalletProviderSimulator, walletRailRoutes, type ProviderClientOptions, type WalletRail, type WalletRailOptions, type WalletSimulatorOptions } from '../../src/rails/index.ts';
import type { IngestReport, PayoutInstruction, RailUpdateBatch } from '../../src/rails/types.ts';
import type { WalletDestination } from '../../src/rails/wallet/wallet-rail.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';

export const WEBHOOK_SECRET = 'whsec_dGVzdC13YWxsZXQtd2ViaG9vay1zZWNyZXQtMDAwMQ==';
export const API_KEY = 'test-wallet-api-key-0001';

/** TEST DOUBLE: the wallet rail never touches the ledger; any call is a test failure. */
const unusedLedger = new Proxy({} as Ledger, {
  get: (_target, name) => () => {
    throw new Error(`the wallet rail must not use the ledger (called ${String(name)})`);
  },
});

export interface WalletWorld {
  clock: ManualClock;
  rail: WalletRail;
  simulator: WalletProviderSimulator;
  /** Our server, with the webhook route, listening on 127.0.0.1. */
  app: FastifyInstance;
  webhookUrl: string;
  /** Every batch ingest() handed over, in order. */
  applied: RailUpdateBatch[];
  ingest(): Promise<IngestReport>;
  close(): Promise<void>;
}

export async function openWalletWorld(
  database: Database,
  simulatorOptions: Partial<WalletSimulatorOptions> = {},
  railOptions: Partial<Omit<WalletRailOptions, 'provider'>> & { provider?: Partial<ProviderClientOptions> } = {},
): Promise<WalletWorld> {
  const clock = new ManualClock('2026-01-15T01:00:00Z');
  const logger = createLogger('silent');
  let webhookUrl = '';
  const simulator = new WalletProviderSimulator({
    clock, apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, webhookUrl: () => webhookUrl, latency_ms: 10, seed: 7, ...simulatorOptions,
  });
  const { url } = await simulator.start();
  const rail = createWalletRail({
    db: database.db,
    clock,
    logger,
    webhookSecrets: [WEBHOOK_SECRET],
    poll_after_ms: 60_000,
    ...railOptions,
    provider: { baseUrl: url, apiKey: API_KEY, request_timeout_ms: 1_000, attempts_max: 3, backoff_ms: 10, ...railOptions.provider },
  });
  // Earlier tests on this database left messages in the inbox: this world starts from an empty one.
  while ((await rail.ingest(async () => undefined)).applied.length > 0);
  const ctx: AppContext = {
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    database,
    clock,
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    ledger: unusedLedger,
    authenticator: { authenticate: async () => null, staffCan: () => false, partnerCan: () => false },
    services: { walletRail: rail } as AppContext['services'],
    state: { ready: true, shuttingDown: false },
  };
  const app = await buildApp(ctx, { areas: [walletRailRoutes] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  webhookUrl = `http://127.0.0.1:${address.port}/v1/rails/wallet/webhooks`;
  const applied: RailUpdateBatch[] = [];
  return {
    clock,
    rail,
    simulator,
    app,
    webhookUrl,
    applied,
    ingest: () => rail.ingest(async (batch) => {
      applied.push(batch);
    }),
    async close() {
      await simulator.stop();
      await app.close();
    },
  };
}

let counter = 0;

/** A payout instruction with a fresh cash-out id (refs never collide across tests on one database). */
export function walletPayout(overrides: Partial<PayoutInstruction<WalletDestination>> = {}): PayoutInstruction<WalletDestination> {
  counter += 1;
  return {
    ref: `cot_wallet${String(counter).padStart(4, '0')}${Math.random().toString(36).slice(2, 10)}`,
    amountMinor: 15_000n,
    currency: 'KRW',
    payeeName: '김민준',
    destination: { handle: '@minjun.kim' },
    remittanceInfo: 'smallchange 출금',
    ...overrides,
  };
}

export function submitOne(rail: WalletRail, item: PayoutInstruction<WalletDestination>) {
  return rail.submit({ batchId: `bat_${item.ref.slice(4)}`, executionDate: '2026-01-15', items: [item] });
}
