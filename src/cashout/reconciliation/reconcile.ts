// Reconciling one camt.053 message: for each statement in it, one database transaction that
// writes the run, its items, the ledger postings the items call for and the tasks they open — all
// or nothing. Then, outside it, the cash-out module is told about returns (its own transactions).
//
// Postings (chart of accounts, src/wallets/chart.ts):
//   matched   bank_clearing → bank_deposits, the settled amount (code cashout): the bank confirmed
//             that the money left the trust account, so the clearing account empties.
//   returned  bank_deposits → bank_clearing, the returned amount (code cashout_return): the money
//             is back in the trust account; the cash-out module's markReturned moves it on from
//             bank_clearing to the user.
// Transfer ids derive from the cash-out id, so no cash-out is confirmed or returned twice even if
// the unique indexes of migration 0061 were gone.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withTransaction, type DB, type Executor } from '../../db/index.ts';
import { isSuccess, TRANSFERS_PER_CALL_MAX, type AccountId, type Ledger, type TransferId, type TransferInput } from '../../ledger/index.ts';
import { micros, type CurrencyCode } from '../../money/index.ts';
import { addDays, zonedInstant } from '../../policy/index.ts';
import type { BankStatement, StatementMessage } from '../../rails/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import { derivedUuid, newId } from '../../shared/ids.ts';
import { systemAccountId, systemAccountInput, TRANSFER_CODES } from '../../wallets/index.ts';
import './errors.ts';
import { matchEntries, unmatchedOurs, type ItemOutcome, type MatchItem } from './match.ts';
import {
  finishRun, insertItems, insertRun, openTasks, resolveTasksByReference, selectOutstanding, selectRun, selectRunByStatement, selectSeen, selectSettlements,
  type FinanceTaskKind, type NewTask, type RunRow, type RunSource,
} from './reconciliation.sql.ts';

const DAY_MS = 86_400_000;

/** What is paid out of the trust account through bank_clearing: cash-outs, merchant settlements, agents' float withdrawals. */
const PAYOUT_CODES = [TRANSFER_CODES.cashout, TRANSFER_CODES.merchant_settlement, TRANSFER_CODES.agent_rebalance];

/** Who reconciles: a staff member through the API, or the system (CLI, the bank rail's ingest). */
export type RunActor = { kind: 'staff'; staffId: string } | { kind: 'system'; name: string };

export interface RunContext {
  source: RunSource;
  actor: RunActor;
  requestId?: string | null;
}

/** Appends to the audit log in the caller's transaction (identity's recordAudit). */
export type AuditRecorder = (
  executor: Executor,
  entry: { actor: { kind: 'staff' | 'system'; id?: string }; action: string; target?: { kind: string; id: string }; reason?: string | null; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null; requestId?: string | null },
) => Promise<unknown>;

export interface ReconcileDeps {
  db: Kysely<DB>;
  ledger: Ledger;
  clock: Clock;
  timeZone: string;
  audit?: AuditRecorder;
  /** How far back before a statement's cut-off our settlements are looked for. */
  lookback_days: number;
  /** The most unmatched payouts of ours one run lists (the rest show on the next run). */
  outstanding_max: number;
}

export interface StatementOutcome {
  run: RunRow;
  /** false: this statement was reconciled before, and nothing was changed now. */
  created: boolean;
}

const COUNTED: readonly ItemOutcome[] = ['matched', 'unmatched_ours', 'unmatched_bank', 'amount_mismatch', 'returned'];

/** A digest of the statement as read: the same statement id twice must mean the same statement. */
export function statementHash(statement: BankStatement): string {
  const canonical = JSON.stringify(statement, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value instanceof Date ? value.toISOString() : value));
  return createHash('sha256').update(canonical).digest('hex');
}

class ReconciledMeanwhile extends Error {}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** Fails with statement_conflict if any statement id is known with other content; returns the ones already done. */
async function priorRuns(db: Executor, statements: readonly BankStatement[]): Promise<Map<number, RunRow>> {
  const prior = new Map<number, RunRow>();
  for (const [index, statement] of statements.entries()) {
    const run = await selectRunByStatement(db, statement.account.accountNumber, statement.statementId);
    if (!run) continue;
    if (run.contentHash !== statementHash(statement)) {
      throw new DomainError('statement_conflict', { param: `statements[${index}]`, data: { statement_id: statement.statementId, reconciled_in: run.id } });
    }
    prior.set(index, run);
  }
  return prior;
}

export async function reconcileMessage(deps: ReconcileDeps, message: StatementMessage, context: RunContext): Promise<StatementOutcome[]> {
  const currencies = [...new Set(message.statements.map((s) => s.account.currency))];
  const accounts = currencies.flatMap((currency) => [systemAccountInput('bank_clearing', currency), systemAccountInput('bank_deposits', currency)]);
  if (accounts.length > 0) {
    const results = await deps.ledger.createAccounts(accounts, deps.db);
    if (!results.every(isSuccess)) throw new Error(`reconciliation: system accounts refused: ${results.join(', ')}`);
  }
  for (let attempt = 1; ; attempt++) {
    const prior = await priorRuns(deps.db, message.statements);
    if (prior.size === message.statements.length) return message.statements.map((_s, index) => ({ run: prior.get(index)!, created: false }));
    try {
      return await withTransaction(deps.db, async (trx) => {
        const outcomes: StatementOutcome[] = [];
        for (const [index, statement] of message.statements.entries()) {
          const done = prior.get(index);
          outcomes.push(done ? { run: done, created: false } : { run: await reconcileStatement(trx, deps, message, statement, context), created: true });
        }
        return outcomes;
      });
    } catch (error) {
      // Another reconciliation committed first (the same statement, or one confirming the same
      // payouts): start again and see what it left.
      if ((error instanceof ReconciledMeanwhile || isUniqueViolation(error)) && attempt < 3) continue;
      throw error;
    }
  }
}

async function reconcileStatement(trx: Executor, deps: ReconcileDeps, message: StatementMessage, statement: BankStatement, context: RunContext): Promise<RunRow> {
  const now = deps.clock.now();
  const currency = statement.account.currency;
  const clearing = systemAccountId('bank_clearing', currency);
  const deposits = systemAccountId('bank_deposits', currency);
  const statementDate = statement.closingBalance.date;
  // What we settled up to the statement's end was due on it: its period's end, or the end of its
  // day in the operator's zone.
  const cutoff = statement.period?.to ?? zonedInstant(addDays(statementDate, 1), 0, deps.timeZone);
  const since = new Date(cutoff.getTime() - deps.lookback_days * DAY_MS);
  const runId = newId('rec');
  const inserted = await insertRun(trx, {
    id: runId,
    accountNumber: statement.account.accountNumber,
    statementId: statement.statementId,
    statementDate,
    messageId: message.messageId,
    contentHash: statementHash(statement),
    currency,
    openingBalanceMinor: statement.openingBalance.amountMinor,
    closingBalanceMinor: statement.closingBalance.amountMinor,
    cutoffAt: cutoff,
    source: context.source,
    createdBy: context.actor.kind === 'staff' ? context.actor.staffId : `system:${context.actor.name}`,
    requestId: context.requestId ?? null,
    createdAt: now,
  });
  if (!inserted) throw new ReconciledMeanwhile();

  const named = [...new Set(statement.entries.filter((e) => e.status === 'booked' && e.endToEndId && (e.kind === 'payout' || e.kind === 'return')).map((e) => e.endToEndId!))];
  const ours = await selectSettlements(trx, clearing, PAYOUT_CODES, since, named);
  const seen = await selectSeen(trx, named);
  const bankItems = matchEntries({ currency, entries: statement.entries, ours, confirmed: seen.confirmed, returned: seen.returned });

  const transfers: TransferInput[] = [];
  const posted = bankItems.map((item) => {
    const transfer = postingFor(item, runId, currency, clearing, deposits);
    if (transfer) transfers.push(transfer);
    return { ...item, postedTransferId: transfer?.id ?? null };
  });
  await insertItems(trx, runId, posted);
  // After the bank items are in: a payout this statement confirmed is not outstanding.
  const outstanding = unmatchedOurs(await selectOutstanding(trx, clearing, PAYOUT_CODES, since, cutoff, deps.outstanding_max), currency);
  await insertItems(trx, runId, outstanding.map((item) => ({ ...item, postedTransferId: null })), posted.length);

  for (let start = 0; start < transfers.length; start += TRANSFERS_PER_CALL_MAX) {
    const chunk = transfers.slice(start, start + TRANSFERS_PER_CALL_MAX);
    const results = await deps.ledger.createTransfersIn(trx, chunk);
    const failed = results.findIndex((result) => !isSuccess(result));
    if (failed >= 0) throw new Error(`reconciliation: the ledger refused transfer ${chunk[failed]!.id} (${results[failed]})`);
  }

  const items = [...bankItems, ...outstanding];
  await openTasks(trx, tasksFor(items, runId, statement.statementId, now));
  const confirmedNow = bankItems.filter((i) => i.entryKind === 'payout' && (i.outcome === 'matched' || i.outcome === 'amount_mismatch')).map((i) => i.cashoutId!);
  await resolveTasksByReference(trx, 'unmatched_ours', confirmedNow, now, `the bank booked it on statement ${statement.statementId} (${runId})`);

  const balances = new Map((await deps.ledger.getBalances([clearing, deposits], trx)).map((b) => [b.account_id, b.posted]));
  const counts = Object.fromEntries(COUNTED.map((outcome) => [outcome, items.filter((i) => i.outcome === outcome).length])) as Record<ItemOutcome, number>;
  await finishRun(trx, runId, {
    clearingBalance: balances.get(clearing) ?? micros(0n),
    // bank_deposits mirrors the trust account from our side: money in is a debit to it.
    bookBalance: micros(-(balances.get(deposits) ?? 0n)),
    counts,
  });
  if (deps.audit) {
    await deps.audit(trx, {
      actor: context.actor.kind === 'staff' ? { kind: 'staff', id: context.actor.staffId } : { kind: 'system', id: context.actor.name },
      action: 'reconciliation.run',
      target: { kind: 'reconciliation_run', id: runId },
      after: { statement_id: statement.statementId, statement_date: statementDate, source: context.source, ...counts },
      requestId: context.requestId ?? null,
    });
  }
  return (await selectRun(trx, runId))!;
}

function postingFor(item: MatchItem, runId: string, currency: CurrencyCode, clearing: AccountId, deposits: AccountId): TransferInput | null {
  if (item.outcome === 'matched' && item.ourAmount !== null) {
    return {
      id: derivedUuid(`smallchange:reconciliation:confirm:${item.cashoutId}`) as TransferId,
      debit_account_id: clearing,
      credit_account_id: deposits,
      amount: item.ourAmount,
      currency,
      code: TRANSFER_CODES.cashout,
      metadata: { cashout: item.cashoutId, reconciliation: runId, bank_reference: item.bankReference },
    };
  }
  if (item.outcome === 'returned' && item.bankAmount !== null) {
    return {
      id: derivedUuid(`smallchange:reconciliation:return:${item.cashoutId}`) as TransferId,
      debit_account_id: deposits,
      credit_account_id: clearing,
      amount: item.bankAmount,
      currency,
      code: TRANSFER_CODES.cashout_return,
      metadata: { cashout: item.cashoutId, reconciliation: runId, bank_reference: item.bankReference, reason: item.returnReason?.code ?? null },
    };
  }
  return null;
}

const TASK_KIND: Partial<Record<ItemOutcome, FinanceTaskKind>> = { unmatched_ours: 'unmatched_ours', unmatched_bank: 'unmatched_bank', amount_mismatch: 'amount_mismatch' };

function tasksFor(items: readonly MatchItem[], runId: string, statementId: string, now: Date): NewTask[] {
  const tasks = new Map<string, NewTask>();
  for (const [position, item] of items.entries()) {
    const kind = TASK_KIND[item.outcome];
    if (!kind) continue;
    const reference = item.cashoutId ?? item.bankReference ?? `${statementId}#${position}`;
    const key = `${kind}:${reference}`;
    if (!tasks.has(key)) tasks.set(key, { id: newId('ftk'), kind, reference, detail: item.detail, runId, createdAt: now });
  }
  return [...tasks.values()];
}
