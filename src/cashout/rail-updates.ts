// What a rail tells us, applied to cash-outs. Answers arrive late, twice or out of order; they are
// folded per payout with the rails' one rule (mergeResult), and applied through the state table,
// which makes every application idempotent: a duplicate finds the cash-out already there, a stale
// "pending" changes nothing, and a final state never changes except settled → returned.
import type { Logger } from '../shared/logger.ts';
import { describeReason, mergeResult, type ItemResult, type RailUpdate } from '../rails/index.ts';
import { DomainError } from '../shared/errors.ts';
import { idToUuid } from '../shared/ids.ts';
import { selectCashout, selectCashouts } from './cashouts.sql.ts';
import type { CashoutDeps } from './deps.ts';
import { addApplied, routeResults, type AppliedUpdates } from './payout-owners.ts';
import { transition } from './transitions.ts';
import './errors.ts';

export type { AppliedUpdates } from './payout-owners.ts';

/** One merged answer per payout, in first-seen order. */
export function foldUpdates(updates: readonly RailUpdate[]): ItemResult[] {
  const merged = new Map<string, ItemResult>();
  for (const update of updates) merged.set(update.ref, mergeResult(merged.get(update.ref) ?? { ref: update.ref, state: 'unknown' }, update));
  return [...merged.values()];
}

/** The person-readable reason of a rail's rejection: our own code's words, or the ISO code's. */
function reasonTextOf(code: string, text: string, local: boolean | undefined): string {
  if (local) return text;
  return describeReason(code, 'en');
}

export async function applyRailResults(deps: CashoutDeps, results: readonly ItemResult[], actor: string): Promise<AppliedUpdates> {
  const report: AppliedUpdates = { settled: 0, failed: 0, returned: 0, conflicts: 0, unknown: 0 };
  const byId = new Map<string, ItemResult>();
  for (const result of results) {
    const id = idToUuid(result.ref, 'cot');
    if (id) byId.set(id, result);
    else report.unknown++;
  }
  const of = <S extends ItemResult['state']>(state: S) => [...byId].filter((entry): entry is [string, Extract<ItemResult, { state: S }>] => entry[1].state === state);

  const settled = await transition(deps, of('accepted').map(([id, r]) => ({ id, railReference: r.railReference ?? null })), 'settled', { actor, from: ['submitted'] });
  // A return proves the payout was made: one still waiting for its acceptance is settled first
  // (without its own SMS: the person hears of the return).
  await transition(deps, of('returned').map(([id]) => ({ id })), 'settled', { actor, from: ['submitted'], sms: false });
  const failed = await transition(
    deps,
    of('rejected').map(([id, r]) => ({ id, reasonCode: r.reasonCode, reasonText: reasonTextOf(r.reasonCode, r.reasonText, r.local) })),
    'failed',
    { actor, from: ['submitted'] },
  );
  const back = await transition(
    deps,
    of('returned').map(([id, r]) => ({ id, reasonCode: r.reasonCode, reasonText: describeReason(r.reasonCode, 'en') })),
    'returned',
    { actor },
  );
  report.settled = settled.length;
  report.failed = failed.length;
  report.returned = back.length;

  // Whatever did not move is already there (a duplicate answer: fine), contradicts a final state
  // (left for reconciliation), or is not one of ours.
  const moved = new Set([...settled, ...failed, ...back].map((row) => row.id));
  const rows = await selectCashouts(deps.db, [...byId.keys()].filter((id) => !moved.has(id)));
  const known = new Set(rows.map((row) => row.id));
  report.unknown += [...byId.keys()].filter((id) => !moved.has(id) && !known.has(id)).length;
  for (const row of rows) {
    const answer = byId.get(row.id)!.state;
    if (answer === 'pending' || answer === 'unknown') continue;
    const agrees =
      (answer === 'accepted' && (row.state === 'settled' || row.state === 'returned')) ||
      (answer === 'rejected' && row.state === 'failed') ||
      (answer === 'returned' && row.state === 'returned');
    if (!agrees) {
      report.conflicts++;
      warn(deps.logger, row.id, row.state, answer);
    }
  }
  return report;
}

function warn(logger: Logger, id: string, state: string, answer: string): void {
  logger.warn({ cashout: id, state, answer }, 'rail answer contradicts the cash-out state; left for reconciliation');
}

/**
 * Applies one message's updates (a status report, a webhook, a statement): the answers for other
 * modules' references (merchant settlements) go to their registered owner, the rest are ours.
 */
export async function applyRailUpdates(deps: CashoutDeps, updates: readonly RailUpdate[], actor: string): Promise<AppliedUpdates> {
  const { own, byOwner } = routeResults(deps.payoutOwners ?? [], foldUpdates(updates));
  const report = await applyRailResults(deps, own, actor);
  for (const [owner, results] of byOwner) addApplied(report, await owner.applyRailResults(results, actor));
  return report;
}

/**
 * The payee's bank sent a paid payout back (a camt.053 return, found by reconciliation): the
 * money goes back to the wallet with a new linked transfer, and the person is told. A payout
 * still waiting for its acceptance is settled first — a return proves it was paid.
 */
export async function markReturned(deps: CashoutDeps, cashoutId: string, reason: { code: string; text?: string }, actor = 'system:reconciliation'): Promise<'returned' | 'already_returned'> {
  const id = idToUuid(cashoutId, 'cot') ?? cashoutId;
  const row = await selectCashout(deps.db, id);
  if (!row) throw new DomainError('cashout_not_found', { param: 'id' });
  if (row.state === 'returned') return 'already_returned';
  if (row.state === 'submitted') await transition(deps, [{ id }], 'settled', { actor, from: ['submitted'], sms: false });
  const moved = await transition(deps, [{ id, reasonCode: reason.code, reasonText: reason.text ?? describeReason(reason.code, 'en') }], 'returned', { actor });
  if (moved.length === 1) return 'returned';
  const now = await selectCashout(deps.db, id);
  if (now?.state === 'returned') return 'already_returned';
  throw new DomainError('cashout_not_returnable', { data: { state: now?.state } });
}
