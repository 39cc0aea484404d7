// Payouts the bank rail carries for other modules. The bank's answers (pain.002, camt.053) name
// every item by its end-to-end reference; cash-outs are `cot_…`, and another module that pays
// through the same rail (merchant settlement: `rct_…`) registers here to take the answers for its
// own references. Cash-out does not know those modules: they implement this port, and the
// composition root (src/runtime.ts) registers them — the dependency points their way, not ours.
import type { ItemResult } from '../rails/index.ts';

/** What applying a set of answers did, counted the way cash-out counts its own. */
export interface AppliedUpdates {
  settled: number;
  failed: number;
  returned: number;
  /** Answers that contradict what the payout already is (for reconciliation). */
  conflicts: number;
  unknown: number;
}

export interface PayoutOwner {
  /** The TypeID prefix of the references this owner pays (without the underscore), e.g. `rct`. */
  readonly prefix: string;
  /**
   * Books the bank's merged answers for this owner's references. Must be idempotent: the same
   * answer twice, or a stale one after a final state, books nothing.
   */
  applyRailResults(results: readonly ItemResult[], actor: string): Promise<AppliedUpdates>;
}

/** Splits answers into cash-out's own and each registered owner's. */
export function routeResults(owners: readonly PayoutOwner[], results: readonly ItemResult[]): { own: ItemResult[]; byOwner: Map<PayoutOwner, ItemResult[]> } {
  const own: ItemResult[] = [];
  const byOwner = new Map<PayoutOwner, ItemResult[]>();
  for (const result of results) {
    const owner = owners.find((o) => result.ref.startsWith(`${o.prefix}_`));
    if (!owner) {
      own.push(result);
      continue;
    }
    const list = byOwner.get(owner) ?? [];
    list.push(result);
    byOwner.set(owner, list);
  }
  return { own, byOwner };
}

export function addApplied(total: AppliedUpdates, more: AppliedUpdates): void {
  total.settled += more.settled;
  total.failed += more.failed;
  total.returned += more.returned;
  total.conflicts += more.conflicts;
  total.unknown += more.unknown;
}
