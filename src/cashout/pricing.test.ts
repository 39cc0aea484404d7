// The numbers of a quote: every unit accounted for, whole won paid, fees in the user's favour.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromMinor, MICROS_PER_MINOR, type Micros } from '../money/index.ts';
import { loadDefaultPolicy, type Policy } from '../policy/index.ts';
import { isNewDevice, otpReasons, priceCashout } from './pricing.ts';
import { receiptNumberFor, RECEIPT_NUMBER_PATTERN } from './receipt-number.ts';

let policy: Policy;
beforeAll(async () => {
  policy = (await loadDefaultPolicy()).policy;
});

describe('priceCashout', () => {
  it('pays whole won and keeps the dust in the wallet', () => {
    const price = priceCashout(policy, 'bank', (fromMinor(25_000n) + 3_500n) as Micros, 1);
    expect(price).toMatchObject({ fee: fromMinor(500n), payout: fromMinor(24_500n), dust: 3_500n, debit: fromMinor(25_000n) });
  });

  it('uses the free allowance first', () => {
    expect(priceCashout(policy, 'bank', fromMinor(10_000n), 0).fee).toBe(0n);
    expect(priceCashout(policy, 'bank', fromMinor(10_000n), 1).fee).toBe(fromMinor(500n));
  });

  it('rounds a percentage fee down (wallet: 0.3%)', () => {
    const price = priceCashout(policy, 'wallet', fromMinor(12_345n), 5);
    expect(price.fee).toBe(fromMinor(37n)); // 37.035 won, floored
    expect(price.payout).toBe(fromMinor(12_308n));
  });

  it('property: requested = payout + fee + dust; payout whole; dust below one won; fee ≤ requested', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 13n }), fc.constantFrom('bank' as const, 'wallet' as const), fc.nat(3), (amount, channel, used) => {
        const requested = amount as Micros;
        const price = priceCashout(policy, channel, requested, used);
        expect(price.payout + price.fee + price.dust).toBe(requested);
        expect(price.payout % MICROS_PER_MINOR).toBe(0n);
        expect(price.dust >= 0n && price.dust < MICROS_PER_MINOR).toBe(true);
        expect(price.fee >= 0n && price.fee <= requested).toBe(true);
        expect(price.debit).toBe(price.payout + price.fee);
      }),
    );
  });
});

describe('otpReasons', () => {
  const now = new Date('2026-01-13T01:00:00Z');
  const old = new Date('2025-12-01T00:00:00Z');
  it('asks for a code on a first payout, above the threshold, and on a new device', () => {
    expect(otpReasons(policy, { debit: fromMinor(10_000n), destinationPaidBefore: true, deviceFirstSeen: old, now })).toEqual([]);
    expect(otpReasons(policy, { debit: fromMinor(10_000n), destinationPaidBefore: false, deviceFirstSeen: old, now })).toEqual(['first_payout_to_destination']);
    expect(otpReasons(policy, { debit: fromMinor(300_001n), destinationPaidBefore: true, deviceFirstSeen: old, now })).toEqual(['above_threshold']);
    expect(otpReasons(policy, { debit: fromMinor(300_000n), destinationPaidBefore: true, deviceFirstSeen: old, now })).toEqual([]);
    expect(otpReasons(policy, { debit: fromMinor(1_000n), destinationPaidBefore: true, deviceFirstSeen: new Date(now.getTime() - 3_600_000), now })).toEqual(['new_device']);
    expect(isNewDevice(policy, null, now)).toBe(true);
  });
});

describe('receipt numbers', () => {
  it('carry the settlement year in Seoul and 12 base32 characters, stable per cash-out', () => {
    const at = new Date('2025-12-31T15:30:00Z'); // 2026-01-01 00:30 in Seoul
    const number = receiptNumberFor('0190f000-0000-7000-8000-000000000001', at, 'Asia/Seoul');
    expect(number).toMatch(RECEIPT_NUMBER_PATTERN);
    expect(number.startsWith('RCT-2026-')).toBe(true);
    expect(receiptNumberFor('0190f000-0000-7000-8000-000000000001', at, 'Asia/Seoul')).toBe(number);
    expect(receiptNumberFor('0190f000-0000-7000-8000-000000000001', at, 'Asia/Seoul', 1)).not.toBe(number);
    expect(number.length).toBeLessThanOrEqual(24);
  });
});
