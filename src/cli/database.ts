// Opens the same database the server uses (DATA_DIR's PGlite, or DATABASE_URL) and migrates it.
import { mkdirSync } from 'node:fs';
import { loadConfig, type Config } from '../config/index.ts';
import { migrate, openDatabase, type Database } from '../db/index.ts';
import { databaseOptions } from '../runtime.ts';

export async function openCliDatabase(): Promise<{ config: Config; database: Database }> {
  const config = loadConfig();
  if (!config.DATABASE_URL) mkdirSync(config.DATA_DIR, { recursive: true });
  const database = await openDatabase(databaseOptions(config));
  await migrate(database);
  return { config, database };
}
