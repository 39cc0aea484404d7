// `npm ci` runs this (postinstall): builds the migrated schema template that new embedded
// databases start from (src/db/schema-template.ts), so the first `npm start` and every test file
// skip initdb and the migrations. It never fails the install: without a template a database is
// created the slow way.
import { ensureSchemaTemplate } from '../src/db/index.ts';

const started = performance.now();
try {
  const { path, built } = await ensureSchemaTemplate();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(built ? `smallchange: schema template for new embedded databases built in ${seconds} s (${path})` : `smallchange: schema template is current (${path})`);
} catch (error) {
  console.warn(`smallchange: could not build the schema template (${error instanceof Error ? error.message : String(error)}); new embedded databases will run initdb and the migrations`);
}
