export * from './database.ts';
export * from './migrate.ts';
export * from './transaction.ts';
export type { DB } from './schema.ts';
export { DatabaseInUseError, lockPathOf } from './data-dir-lock.ts';
