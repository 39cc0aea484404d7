import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Micros, micros, parseAmount, ZERO } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import { KYC_TIERS, LIMIT_KINDS, type KycTier, type LimitKind } from './constants.ts';
import {
  evaluateBalanceCap,
  evaluateLimits,
  limitHeadroom,
  limitRefusalError,
  type LimitUsage,
  selfLimitEffectiveAt,
  type SelfLimits,
  splitAtBalanceCap,
} from './limits.ts';
import { loadDefaultPolicy } from './load.ts';

const policy = loadDefaultPolicy().policy;
const krw = (text: string) => parseAmount(text, 'KRW', { allowZero: true });
const none: LimitUsage = { day: { sum: ZERO, count: 0 }, month: { sum: ZERO, count: 0 }, all_today: { sum: ZERO, count: 0 } };
const usage = (day: string, month: string, allToday: string, countToday = 0): LimitUsage => ({
  day: { sum: krw(day), count: 0 },
  month: { sum: krw(month), count: 0 },
  all_today: { sum: krw(allToday), count: countToday },
});

describe('evaluateLimits (tier 1 cash-out: 1..1,000,000 per transaction, 1,000,000/day, 2,000,000/month, 60 and 2,000,000 per day overall)', () => {
  const cashOut = (amount: string, u: LimitUsage = none, selfLimits?: SelfLimits) =>
    evaluateLimits(policy, { tier: 1, kind: 'cash_out', amount: krw(amount), usage: u, ...(selfLimits ? { selfLimits } : {}) });

  it('allows and reports what is left after the transaction', () => {
    expect(cashOut('100000')).toEqual({
      allowed: true,
      remaining: {
        per_transaction_min: krw('1'),
        per_transaction_max: krw('1000000'),
        day: krw('900000'),
        month: krw('1900000'),
        velocity_count: 59,
        velocity_sum: krw('1900000'),
        max_amount: krw('900000'),
      },
    });
  });

  it('refuses below the minimum and above the maximum per transaction', () => {
    expect(cashOut('0.5')).toMatchObject({ allowed: false, code: 'below_minimum', period: 'transaction', limit: { amount: krw('1') } });
    expect(cashOut('1000000.0001')).toMatchObject({ allowed: false, code: 'above_maximum', limit: { amount: krw('1000000') } });
  });

  it('refuses over the tier’s daily and monthly caps, showing what would still fit', () => {
    expect(cashOut('100000', usage('950000', '950000', '950000'))).toMatchObject({
      allowed: false,
      code: 'limit_exceeded',
      period: 'day',
      scope: 'tier',
      limit: { amount: krw('1000000') },
      headroom: { day: krw('50000'), max_amount: krw('50000') },
    });
    expect(cashOut('100000', usage('0', '1950000', '0'))).toMatchObject({ code: 'limit_exceeded', period: 'month', headroom: { max_amount: krw('50000') } });
    // Exactly at the cap is allowed.
    expect(cashOut('50000', usage('950000', '950000', '950000')).allowed).toBe(true);
  });

  it('applies the user’s own caps when tighter, with their own code', () => {
    expect(cashOut('60000', none, { cash_out: { daily: krw('50000') } })).toMatchObject({ code: 'self_limit_exceeded', period: 'day', scope: 'self', limit: { amount: krw('50000') } });
    expect(cashOut('60000', usage('0', '100000', '0'), { cash_out: { monthly: krw('150000') } })).toMatchObject({ code: 'self_limit_exceeded', period: 'month' });
    // A self cap above the tier's changes nothing; a self cap on another kind does not apply.
    expect(cashOut('900000', none, { cash_out: { daily: krw('5000000') }, spend: { daily: krw('1') } }).allowed).toBe(true);
    // Null means "no self cap".
    expect(cashOut('900000', none, { cash_out: { daily: null, monthly: null } }).allowed).toBe(true);
  });

  it('refuses beyond the daily velocity: count of all movements, then their sum', () => {
    expect(cashOut('1000', usage('0', '0', '10000', 60))).toMatchObject({ code: 'velocity_exceeded', limit: { count: 60 }, headroom: { velocity_count: 0, max_amount: ZERO } });
    expect(cashOut('100000', usage('0', '0', '1950000', 5))).toMatchObject({ code: 'velocity_exceeded', limit: { amount: krw('2000000') } });
  });

  it('checks in a fixed order: the per-transaction maximum before the daily cap', () => {
    expect(cashOut('2000000', usage('999999', '999999', '999999'))).toMatchObject({ code: 'above_maximum' });
  });

  it('refuses a non-positive amount as a programmer error', () => {
    expect(() => evaluateLimits(policy, { tier: 1, kind: 'cash_out', amount: ZERO, usage: none })).toThrow(RangeError);
  });

  it('becomes an API error with param "amount" and the cap', () => {
    const decision = cashOut('100000', usage('950000', '950000', '950000'));
    if (decision.allowed) throw new Error('expected a refusal');
    const error = limitRefusalError(policy, decision);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('limit_exceeded');
    expect(error.status).toBe(400);
    expect(error.details).toEqual({
      param: 'amount',
      data: { period: 'day', scope: 'tier', limit: { amount: '1000000', currency: 'KRW' }, max_amount: { amount: '50000', currency: 'KRW' } },
    });
    expect(error.localizedMessage('ko')).toMatch(/한도/);
  });
});

describe('balance caps', () => {
  it('a credit over the cap is split: what fits is accepted, the rest held', () => {
    expect(splitAtBalanceCap(policy, 0, krw('450000'), krw('100000'))).toEqual({ accepted: krw('50000'), held: krw('50000'), cap: krw('500000') });
    expect(splitAtBalanceCap(policy, 1, krw('450000'), krw('100000'))).toEqual({ accepted: krw('100000'), held: ZERO, cap: krw('2000000') });
    // A balance already over the cap (e.g. after a tier was lowered) takes nothing more.
    expect(splitAtBalanceCap(policy, 0, krw('600000'), krw('1'))).toEqual({ accepted: ZERO, held: krw('1'), cap: krw('500000') });
  });

  it('a movement that must fit whole is refused over the cap', () => {
    expect(evaluateBalanceCap(policy, 0, krw('450000'), krw('50000'))).toEqual({ allowed: true, cap: krw('500000'), room_after: ZERO });
    expect(evaluateBalanceCap(policy, 0, krw('450000'), krw('50000.0001'))).toEqual({
      allowed: false,
      code: 'balance_cap_exceeded',
      cap: krw('500000'),
      room: krw('50000'),
      excess: krw('0.0001'),
    });
  });
});

describe('self-limit changes', () => {
  const now = new Date('2026-03-10T01:00:00Z');
  const later = new Date('2026-03-11T01:00:00Z');
  it('lowering or setting a first cap takes effect at once; raising or removing waits 24 hours', () => {
    expect(selfLimitEffectiveAt(policy, krw('100000'), krw('50000'), now)).toEqual(now);
    expect(selfLimitEffectiveAt(policy, null, krw('50000'), now)).toEqual(now);
    expect(selfLimitEffectiveAt(policy, krw('100000'), krw('100000'), now)).toEqual(now);
    expect(selfLimitEffectiveAt(policy, krw('50000'), krw('100000'), now)).toEqual(later);
    expect(selfLimitEffectiveAt(policy, krw('50000'), null, now)).toEqual(later);
    expect(selfLimitEffectiveAt(policy, null, null, now)).toEqual(now);
  });
});

describe('limit properties', () => {
  const tier = fc.constantFrom<KycTier>(...KYC_TIERS);
  const kind = fc.constantFrom<LimitKind>(...LIMIT_KINDS);
  const money = (maxWon: bigint) => fc.bigInt({ min: 0n, max: maxWon * 10_000n }).map((v) => micros(v));
  // Usage mostly within the caps, so that allowed and refused cases both come up often.
  const period = fc.record({ sum: fc.oneof(money(1_000_000n), money(60_000_000n)), count: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 600 })) });
  const usageArb: fc.Arbitrary<LimitUsage> = fc.record({ day: period, month: period, all_today: period });
  const cap = fc.option(money(20_000_000n), { nil: null });
  const selfArb: fc.Arbitrary<SelfLimits> = fc.record({ cash_out: fc.record({ daily: cap, monthly: cap }), spend: fc.record({ daily: cap, monthly: cap }) });
  const amount = fc.oneof(money(100n), money(20_000_000n)).filter((v) => v > 0n);

  it('an allowed amount never exceeds any cap, and a refused one exceeds at least one', () => {
    fc.assert(
      fc.property(tier, kind, amount, usageArb, selfArb, (t, k, a, u, self) => {
        const caps = policy.tiers[t]!;
        const selfCaps = self[k];
        const breaks = [
          a < caps.per_transaction.min,
          a > caps.per_transaction.max,
          u.day.sum + a > caps[k].daily,
          u.month.sum + a > caps[k].monthly,
          selfCaps?.daily != null && u.day.sum + a > selfCaps.daily,
          selfCaps?.monthly != null && u.month.sum + a > selfCaps.monthly,
          u.all_today.count + 1 > caps.velocity.count_per_day,
          u.all_today.sum + a > caps.velocity.sum_per_day,
        ];
        const decision = evaluateLimits(policy, { tier: t, kind: k, amount: a, usage: u, selfLimits: self });
        expect(decision.allowed).toBe(!breaks.some(Boolean));
      }),
      { numRuns: 2000 },
    );
  });

  it('max_amount is exactly the largest amount allowed now', () => {
    fc.assert(
      fc.property(tier, kind, usageArb, selfArb, (t, k, u, self) => {
        const { max_amount } = limitHeadroom(policy, t, k, u, self);
        const request = (a: Micros) => evaluateLimits(policy, { tier: t, kind: k, amount: a, usage: u, selfLimits: self });
        if (max_amount > 0n) expect(request(max_amount).allowed).toBe(true);
        expect(request(micros(max_amount + 1n)).allowed).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('what an allowed transaction leaves is never more than before', () => {
    fc.assert(
      fc.property(tier, kind, amount, usageArb, selfArb, (t, k, a, u, self) => {
        const decision = evaluateLimits(policy, { tier: t, kind: k, amount: a, usage: u, selfLimits: self });
        if (!decision.allowed) return;
        const before = limitHeadroom(policy, t, k, u, self);
        expect(decision.remaining.day).toBe(before.day - a);
        expect(decision.remaining.month).toBe(before.month - a);
        expect(decision.remaining.velocity_count).toBe(before.velocity_count - 1);
      }),
      { numRuns: 1000 },
    );
  });
});
