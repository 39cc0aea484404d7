import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromMinor, type Micros, MICROS_PER_MINOR, micros, parseAmount } from '../money/index.ts';
import { computeCommission, computeFee } from './fees.ts';
import { loadDefaultPolicy } from './load.ts';
import type { FeeRule, Policy } from './schema.ts';

const policy = loadDefaultPolicy().policy;
const krw = (text: string) => parseAmount(text, 'KRW', { allowZero: true });

function withBankFee(rule: FeeRule): Policy {
  return { ...policy, fees: { ...policy.fees, bank: rule } };
}

describe('computeFee examples (default policy)', () => {
  it('bank: 500 KRW flat, the first payout of the month free', () => {
    const first = computeFee(policy, 'bank', krw('10000'), 0);
    expect(first.fee).toBe(0n);
    expect(first.breakdown.adjustment).toBe('free_allowance');
    expect(first.breakdown.free_allowance).toEqual({ per_month: 1, used_before: 0, applied: true, remaining_after: 0 });
    const second = computeFee(policy, 'bank', krw('10000'), 1);
    expect(second.fee).toBe(krw('500'));
    expect(second.net).toBe(krw('9500'));
    expect(second.breakdown.free_allowance.applied).toBe(false);
  });

  it('wallet: 0.3% rounded down to the won, after two free uses', () => {
    expect(computeFee(policy, 'wallet', krw('100000'), 2).fee).toBe(krw('300'));
    // 12,345.6789 × 0.3% = 37.0370367 → 37
    const odd = computeFee(policy, 'wallet', krw('12345.6789'), 2);
    expect(odd.fee).toBe(krw('37'));
    expect(odd.breakdown.percentage).toBe(krw('37.037'));
    expect(odd.net).toBe(krw('12308.6789'));
    // 333 × 0.3% = 0.999 → 0: the user keeps the fraction.
    expect(computeFee(policy, 'wallet', krw('333'), 2).fee).toBe(0n);
    expect(computeFee(policy, 'wallet', krw('1000000'), 2).fee).toBe(krw('500'));
  });

  it('agent: 1% raised to the 500 minimum and lowered to the 3,000 maximum', () => {
    expect(computeFee(policy, 'agent', krw('10000'), 0)).toMatchObject({ fee: krw('500'), breakdown: { adjustment: 'raised_to_min' } });
    expect(computeFee(policy, 'agent', krw('100000'), 0)).toMatchObject({ fee: krw('1000'), breakdown: { adjustment: 'none' } });
    expect(computeFee(policy, 'agent', krw('1000000'), 0)).toMatchObject({ fee: krw('3000'), breakdown: { adjustment: 'lowered_to_max' } });
  });

  it('never charges more than the amount', () => {
    expect(computeFee(policy, 'atm', krw('300.5'), 0)).toMatchObject({ fee: krw('300'), net: krw('0.5'), breakdown: { adjustment: 'capped_at_amount' } });
    expect(computeFee(policy, 'atm', krw('0'), 0).fee).toBe(0n);
  });

  it('charges nothing for merchant payments and sends by default', () => {
    expect(computeFee(policy, 'merchant', krw('55000'), 0).fee).toBe(0n);
    expect(computeFee(policy, 'send', krw('55000'), 0).fee).toBe(0n);
  });

  it('refuses a negative amount or a negative count', () => {
    expect(() => computeFee(policy, 'bank', micros(-1n), 0)).toThrow(RangeError);
    expect(() => computeFee(policy, 'bank', krw('1'), -1)).toThrow(RangeError);
  });

  it('agent commission rounds down and respects min and max', () => {
    // 0.3% of 33,333 = 99.999 → min 50 does not apply → 99
    expect(computeCommission(policy, 'cash_in', krw('33333')).commission).toBe(krw('99'));
    expect(computeCommission(policy, 'cash_in', krw('1000')).commission).toBe(krw('50'));
    expect(computeCommission(policy, 'cash_out', krw('100000000')).commission).toBe(krw('5000'));
  });
});

const wholeWon = (maxWon: number) => fc.bigInt({ min: 0n, max: BigInt(maxWon) }).map((won) => fromMinor(won));

const feeRule: fc.Arbitrary<FeeRule> = fc
  .record({
    fixed: wholeWon(5_000),
    percent_bps: fc.integer({ min: 0, max: 10_000 }),
    min: wholeWon(5_000),
    spread: fc.option(wholeWon(50_000), { nil: null }),
    free_allowance_per_month: fc.integer({ min: 0, max: 5 }),
  })
  .map(({ spread, ...rule }) => ({ ...rule, max: spread === null ? null : micros(rule.min + spread) }));

// Small amounts (where minimums and the amount cap bite) as often as large ones.
const amount = fc.oneof(fc.bigInt({ min: 0n, max: 100_000_000n }), fc.bigInt({ min: 0n, max: 10n ** 13n })).map((v) => v as Micros);
const used = fc.integer({ min: 0, max: 10 });

describe('computeFee properties', () => {
  it('a fee is whole won, never above the amount, and amount = net + fee', () => {
    fc.assert(
      fc.property(feeRule, amount, used, (rule, value, count) => {
        const { fee, net } = computeFee(withBankFee(rule), 'bank', value, count);
        expect(fee % MICROS_PER_MINOR).toBe(0n);
        expect(fee <= value).toBe(true);
        expect(fee >= 0n).toBe(true);
        expect(net + fee).toBe(value);
      }),
    );
  });

  it('never rounds up: unless raised to the minimum, fee ≤ fixed + amount × bps / 10,000 exactly, and within one won of it', () => {
    fc.assert(
      fc.property(feeRule, amount, (rule, value) => {
        const { fee, breakdown } = computeFee(withBankFee({ ...rule, free_allowance_per_month: 0 }), 'bank', value, 0);
        const exactTimes10k = rule.fixed * 10_000n + value * BigInt(rule.percent_bps);
        const minimumApplies = rule.min * 10_000n > exactTimes10k;
        if (!minimumApplies) expect(fee * 10_000n <= exactTimes10k).toBe(true);
        if (breakdown.adjustment === 'none') expect(exactTimes10k - fee * 10_000n < MICROS_PER_MINOR * 10_000n).toBe(true);
      }),
    );
  });

  it('respects the minimum (unless the amount is smaller) and the maximum', () => {
    fc.assert(
      fc.property(feeRule, amount, (rule, value) => {
        const { fee, breakdown } = computeFee(withBankFee({ ...rule, free_allowance_per_month: 0 }), 'bank', value, 0);
        if (rule.max !== null) expect(fee <= rule.max).toBe(true);
        if (breakdown.adjustment !== 'capped_at_amount') expect(fee >= rule.min).toBe(true);
        else expect(fee).toBe(value - (value % MICROS_PER_MINOR));
      }),
    );
  });

  it('the free allowance makes the first uses of the month free, and only those', () => {
    fc.assert(
      fc.property(feeRule, amount, used, (rule, value, count) => {
        const result = computeFee(withBankFee(rule), 'bank', value, count);
        const paid = computeFee(withBankFee({ ...rule, free_allowance_per_month: 0 }), 'bank', value, count);
        if (count < rule.free_allowance_per_month) {
          expect(result.fee).toBe(0n);
          expect(result.breakdown.free_allowance.remaining_after).toBe(rule.free_allowance_per_month - count - 1);
        } else {
          expect(result.fee).toBe(paid.fee);
          expect(result.breakdown.free_allowance.remaining_after).toBe(0);
        }
      }),
    );
  });

  it('a larger amount never costs a smaller fee (monotonic)', () => {
    fc.assert(
      fc.property(feeRule, amount, amount, (rule, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const p = withBankFee({ ...rule, free_allowance_per_month: 0 });
        expect(computeFee(p, 'bank', low, 0).fee <= computeFee(p, 'bank', high, 0).fee).toBe(true);
      }),
    );
  });
});
