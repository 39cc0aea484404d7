// The storage layer: migrations apply once and refuse a changed file; int8 comes back as bigint;
// the transaction helper retries serialization failures a bounded number of times.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, usingPostgres } from '../../test/helpers/db.ts';
import { MigrationError, migrate, retryStats, withTransaction, type Database } from './index.ts';

describe('database', () => {
  let database: Database;
  let dir: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'sc-migrations-'));
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns int8 as bigint, never as a lossy number', async () => {
    const { rows } = await sql<{ big: bigint }>`SELECT 9007199254740993::int8 AS big`.execute(database.db);
    expect(rows[0]!.big).toBe(9_007_199_254_740_993n);
  });

  it('applies each migration once, in order, and refuses a changed applied migration', async () => {
    writeFileSync(join(dir, '9001_probe_a.sql'), 'CREATE TABLE probe_a (id int PRIMARY KEY);');
    writeFileSync(join(dir, '9002_probe_b.sql'), 'CREATE TABLE probe_b (id int PRIMARY KEY REFERENCES probe_a(id));');
    expect((await migrate(database, dir)).applied).toEqual(['9001_probe_a.sql', '9002_probe_b.sql']);
    expect((await migrate(database, dir)).applied).toEqual([]);
    writeFileSync(join(dir, '9001_probe_a.sql'), 'CREATE TABLE probe_a (id int PRIMARY KEY, extra int);');
    await expect(migrate(database, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(database, dir)).rejects.toThrow(/9001_probe_a.sql was changed after it was applied/);
  });

  it('rolls back a failing migration whole: nothing of it remains', async () => {
    const failing = mkdtempSync(join(tmpdir(), 'sc-migrations-bad-'));
    try {
      writeFileSync(join(failing, '9101_half.sql'), 'CREATE TABLE half_done (id int); SELECT no_such_function();');
      await expect(migrate(database, failing)).rejects.toThrow(/9101_half.sql failed/);
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int4 AS n FROM information_schema.tables WHERE table_name = 'half_done'`.execute(database.db);
      expect(rows[0]!.n).toBe(0);
      const recorded = await sql<{ n: number }>`SELECT count(*)::int4 AS n FROM schema_migrations WHERE version = '9101'`.execute(database.db);
      expect(recorded.rows[0]!.n).toBe(0);
    } finally {
      rmSync(failing, { recursive: true, force: true });
    }
  });

  it.skipIf(!usingPostgres)('retries serialization failures (PostgreSQL: two serializable writers)', async () => {
    await sql`CREATE TABLE IF NOT EXISTS retry_probe (id int PRIMARY KEY, n int NOT NULL)`.execute(database.db);
    await sql`INSERT INTO retry_probe VALUES (1, 0) ON CONFLICT DO NOTHING`.execute(database.db);
    const before = retryStats.serialization_failures;
    const bump = () =>
      withTransaction(
        database.db,
        async (trx) => {
          const { rows } = await sql<{ n: number }>`SELECT n FROM retry_probe WHERE id = 1`.execute(trx);
          await new Promise((resolve) => setTimeout(resolve, 20));
          await sql`UPDATE retry_probe SET n = ${rows[0]!.n + 1} WHERE id = 1`.execute(trx);
        },
        { isolation: 'serializable', retries: 10 },
      );
    await Promise.all([bump(), bump(), bump(), bump()]);
    const { rows } = await sql<{ n: number }>`SELECT n FROM retry_probe WHERE id = 1`.execute(database.db);
    expect(rows[0]!.n).toBe(4); // no lost update: the losers were retried
    expect(retryStats.serialization_failures).toBeGreaterThan(before);
  });
});
