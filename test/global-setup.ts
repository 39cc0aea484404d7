// On PGlite: make sure the schema template exists (src/db/schema-template.ts).
// With TEST_DATABASE_URL: migrate one template database per run; each test file clones it
// (CREATE DATABASE … TEMPLATE), so files never see each other's data and migrations run once.
import pg from 'pg';
import { ensureSchemaTemplate, migrate, openDatabase } from '../src/db/index.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    // PGlite: every test file's in-memory database starts from the migrated schema template.
    await ensureSchemaTemplate();
    return async () => undefined;
  }
  const template = `sc_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  const parsed = new URL(url);
  parsed.pathname = `/${template}`;
  const database = await openDatabase({ url: parsed.toString(), poolSize: 1 });
  await migrate(database);
  await database.close();
  process.env.SMALLCHANGE_TEMPLATE_DB = template;
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  };
}
