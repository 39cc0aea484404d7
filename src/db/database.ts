// One handle over either database: embedded PGlite (a file under DATA_DIR, or in memory for
// tests) or PostgreSQL through a pg pool. Kysely sits on top of both; `exec` runs multi-statement
// SQL (migrations) through each driver's simple-query path.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { lockDataDir } from './data-dir-lock.ts';
import type { DB } from './schema.ts';

export type DbKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DbKind;
  readonly db: Kysely<DB>;
  /** Runs SQL text that may hold several statements; no parameters. */
  exec(sqlText: string): Promise<void>;
  /** PGlite only: the whole data directory as a gzipped tarball (the schema template's source). */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… — when absent, PGlite is used. */
  url?: string;
  /** PGlite data directory; absent means in-memory. */
  dataDir?: string;
  poolSize?: number;
  /** PostgreSQL: statement_timeout for every pooled connection (ms). */
  statementTimeoutMs?: number;
  /**
   * PGlite: a new database starts as this data directory (the migrated schema template,
   * schema-template.ts) instead of an empty one from initdb. Ignored when the directory exists.
   */
  template?: () => Promise<Blob | null>;
}

const INT8_OID = 20;
// int8 and numeric come back as bigint/string, never as a lossy JavaScript number.
pg.types.setTypeParser(INT8_OID, (value: string) => BigInt(value));

export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir, options.template);
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 20,
    application_name: 'smallchange',
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  pool.on('error', () => {
    // An idle client lost its connection (server restart); the pool replaces it on next use.
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    async exec(sqlText) {
      const client = await pool.connect();
      try {
        await client.query(sqlText);
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string | undefined, template: (() => Promise<Blob | null>) | undefined): Promise<Database> {
  const release = dataDir ? lockDataDir(dataDir) : () => undefined;
  let pglite: PGlite;
  try {
    const fresh = !dataDir || !existsSync(join(dataDir, 'PG_VERSION'));
    const loadDataDir = fresh && template ? await template() : null;
    pglite = await PGlite.create(dataDir ?? 'memory://', {
      parsers: { [pgliteTypes.INT8]: (value: string) => BigInt(value) },
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  } catch (error) {
    release();
    throw error;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    async exec(sqlText) {
      await pglite.exec(sqlText);
    },
    dumpDataDir() {
      return pglite.dumpDataDir('gzip');
    },
    async close() {
      try {
        await db.destroy();
      } finally {
        release();
      }
    },
  };
}
