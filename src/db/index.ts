export * from './database.ts';
export * from './migrate.ts';
export { ensureSchemaTemplate, loadSchemaTemplate, saveSchemaTemplate, schemaTemplatePath } from './schema-template.ts';
export * from './transaction.ts';
export type { DB } from './schema.ts';
export { DatabaseInUseError, lockPathOf } from './data-dir-lock.ts';
