// Plain SQL migrations, applied in file-name order, each once and in its own transaction,
// recorded with a SHA-256 checksum. An applied migration whose file changed is an error at
// start: silent schema drift is worse than refusing to start.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './database.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface MigrationFile {
  version: string;
  name: string;
  checksum: string;
  sql: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => /^\d{4}_[a-z0-9_]+\.sql$/.test(n)).sort();
  return Promise.all(
    names.map(async (name) => {
      const text = await readFile(`${dir}/${name}`, 'utf8');
      return {
        version: name.slice(0, 4),
        name,
        checksum: createHash('sha256').update(text).digest('hex'),
        sql: text,
      };
    }),
  );
}

export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  await database.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const files = await loadMigrations(dir);
  const applied: string[] = [];
  // One read of what is recorded: a start with nothing to apply is one query. (As with a read per
  // file, the check is outside the advisory lock; the lock serialises two processes' applies.)
  const recorded = await sql<{ version: string; checksum: string }>`SELECT version, checksum FROM schema_migrations`.execute(database.db);
  const checksums = new Map(recorded.rows.map((row) => [row.version, row.checksum]));
  for (const file of files) {
    const checksum = checksums.get(file.version);
    const existing = checksum === undefined ? undefined : { checksum };
    if (existing) {
      if (existing.checksum !== file.checksum) {
        throw new MigrationError(
          `migration ${file.name} was changed after it was applied (recorded ${existing.checksum.slice(0, 12)}, file ${file.checksum.slice(0, 12)}); add a new migration instead`,
        );
      }
      continue;
    }
    // The advisory lock makes two processes starting at once apply each file once.
    await database.exec(`BEGIN;
SELECT pg_advisory_xact_lock(7243001);
${file.sql}
;
INSERT INTO schema_migrations (version, name, checksum) VALUES ('${file.version}', '${file.name}', '${file.checksum}')
  ON CONFLICT (version) DO NOTHING;
COMMIT;`).catch(async (error: unknown) => {
      await database.exec('ROLLBACK').catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      throw new MigrationError(`migration ${file.name} failed: ${message}`);
    });
    applied.push(file.name);
  }
  return { applied };
}
