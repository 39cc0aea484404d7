// The caller owns the transaction (DESIGN §8): routes and workflow steps open one here and pass
// it down, so postings, idempotency records and outbox rows commit together.
// Serialization failures and deadlocks are retried a bounded number of times with jitter.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

const RETRYABLE = new Set(['40001', '40P01']);
export const TRANSACTION_RETRIES_MAX = 5;

/** Retries seen in this process, by cause: exported as metrics, and asserted on by tests. */
export const retryStats = { serialization_failures: 0, deadlocks: 0 };

export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

export async function withTransaction<T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
  options: { retries?: number; isolation?: 'read committed' | 'repeatable read' | 'serializable' } = {},
): Promise<T> {
  const retries = options.retries ?? TRANSACTION_RETRIES_MAX;
  for (let attempt = 0; ; attempt++) {
    try {
      let builder = db.transaction();
      if (options.isolation) builder = builder.setIsolationLevel(options.isolation);
      return await builder.execute(work);
    } catch (error) {
      if (!isRetryable(error) || attempt >= retries) throw error;
      if ((error as { code?: string }).code === '40P01') retryStats.deadlocks++;
      else retryStats.serialization_failures++;
      await new Promise((resolve) => setTimeout(resolve, 2 ** attempt + Math.floor(Math.random() * 5)));
    }
  }
}
