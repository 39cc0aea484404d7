// SQL of quotes. Functions take the executor first: the caller owns the transaction.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { DestinationRow, QuoteRow } from './tables.ts';

const COLUMNS = sql.raw(`id, user_id, wallet_id, debit_account, channel, destination_id, currency, requested, payout, fee, dust, details, policy_version,
  expires_at, created_at, cashout_id, origin, status`);

export async function insertQuote(executor: Executor, quote: QuoteRow): Promise<void> {
  await sql`
    INSERT INTO cashout_quotes (id, user_id, wallet_id, debit_account, channel, destination_id, currency, requested, payout, fee, dust, details,
                                policy_version, expires_at, created_at, cashout_id, origin, status)
    VALUES (${quote.id}, ${quote.user_id}, ${quote.wallet_id}, ${quote.debit_account}, ${quote.channel}, ${quote.destination_id}, ${quote.currency}, ${quote.requested},
            ${quote.payout}, ${quote.fee}, ${quote.dust}, ${JSON.stringify(quote.details)}::jsonb, ${quote.policy_version}, ${quote.expires_at},
            ${quote.created_at}, ${quote.cashout_id}, ${quote.origin}, ${quote.status})`.execute(executor);
}

export async function selectQuote(executor: Executor, id: string): Promise<QuoteRow | undefined> {
  const { rows } = await sql<QuoteRow>`SELECT ${COLUMNS} FROM cashout_quotes WHERE id = ${id}::uuid`.execute(executor);
  return rows[0];
}

/**
 * Marks an open quote confirmed; false when it is not open (already confirmed, or being lapsed by
 * recovery): the caller decides which. With `lockKey`, first takes that transaction-scoped
 * advisory lock (one statement instead of two on the confirm's hot path).
 */
export async function claimQuote(executor: Executor, id: string, lockKey?: string): Promise<boolean> {
  const { rows } = lockKey
    ? await sql<{ id: string }>`
        WITH lock AS (SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0)) AS taken)
        UPDATE cashout_quotes SET status = 'confirmed' FROM lock WHERE id = ${id}::uuid AND status = 'open' RETURNING id`.execute(executor)
    : await sql<{ id: string }>`UPDATE cashout_quotes SET status = 'confirmed' WHERE id = ${id}::uuid AND status = 'open' RETURNING id`.execute(executor);
  return rows.length === 1;
}

/** Expired open quotes (older than `before`), claimed for lapsing so that no confirm can take them. */
export async function claimLapsedQuotes(executor: Executor, before: Date, limit: number): Promise<QuoteRow[]> {
  const { rows } = await sql<QuoteRow>`
    UPDATE cashout_quotes SET status = 'lapsing'
    WHERE id IN (SELECT id FROM cashout_quotes WHERE status IN ('open', 'lapsing') AND expires_at < ${before}
                 ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING ${COLUMNS}`.execute(executor);
  return rows;
}

export async function markQuotesLapsed(executor: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`UPDATE cashout_quotes SET status = 'lapsed' WHERE id = ANY(${ids}::uuid[]) AND status = 'lapsing'`.execute(executor);
}

/**
 * The quote with its destination, and the request hash already recorded under this
 * Idempotency-Key (if any) — in one read: the confirm needs all three.
 */
export async function selectQuoteForConfirm(
  executor: Executor,
  id: string,
  userId: string,
  idempotencyKey: string | null,
): Promise<{ quote: QuoteRow; destination: DestinationRow | null; keyHash: string | null } | undefined> {
  const { rows } = await sql<QuoteRow & { d: DestinationRow | null; key_hash: string | null }>`
    SELECT q.id, q.user_id, q.wallet_id, q.debit_account, q.channel, q.destination_id, q.currency, q.requested, q.payout, q.fee, q.dust, q.details,
           q.policy_version, q.expires_at, q.created_at, q.cashout_id, q.origin, q.status, to_jsonb(d.*) AS d,
           (SELECT c.request_hash FROM cashouts c WHERE c.user_id = ${userId} AND c.idempotency_key = ${idempotencyKey}) AS key_hash
    FROM cashout_quotes q LEFT JOIN cashout_destinations d ON d.id = q.destination_id
    WHERE q.id = ${id}::uuid`.execute(executor);
  const row = rows[0];
  if (!row) return undefined;
  const { d, key_hash: keyHash, ...quote } = row;
  const destination = d
    ? { ...d, created_at: new Date(d.created_at), removed_at: d.removed_at ? new Date(d.removed_at) : null, first_payout_at: d.first_payout_at ? new Date(d.first_payout_at) : null }
    : null;
  return { quote, destination, keyHash };
}
