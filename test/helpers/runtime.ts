// The whole product, assembled by the real composition root on a fresh test database: for flows
// that cross modules (demo world, end-to-end API, browser tests).
import { loadConfig } from '../../src/config/index.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openTestDatabase, type TestDatabase } from './db.ts';

export interface TestRuntime extends Runtime {
  database: TestDatabase;
}

export async function createTestRuntime(options: { clock?: Clock; env?: Record<string, string>; background?: boolean } = {}): Promise<TestRuntime> {
  const database = await openTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO: 'off', ...options.env });
  const runtime = await createRuntime(config, {
    database,
    logger: createLogger('silent'),
    background: options.background ?? false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    ...runtime,
    database,
    async close() {
      await runtime.close();
      await database.close();
    },
  };
}
