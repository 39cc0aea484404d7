// `smallchange migrate`: apply pending migrations to DATA_DIR's PGlite or DATABASE_URL.
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { migrate, openDatabase } from '../db/index.ts';
import { databaseOptions } from '../runtime.ts';
import { mkdirSync } from 'node:fs';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending SQL migrations (refuses to run if an applied migration file changed)')
    .action(async () => {
      const config = loadConfig();
      if (!config.DATABASE_URL) mkdirSync(config.DATA_DIR, { recursive: true });
      // The explicit path: a new database gets every migration run, not the schema template.
      const { template: _template, ...options } = databaseOptions(config);
      const database = await openDatabase(options);
      try {
        const { applied } = await migrate(database);
        process.stdout.write(applied.length ? `applied ${applied.length} migration(s):\n${applied.map((a) => `  ${a}`).join('\n')}\n` : 'database is up to date\n');
      } finally {
        await database.close();
      }
    });
}
