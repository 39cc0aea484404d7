// All SQL of the ledger. Functions take the executor (db or transaction) first: the caller owns
// the transaction. The write path is set-based — one statement per table per batch, arrays in,
// `unnest` out — so a batch of 1,000 transfers costs the same handful of round trips as one.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';
import type { AccountState, Hold, Resolution } from './apply.ts';
import { canonicalJson } from './canonical.ts';
import { TransferFlags, type Account, type AccountId, type AccountInput, type Transfer, type TransferId } from './types.ts';

declare module '../db/schema.ts' {
  interface DB {
    ledger_accounts: {
      id: string;
      currency: string;
      code: number;
      flags: number;
      owner: string | null;
      debits_pending: bigint;
      debits_posted: bigint;
      credits_pending: bigint;
      credits_posted: bigint;
      created_at: Date;
    };
    ledger_transfers: {
      id: string;
      debit_account_id: string;
      credit_account_id: string;
      amount: bigint;
      currency: string;
      code: number;
      flags: number;
      pending_id: string | null;
      timeout_s: number;
      metadata: unknown;
      ts: Date;
      tx_id: string;
    };
    ledger_holds: { pending_id: string; debit_account_id: string; credit_account_id: string; amount: bigint; expires_at: Date | null };
    ledger_blocks: { partition: number; height: bigint; tx_id: string; transfers: number; prev_hash: Uint8Array; hash: Uint8Array; sealed_at: Date };
    ledger_chain: { partition: number; height: bigint; head_hash: Uint8Array; last_tx_id: string };
  }
}

interface TransferRow {
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
}

export function toTransfer(row: TransferRow): Transfer {
  return {
    id: row.id as TransferId,
    debit_account_id: row.debit_account_id as AccountId,
    credit_account_id: row.credit_account_id as AccountId,
    amount: row.amount as Micros,
    currency: row.currency as CurrencyCode,
    code: row.code,
    flags: row.flags,
    pending_id: row.pending_id as TransferId | null,
    timeout_s: row.timeout_s,
    metadata: row.metadata ?? null,
    timestamp: row.ts,
  };
}

/** Lapsed holds voided inline per batch; the expiry job takes care of any beyond this. */
export const EXPIRED_HOLDS_PER_BATCH_MAX = 1000;

const TRANSFER_COLUMNS = sql.raw('id, debit_account_id, credit_account_id, amount, currency, code, flags, pending_id, timeout_s, metadata, ts');

export async function selectTransfers(executor: Executor, ids: string[]): Promise<Transfer[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<TransferRow>`
    SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = ANY(${ids}::uuid[])`.execute(executor);
  return rows.map(toTransfer);
}

/**
 * Locks the accounts in id order (the one global lock order, so batches never deadlock).
 * NO KEY UPDATE: we change totals, never the key, so the lighter row lock is enough.
 */
export async function lockAccounts(executor: Executor, ids: string[]): Promise<AccountState[]> {
  if (ids.length === 0) return [];
  const sorted = [...new Set(ids)].sort();
  const { rows } = await sql<AccountState>`
    SELECT id, currency, flags, debits_pending, debits_posted, credits_pending, credits_posted
    FROM ledger_accounts WHERE id = ANY(${sorted}::uuid[]) ORDER BY id FOR NO KEY UPDATE`.execute(executor);
  return rows;
}

export async function selectHolds(executor: Executor, pendingIds: string[]): Promise<Hold[]> {
  if (pendingIds.length === 0) return [];
  const { rows } = await sql<Hold>`
    SELECT pending_id, debit_account_id, credit_account_id, amount, expires_at
    FROM ledger_holds WHERE pending_id = ANY(${pendingIds}::uuid[])`.execute(executor);
  return rows;
}

/** How each referenced, already-resolved pending transfer ended (from the resolving row). */
export async function selectResolutions(
  executor: Executor,
  pendingIds: string[],
  isExpiryId: (id: string, pendingId: string) => boolean,
): Promise<Map<string, Resolution>> {
  const out = new Map<string, Resolution>();
  if (pendingIds.length === 0) return out;
  const { rows } = await sql<{ id: string; pending_id: string; flags: number }>`
    SELECT id, pending_id, flags FROM ledger_transfers WHERE pending_id = ANY(${pendingIds}::uuid[])`.execute(executor);
  for (const row of rows) {
    const how: Resolution = (row.flags & TransferFlags.post_pending) !== 0 ? 'posted' : isExpiryId(row.id, row.pending_id) ? 'expired' : 'voided';
    out.set(row.pending_id, how);
  }
  return out;
}

/**
 * Holds past their timeout on any of these accounts: they must not count against a balance.
 * Reads the (normally empty) set of lapsed holds through the expiry index and filters here —
 * far cheaper than sending the batch's account ids to the server twice.
 */
export async function selectExpiredHolds(executor: Executor, accountIds: string[], now: Date): Promise<Hold[]> {
  if (accountIds.length === 0) return [];
  const { rows } = await sql<Hold>`
    SELECT pending_id, debit_account_id, credit_account_id, amount, expires_at
    FROM ledger_holds WHERE expires_at IS NOT NULL AND expires_at <= ${now}
    ORDER BY expires_at LIMIT ${EXPIRED_HOLDS_PER_BATCH_MAX}`.execute(executor);
  if (rows.length === 0) return rows;
  const wanted = new Set(accountIds);
  if (rows.length < EXPIRED_HOLDS_PER_BATCH_MAX) return rows.filter((h) => wanted.has(h.debit_account_id) || wanted.has(h.credit_account_id));
  // A backlog (the expiry job is behind): ask for exactly these accounts' lapsed holds.
  const exact = await sql<Hold>`
    SELECT pending_id, debit_account_id, credit_account_id, amount, expires_at
    FROM ledger_holds
    WHERE expires_at IS NOT NULL AND expires_at <= ${now}
      AND (debit_account_id = ANY(${accountIds}::uuid[]) OR credit_account_id = ANY(${accountIds}::uuid[]))`.execute(executor);
  return exact.rows;
}

export async function selectDueHolds(executor: Executor, now: Date, limit: number): Promise<(Hold & { code: number; currency: string })[]> {
  const { rows } = await sql<Hold & { code: number; currency: string }>`
    SELECT h.pending_id, h.debit_account_id, h.credit_account_id, h.amount, h.expires_at, t.code, t.currency
    FROM ledger_holds h JOIN ledger_transfers t ON t.id = h.pending_id
    WHERE h.expires_at IS NOT NULL AND h.expires_at <= ${now}
    ORDER BY h.expires_at LIMIT ${limit}`.execute(executor);
  return rows;
}

export interface WritePlan {
  inserts: Transfer[];
  accounts: AccountState[];
  newHolds: Hold[];
  resolvedHolds: string[];
}

/**
 * Writes a planned batch in ONE statement (data-modifying CTEs): the journal rows, the accounts'
 * new totals (absolute values computed under lock), new holds, resolved holds. One round trip
 * whatever the batch holds; the four parts touch disjoint rows, so their order does not matter.
 */
export async function writePlan(executor: Executor, plan: WritePlan): Promise<void> {
  if (plan.inserts.length === 0 && plan.accounts.length === 0) return;
  // Sorted by id: two batches inserting overlapping ids then wait in the same order (no deadlock).
  const rows = [...plan.inserts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const col = <T>(pick: (t: Transfer) => T) => rows.map(pick);
  const accounts = plan.accounts;
  const holds = plan.newHolds;
  await sql`
    WITH transfers AS (
      INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, currency, code, flags, pending_id, timeout_s, metadata, ts)
      SELECT u.id, u.debit, u.credit, u.amount, u.currency, u.code, u.flags, u.pending_id, u.timeout_s, u.metadata::jsonb, u.ts
      FROM unnest(
        ${col((t) => t.id)}::uuid[], ${col((t) => t.debit_account_id)}::uuid[], ${col((t) => t.credit_account_id)}::uuid[],
        ${col((t) => t.amount)}::int8[], ${col((t) => t.currency)}::text[], ${col((t) => t.code)}::int4[],
        ${col((t) => t.flags)}::int4[], ${col((t) => t.pending_id)}::uuid[], ${col((t) => t.timeout_s)}::int4[],
        ${col((t) => (t.metadata === null ? null : canonicalJson(t.metadata)))}::text[], ${col((t) => t.timestamp.toISOString())}::timestamptz[]
      ) AS u(id, debit, credit, amount, currency, code, flags, pending_id, timeout_s, metadata, ts)
      RETURNING 1
    ), totals AS (
      UPDATE ledger_accounts a SET
        debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo
      FROM unnest(
        ${accounts.map((a) => a.id)}::uuid[], ${accounts.map((a) => a.debits_pending)}::int8[],
        ${accounts.map((a) => a.debits_posted)}::int8[], ${accounts.map((a) => a.credits_pending)}::int8[],
        ${accounts.map((a) => a.credits_posted)}::int8[]
      ) AS u(id, dp, dpo, cp, cpo)
      WHERE a.id = u.id
      RETURNING 1
    ), held AS (
      INSERT INTO ledger_holds (pending_id, debit_account_id, credit_account_id, amount, expires_at)
      SELECT * FROM unnest(
        ${holds.map((h) => h.pending_id)}::uuid[], ${holds.map((h) => h.debit_account_id)}::uuid[],
        ${holds.map((h) => h.credit_account_id)}::uuid[], ${holds.map((h) => h.amount)}::int8[],
        ${holds.map((h) => (h.expires_at ? h.expires_at.toISOString() : null))}::timestamptz[])
      RETURNING 1
    ), released AS (
      DELETE FROM ledger_holds WHERE pending_id = ANY(${plan.resolvedHolds}::uuid[]) RETURNING 1
    )
    SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM totals) AS totals,
           (SELECT count(*) FROM held) AS held, (SELECT count(*) FROM released) AS released`.execute(executor);
}

// ---- accounts ----

interface AccountRow {
  id: string;
  currency: string;
  code: number;
  flags: number;
  owner: string | null;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  created_at: Date;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id as AccountId,
    currency: row.currency as CurrencyCode,
    code: row.code,
    flags: row.flags,
    owner: row.owner,
    debits_pending: row.debits_pending as Micros,
    debits_posted: row.debits_posted as Micros,
    credits_pending: row.credits_pending as Micros,
    credits_posted: row.credits_posted as Micros,
    created_at: row.created_at,
  };
}

export async function insertAccounts(executor: Executor, accounts: AccountInput[], now: Date): Promise<Set<string>> {
  if (accounts.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    INSERT INTO ledger_accounts (id, currency, code, flags, owner, created_at)
    SELECT u.id, u.currency, u.code, u.flags, u.owner, ${now}::timestamptz FROM unnest(
      ${accounts.map((a) => a.id)}::uuid[], ${accounts.map((a) => a.currency)}::text[], ${accounts.map((a) => a.code)}::int4[],
      ${accounts.map((a) => a.flags ?? 0)}::int4[], ${accounts.map((a) => a.owner ?? null)}::text[]
    ) AS u(id, currency, code, flags, owner)
    ON CONFLICT (id) DO NOTHING
    RETURNING id`.execute(executor);
  return new Set(rows.map((r) => r.id));
}

export async function selectAccounts(executor: Executor, ids: string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<AccountRow>`
    SELECT id, currency, code, flags, owner, debits_pending, debits_posted, credits_pending, credits_posted, created_at
    FROM ledger_accounts WHERE id = ANY(${ids}::uuid[])`.execute(executor);
  return rows.map(toAccount);
}

/** Per account: the amount of its holds that expired but were not voided yet. */
export async function selectExpiredHoldTotals(executor: Executor, ids: string[], now: Date): Promise<Map<string, { out: bigint; in: bigint }>> {
  const out = new Map<string, { out: bigint; in: bigint }>();
  if (ids.length === 0) return out;
  const holds = await selectExpiredHolds(executor, ids, now);
  const wanted = new Set(ids);
  for (const hold of holds) {
    if (wanted.has(hold.debit_account_id)) {
      const entry = out.get(hold.debit_account_id) ?? { out: 0n, in: 0n };
      entry.out += hold.amount;
      out.set(hold.debit_account_id, entry);
    }
    if (wanted.has(hold.credit_account_id)) {
      const entry = out.get(hold.credit_account_id) ?? { out: 0n, in: 0n };
      entry.in += hold.amount;
      out.set(hold.credit_account_id, entry);
    }
  }
  return out;
}

/** One account's entries, newest first, keyset-paginated on (ts, id). */
export async function selectEntries(
  executor: Executor,
  accountId: string,
  limit: number,
  after: { ts: Date; id: string } | null,
): Promise<Transfer[]> {
  const cursor = after ? sql`AND (ts, id) < (${after.ts}::timestamptz, ${after.id}::uuid)` : sql``;
  const { rows } = await sql<TransferRow>`
    (SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE debit_account_id = ${accountId}::uuid ${cursor} ORDER BY ts DESC, id DESC LIMIT ${limit})
    UNION ALL
    (SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE credit_account_id = ${accountId}::uuid ${cursor} ORDER BY ts DESC, id DESC LIMIT ${limit})
    ORDER BY ts DESC, id DESC LIMIT ${limit}`.execute(executor);
  return rows.map(toTransfer);
}
