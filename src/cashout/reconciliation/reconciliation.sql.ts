// All SQL of reconciliation (migration 0061). Functions take the executor first: the caller owns
// the transaction.
//
// Our side is read from the ledger's journal directly (selectSettlements, selectOutstanding): the
// ledger's API lists an account's entries only newest-first, and matching a statement needs "the
// settlement postings of these cash-outs" and "settled, not yet confirmed" — a scan of the whole
// clearing history through listEntries. The reads use the journal's (credit_account_id, ts) index
// within a look-back window. Read only: postings go through the ledger API.
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { micros, type CurrencyCode, type Micros } from '../../money/index.ts';
import { TransferFlags, type AccountId } from '../../ledger/index.ts';
import type { EntryKind } from '../../rails/index.ts';
import type { ItemOutcome, MatchItem, OurPayout } from './match.ts';

export type RunSource = 'api' | 'cli' | 'ingest';
export const FINANCE_TASK_KINDS = ['unmatched_ours', 'unmatched_bank', 'amount_mismatch', 'return_not_applied', 'atm_not_completed'] as const;
export type FinanceTaskKind = (typeof FINANCE_TASK_KINDS)[number];
export type FinanceTaskStatus = 'open' | 'resolved';

declare module '../../db/schema.ts' {
  interface DB {
    reconciliation_runs: {
      id: string;
      account_number: string;
      statement_id: string;
      statement_date: string;
      message_id: string;
      content_hash: string;
      currency: string;
      opening_balance_minor: bigint;
      closing_balance_minor: bigint;
      clearing_balance_micros: bigint;
      book_balance_micros: bigint;
      cutoff_at: Date;
      matched_count: number;
      unmatched_ours_count: number;
      unmatched_bank_count: number;
      amount_mismatch_count: number;
      returned_count: number;
      source: RunSource;
      created_by: string | null;
      request_id: string | null;
      created_at: Date;
    };
    reconciliation_items: {
      run_id: string;
      position: number;
      outcome: ItemOutcome;
      entry_kind: EntryKind | null;
      cashout_id: string | null;
      bank_reference: string | null;
      booking_date: string | null;
      currency: string;
      our_amount_micros: bigint | null;
      bank_amount_micros: bigint | null;
      our_transfer_id: string | null;
      posted_transfer_id: string | null;
      detail: string;
      return_reason_code: string | null;
      return_reason_text: string | null;
      return_applied_at: Date | null;
      return_error: string | null;
    };
    finance_tasks: {
      id: string;
      kind: FinanceTaskKind;
      reference: string;
      status: FinanceTaskStatus;
      detail: string;
      run_id: string | null;
      created_at: Date;
      resolved_at: Date | null;
      resolved_by: string | null;
      resolution: string | null;
    };
  }
}

export interface RunRow {
  id: string;
  accountNumber: string;
  statementId: string;
  statementDate: string;
  messageId: string;
  contentHash: string;
  currency: CurrencyCode;
  openingBalanceMinor: bigint;
  closingBalanceMinor: bigint;
  clearingBalance: Micros;
  bookBalance: Micros;
  cutoffAt: Date;
  counts: Record<ItemOutcome, number>;
  source: RunSource;
  createdBy: string | null;
  requestId: string | null;
  createdAt: Date;
}

export interface ItemRow extends MatchItem {
  runId: string;
  position: number;
  postedTransferId: string | null;
  returnAppliedAt: Date | null;
  returnError: string | null;
}

export interface FinanceTask {
  id: string;
  kind: FinanceTaskKind;
  reference: string;
  status: FinanceTaskStatus;
  detail: string;
  runId: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
}

/** A date column as YYYY-MM-DD whichever way the driver hands it over. */
function dateText(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

const optionalMicros = (value: bigint | string | null) => (value === null ? null : micros(BigInt(value)));

// ——— runs ———

export type NewRun = Omit<RunRow, 'counts' | 'clearingBalance' | 'bookBalance'>;

/** Inserts the run, or returns false when this account's statement id is already there. */
export async function insertRun(executor: Executor, run: NewRun): Promise<boolean> {
  const inserted = await executor
    .insertInto('reconciliation_runs')
    .values({
      id: run.id,
      account_number: run.accountNumber,
      statement_id: run.statementId,
      statement_date: run.statementDate,
      message_id: run.messageId,
      content_hash: run.contentHash,
      currency: run.currency,
      opening_balance_minor: run.openingBalanceMinor,
      closing_balance_minor: run.closingBalanceMinor,
      clearing_balance_micros: 0n,
      book_balance_micros: 0n,
      cutoff_at: run.cutoffAt,
      matched_count: 0,
      unmatched_ours_count: 0,
      unmatched_bank_count: 0,
      amount_mismatch_count: 0,
      returned_count: 0,
      source: run.source,
      created_by: run.createdBy,
      request_id: run.requestId,
      created_at: run.createdAt,
    })
    .onConflict((oc) => oc.columns(['account_number', 'statement_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function finishRun(
  executor: Executor,
  runId: string,
  totals: { clearingBalance: Micros; bookBalance: Micros; counts: Record<ItemOutcome, number> },
): Promise<void> {
  await executor
    .updateTable('reconciliation_runs')
    .set({
      clearing_balance_micros: totals.clearingBalance,
      book_balance_micros: totals.bookBalance,
      matched_count: totals.counts.matched,
      unmatched_ours_count: totals.counts.unmatched_ours,
      unmatched_bank_count: totals.counts.unmatched_bank,
      amount_mismatch_count: totals.counts.amount_mismatch,
      returned_count: totals.counts.returned,
    })
    .where('id', '=', runId)
    .execute();
}

function toRun(row: {
  id: string; account_number: string; statement_id: string; statement_date: unknown; message_id: string; content_hash: string; currency: string;
  opening_balance_minor: bigint | string; closing_balance_minor: bigint | string; clearing_balance_micros: bigint | string; book_balance_micros: bigint | string;
  cutoff_at: Date; matched_count: number; unmatched_ours_count: number; unmatched_bank_count: number; amount_mismatch_count: number; returned_count: number;
  source: RunSource; created_by: string | null; request_id: string | null; created_at: Date;
}): RunRow {
  return {
    id: row.id,
    accountNumber: row.account_number,
    statementId: row.statement_id,
    statementDate: dateText(row.statement_date),
    messageId: row.message_id,
    contentHash: row.content_hash,
    currency: row.currency.trim() as CurrencyCode,
    openingBalanceMinor: BigInt(row.opening_balance_minor),
    closingBalanceMinor: BigInt(row.closing_balance_minor),
    clearingBalance: micros(BigInt(row.clearing_balance_micros)),
    bookBalance: micros(BigInt(row.book_balance_micros)),
    cutoffAt: new Date(row.cutoff_at),
    counts: {
      matched: row.matched_count,
      unmatched_ours: row.unmatched_ours_count,
      unmatched_bank: row.unmatched_bank_count,
      amount_mismatch: row.amount_mismatch_count,
      returned: row.returned_count,
    },
    source: row.source,
    createdBy: row.created_by,
    requestId: row.request_id,
    createdAt: new Date(row.created_at),
  };
}

export async function selectRunByStatement(executor: Executor, accountNumber: string, statementId: string): Promise<RunRow | null> {
  const row = await executor.selectFrom('reconciliation_runs').selectAll().where('account_number', '=', accountNumber).where('statement_id', '=', statementId).executeTakeFirst();
  return row ? toRun(row) : null;
}

export async function selectRunsByDate(executor: Executor, date: string): Promise<RunRow[]> {
  const rows = await executor.selectFrom('reconciliation_runs').selectAll().where('statement_date', '=', date).orderBy('created_at').orderBy('id').execute();
  return rows.map(toRun);
}

/**
 * Per bank account, the run of the latest statement closing on or before `date` in `currency`:
 * what the bank last said each account held (the safeguarding report reads it).
 */
export async function selectLatestRuns(executor: Executor, currency: CurrencyCode, onOrBefore: string): Promise<RunRow[]> {
  const rows = await executor
    .selectFrom('reconciliation_runs')
    .selectAll()
    .distinctOn('account_number')
    .where('currency', '=', currency)
    .where('statement_date', '<=', onOrBefore)
    .orderBy('account_number')
    .orderBy('statement_date', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toRun);
}

export async function selectRun(executor: Executor, runId: string): Promise<RunRow | null> {
  const row = await executor.selectFrom('reconciliation_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  return row ? toRun(row) : null;
}

// ——— items ———

export async function insertItems(executor: Executor, runId: string, items: ReadonlyArray<MatchItem & { postedTransferId: string | null }>, firstPosition = 0): Promise<void> {
  const CHUNK = 1000;
  for (let start = 0; start < items.length; start += CHUNK) {
    await executor
      .insertInto('reconciliation_items')
      .values(items.slice(start, start + CHUNK).map((item, offset) => ({
        run_id: runId,
        position: firstPosition + start + offset,
        outcome: item.outcome,
        entry_kind: item.entryKind,
        cashout_id: item.cashoutId,
        bank_reference: item.bankReference,
        booking_date: item.bookingDate,
        currency: item.currency,
        our_amount_micros: item.ourAmount,
        bank_amount_micros: item.bankAmount,
        our_transfer_id: item.ourTransferId,
        posted_transfer_id: item.postedTransferId,
        detail: item.detail,
        return_reason_code: item.returnReason?.code ?? null,
        return_reason_text: item.returnReason?.text ?? null,
        return_applied_at: null,
        return_error: null,
      })))
      .execute();
  }
}

type ItemDbRow = {
  run_id: string; position: number; outcome: ItemOutcome; entry_kind: EntryKind | null; cashout_id: string | null; bank_reference: string | null;
  booking_date: unknown; currency: string; our_amount_micros: bigint | string | null; bank_amount_micros: bigint | string | null;
  our_transfer_id: string | null; posted_transfer_id: string | null; detail: string; return_reason_code: string | null; return_reason_text: string | null;
  return_applied_at: Date | null; return_error: string | null;
};

function toItem(row: ItemDbRow): ItemRow {
  return {
    runId: row.run_id,
    position: row.position,
    outcome: row.outcome,
    entryKind: row.entry_kind,
    cashoutId: row.cashout_id,
    bankReference: row.bank_reference,
    bookingDate: row.booking_date === null ? null : dateText(row.booking_date),
    currency: row.currency.trim() as CurrencyCode,
    ourAmount: optionalMicros(row.our_amount_micros),
    bankAmount: optionalMicros(row.bank_amount_micros),
    ourTransferId: row.our_transfer_id,
    postedTransferId: row.posted_transfer_id,
    detail: row.detail,
    returnReason: row.return_reason_code === null ? null : { code: row.return_reason_code, text: row.return_reason_text ?? '' },
    returnAppliedAt: row.return_applied_at === null ? null : new Date(row.return_applied_at),
    returnError: row.return_error,
  };
}

/** Items of some runs with one outcome, in statement order; one more than `limit` tells there are more. */
export async function selectItems(executor: Executor, runIds: readonly string[], outcome: ItemOutcome, limit: number): Promise<ItemRow[]> {
  if (runIds.length === 0) return [];
  const rows = await executor
    .selectFrom('reconciliation_items')
    .selectAll()
    .where('run_id', 'in', [...runIds])
    .where('outcome', '=', outcome)
    .orderBy('run_id')
    .orderBy('position')
    .limit(limit)
    .execute();
  return rows.map(toItem);
}

/** Returns whose cash-out has not yet taken them (its callback failed, or never ran). */
export async function selectPendingReturns(executor: Executor, runIds: readonly string[] | null, limit: number): Promise<ItemRow[]> {
  let query = executor.selectFrom('reconciliation_items').selectAll().where('outcome', '=', 'returned').where('return_applied_at', 'is', null);
  if (runIds) {
    if (runIds.length === 0) return [];
    query = query.where('run_id', 'in', [...runIds]);
  }
  const rows = await query.orderBy('run_id').orderBy('position').limit(limit).execute();
  return rows.map(toItem);
}

export async function markReturnApplied(executor: Executor, runId: string, position: number, at: Date): Promise<void> {
  await executor.updateTable('reconciliation_items').set({ return_applied_at: at, return_error: null }).where('run_id', '=', runId).where('position', '=', position).execute();
}

export async function markReturnFailed(executor: Executor, runId: string, position: number, error: string): Promise<void> {
  await executor.updateTable('reconciliation_items').set({ return_error: error.slice(0, 500) }).where('run_id', '=', runId).where('position', '=', position).execute();
}

/** Cash-outs among `cashoutIds` whose payout (or return) an earlier statement already booked. */
export async function selectSeen(executor: Executor, cashoutIds: readonly string[]): Promise<{ confirmed: Set<string>; returned: Set<string> }> {
  const confirmed = new Set<string>();
  const returned = new Set<string>();
  if (cashoutIds.length === 0) return { confirmed, returned };
  const rows = await executor
    .selectFrom('reconciliation_items')
    .select(['cashout_id', 'entry_kind'])
    .where('cashout_id', 'in', [...cashoutIds])
    .where((eb) => eb.or([
      eb.and([eb('entry_kind', '=', 'payout'), eb('outcome', 'in', ['matched', 'amount_mismatch'])]),
      eb.and([eb('entry_kind', '=', 'return'), eb('outcome', 'in', ['returned', 'amount_mismatch'])]),
    ]))
    .execute();
  for (const row of rows) (row.entry_kind === 'payout' ? confirmed : returned).add(row.cashout_id!);
  return { confirmed, returned };
}

// ——— our side, from the journal ———

/**
 * Settlement postings into bank_clearing: not a reservation, not a void, of one of `codes` — a
 * cash-out's payout (its reference: metadata.cashout, cot_…) or a merchant settlement the bank
 * accepted (metadata.settlement, rct_…). A post of a pending transfer takes its reservation's
 * code, and its metadata counts. A merchant settlement's return (clearing → receivable)
 * debits clearing and is not a posting into it.
 */
function settledPostings(clearing: AccountId, codes: readonly number[], since: Date) {
  const notSettled = TransferFlags.pending | TransferFlags.void_pending;
  return sql`
    SELECT coalesce(t.metadata->>'cashout', p.metadata->>'cashout', t.metadata->>'settlement', p.metadata->>'settlement', t.metadata->>'rebalance', p.metadata->>'rebalance') AS cashout_id, t.id, t.amount, t.ts
    FROM ledger_transfers t
    LEFT JOIN ledger_transfers p ON p.id = t.pending_id
    WHERE t.credit_account_id = ${clearing}::uuid AND t.code = ANY(${[...codes]}::int[]) AND (t.flags & ${notSettled}) = 0 AND t.ts >= ${since}`;
}

type SettledRow = { cashout_id: string; transfer_id: string; amount: bigint | string; settled_at: Date };

const toOurs = (row: SettledRow): OurPayout => ({ cashoutId: row.cashout_id, transferId: row.transfer_id, amount: micros(BigInt(row.amount)), settledAt: new Date(row.settled_at) });

export async function selectSettlements(executor: Executor, clearing: AccountId, codes: readonly number[], since: Date, cashoutIds: readonly string[]): Promise<Map<string, OurPayout>> {
  if (cashoutIds.length === 0) return new Map();
  const { rows } = await sql<SettledRow>`
    WITH settled AS (${settledPostings(clearing, codes, since)})
    SELECT cashout_id, min(id::text) AS transfer_id, sum(amount)::bigint AS amount, min(ts) AS settled_at
    FROM settled WHERE cashout_id = ANY(${[...cashoutIds]}::text[])
    GROUP BY cashout_id`.execute(executor);
  return new Map(rows.map((row) => [row.cashout_id, toOurs(row)]));
}

/** Settled up to `cutoff`, never confirmed by any statement: what the bank has not shown us. */
export async function selectOutstanding(executor: Executor, clearing: AccountId, codes: readonly number[], since: Date, cutoff: Date, limit: number): Promise<OurPayout[]> {
  const { rows } = await sql<SettledRow>`
    WITH settled AS (${settledPostings(clearing, codes, since)})
    SELECT s.cashout_id, min(s.id::text) AS transfer_id, sum(s.amount)::bigint AS amount, min(s.ts) AS settled_at
    FROM settled s
    WHERE s.cashout_id IS NOT NULL AND s.ts <= ${cutoff}
      AND NOT EXISTS (
        SELECT 1 FROM reconciliation_items i
        WHERE i.cashout_id = s.cashout_id AND i.entry_kind = 'payout' AND i.outcome IN ('matched', 'amount_mismatch'))
    GROUP BY s.cashout_id
    ORDER BY min(s.ts), s.cashout_id
    LIMIT ${limit}`.execute(executor);
  return rows.map(toOurs);
}

// ——— finance tasks ———

export interface NewTask {
  id: string;
  kind: FinanceTaskKind;
  reference: string;
  detail: string;
  runId: string | null;
  createdAt: Date;
}

/** Opens tasks; one already open for the same (kind, reference) stands and no second is opened. */
export async function openTasks(executor: Executor, tasks: readonly NewTask[]): Promise<number> {
  let opened = 0;
  const CHUNK = 1000;
  for (let start = 0; start < tasks.length; start += CHUNK) {
    const chunk = tasks.slice(start, start + CHUNK);
    const { rows } = await sql<{ id: string }>`
      INSERT INTO finance_tasks (id, kind, reference, status, detail, run_id, created_at)
      SELECT * FROM unnest(${chunk.map((t) => t.id)}::text[], ${chunk.map((t) => t.kind)}::text[], ${chunk.map((t) => t.reference)}::text[],
                           ${chunk.map(() => 'open')}::text[], ${chunk.map((t) => t.detail)}::text[], ${chunk.map((t) => t.runId)}::text[],
                           ${chunk.map((t) => t.createdAt.toISOString())}::timestamptz[])
      ON CONFLICT (kind, reference) WHERE status = 'open' DO NOTHING
      RETURNING id`.execute(executor);
    opened += rows.length;
  }
  return opened;
}

/** Closes open tasks that a later statement answered (the payout turned up), as the system. */
export async function resolveTasksByReference(executor: Executor, kind: FinanceTaskKind, references: readonly string[], at: Date, resolution: string): Promise<number> {
  if (references.length === 0) return 0;
  const result = await executor
    .updateTable('finance_tasks')
    .set({ status: 'resolved', resolved_at: at, resolved_by: 'system', resolution })
    .where('kind', '=', kind)
    .where('status', '=', 'open')
    .where('reference', 'in', [...references])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

type TaskDbRow = {
  id: string; kind: FinanceTaskKind; reference: string; status: FinanceTaskStatus; detail: string; run_id: string | null; created_at: Date;
  resolved_at: Date | null; resolved_by: string | null; resolution: string | null;
};

function toTask(row: TaskDbRow): FinanceTask {
  return {
    id: row.id,
    kind: row.kind,
    reference: row.reference,
    status: row.status,
    detail: row.detail,
    runId: row.run_id,
    createdAt: new Date(row.created_at),
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
  };
}

export interface TaskFilter {
  status?: FinanceTaskStatus;
  kind?: FinanceTaskKind;
  limit: number;
  /** Newest first: the id of the last task of the previous page. */
  startingAfter?: string;
}

export async function selectTasks(executor: Executor, filter: TaskFilter): Promise<{ data: FinanceTask[]; hasMore: boolean }> {
  let query = executor.selectFrom('finance_tasks').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.startingAfter) query = query.where('id', '<', filter.startingAfter);
  const rows = await query.orderBy('id', 'desc').limit(filter.limit + 1).execute();
  return { data: rows.slice(0, filter.limit).map(toTask), hasMore: rows.length > filter.limit };
}

export async function selectTask(executor: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<FinanceTask | null> {
  let query = executor.selectFrom('finance_tasks').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toTask(row) : null;
}

export async function markTaskResolved(executor: Executor, id: string, by: string, resolution: string, at: Date): Promise<void> {
  await executor.updateTable('finance_tasks').set({ status: 'resolved', resolved_at: at, resolved_by: by, resolution }).where('id', '=', id).where('status', '=', 'open').execute();
}

// ——— deposits (agent float top-ups) ———

export interface StatedDeposit {
  bankReference: string;
  amount: Micros;
  currency: string;
  bookingDate: string | null;
  runId: string;
}

/** A deposit the bank booked on a reconciled statement, by the bank's reference (the first sighting). */
export async function selectDeposit(executor: Executor, bankReference: string): Promise<StatedDeposit | null> {
  const row = await executor
    .selectFrom('reconciliation_items')
    .select(['bank_reference', 'bank_amount_micros', 'currency', 'booking_date', 'run_id'])
    .where('entry_kind', '=', 'deposit')
    .where('bank_reference', '=', bankReference)
    .where('bank_amount_micros', 'is not', null)
    .orderBy('run_id')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const booking = row.booking_date as unknown;
  return {
    bankReference: row.bank_reference!,
    amount: micros(BigInt(row.bank_amount_micros as unknown as string)),
    currency: row.currency,
    bookingDate: booking === null ? null : booking instanceof Date ? booking.toISOString().slice(0, 10) : String(booking),
    runId: row.run_id,
  };
}

/** Closes the open task of an explained entry (a deposit booked as an agent top-up), naming who explained it. */
export async function resolveTaskAs(executor: Executor, kind: FinanceTaskKind, reference: string, at: Date, by: string, resolution: string): Promise<number> {
  const result = await executor
    .updateTable('finance_tasks')
    .set({ status: 'resolved', resolved_at: at, resolved_by: by, resolution })
    .where('kind', '=', kind)
    .where('status', '=', 'open')
    .where('reference', '=', reference)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
