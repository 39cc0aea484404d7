// SQL of wallet history. The wallets module reads the ledger's journal directly here (read-only):
// a wallet's history is a filtered, keyset-paginated merge over several accounts, which the
// ledger's one-account listEntries cannot express without reading whole histories.
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/index.ts';
import { TransferFlags } from '../ledger/index.ts';

export interface HistoryRow {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  currency: string;
  code: number;
  flags: number;
  pending_id: string | null;
  timeout_s: number;
  metadata: Record<string, unknown> | null;
  ts: Date;
  /** The post or void that resolved this pending transfer, if any. */
  resolution_id: string | null;
  resolution_flags: number | null;
  resolution_amount: bigint | null;
  resolved_at: Date | null;
}

export interface HistoryQuery {
  accounts: readonly string[];
  /** Only these transfer codes; null = all. */
  codes: readonly number[] | null;
  /** With `codes`: also any code outside this list (the "other" type). */
  otherCodesOutside?: readonly number[] | null;
  /** Only credits from these sources (metadata.source); null = all. */
  sources: readonly string[] | null;
  /** UTC instants, from ≤ ts < to. */
  from: Date | null;
  to: Date | null;
  /** Keyset cursor: entries strictly older than this (ts, id). */
  before: { ts: Date; id: string } | null;
  limit: number;
}

const COLUMNS = sql.raw('t.id, t.debit_account_id, t.credit_account_id, t.amount, t.currency, t.code, t.flags, t.pending_id, t.timeout_s, t.metadata, t.ts');

function filters(query: HistoryQuery): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`(t.flags & ${TransferFlags.post_pending | TransferFlags.void_pending}) = 0`];
  if (query.codes && query.otherCodesOutside) {
    parts.push(sql`(t.code = ANY(${[...query.codes]}::int4[]) OR NOT (t.code = ANY(${[...query.otherCodesOutside]}::int4[])))`);
  } else if (query.codes) {
    parts.push(sql`t.code = ANY(${[...query.codes]}::int4[])`);
  }
  if (query.sources) parts.push(sql`t.metadata->>'source' = ANY(${[...query.sources]}::text[])`);
  if (query.from) parts.push(sql`t.ts >= ${query.from}`);
  if (query.to) parts.push(sql`t.ts < ${query.to}`);
  if (query.before) parts.push(sql`(t.ts, t.id) < (${query.before.ts}::timestamptz, ${query.before.id}::uuid)`);
  return sql.join(parts, sql` AND `);
}

/**
 * Newest first. One index-ordered scan per (account, side), each stopped at `limit`, merged;
 * a transfer between two of the wallet's own accounts appears in two scans and is kept once.
 * Resolutions (post/void rows) are not entries of their own: they give their pending its status.
 */
export async function selectHistory(executor: Executor, query: HistoryQuery): Promise<HistoryRow[]> {
  if (query.accounts.length === 0 || query.limit <= 0) return [];
  const where = filters(query);
  const scans = query.accounts.flatMap((account) => [
    sql`(SELECT ${COLUMNS} FROM ledger_transfers t WHERE t.debit_account_id = ${account}::uuid AND ${where} ORDER BY t.ts DESC, t.id DESC LIMIT ${query.limit})`,
    sql`(SELECT ${COLUMNS} FROM ledger_transfers t WHERE t.credit_account_id = ${account}::uuid AND ${where} ORDER BY t.ts DESC, t.id DESC LIMIT ${query.limit})`,
  ]);
  const { rows } = await sql<HistoryRow>`
    WITH page AS (
      SELECT DISTINCT ON (u.ts, u.id) u.* FROM (${sql.join(scans, sql` UNION ALL `)}) u
      ORDER BY u.ts DESC, u.id DESC LIMIT ${query.limit}
    )
    SELECT page.*, r.id AS resolution_id, r.flags AS resolution_flags, r.amount AS resolution_amount, r.ts AS resolved_at
    FROM page LEFT JOIN ledger_transfers r ON r.pending_id = page.id
    ORDER BY page.ts DESC, page.id DESC`.execute(executor);
  return rows;
}

/** A transfer of the wallet by id (for the starting_after cursor). */
export async function selectWalletTransfer(executor: Executor, accounts: readonly string[], id: string): Promise<{ id: string; ts: Date } | undefined> {
  const { rows } = await sql<{ id: string; ts: Date }>`
    SELECT id, ts FROM ledger_transfers
    WHERE id = ${id}::uuid AND (debit_account_id = ANY(${[...accounts]}::uuid[]) OR credit_account_id = ANY(${[...accounts]}::uuid[]))`.execute(executor);
  return rows[0];
}

/**
 * Of these transfers, the ones a later transfer on the same accounts (either side) reverses: its
 * metadata.reverses names them (UUID or TypeID), or — the credits module's form — a reversal or
 * return names the credit (or parked send) in metadata.credit.
 */
export async function selectReversed(executor: Executor, accounts: readonly string[], references: readonly string[], reversalCodes: readonly number[]): Promise<Set<string>> {
  if (references.length === 0) return new Set();
  const refs = [...references];
  const { rows } = await sql<{ ref: string }>`
    SELECT DISTINCT coalesce(t.metadata->>'reverses', t.metadata->>'credit') AS ref FROM ledger_transfers t
    WHERE (t.debit_account_id = ANY(${[...accounts]}::uuid[]) OR t.credit_account_id = ANY(${[...accounts]}::uuid[]))
      AND (t.metadata->>'reverses' = ANY(${refs}::text[]) OR (t.code = ANY(${[...reversalCodes]}::int4[]) AND t.metadata->>'credit' = ANY(${refs}::text[])))`.execute(executor);
  return new Set(rows.map((r) => r.ref));
}

/** Fees charged for these transfers (fee transfers carry metadata.fee_for = the transfer's UUID). */
export async function selectFees(executor: Executor, accounts: readonly string[], ids: readonly string[]): Promise<Map<string, bigint>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ parent: string; fee: bigint }>`
    SELECT t.metadata->>'fee_for' AS parent, sum(t.amount)::int8 AS fee FROM ledger_transfers t
    WHERE t.debit_account_id = ANY(${[...accounts]}::uuid[]) AND t.metadata->>'fee_for' = ANY(${[...ids]}::text[])
      AND (t.flags & ${TransferFlags.post_pending | TransferFlags.void_pending}) = 0
    GROUP BY 1`.execute(executor);
  return new Map(rows.map((r) => [r.parent, BigInt(r.fee)]));
}
