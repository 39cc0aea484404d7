// The ledger read by account and transfer codes (the chart in src/wallets/chart.ts), as of an
// instant. A transfer counts toward posted balances unless it is a reservation (pending) or the
// release of one (void); a post of a reservation carries the posted amount and both accounts, so
// summing rows by their timestamp gives the posted balance at any past instant. Hand-written SQL:
// these are aggregates over the whole journal, read by the reports only.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { TransferFlags } from '../ledger/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';

const NOT_POSTED = TransferFlags.pending | TransferFlags.void_pending;

/** Per account code: credits posted − debits posted over all its accounts, as of `at` (exclusive). */
export async function netCreditsByCode(executor: Executor, codes: readonly number[], currency: CurrencyCode, at: Date): Promise<Map<number, Micros>> {
  if (codes.length === 0) return new Map();
  const { rows } = await sql<{ code: number; net: string | bigint }>`
    WITH accounts AS (
      SELECT id, code FROM ledger_accounts WHERE code = ANY(${sql.val([...codes])}::int4[]) AND currency = ${currency}
    ), moves AS (
      SELECT a.code, t.amount AS signed FROM ledger_transfers t JOIN accounts a ON a.id = t.credit_account_id
        WHERE t.ts < ${at} AND (t.flags & ${NOT_POSTED}) = 0
      UNION ALL
      SELECT a.code, -t.amount FROM ledger_transfers t JOIN accounts a ON a.id = t.debit_account_id
        WHERE t.ts < ${at} AND (t.flags & ${NOT_POSTED}) = 0
    )
    SELECT code, COALESCE(SUM(signed), 0)::int8 AS net FROM moves GROUP BY code`.execute(executor);
  const out = new Map<number, Micros>(codes.map((code) => [code, 0n as Micros]));
  for (const row of rows) out.set(Number(row.code), BigInt(row.net) as Micros);
  return out;
}

/** Reservations still open at `at` into accounts of these codes (credits in their clearance period). */
export async function openPendingInto(executor: Executor, codes: readonly number[], currency: CurrencyCode, at: Date): Promise<Micros> {
  const { rows } = await sql<{ total: string | bigint }>`
    SELECT COALESCE(SUM(p.amount), 0)::int8 AS total
    FROM ledger_transfers p
    JOIN ledger_accounts a ON a.id = p.credit_account_id AND a.code = ANY(${sql.val([...codes])}::int4[]) AND a.currency = ${currency}
    WHERE p.ts < ${at} AND (p.flags & ${TransferFlags.pending}) <> 0
      AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = p.id AND r.ts < ${at})`.execute(executor);
  return BigInt(rows[0]?.total ?? 0) as Micros;
}

export interface AccountNet {
  account_id: string;
  owner: string | null;
  code: number;
  net: Micros;
}

/** Per account of these codes: credits posted − debits posted as of `at`. */
export async function netCreditsByAccount(executor: Executor, codes: readonly number[], currency: CurrencyCode, at: Date): Promise<AccountNet[]> {
  const { rows } = await sql<{ account_id: string; owner: string | null; code: number; net: string | bigint }>`
    SELECT a.id::text AS account_id, a.owner, a.code,
      COALESCE((SELECT SUM(t.amount) FROM ledger_transfers t WHERE t.credit_account_id = a.id AND t.ts < ${at} AND (t.flags & ${NOT_POSTED}) = 0), 0)::int8
      - COALESCE((SELECT SUM(t.amount) FROM ledger_transfers t WHERE t.debit_account_id = a.id AND t.ts < ${at} AND (t.flags & ${NOT_POSTED}) = 0), 0)::int8 AS net
    FROM ledger_accounts a
    WHERE a.code = ANY(${sql.val([...codes])}::int4[]) AND a.currency = ${currency} AND a.created_at < ${at}
    ORDER BY a.owner NULLS LAST, a.code, a.id`.execute(executor);
  return rows.map((r) => ({ account_id: r.account_id, owner: r.owner, code: Number(r.code), net: BigInt(r.net) as Micros }));
}

export interface CodeFlow {
  code: number;
  count: number;
  sum: Micros;
}

/** Posted movements in [from, to) by transfer code. */
export async function flowsByTransferCode(executor: Executor, currency: CurrencyCode, from: Date, to: Date): Promise<CodeFlow[]> {
  const { rows } = await sql<{ code: number; n: string | bigint; total: string | bigint }>`
    SELECT code, count(*)::int8 AS n, COALESCE(SUM(amount), 0)::int8 AS total
    FROM ledger_transfers
    WHERE currency = ${currency} AND ts >= ${from} AND ts < ${to} AND (flags & ${NOT_POSTED}) = 0
    GROUP BY code ORDER BY code`.execute(executor);
  return rows.map((r) => ({ code: Number(r.code), count: Number(r.n), sum: BigInt(r.total) as Micros }));
}

export interface OwnerFlow {
  owner: string | null;
  code: number;
  count: number;
  sum: Micros;
}

/** Posted movements in [from, to) of the given transfer codes, by the owner of the account on `side`. */
export async function flowsByOwner(executor: Executor, currency: CurrencyCode, transferCodes: readonly number[], side: 'debit' | 'credit', accountCodes: readonly number[], from: Date, to: Date): Promise<OwnerFlow[]> {
  const column = side === 'debit' ? sql.ref('t.debit_account_id') : sql.ref('t.credit_account_id');
  const { rows } = await sql<{ owner: string | null; code: number; n: string | bigint; total: string | bigint }>`
    SELECT a.owner, t.code, count(*)::int8 AS n, COALESCE(SUM(t.amount), 0)::int8 AS total
    FROM ledger_transfers t JOIN ledger_accounts a ON a.id = ${column}
    WHERE t.currency = ${currency} AND t.ts >= ${from} AND t.ts < ${to} AND (t.flags & ${NOT_POSTED}) = 0
      AND t.code = ANY(${sql.val([...transferCodes])}::int4[]) AND a.code = ANY(${sql.val([...accountCodes])}::int4[])
    GROUP BY a.owner, t.code`.execute(executor);
  return rows.map((r) => ({ owner: r.owner, code: Number(r.code), count: Number(r.n), sum: BigInt(r.total) as Micros }));
}
