// One pure rule for every face (API, USSD, web, agent counter): given the user's tier, their own
// limits and what they already moved this day and month, may this amount go? The caller counts
// usage in the operator's local day and month (calendar.ts windows) and holds the lock; this
// file only decides.
import { toWire, type Micros, micros, min as minMicros, ZERO } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import type { KycTier, LimitKind } from './constants.ts';
import type { Policy, TierPolicy } from './schema.ts';
import './errors.ts';

export interface PeriodUsage {
  sum: Micros;
  count: number;
}

export interface LimitUsage {
  /** This kind's outgoing movements so far in the operator's local day. */
  day: PeriodUsage;
  /** This kind's outgoing movements so far in the operator's local month. */
  month: PeriodUsage;
  /** Every outgoing movement of any kind today: what the velocity caps count. */
  all_today: PeriodUsage;
}

/** A user's own caps; null or absent means "only the tier's cap". */
export interface SelfCaps {
  daily?: Micros | null;
  monthly?: Micros | null;
}
export type SelfLimits = Partial<Record<LimitKind, SelfCaps>>;

export interface LimitRequest {
  tier: KycTier;
  kind: LimitKind;
  amount: Micros;
  usage: LimitUsage;
  selfLimits?: SelfLimits;
}

export type LimitPeriod = 'transaction' | 'day' | 'month';
export type LimitScope = 'tier' | 'self';
export type LimitRefusalCode = 'below_minimum' | 'above_maximum' | 'limit_exceeded' | 'self_limit_exceeded' | 'velocity_exceeded';

/** What is left; every amount is ≥ 0. */
export interface LimitHeadroom {
  per_transaction_min: Micros;
  per_transaction_max: Micros;
  /** Left under the tighter of the tier's and the user's daily cap. */
  day: Micros;
  month: Micros;
  velocity_count: number;
  velocity_sum: Micros;
  /** The largest single amount allowed now; 0 when none is. */
  max_amount: Micros;
}

export type LimitDecision =
  | { allowed: true; remaining: LimitHeadroom }
  | {
      allowed: false;
      code: LimitRefusalCode;
      period: LimitPeriod;
      scope: LimitScope;
      /** The cap that refused: an amount, or a count for the velocity count. */
      limit: { amount: Micros } | { count: number };
      headroom: LimitHeadroom;
    };

export function tierPolicy(policy: Policy, tier: KycTier): TierPolicy {
  const found = policy.tiers[tier];
  if (!found) throw new RangeError(`the policy has no tier ${tier}`);
  return found;
}

const floorAtZero = (value: bigint): Micros => (value > 0n ? micros(value) : ZERO);

function tighter(tierCap: Micros, selfCap: Micros | null | undefined): Micros {
  return selfCap === null || selfCap === undefined ? tierCap : minMicros(tierCap, selfCap);
}

/** What is left before a transaction; also what a quote shows as "remaining". */
export function limitHeadroom(policy: Policy, tier: KycTier, kind: LimitKind, usage: LimitUsage, selfLimits?: SelfLimits): LimitHeadroom {
  const caps = tierPolicy(policy, tier);
  const self = selfLimits?.[kind];
  const day = floorAtZero(tighter(caps[kind].daily, self?.daily) - usage.day.sum);
  const month = floorAtZero(tighter(caps[kind].monthly, self?.monthly) - usage.month.sum);
  const velocityCount = Math.max(0, caps.velocity.count_per_day - usage.all_today.count);
  const velocitySum = floorAtZero(caps.velocity.sum_per_day - usage.all_today.sum);
  let largest = [caps.per_transaction.max, day, month, velocitySum].reduce(minMicros);
  if (velocityCount === 0 || largest < caps.per_transaction.min) largest = ZERO;
  return {
    per_transaction_min: caps.per_transaction.min,
    per_transaction_max: caps.per_transaction.max,
    day,
    month,
    velocity_count: velocityCount,
    velocity_sum: velocitySum,
    max_amount: largest,
  };
}

/**
 * Decides one outgoing movement. Checks run in a fixed order, and the first that fails is
 * reported: per-transaction minimum, maximum, the tier's daily then monthly cap, the user's own
 * daily then monthly cap, then the velocity count and sum.
 */
export function evaluateLimits(policy: Policy, request: LimitRequest): LimitDecision {
  const { tier, kind, amount, usage, selfLimits } = request;
  if (amount <= 0n) throw new RangeError('limits apply to a positive amount');
  const caps = tierPolicy(policy, tier);
  const self = selfLimits?.[kind];
  const headroom = () => limitHeadroom(policy, tier, kind, usage, selfLimits);
  const refuse = (code: LimitRefusalCode, period: LimitPeriod, scope: LimitScope, limit: { amount: Micros } | { count: number }): LimitDecision => ({
    allowed: false,
    code,
    period,
    scope,
    limit,
    headroom: headroom(),
  });

  if (amount < caps.per_transaction.min) return refuse('below_minimum', 'transaction', 'tier', { amount: caps.per_transaction.min });
  if (amount > caps.per_transaction.max) return refuse('above_maximum', 'transaction', 'tier', { amount: caps.per_transaction.max });
  if (usage.day.sum + amount > caps[kind].daily) return refuse('limit_exceeded', 'day', 'tier', { amount: caps[kind].daily });
  if (usage.month.sum + amount > caps[kind].monthly) return refuse('limit_exceeded', 'month', 'tier', { amount: caps[kind].monthly });
  if (self?.daily != null && usage.day.sum + amount > self.daily) return refuse('self_limit_exceeded', 'day', 'self', { amount: self.daily });
  if (self?.monthly != null && usage.month.sum + amount > self.monthly) return refuse('self_limit_exceeded', 'month', 'self', { amount: self.monthly });
  if (usage.all_today.count + 1 > caps.velocity.count_per_day) return refuse('velocity_exceeded', 'day', 'tier', { count: caps.velocity.count_per_day });
  if (usage.all_today.sum + amount > caps.velocity.sum_per_day) return refuse('velocity_exceeded', 'day', 'tier', { amount: caps.velocity.sum_per_day });

  const after: LimitUsage = {
    day: { sum: micros(usage.day.sum + amount), count: usage.day.count + 1 },
    month: { sum: micros(usage.month.sum + amount), count: usage.month.count + 1 },
    all_today: { sum: micros(usage.all_today.sum + amount), count: usage.all_today.count + 1 },
  };
  return { allowed: true, remaining: limitHeadroom(policy, tier, kind, after, selfLimits) };
}

export type BalanceCapDecision =
  | { allowed: true; cap: Micros; room_after: Micros }
  | { allowed: false; code: 'balance_cap_exceeded'; cap: Micros; room: Micros; excess: Micros };

/** For movements that must fit whole (e.g. a top-up the user asks for): refuse when over. */
export function evaluateBalanceCap(policy: Policy, tier: KycTier, balance: Micros, incoming: Micros): BalanceCapDecision {
  const cap = tierPolicy(policy, tier).balance_cap;
  const room = floorAtZero(cap - balance);
  if (incoming <= room) return { allowed: true, cap, room_after: micros(room - incoming) };
  return { allowed: false, code: 'balance_cap_exceeded', cap, room, excess: micros(incoming - room) };
}

/**
 * For credits (DESIGN, issue 4): a credit over the cap is neither refused nor lost. What fits is
 * accepted; the rest is held (`held_over_cap`) until room appears.
 */
export function splitAtBalanceCap(policy: Policy, tier: KycTier, balance: Micros, incoming: Micros): { accepted: Micros; held: Micros; cap: Micros } {
  if (incoming < 0n) throw new RangeError('a credit is not negative');
  const cap = tierPolicy(policy, tier).balance_cap;
  const accepted = minMicros(incoming, floorAtZero(cap - balance));
  return { accepted, held: micros(incoming - accepted), cap };
}

/**
 * When a change to a self-set cap takes effect: lowering (or keeping) at once, raising — and
 * removing a cap is raising it — only after the policy's cooling-off period.
 */
export function selfLimitEffectiveAt(policy: Policy, current: Micros | null, requested: Micros | null, at: Date): Date {
  const raising = requested === null ? current !== null : current !== null && requested > current;
  return raising ? new Date(at.getTime() + policy.self_limits.raise_cooldown_hours * 3_600_000) : at;
}

/** The API face of a refusal: a DomainError with param "amount" and the cap that refused. */
export function limitRefusalError(policy: Policy, decision: Extract<LimitDecision, { allowed: false }> | Extract<BalanceCapDecision, { allowed: false }>): DomainError {
  const money = (amount: Micros) => toWire({ amount, currency: policy.currency });
  if (decision.code === 'balance_cap_exceeded') {
    return new DomainError(decision.code, { param: 'amount', data: { cap: money(decision.cap), room: money(decision.room) } });
  }
  const limit = 'amount' in decision.limit ? { limit: money(decision.limit.amount) } : { limit_count: decision.limit.count };
  return new DomainError(decision.code, {
    param: 'amount',
    data: { period: decision.period, scope: decision.scope, ...limit, max_amount: money(decision.headroom.max_amount) },
  });
}
