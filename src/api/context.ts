// What a route may use. Built once at start (src/main.ts) or per test (test/helpers), and handed
// to each area's plugin; there are no module-level singletons. Each area adds its service to
// AppServices by declaration merging (`declare module '../api/context.ts'`), so this file does
// not grow a line per module.
import type { Config } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Metrics } from './metrics.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Authenticator } from './auth.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AppServices {}

export interface AppContext {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  ledger: Ledger;
  /** Set by identity at assembly; routes use it through requireAuth. */
  authenticator: Authenticator;
  services: AppServices;
  /** Set once migrations are applied and the world is ready to serve. */
  state: { ready: boolean; shuttingDown: boolean };
}
