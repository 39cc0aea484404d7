// The background work of cash-out, each a function the scheduler (service.ts), the CLI and the
// tests call the same way:
//   runDueBankBatches   at each policy batch time on business days (each time once, across
//                       processes), and early when the queue reaches the batch size;
//   ingestBank          pain.002 answers → settled / failed; camt.053 statements → the statement
//                       handler (reconciliation), whose default settles booked payouts whose
//                       answer was lost and returns what the bank sent back;
//   ingestWallet        the partner wallet's answers.
import { withTransaction } from '../db/index.ts';
import { isBusinessDay, localDateTime, minutesOfDay, toLocalDate } from '../policy/index.ts';
import type { BankUpdateBatch, IngestReport } from '../rails/index.ts';
import { claimSlot, countUnbatched, recordStatementDate } from './batches.sql.ts';
import { runBatches, type BatchReport } from './channels.ts';
import type { CashoutDeps } from './deps.ts';
import { addApplied } from './payout-owners.ts';
import { applyRailUpdates, type AppliedUpdates } from './rail-updates.ts';

export type StatementBatch = Extract<BankUpdateBatch, { kind: 'camt.053.001.08' }>;

/**
 * Reads a bank statement. The reconciliation module installs its own (matching against the
 * clearing account); `applyStatement` is this module's part of the work, which it may call.
 */
export type StatementHandler = (batch: StatementBatch, applyStatement: (batch: StatementBatch) => Promise<AppliedUpdates>) => Promise<void>;

export const defaultStatementHandler: StatementHandler = async (batch, applyStatement) => {
  await applyStatement(batch);
};

/** Scheduled batch times that are due now and have not run, as "YYYY-MM-DD HH:MM" slots. */
export function dueSlots(times: readonly string[], now: Date, timeZone: string): string[] {
  const local = localDateTime(now, timeZone);
  const minutes = local.hour * 60 + local.minute;
  return times.filter((time) => minutesOfDay(time) <= minutes).map((time) => `${local.date} ${time}`);
}

export async function runDueBankBatches(deps: CashoutDeps): Promise<BatchReport[]> {
  if (!deps.rails.bank) return [];
  const policy = (await deps.policy.inForce()).policy;
  const now = deps.clock.now();
  const rule = policy.cashout.batching.bank;
  // No schedule in the policy: a batch whenever something waits.
  if (!rule) return runBatches(deps, 'bank');
  const reports: BatchReport[] = [];
  if (isBusinessDay(policy, toLocalDate(now, policy.time_zone))) {
    for (const slot of dueSlots(rule.times, now, policy.time_zone)) {
      if (await withTransaction(deps.db, (trx) => claimSlot(trx, 'bank', slot, now))) reports.push(...(await runBatches(deps, 'bank', slot)));
    }
  }
  if ((await countUnbatched(deps.db, 'bank')) >= rule.max_items) reports.push(...(await runBatches(deps, 'bank', 'size')));
  return reports;
}

export interface BankIngestReport extends IngestReport {
  updates: AppliedUpdates;
}

function emptyApplied(): AppliedUpdates {
  return { settled: 0, failed: 0, returned: 0, conflicts: 0, unknown: 0 };
}


/** What a statement means for cash-outs: booked payouts are paid, returns come back. */
export async function applyStatement(deps: CashoutDeps, batch: StatementBatch): Promise<AppliedUpdates> {
  return applyRailUpdates(deps, batch.updates, 'system:bank_statement');
}

export async function ingestBank(deps: CashoutDeps, statementHandler: StatementHandler = defaultStatementHandler): Promise<BankIngestReport> {
  const rail = deps.rails.bank;
  if (!rail) return { applied: [], duplicates: [], rejected: [], updates: emptyApplied() };
  const updates = emptyApplied();
  const report = await rail.ingest(async (batch) => {
    if (batch.kind === 'pain.002.001.11') {
      addApplied(updates, await applyRailUpdates(deps, batch.updates, 'system:bank_status'));
      return;
    }
    const now = deps.clock.now();
    await withTransaction(deps.db, async (trx) => {
      for (const statement of batch.statement.statements) await recordStatementDate(trx, statement.closingBalance.date, batch.messageId, now);
    });
    await statementHandler(batch, async (b) => {
      const applied = await applyStatement(deps, b);
      addApplied(updates, applied);
      return applied;
    });
  });
  for (const rejected of report.rejected) deps.logger.warn({ file: rejected.source, errors: rejected.errors.slice(0, 5) }, 'bank file rejected whole: it did not validate');
  return { ...report, updates };
}

export async function ingestWallet(deps: CashoutDeps): Promise<BankIngestReport> {
  const rail = deps.rails.wallet;
  if (!rail) return { applied: [], duplicates: [], rejected: [], updates: emptyApplied() };
  const updates = emptyApplied();
  const report = await rail.ingest(async (batch) => {
    addApplied(updates, await applyRailUpdates(deps, batch.updates, 'system:wallet_status'));
  });
  return { ...report, updates };
}
