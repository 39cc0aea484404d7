import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { micros, type Micros } from '../money/index.ts';
import { refundSplit, splitBySpendOrder, splitTotal, type ClassSplit } from './funding.ts';

const m = (n: number) => micros(BigInt(n));
const split = (spendOnly: number, cashable: number): ClassSplit => ({ spend_only: m(spendOnly), cashable: m(cashable) });

describe('splitBySpendOrder', () => {
  it('takes spend-only value first, then cashable, as the default policy orders', () => {
    expect(splitBySpendOrder(['spend_only', 'cashable'], split(300, 1_000), m(500))).toEqual(split(300, 200));
    expect(splitBySpendOrder(['spend_only', 'cashable'], split(800, 1_000), m(500))).toEqual(split(500, 0));
  });
  it('follows another order when the policy says so', () => {
    expect(splitBySpendOrder(['cashable', 'spend_only'], split(300, 400), m(500))).toEqual(split(100, 400));
  });
  it('refuses what the classes together do not hold, and ignores negative availability', () => {
    expect(splitBySpendOrder(['spend_only', 'cashable'], split(300, 199), m(500))).toBeNull();
    expect(splitBySpendOrder(['spend_only', 'cashable'], split(-50, 500), m(500))).toEqual(split(0, 500));
  });
  it('always takes exactly the amount, never more of a class than it has', () => {
    fc.assert(fc.property(fc.nat(10_000), fc.nat(10_000), fc.integer({ min: 1, max: 25_000 }), (s, c, a) => {
      const taken = splitBySpendOrder(['spend_only', 'cashable'], split(s, c), m(a));
      if (s + c < a) {
        expect(taken).toBeNull();
        return;
      }
      expect(splitTotal(taken!)).toBe(m(a));
      expect(taken!.spend_only <= m(s) && taken!.cashable <= m(c)).toBe(true);
    }));
  });
});

describe('refundSplit', () => {
  it('returns spend-only value first and never more of a class than was paid from it', () => {
    const paid = split(300, 700);
    expect(refundSplit(paid, split(0, 0), m(400))).toEqual(split(300, 100));
    expect(refundSplit(paid, split(300, 100), m(600))).toEqual(split(0, 600));
    expect(refundSplit(paid, split(300, 100), m(601))).toBeNull();
  });
  it('over any sequence of refunds, never returns more cashable than was paid in cashable', () => {
    fc.assert(fc.property(fc.nat(5_000), fc.nat(5_000), fc.array(fc.integer({ min: 1, max: 3_000 }), { maxLength: 8 }), (s, c, refunds) => {
      const paid = split(s, c);
      let refunded: ClassSplit = split(0, 0);
      for (const r of refunds) {
        const part = refundSplit(paid, refunded, m(r));
        if (!part) continue;
        refunded = { spend_only: (refunded.spend_only + part.spend_only) as Micros, cashable: (refunded.cashable + part.cashable) as Micros };
      }
      expect(refunded.spend_only <= paid.spend_only && refunded.cashable <= paid.cashable).toBe(true);
    }));
  });
});
