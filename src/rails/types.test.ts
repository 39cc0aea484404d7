import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeResult, type ItemResult, type RailUpdate } from './types.ts';

const at = new Date('2026-01-15T01:00:00Z');
const pending: RailUpdate = { ref: 'cot_1', state: 'pending', since: at };
const accepted: RailUpdate = { ref: 'cot_1', state: 'accepted', at, railReference: 'KB-1' };
const rejected: RailUpdate = { ref: 'cot_1', state: 'rejected', at, reasonCode: 'AC04', reasonText: 'closed' };
const settled: RailUpdate = { ref: 'cot_1', state: 'accepted', at, settledOn: '2026-01-15', railReference: 'KB-1' };
const returned: RailUpdate = { ref: 'cot_1', state: 'returned', at, reasonCode: 'MD07', reasonText: 'deceased', returnedOn: '2026-01-18', amountMinor: 1000n };
const unknown: ItemResult = { ref: 'cot_1', state: 'unknown' };

const RANK = { unknown: 0, pending: 1, accepted: 2, rejected: 2, returned: 3 } as const;

function fold(updates: readonly RailUpdate[]): ItemResult {
  return updates.reduce<ItemResult>((current, update) => mergeResult(current, update), unknown);
}

describe('mergeResult', () => {
  it('never goes back: a stale pending after a final answer changes nothing', () => {
    expect(fold([accepted, pending])).toEqual(accepted);
    expect(fold([rejected, pending])).toEqual(rejected);
    expect(fold([pending, accepted])).toEqual(accepted);
  });

  it('keeps the first final answer, and adds the settlement date from the statement', () => {
    expect(fold([accepted, rejected])).toEqual(accepted);
    expect(fold([rejected, accepted])).toEqual(rejected);
    expect(fold([accepted, settled])).toEqual({ ...accepted, settledOn: '2026-01-15' });
    expect(fold([settled, accepted])).toEqual(settled);
  });

  it('lets a booking on the statement beat a rejection: the money did move', () => {
    expect(fold([rejected, settled])).toEqual(settled);
  });

  it('puts a return after everything', () => {
    expect(fold([accepted, returned, settled, pending])).toEqual(returned);
    expect(fold([returned, accepted])).toEqual(returned);
  });

  it('property: the result ranks as high as the highest update, and pending updates never change it', () => {
    const update = fc.constantFrom(pending, accepted, rejected, settled, returned);
    fc.assert(
      fc.property(fc.array(update, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(12), { maxLength: 5 }), (updates, pendingAt) => {
        const merged = fold(updates);
        expect(RANK[merged.state]).toBe(Math.max(...updates.map((u) => RANK[u.state])));
        const withPending = [...updates];
        for (const position of pendingAt) withPending.splice(Math.min(position, withPending.length), 0, pending);
        if (updates.some((u) => u.state !== 'pending')) expect(fold(withPending)).toEqual(merged);
      }),
    );
  });
});
