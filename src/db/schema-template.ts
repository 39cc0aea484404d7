// A fresh embedded database starts from a migrated schema template instead of from initdb.
//
// Why: PGlite creates a new database by running initdb in WebAssembly and then every migration;
// on this project's two-core machines that is about 7 s of CPU before the first query, paid by
// every first `npm start` and by every test file (each opens its own in-memory database).
// Loading a data directory that already holds the migrated schema costs about a third of that.
//
// The template is built once (`npm ci` runs scripts/build-db-template.ts; the test run's global
// setup builds it when missing) by the same migrate() as always, dumped with PGlite's own
// dumpDataDir, and kept under node_modules/.cache — keyed by the PGlite version and every
// migration's checksum, so a changed migration or engine never loads a stale schema. Without a
// template (read-only node_modules, a failed build) a database is simply created the slow way.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from './database.ts';
import { loadMigrations, migrate, MIGRATIONS_DIR } from './migrate.ts';

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/smallchange/', import.meta.url));

function pgliteVersion(): string {
  // The package's exports hide its package.json from import; read it beside the entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = join(dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The template's file for the migrations in `dir` and the installed PGlite. */
export async function schemaTemplatePath(dir = MIGRATIONS_DIR): Promise<string> {
  const hash = createHash('sha256').update(`pglite ${pgliteVersion()}\n`);
  for (const file of await loadMigrations(dir)) hash.update(`${file.name} ${file.checksum}\n`);
  return join(CACHE_DIR, `pglite-schema-${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

/** The cached template for the current migrations, or null when there is none yet. */
export async function loadSchemaTemplate(dir = MIGRATIONS_DIR): Promise<Blob | null> {
  const path = await schemaTemplatePath(dir);
  if (!existsSync(path)) return null;
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    return null;
  }
}

/** Writes the template atomically (a concurrent builder's file is as good as ours). */
export async function saveSchemaTemplate(dump: Blob, dir = MIGRATIONS_DIR): Promise<string> {
  const path = await schemaTemplatePath(dir);
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path);
  return path;
}

/** Builds the template when the current one is missing: migrate a new in-memory database, dump it. */
export async function ensureSchemaTemplate(dir = MIGRATIONS_DIR): Promise<{ path: string; built: boolean }> {
  const path = await schemaTemplatePath(dir);
  if (existsSync(path)) return { path, built: false };
  const database = await openDatabase({});
  try {
    await migrate(database, dir);
    await saveSchemaTemplate(await database.dumpDataDir!(), dir);
  } finally {
    await database.close();
  }
  return { path, built: true };
}
