// Routing the bank's answers: a reference with a registered owner's prefix goes to that owner,
// everything else (cot_…, and anything unknown) stays with cash-out, which counts it.
import { describe, expect, test } from 'vitest';
import type { ItemResult } from '../rails/index.ts';
import { addApplied, routeResults, type AppliedUpdates, type PayoutOwner } from './payout-owners.ts';

const at = new Date('2026-01-13T01:00:00Z');
const owner = (prefix: string): PayoutOwner => ({ prefix, applyRailResults: async () => ({ settled: 0, failed: 0, returned: 0, conflicts: 0, unknown: 0 }) });

describe('routeResults', () => {
  test('each owner gets the answers for its prefix only; the rest are cash-out\'s', () => {
    const rct = owner('rct');
    const results: ItemResult[] = [
      { ref: 'cot_01h000000000000000000000aa', state: 'accepted', at },
      { ref: 'rct_01h000000000000000000000bb', state: 'rejected', at, reasonCode: 'AC04', reasonText: 'closed' },
      { ref: 'rctx_01h000000000000000000000c', state: 'accepted', at },
      { ref: 'rct_01h000000000000000000000dd', state: 'accepted', at },
    ];
    const { own, byOwner } = routeResults([rct], results);
    expect(own.map((r) => r.ref)).toEqual(['cot_01h000000000000000000000aa', 'rctx_01h000000000000000000000c']);
    expect(byOwner.get(rct)!.map((r) => r.ref)).toEqual(['rct_01h000000000000000000000bb', 'rct_01h000000000000000000000dd']);
    expect(routeResults([], results).own).toHaveLength(4);
  });

  test('addApplied sums every count', () => {
    const total: AppliedUpdates = { settled: 1, failed: 2, returned: 3, conflicts: 4, unknown: 5 };
    addApplied(total, { settled: 10, failed: 20, returned: 30, conflicts: 40, unknown: 50 });
    expect(total).toEqual({ settled: 11, failed: 22, returned: 33, conflicts: 44, unknown: 55 });
  });
});
