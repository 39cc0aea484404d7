// The reconciler job: finds cash-outs stuck in a non-final state and drives them to a final one,
// never paying twice and never leaving money reserved.
//   quotes     expired and never confirmed: any reservation made for them (a crash between
//              reserve and record) is voided, and the quote is lapsed;
//   reserved / screening    left by a crash: screened again (a stored refusal is applied);
//   held_for_review         whose hold has run out: screened again;
//   building batches        marked but never confirmed handed to the rail: handed again, same id;
//   submitted               no answer for too long: the rail's status query decides; a bank payout
//                           that a later statement does not show was never made → failed (void).
// The ledger's reservation timeout is the last line behind all of this; recovery warns before a
// reservation of a payout still at the bank runs out.
import { sql } from 'kysely';
import { withTransaction } from '../db/index.ts';
import { addBusinessDays } from '../policy/index.ts';
import { uuidToId } from '../shared/ids.ts';
import { latestStatementDate, selectBatches, selectBuildingBatches } from './batches.sql.ts';
import { selectHoldsDue, selectStale } from './cashouts.sql.ts';
import { submitBatch } from './channels.ts';
import { screenSubject } from './confirm.ts';
import type { CashoutDeps } from './deps.ts';
import { selectDestination } from './destinations.sql.ts';
import { cashoutTransferId, voidTransfers } from './ledger-plan.ts';
import { claimLapsedQuotes, markQuotesLapsed } from './quotes.sql.ts';
import { applyRailResults, type AppliedUpdates } from './rail-updates.ts';
import type { ScreeningDecision } from './screening.ts';
import type { CashoutRow, PayoutChannel } from './tables.ts';
import { transition } from './transitions.ts';

/** A limit on everything: rows looked at per kind of work per run. */
export const RECOVERY_BATCH = 500;

export interface RecoveryReport {
  lapsedQuotes: number;
  voidedStrayReservations: number;
  rescreened: number;
  resubmittedBatches: number;
  answered: AppliedUpdates;
  failedUnanswered: number;
  stillWaiting: number;
}

/** Expired, unconfirmed quotes: void anything reserved for them, then lapse them. */
async function lapseQuotes(deps: CashoutDeps, report: RecoveryReport): Promise<void> {
  const before = new Date(deps.clock.now().getTime() - deps.timings.quote_grace_ms);
  const quotes = await withTransaction(deps.db, (trx) => claimLapsedQuotes(trx, before, RECOVERY_BATCH));
  if (quotes.length === 0) return;
  const found = new Set((await deps.ledger.lookupTransfers(quotes.map((q) => cashoutTransferId(q.cashout_id, 'reserve', 'payout')))).map((t) => t.id as string));
  const stray = quotes.filter((q) => found.has(cashoutTransferId(q.cashout_id, 'reserve', 'payout')));
  if (stray.length > 0) {
    const transfers = stray.flatMap((q) => voidTransfers({ id: q.cashout_id, publicId: uuidToId(q.cashout_id, 'cot'), currency: q.currency, fee: q.fee }, 'quote_lapsed'));
    await deps.ledger.createTransfers(transfers);
    report.voidedStrayReservations += stray.length;
  }
  await withTransaction(deps.db, (trx) => markQuotesLapsed(trx, quotes.map((q) => q.id)));
  report.lapsedQuotes += quotes.length;
}

/** Screens a recorded cash-out again and moves it on: submitted, held again, or failed. */
export async function rescreen(deps: CashoutDeps, row: CashoutRow, actor: string): Promise<ScreeningDecision> {
  let state = row.state;
  const stored = row.screening as ScreeningDecision | null;
  if (state === 'screening' && stored?.outcome === 'refuse') {
    await transition(deps, [{ id: row.id, reasonCode: stored.code }], 'failed', { actor, from: ['screening'] });
    return stored;
  }
  if (state === 'reserved' || state === 'held_for_review') {
    const moved = await transition(deps, [{ id: row.id }], 'screening', { actor, from: [state], sms: false });
    if (moved.length === 0) return { outcome: 'pass' };
    state = 'screening';
  }
  const destination = await selectDestination(deps.db, row.destination_id);
  let decision: ScreeningDecision;
  if (!destination || destination.status !== 'active') {
    decision = { outcome: 'refuse', code: 'destination_not_found' };
  } else {
    const user = await deps.identity.getUser(deps.db, row.user_id);
    const policy = (await deps.policy.getVersion(row.policy_version)).policy;
    decision = await screenSubject(deps, deps.db, 'rescreen', policy, user, {
      cashoutId: row.id, userId: row.user_id, channel: row.channel, destination, debit: (row.payout + row.fee) as CashoutRow['payout'], origin: row.origin,
    });
  }
  if (decision.outcome === 'pass') await transition(deps, [{ id: row.id, screening: decision }], 'submitted', { actor, from: ['screening'] });
  else if (decision.outcome === 'hold') await transition(deps, [{ id: row.id, holdUntil: decision.until, reasonCode: decision.reason, screening: decision }], 'held_for_review', { actor, from: ['screening'] });
  else await transition(deps, [{ id: row.id, reasonCode: decision.code, screening: decision }], 'failed', { actor, from: ['screening'] });
  return decision;
}

async function resolveSubmitted(deps: CashoutDeps, channel: PayoutChannel, rows: CashoutRow[], report: RecoveryReport): Promise<void> {
  const rail = channel === 'bank' ? deps.rails.bank : deps.rails.wallet;
  if (!rail || rows.length === 0) return;
  const statuses = await rail.status(rows.map((row) => uuidToId(row.id, 'cot')));
  const answered = statuses.filter((s) => s.state === 'accepted' || s.state === 'rejected' || s.state === 'returned');
  const applied = await applyRailResults(deps, answered, 'system:recovery');
  for (const key of Object.keys(applied) as (keyof AppliedUpdates)[]) report.answered[key] += applied[key];

  const waiting = rows.map((row, i) => ({ row, status: statuses[i]! })).filter(({ status }) => status.state === 'pending' || status.state === 'unknown');
  const unanswered: CashoutRow[] = [];
  if (channel === 'bank' && waiting.length > 0) {
    // A bank payout the bank never answered is settled or not by the statements: if a statement
    // for a day after its execution date has come and not booked it, the bank never paid it.
    const latest = await latestStatementDate(deps.db);
    const policy = (await deps.policy.inForce()).policy;
    const batches = new Map((await selectBatches(deps.db, [...new Set(waiting.map(({ row }) => row.batch_id!))])).map((b) => [b.id, b]));
    for (const { row, status } of waiting) {
      const batch = batches.get(row.batch_id!);
      if (!batch || batch.state !== 'submitted') continue;
      if (status.state === 'unknown') {
        // The rail has no record of a payout we handed over: resending could pay twice.
        deps.alert('a payout in a submitted batch is unknown to the rail; not resent (it may have been paid)', { cashout: uuidToId(row.id, 'cot'), batch: batch.id });
      } else if (latest !== null && latest >= addBusinessDays(policy, batch.execution_date, 1)) {
        unanswered.push(row);
      }
    }
  }
  if (unanswered.length > 0) {
    const failed = await transition(
      deps,
      unanswered.map((row) => ({ id: row.id, reasonCode: 'no_answer', reasonText: 'The bank never answered and never booked the payout.' })),
      'failed',
      { actor: 'system:recovery', from: ['submitted'] },
    );
    report.failedUnanswered += failed.length;
  }
  const left = waiting.map(({ row }) => row).filter((row) => !unanswered.includes(row));
  report.stillWaiting += left.length;
  // Touched, so the next run looks at the others first (and this one again after the wait).
  if (left.length > 0) {
    await sql`UPDATE cashouts SET updated_at = ${deps.clock.now()} WHERE id = ANY(${left.map((r) => r.id)}::uuid[]) AND state = 'submitted'`.execute(deps.db);
  }
  const warnBefore = deps.clock.now().getTime() + deps.timings.reservation_warn_ms;
  for (const row of left) {
    const policy = (await deps.policy.getVersion(row.policy_version)).policy;
    const expires = row.created_at.getTime() + policy.cashout.reservation_timeout_hours * 3_600_000;
    if (expires < warnBefore) deps.alert('a payout still waits for the rail and its reservation runs out soon', { cashout: uuidToId(row.id, 'cot'), expires_at: new Date(expires).toISOString() });
  }
}

export async function runRecovery(deps: CashoutDeps): Promise<RecoveryReport> {
  const report: RecoveryReport = {
    lapsedQuotes: 0, voidedStrayReservations: 0, rescreened: 0, resubmittedBatches: 0,
    answered: { settled: 0, failed: 0, returned: 0, conflicts: 0, unknown: 0 }, failedUnanswered: 0, stillWaiting: 0,
  };
  const now = deps.clock.now();
  await lapseQuotes(deps, report);

  const stuck = await selectStale(deps.db, ['reserved', 'screening'], new Date(now.getTime() - deps.timings.stuck_ms), RECOVERY_BATCH);
  const due = await selectHoldsDue(deps.db, now, RECOVERY_BATCH);
  for (const row of [...stuck, ...due]) {
    await rescreen(deps, row, 'system:recovery');
    report.rescreened++;
  }

  for (const batch of await selectBuildingBatches(deps.db, new Date(now.getTime() - deps.timings.stuck_ms), RECOVERY_BATCH)) {
    await submitBatch(deps, batch);
    report.resubmittedBatches++;
  }

  const waiting = (await selectStale(deps.db, ['submitted'], new Date(now.getTime() - deps.timings.answer_wait_ms), RECOVERY_BATCH)).filter((row) => row.batch_id !== null);
  for (const channel of ['bank', 'wallet'] as const) await resolveSubmitted(deps, channel, waiting.filter((row) => row.channel === channel), report);
  return report;
}
