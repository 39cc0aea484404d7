// Reconciliation's use cases, for the admin routes, the CLI (`smallchange reconcile <file>`) and
// the bank rail's ingest: read and validate a camt.053 (an invalid file is refused whole, before
// anything is written), reconcile it, tell the cash-out module about returns, and keep finance's
// task list.
import { readFile, stat } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { withTransaction, type DB, type Executor } from '../../db/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { toMinorFloor } from '../../money/index.ts';
import { detectMessageKind, parseCamt053, type StatementMessage } from '../../rails/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { Logger } from '../../shared/logger.ts';
import './errors.ts';
import type { ItemOutcome } from './match.ts';
import { reconcileMessage, type AuditRecorder, type RunContext, type StatementOutcome } from './reconcile.ts';
import {
  markReturnApplied, markReturnFailed, markTaskResolved, openTasks, resolveTaskAs, selectDeposit, selectItems, selectPendingReturns, selectRunsByDate, selectTask, selectTasks,
  type FinanceTask, type ItemRow, type RunRow, type StatedDeposit, type TaskFilter,
} from './reconciliation.sql.ts';

/** The largest statement file we read (a 100,000-entry statement is about 150 MB). */
export const STATEMENT_BYTES_MAX = 256 * 1024 * 1024;

/** What the cash-out module is told when the bank sends a payout back. */
export interface ReturnNotice {
  code: string;
  text: string;
  /** The booking date of the return on the statement. */
  returnedOn: string;
  amountMinor: bigint;
  reconciliationRunId: string;
}

/** The cash-out module's markReturned: must treat a cash-out it has already returned as done. */
export type OnReturned = (cashoutId: string, reason: ReturnNotice) => Promise<unknown>;

export interface ReconciliationServiceOptions {
  db: Kysely<DB>;
  ledger: Ledger;
  clock: Clock;
  logger?: Logger;
  /** The operator's zone: a statement date's end there is the cut-off for our payouts. */
  timeZone: string;
  onReturned: OnReturned;
  audit?: AuditRecorder;
  lookback_days?: number;
  outstanding_max?: number;
}

export interface ReconcileResult {
  statements: StatementOutcome[];
  /** Returns the cash-out module took in this call, and ones it refused (retried on the next run). */
  returnsApplied: number;
  returnsFailed: number;
}

export interface ReconciliationView {
  date: string;
  runs: RunRow[];
  items: Record<ItemOutcome, ItemRow[]>;
  /** Per outcome: more items than `limit` exist (the counts on each run are complete). */
  truncated: Record<ItemOutcome, boolean>;
}

const OUTCOMES: readonly ItemOutcome[] = ['matched', 'unmatched_ours', 'unmatched_bank', 'amount_mismatch', 'returned'];

export class ReconciliationService {
  constructor(private readonly options: ReconciliationServiceOptions) {}

  private get deps() {
    const { db, ledger, clock, timeZone, audit } = this.options;
    return { db, ledger, clock, timeZone, audit, lookback_days: this.options.lookback_days ?? 90, outstanding_max: this.options.outstanding_max ?? 10_000 };
  }

  /** Validates the XML against the camt.053.001.08 schema first: an invalid file changes nothing. */
  async parseStatement(xml: string): Promise<StatementMessage> {
    const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
    const kind = detectMessageKind(text);
    if (kind !== 'camt.053.001.08') {
      const why = kind ? `it is a ${kind} message, not camt.053.001.08` : 'it is not a camt.053.001.08 document';
      throw new DomainError('invalid_statement', { message: `The file is not a valid camt.053.001.08 statement; nothing was reconciled: ${why}.`, data: { errors: [why] } });
    }
    const parsed = await parseCamt053(text);
    if (!parsed.ok) {
      throw new DomainError('invalid_statement', {
        message: `The file is not a valid camt.053.001.08 statement; nothing was reconciled: ${parsed.errors[0] ?? 'it does not validate'}`,
        data: { errors: parsed.errors },
      });
    }
    if (parsed.value.statements.length === 0) {
      throw new DomainError('invalid_statement', { message: 'The file holds no statement; nothing was reconciled.', data: { errors: ['no Stmt element'] } });
    }
    return parsed.value;
  }

  async reconcileXml(xml: string, context: RunContext): Promise<ReconcileResult> {
    return this.reconcileStatements(await this.parseStatement(xml), context);
  }

  /**
   * A statement already read and validated — the bank rail's ingest hands one over in its
   * camt.053 update batch (source 'ingest'): the cash-out module's apply can pass it on here.
   */
  async reconcileStatements(message: StatementMessage, context: RunContext): Promise<ReconcileResult> {
    const statements = await reconcileMessage(this.deps, message, context);
    // Returns of this message (also ones a previous attempt could not hand over).
    const { applied, failed } = await this.applyReturns(statements.map((s) => s.run.id));
    return { statements, returnsApplied: applied, returnsFailed: failed };
  }

  /** `smallchange reconcile <camt.053 file>`. */
  async reconcileFile(path: string, context: RunContext = { source: 'cli', actor: { kind: 'system', name: 'cli' } }): Promise<ReconcileResult> {
    const size = (await stat(path)).size;
    if (size > STATEMENT_BYTES_MAX) {
      throw new DomainError('invalid_statement', { message: `The file is ${size} bytes, more than the ${STATEMENT_BYTES_MAX} we read; nothing was reconciled.`, data: { errors: ['file too large'] } });
    }
    return this.reconcileXml(await readFile(path, 'utf8'), context);
  }

  /**
   * Tells the cash-out module about returns it has not taken yet. A refusal is kept on the item
   * with a finance task, and retried on the next call: the money is in bank_clearing meanwhile.
   */
  async applyReturns(runIds: readonly string[] | null = null, limit = 500): Promise<{ applied: number; failed: number }> {
    const { db, clock, logger, onReturned } = this.options;
    let applied = 0;
    let failed = 0;
    for (const item of await selectPendingReturns(db, runIds, limit)) {
      const cashoutId = item.cashoutId!;
      try {
        await onReturned(cashoutId, {
          code: item.returnReason?.code ?? 'NARR',
          text: item.returnReason?.text ?? 'returned by the payee bank',
          returnedOn: item.bookingDate ?? '',
          amountMinor: item.bankAmount === null ? 0n : toMinorFloor(item.bankAmount),
          reconciliationRunId: item.runId,
        });
        await markReturnApplied(db, item.runId, item.position, clock.now());
        applied += 1;
      } catch (error) {
        failed += 1;
        const reason = error instanceof Error ? error.message : String(error);
        logger?.error({ err: error, cashoutId }, 'the cash-out module did not take a return');
        await withTransaction(db, async (trx) => {
          await markReturnFailed(trx, item.runId, item.position, reason);
          await openTasks(trx, [{ id: newId('ftk'), kind: 'return_not_applied', reference: cashoutId, detail: `the cash-out module refused the return: ${reason}`.slice(0, 500), runId: item.runId, createdAt: clock.now() }]);
        });
      }
    }
    return { applied, failed };
  }

  async getReconciliation(date: string, limit = 500): Promise<ReconciliationView> {
    const { db } = this.options;
    const runs = await selectRunsByDate(db, date);
    if (runs.length === 0) throw new DomainError('reconciliation_not_found', { param: 'date' });
    const ids = runs.map((run) => run.id);
    const items = {} as Record<ItemOutcome, ItemRow[]>;
    const truncated = {} as Record<ItemOutcome, boolean>;
    for (const outcome of OUTCOMES) {
      const rows = await selectItems(db, ids, outcome, limit + 1);
      items[outcome] = rows.slice(0, limit);
      truncated[outcome] = rows.length > limit;
    }
    return { date, runs, items, truncated };
  }

  /**
   * A deposit the bank booked on a reconciled statement (an agent's cash paid into the trust
   * account): what a float top-up is approved against. In the caller's transaction.
   */
  findDeposit(executor: Executor, bankReference: string): Promise<StatedDeposit | null> {
    return selectDeposit(executor, bankReference);
  }

  /** The deposit is explained (booked as a float top-up): its unmatched_bank task is closed by `by`. */
  async resolveDepositTask(executor: Executor, bankReference: string, by: string, resolution: string): Promise<number> {
    return resolveTaskAs(executor, 'unmatched_bank', bankReference, this.options.clock.now(), by, resolution);
  }

  listTasks(filter: TaskFilter): Promise<{ data: FinanceTask[]; hasMore: boolean }> {
    return selectTasks(this.options.db, filter);
  }

  /** A finance person closes a task with what they did; audited in the same transaction. */
  async resolveTask(taskId: string, staffId: string, resolution: string, requestId: string | null = null): Promise<FinanceTask> {
    const { db, clock, audit } = this.options;
    return withTransaction(db, async (trx) => {
      const task = await selectTask(trx, taskId, { forUpdate: true });
      if (!task) throw new DomainError('finance_task_not_found', { param: 'id' });
      if (task.status !== 'open') throw new DomainError('finance_task_already_resolved', { param: 'id' });
      const now = clock.now();
      await markTaskResolved(trx, taskId, staffId, resolution, now);
      await audit?.(trx, {
        actor: { kind: 'staff', id: staffId },
        action: 'finance_task.resolved',
        target: { kind: 'finance_task', id: taskId },
        reason: resolution,
        before: { status: 'open', kind: task.kind, reference: task.reference },
        after: { status: 'resolved' },
        requestId,
      });
      return (await selectTask(trx, taskId))!;
    });
  }
}

