// A fresh, migrated database per test file: in-memory PGlite by default, or — with
// TEST_DATABASE_URL — a new PostgreSQL database cloned from a template migrated once per run.
import pg from 'pg';
import { loadSchemaTemplate, migrate, openDatabase, type Database } from '../../src/db/index.ts';

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** For tests that only make sense on PostgreSQL (concurrency, crash): they say so when skipped. */
export function postgresOnly(reason: string): { skip: boolean; note: string } {
  return { skip: !usingPostgres, note: usingPostgres ? reason : `${reason} — skipped on PGlite, runs when TEST_DATABASE_URL is set` };
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

let created: string[] = [];

export interface TestDatabase extends Database {
  /** PostgreSQL only: the connection string of this test's own database (for child processes). */
  url?: string;
}

export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    // From the migrated schema template (the global setup builds it): no initdb, no migrations.
    const database = await openDatabase({ template: loadSchemaTemplate });
    await migrate(database);
    return database;
  }
  const template = process.env.SMALLCHANGE_TEMPLATE_DB;
  const name = `sc_t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (template) await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  else await adminQuery(`CREATE DATABASE ${name}`);
  created.push(name);
  const database = await openDatabase({ url: withDatabase(url, name), poolSize: options.poolSize ?? 20 });
  if (!template) await migrate(database);
  const close = database.close.bind(database);
  return {
    ...database,
    url: withDatabase(url, name),
    async close() {
      await close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      created = created.filter((n) => n !== name);
    },
  };
}

export function testDatabaseUrl(name: string): string {
  return withDatabase(process.env.TEST_DATABASE_URL!, name);
}
