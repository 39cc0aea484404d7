// Wrong PINs and wrong codes must count even though the caller's transaction rolls back when we
// throw: otherwise an attacker gets unlimited guesses. `checkSticky` evaluates a check; a failure's
// record is committed on its own — at once when we own the transaction, or right after the
// caller's transaction ends when the check ran inside it (on PGlite the single connection is busy
// until then; on PostgreSQL the row lock is). Counting is exact under concurrency only in the
// first form, so callers should check PINs and codes before opening their money transaction.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { withTransaction, type Executor } from '../db/index.ts';
import type { DomainError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';

export type Recorder = (trx: Transaction<DB>) => Promise<void>;

export type CheckOutcome<T> = { ok: true; value: T } | { ok: false; error: DomainError; record?: Recorder };

export class DeferredWrites {
  private readonly pending = new Set<Promise<void>>();
  constructor(
    private readonly db: Kysely<DB>,
    private readonly logger: Logger,
  ) {}

  /** Commits `record` in its own transaction without waiting for it. */
  defer(record: Recorder): void {
    const promise: Promise<void> = withTransaction(this.db, record)
      .catch((error: unknown) => this.logger.error({ err: error }, 'identity: a deferred security write failed'))
      .finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  }

  /** Waits until every deferred write has committed (shutdown, tests). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

export async function checkSticky<T>(
  db: Kysely<DB>,
  deferred: DeferredWrites,
  executor: Executor,
  check: (trx: Executor) => Promise<CheckOutcome<T>>,
): Promise<T> {
  if (executor.isTransaction) {
    const outcome = await check(executor);
    if (outcome.ok) return outcome.value;
    if (outcome.record) deferred.defer(outcome.record);
    throw outcome.error;
  }
  const outcome = await withTransaction(db, async (trx) => {
    const result = await check(trx);
    if (!result.ok && result.record) await result.record(trx);
    return result;
  });
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}
