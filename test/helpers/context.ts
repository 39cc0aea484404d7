// An AppContext for tests: a fresh migrated database (PGlite, or PostgreSQL with
// TEST_DATABASE_URL), a ManualClock, silent logs, a private metrics registry, and the services
// wired as the composition root wires them. Build an app on it with buildTestApp.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp, type AreaPlugin, type BuildOptions } from '../../src/api/app.ts';
import type { AppContext } from '../../src/api/context.ts';
import { createMetrics } from '../../src/api/metrics.ts';
import { configSchema, type Config } from '../../src/config/index.ts';
import type { Database } from '../../src/db/index.ts';
import { createIdentity, DEFAULT_IDENTITY_POLICY, type IdentityPolicy, type IdentityService, type IdentitySimulators } from '../../src/identity/index.ts';
import type { Ledger } from '../../src/ledger/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openTestDatabase } from './db.ts';

export interface TestContextOptions {
  clock?: ManualClock;
  /** Overrides on top of the defaults a test run gets (NODE_ENV=test, silent logs). */
  config?: Partial<Config>;
  /** Identity's policy numbers (DEFAULT_IDENTITY_POLICY when absent); a getter so a test can change them. */
  identityPolicy?: () => IdentityPolicy;
  /** A ledger; until the lead's ledger is wired here, using the placeholder throws. */
  ledger?: Ledger;
}

export interface TestContext {
  ctx: AppContext;
  database: Database;
  clock: ManualClock;
  identity: IdentityService;
  simulators: IdentitySimulators;
  close(): Promise<void>;
}

/** A Ledger whose every use says plainly that no ledger was wired into this test context. */
export function unavailableLedger(): Ledger {
  return new Proxy({} as Ledger, {
    get(_target, property) {
      // Not a thenable: `await ctx.ledger` must not call into the placeholder.
      if (property === 'then' || typeof property === 'symbol') return undefined;
      return () => {
        throw new Error(`ledger.${String(property)}: no ledger is wired into this test context (pass options.ledger)`);
      };
    },
  });
}

export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const database = await openTestDatabase();
  const clock = options.clock ?? new ManualClock();
  const config: Config = { ...configSchema.parse({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO: 'off' }), ...options.config };
  const logger = createLogger(config.LOG_LEVEL);
  const { service, simulators } = createIdentity({
    db: database.db,
    clock,
    logger,
    config: { ...config, SIMULATORS: 'on' },
    policy: options.identityPolicy ?? (() => DEFAULT_IDENTITY_POLICY),
  });
  const ctx: AppContext = {
    config,
    database,
    clock,
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    ledger: options.ledger ?? unavailableLedger(),
    authenticator: service.authenticator,
    // Identity alone: area tests build only the services they exercise (full flows use createTestRuntime).
    services: { identity: service } as AppContext['services'],
    state: { ready: true, shuttingDown: false },
  };
  return {
    ctx,
    database,
    clock,
    identity: service,
    simulators: simulators!,
    async close() {
      await service.settle();
      await database.close();
    },
  };
}

export async function buildTestApp(context: TestContext, areas: AreaPlugin[], options: Omit<BuildOptions, 'areas'> = {}): Promise<FastifyInstance> {
  const app = await buildApp(context.ctx, { ...options, areas });
  await app.ready();
  return app;
}

/** Row counts of tables, for "bad input writes nothing" checks. */
export async function countRows(database: Database, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const result = await sql<{ n: string | number | bigint }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(database.db);
    counts[table] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}
