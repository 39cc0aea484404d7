// Fees and commissions. Every rounding goes the user's way (DESIGN §2): the percentage is
// floored in micro-units, the fee is floored to whole minor units, and a fee never exceeds the
// amount it is charged on.
import { add, floorToMinor, type Micros, percentOfFloor, sub, ZERO } from '../money/index.ts';
import type { FeeChannel } from './constants.ts';
import type { Policy, RateRule } from './schema.ts';

export type FeeAdjustment =
  /** fixed + percentage, floored to whole minor units. */
  | 'none'
  | 'raised_to_min'
  | 'lowered_to_max'
  /** The fee would have been larger than the amount: it is the amount, floored. */
  | 'capped_at_amount'
  | 'free_allowance';

export interface RateBreakdown {
  fixed: Micros;
  percent_bps: number;
  /** amount × percent_bps / 10,000, floored to micro-units. */
  percentage: Micros;
  /** fixed + percentage before rounding to minor units. */
  raw: Micros;
  min: Micros;
  max: Micros | null;
  adjustment: FeeAdjustment;
}

export interface FeeBreakdown extends RateBreakdown {
  channel: FeeChannel;
  free_allowance: {
    per_month: number;
    used_before: number;
    applied: boolean;
    /** Free uses left this month after this one. */
    remaining_after: number;
  };
}

export interface FeeResult {
  fee: Micros;
  /** amount − fee: what a cash-out pays or a send delivers. */
  net: Micros;
  breakdown: FeeBreakdown;
}

function applyRate(rule: RateRule, amount: Micros): { value: Micros; breakdown: RateBreakdown } {
  const percentage = percentOfFloor(amount, BigInt(rule.percent_bps));
  const raw = add(rule.fixed, percentage);
  let value = floorToMinor(raw);
  let adjustment: FeeAdjustment = 'none';
  if (value < rule.min) {
    value = rule.min;
    adjustment = 'raised_to_min';
  }
  if (rule.max !== null && value > rule.max) {
    value = rule.max;
    adjustment = 'lowered_to_max';
  }
  const ceiling = floorToMinor(amount);
  if (value > ceiling) {
    value = ceiling;
    adjustment = 'capped_at_amount';
  }
  return { value, breakdown: { fixed: rule.fixed, percent_bps: rule.percent_bps, percentage, raw, min: rule.min, max: rule.max, adjustment } };
}

/**
 * The fee for moving `amount` through a channel, given how many free uses of that channel the
 * user already had this calendar month (operator time zone; the caller counts them).
 */
export function computeFee(policy: Policy, channel: FeeChannel, amount: Micros, usedFreeThisMonth: number): FeeResult {
  if (amount < 0n) throw new RangeError('a fee is computed on a non-negative amount');
  if (!Number.isInteger(usedFreeThisMonth) || usedFreeThisMonth < 0) throw new RangeError('usedFreeThisMonth is a count ≥ 0');
  const rule = policy.fees[channel];
  const { value, breakdown } = applyRate(rule, amount);
  const perMonth = rule.free_allowance_per_month;
  const free = usedFreeThisMonth < perMonth;
  const fee = free ? ZERO : value;
  return {
    fee,
    net: sub(amount, fee),
    breakdown: {
      ...breakdown,
      channel,
      adjustment: free ? 'free_allowance' : breakdown.adjustment,
      free_allowance: {
        per_month: perMonth,
        used_before: usedFreeThisMonth,
        applied: free,
        remaining_after: Math.max(0, perMonth - usedFreeThisMonth - (free ? 1 : 0)),
      },
    },
  };
}

/** What the operator pays an agent for a cash-in or cash-out of `amount`, rounded down. */
export function computeCommission(policy: Policy, kind: 'cash_in' | 'cash_out', amount: Micros): { commission: Micros; breakdown: RateBreakdown } {
  if (amount < 0n) throw new RangeError('a commission is computed on a non-negative amount');
  const { value, breakdown } = applyRate(policy.agents.commission[kind], amount);
  return { commission: value, breakdown };
}
