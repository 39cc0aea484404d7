// SQL of the credit status tables (migration 0021). Functions take the executor first: the caller
// owns the transaction. Inserts are set-based (arrays in, unnest out): a chunk of a thousand
// credits in clearance is one statement, not a thousand.
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { AccountId, TransferId } from '../../ledger/index.ts';
import type { CurrencyCode, Micros } from '../../money/index.ts';
import type { FundingClass } from './plan.ts';

export type ClearanceStatus = 'clearing' | 'cleared' | 'cancelled';
export type UnclaimedStatus = 'unclaimed' | 'claimed' | 'returned' | 'reversed' | 'cancelled';
export type HeldStatus = 'clearing' | 'held' | 'released' | 'reversed' | 'cancelled';

export interface ClearanceRow {
  credit_id: TransferId;
  partner_id: string;
  partner_reference: string;
  transfer_id: TransferId;
  held_transfer_id: TransferId | null;
  clears_at: Date;
  status: ClearanceStatus;
  resolved_at: Date | null;
  created_at: Date;
}

export interface UnclaimedRow {
  transfer_id: TransferId;
  origin: 'partner' | 'person';
  origin_id: string;
  partner_reference: string | null;
  return_account: AccountId;
  phone: string;
  amount: Micros;
  currency: CurrencyCode;
  funding_class: FundingClass;
  source: string;
  cleared: boolean;
  expires_at: Date;
  status: UnclaimedStatus;
  claimed_by: string | null;
  resolved_at: Date | null;
  created_at: Date;
  /** Set by the database (identity column); absent before insert. */
  arrival?: bigint;
}

export interface HeldRow {
  transfer_id: TransferId;
  credit_id: TransferId;
  origin_id: string;
  partner_reference: string | null;
  user_id: string;
  wallet_id: string;
  held_account: AccountId;
  class_account: AccountId;
  funding_class: FundingClass;
  amount: Micros;
  remaining: Micros;
  releases: number;
  status: HeldStatus;
  created_at: Date;
  updated_at: Date;
  /** Set by the database (identity column); absent before insert. */
  arrival?: bigint;
}

export interface ReversalRow {
  credit_id: TransferId;
  partner_id: string;
  requested: Micros;
  reversed: Micros;
  shortfall: Micros;
  reason: string | null;
  request_hash: string;
  created_at: Date;
}

declare module '../../db/schema.ts' {
  interface DB {
    credit_clearances: ClearanceRow;
    unclaimed_credits: UnclaimedRow;
    held_credits: HeldRow;
    credit_reversals: ReversalRow;
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const text = (v: bigint) => v.toString();

export async function insertClearances(executor: Executor, rows: ClearanceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO credit_clearances (credit_id, partner_id, partner_reference, transfer_id, held_transfer_id, clears_at, status, resolved_at, created_at)
    SELECT * FROM unnest(${rows.map((r) => r.credit_id)}::uuid[], ${rows.map((r) => r.partner_id)}::text[],
      ${rows.map((r) => r.partner_reference)}::text[], ${rows.map((r) => r.transfer_id)}::uuid[], ${rows.map((r) => r.held_transfer_id)}::uuid[],
      ${rows.map((r) => iso(r.clears_at))}::timestamptz[], ${rows.map((r) => r.status)}::text[], ${rows.map((r) => iso(r.resolved_at))}::timestamptz[],
      ${rows.map((r) => iso(r.created_at))}::timestamptz[])`.execute(executor);
}

export async function insertUnclaimed(executor: Executor, rows: UnclaimedRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO unclaimed_credits (transfer_id, origin, origin_id, partner_reference, return_account, phone, amount, currency, funding_class,
                                   source, cleared, expires_at, status, claimed_by, resolved_at, created_at)
    SELECT * FROM unnest(${rows.map((r) => r.transfer_id)}::uuid[], ${rows.map((r) => r.origin)}::text[], ${rows.map((r) => r.origin_id)}::text[],
      ${rows.map((r) => r.partner_reference)}::text[], ${rows.map((r) => r.return_account)}::uuid[], ${rows.map((r) => r.phone)}::text[],
      ${rows.map((r) => text(r.amount))}::bigint[], ${rows.map((r) => r.currency)}::text[], ${rows.map((r) => r.funding_class)}::text[],
      ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.cleared)}::boolean[], ${rows.map((r) => iso(r.expires_at))}::timestamptz[],
      ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.claimed_by)}::text[], ${rows.map((r) => iso(r.resolved_at))}::timestamptz[],
      ${rows.map((r) => iso(r.created_at))}::timestamptz[])`.execute(executor);
}

export async function insertHeld(executor: Executor, rows: HeldRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO held_credits (transfer_id, credit_id, origin_id, partner_reference, user_id, wallet_id, held_account, class_account,
                              funding_class, amount, remaining, releases, status, created_at, updated_at)
    SELECT * FROM unnest(${rows.map((r) => r.transfer_id)}::uuid[], ${rows.map((r) => r.credit_id)}::uuid[], ${rows.map((r) => r.origin_id)}::text[],
      ${rows.map((r) => r.partner_reference)}::text[], ${rows.map((r) => r.user_id)}::text[], ${rows.map((r) => r.wallet_id)}::uuid[],
      ${rows.map((r) => r.held_account)}::uuid[], ${rows.map((r) => r.class_account)}::uuid[], ${rows.map((r) => r.funding_class)}::text[],
      ${rows.map((r) => text(r.amount))}::bigint[], ${rows.map((r) => text(r.remaining))}::bigint[], ${rows.map((r) => r.releases)}::int[],
      ${rows.map((r) => r.status)}::text[], ${rows.map((r) => iso(r.created_at))}::timestamptz[], ${rows.map((r) => iso(r.updated_at))}::timestamptz[])`.execute(executor);
}

export interface CreditRows {
  clearances: Map<string, ClearanceRow>;
  unclaimed: Map<string, UnclaimedRow>;
  held: Map<string, HeldRow[]>;
  reversals: Map<string, ReversalRow>;
}

/** Every status row of these credits: what GET /v1/credits/:reference and replays report. */
export async function selectCreditRows(executor: Executor, creditIds: string[], options: { lock?: boolean } = {}): Promise<CreditRows> {
  const out: CreditRows = { clearances: new Map(), unclaimed: new Map(), held: new Map(), reversals: new Map() };
  if (creditIds.length === 0) return out;
  const lock = options.lock ? sql` FOR UPDATE` : sql``;
  const clearances = await sql<ClearanceRow>`SELECT * FROM credit_clearances WHERE credit_id = ANY(${creditIds}::uuid[])${lock}`.execute(executor);
  for (const row of clearances.rows) out.clearances.set(row.credit_id, row);
  const unclaimed = await sql<UnclaimedRow>`SELECT * FROM unclaimed_credits WHERE transfer_id = ANY(${creditIds}::uuid[])${lock}`.execute(executor);
  for (const row of unclaimed.rows) out.unclaimed.set(row.transfer_id, row);
  const held = await sql<HeldRow>`
    SELECT * FROM held_credits WHERE credit_id = ANY(${creditIds}::uuid[]) ORDER BY created_at, arrival${lock}`.execute(executor);
  for (const row of held.rows) out.held.set(row.credit_id, [...(out.held.get(row.credit_id) ?? []), row]);
  const reversals = await sql<ReversalRow>`SELECT * FROM credit_reversals WHERE credit_id = ANY(${creditIds}::uuid[])`.execute(executor);
  for (const row of reversals.rows) out.reversals.set(row.credit_id, row);
  return out;
}

// ---- Clearance ------------------------------------------------------------------------------------

/** Due clearances, locked; SKIP LOCKED lets two job runners share the work. */
export async function lockDueClearances(executor: Executor, now: Date, limit: number): Promise<ClearanceRow[]> {
  const { rows } = await sql<ClearanceRow>`
    SELECT * FROM credit_clearances WHERE status = 'clearing' AND clears_at <= ${now}
    ORDER BY clears_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(executor);
  return rows;
}

export async function markClearances(executor: Executor, creditIds: string[], status: ClearanceStatus, at: Date): Promise<void> {
  if (creditIds.length === 0) return;
  await sql`UPDATE credit_clearances SET status = ${status}, resolved_at = ${at} WHERE credit_id = ANY(${creditIds}::uuid[])`.execute(executor);
}

// ---- Unclaimed ------------------------------------------------------------------------------------

export async function lockClaimable(executor: Executor, phone: string): Promise<UnclaimedRow[]> {
  const { rows } = await sql<UnclaimedRow>`
    SELECT * FROM unclaimed_credits WHERE phone = ${phone} AND status = 'unclaimed' AND cleared
    ORDER BY created_at, arrival FOR UPDATE`.execute(executor);
  return rows;
}

export async function lockExpiredUnclaimed(executor: Executor, now: Date, limit: number): Promise<UnclaimedRow[]> {
  const { rows } = await sql<UnclaimedRow>`
    SELECT * FROM unclaimed_credits WHERE status = 'unclaimed' AND cleared AND expires_at <= ${now}
    ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(executor);
  return rows;
}

/** Phones with claimable value, for the sweep that catches registrations the hook missed. */
export async function selectClaimablePhones(executor: Executor, after: string, limit: number): Promise<string[]> {
  const { rows } = await sql<{ phone: string }>`
    SELECT DISTINCT phone FROM unclaimed_credits WHERE status = 'unclaimed' AND cleared AND phone > ${after}
    ORDER BY phone LIMIT ${limit}`.execute(executor);
  return rows.map((r) => r.phone);
}

export async function markUnclaimed(executor: Executor, transferIds: string[], status: UnclaimedStatus, at: Date, claimedBy: string | null = null): Promise<void> {
  if (transferIds.length === 0) return;
  await sql`
    UPDATE unclaimed_credits SET status = ${status}, resolved_at = ${at}, claimed_by = ${claimedBy}
    WHERE transfer_id = ANY(${transferIds}::uuid[])`.execute(executor);
}

export async function markUnclaimedCleared(executor: Executor, transferIds: string[]): Promise<void> {
  if (transferIds.length === 0) return;
  await sql`UPDATE unclaimed_credits SET cleared = true WHERE transfer_id = ANY(${transferIds}::uuid[])`.execute(executor);
}

// ---- Held over the cap ----------------------------------------------------------------------------

export async function lockHeldOfWallet(executor: Executor, walletId: string): Promise<HeldRow[]> {
  const { rows } = await sql<HeldRow>`
    SELECT * FROM held_credits WHERE wallet_id = ${walletId}::uuid AND status = 'held'
    ORDER BY created_at, arrival FOR UPDATE`.execute(executor);
  return rows;
}

export async function selectUsersWithHeld(executor: Executor, after: string, limit: number): Promise<string[]> {
  const { rows } = await sql<{ user_id: string }>`
    SELECT DISTINCT user_id FROM held_credits WHERE status = 'held' AND user_id > ${after}
    ORDER BY user_id LIMIT ${limit}`.execute(executor);
  return rows.map((r) => r.user_id);
}

export async function updateHeld(executor: Executor, rows: HeldRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    UPDATE held_credits AS h SET remaining = u.remaining, releases = u.releases, status = u.status, updated_at = u.updated_at
    FROM unnest(${rows.map((r) => r.transfer_id)}::uuid[], ${rows.map((r) => text(r.remaining))}::bigint[], ${rows.map((r) => r.releases)}::int[],
                ${rows.map((r) => r.status)}::text[], ${rows.map((r) => iso(r.updated_at))}::timestamptz[])
         AS u(transfer_id, remaining, releases, status, updated_at)
    WHERE h.transfer_id = u.transfer_id`.execute(executor);
}

export async function markHeldByCredit(executor: Executor, creditIds: string[], from: HeldStatus, to: HeldStatus, at: Date): Promise<void> {
  if (creditIds.length === 0) return;
  await sql`
    UPDATE held_credits SET status = ${to}, updated_at = ${at}
    WHERE credit_id = ANY(${creditIds}::uuid[]) AND status = ${from}`.execute(executor);
}

// ---- Reversals ------------------------------------------------------------------------------------

export async function insertReversal(executor: Executor, row: ReversalRow): Promise<void> {
  await sql`
    INSERT INTO credit_reversals (credit_id, partner_id, requested, reversed, shortfall, reason, request_hash, created_at)
    VALUES (${row.credit_id}, ${row.partner_id}, ${text(row.requested)}, ${text(row.reversed)}, ${text(row.shortfall)},
            ${row.reason}, ${row.request_hash}, ${row.created_at})`.execute(executor);
}
