// A person's limits as they see them (GET/PUT /v1/me/limits): per kind and period, the tier's
// cap, their own cap, the cap that applies, what they used, what is left, and a raise that is
// waiting for its cooling-off. Setting them: lowering applies at once; raising needs a step-up
// code and applies after the cooling-off (self-limits.ts).
import type { Kysely } from 'kysely';
import type { DB, Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { min as minMicros, sub, type CurrencyCode, type Micros, ZERO } from '../money/index.ts';
import { LIMIT_KINDS, tierPolicy, type KycTier, type LimitKind, type PolicyService } from '../policy/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import './feature-errors.ts';
import { accountsOf, lockWalletsOfUsers } from './features.sql.ts';
import { applySelfLimitChanges, planSelfLimitChanges, type SelfLimitRequest } from './self-limits.ts';
import { selectEffectiveChanges, selectWaitingChanges, type LimitPeriodName, type SelfLimitChangeRow } from './self-limits.sql.ts';
import { measureAllUsage } from './usage.ts';
import { selectWalletsOfUser } from './wallets.sql.ts';
import type { Wallets } from './wallets.ts';

export const LIMITS_OTP_ACTION = 'limits.raise';
export const LIMIT_PERIODS: readonly LimitPeriodName[] = ['daily', 'monthly'];

export interface PeriodLimitView {
  tier_cap: Micros;
  self_cap: Micros | null;
  /** The tighter of the two. */
  effective_cap: Micros;
  used: Micros;
  count: number;
  remaining: Micros;
  /** A raise (or removal) of the own cap, waiting for its cooling-off. */
  pending: { cap: Micros | null; effective_at: Date } | null;
}

export interface LimitsView {
  currency: CurrencyCode;
  time_zone: string;
  tier: KycTier;
  policy_version: number;
  raise_cooldown_hours: number;
  limits: Record<LimitKind, Record<LimitPeriodName, PeriodLimitView>>;
  velocity: { count_per_day: number; used_count: number; sum_per_day: Micros; used_sum: Micros };
}

export interface LimitsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: PolicyService;
  identity: Pick<IdentityService, 'getUser' | 'issueChallenge' | 'verifyChallenge'>;
  wallets: Wallets;
}

export interface StepUp {
  otp: string | null;
  challengeId: string | null;
}

const floor0 = (value: bigint): Micros => (value > 0n ? (value as Micros) : ZERO);

export async function limitsView(executor: Executor, deps: LimitsDeps, userId: string): Promise<LimitsView> {
  const at = deps.clock.now();
  const user = await deps.identity.getUser(executor, userId);
  const version = await deps.policy.inForce(at);
  const policy = version.policy;
  const caps = tierPolicy(policy, user.tier);
  const usage = await measureAllUsage(executor, accountsOf(await selectWalletsOfUser(executor, userId)), at, policy.time_zone);
  const effective = await selectEffectiveChanges(executor, userId, at);
  const waiting = await selectWaitingChanges(executor, userId, at);
  const find = (rows: SelfLimitChangeRow[], kind: LimitKind, period: LimitPeriodName) => rows.find((r) => r.kind === kind && r.period === period);
  const limits = {} as LimitsView['limits'];
  for (const kind of LIMIT_KINDS) {
    const byPeriod = {} as Record<LimitPeriodName, PeriodLimitView>;
    for (const period of LIMIT_PERIODS) {
      const tierCap = caps[kind][period];
      const selfCap = find(effective, kind, period)?.cap ?? null;
      const applies = selfCap === null ? tierCap : minMicros(tierCap, selfCap);
      const used = period === 'daily' ? usage[kind].day : usage[kind].month;
      const pending = find(waiting, kind, period);
      byPeriod[period] = {
        tier_cap: tierCap,
        self_cap: selfCap,
        effective_cap: applies,
        used: used.sum,
        count: used.count,
        remaining: floor0(sub(applies, used.sum)),
        pending: pending ? { cap: pending.cap, effective_at: pending.effective_at } : null,
      };
    }
    limits[kind] = byPeriod;
  }
  const today = usage.send.all_today;
  return {
    currency: policy.currency,
    time_zone: policy.time_zone,
    tier: user.tier,
    policy_version: version.version,
    raise_cooldown_hours: policy.self_limits.raise_cooldown_hours,
    limits,
    velocity: { count_per_day: caps.velocity.count_per_day, used_count: today.count, sum_per_day: caps.velocity.sum_per_day, used_sum: today.sum },
  };
}

/** What the raise code is bound to: every requested change, in a fixed order. */
function otpParams(requests: readonly SelfLimitRequest[]) {
  return {
    changes: [...requests]
      .sort((a, b) => `${a.kind}:${a.period}`.localeCompare(`${b.kind}:${b.period}`))
      .map((r) => ({ kind: r.kind, period: r.period, cap: r.cap === null ? null : r.cap.toString() })),
  };
}

/**
 * Applies the requested caps. When any of them raises a cap and no code came with the request,
 * nothing is applied: a code is sent and otp_required answered (the request is repeated with it).
 */
export async function setSelfLimits(deps: LimitsDeps, userId: string, requests: readonly SelfLimitRequest[], stepUp: StepUp): Promise<LimitsView> {
  const user = await deps.identity.getUser(deps.db, userId);
  const version = await deps.policy.inForce();
  const policy = version.policy;
  const plan = async (executor: Executor) => {
    const at = deps.clock.now();
    return planSelfLimitChanges(policy, await selectEffectiveChanges(executor, userId, at), await selectWaitingChanges(executor, userId, at), requests, at);
  };
  if ((await plan(deps.db)).some((c) => c.raising) && !stepUp.otp) {
    const challenge = await withTransaction(deps.db, (trx) => deps.identity.issueChallenge(trx, userId, LIMITS_OTP_ACTION, otpParams(requests)));
    throw new DomainError('otp_required', { param: 'otp', data: { challenge_id: challenge.id, expires_at: challenge.expiresAt.toISOString() } });
  }
  return withTransaction(deps.db, async (trx) => {
    // The same lock as checkOutgoing: a change of caps and a payment are decided one after the other.
    await deps.wallets.openMainWallet(trx, userId, policy.currency);
    await lockWalletsOfUsers(trx, [userId]);
    const planned = await plan(trx);
    if (planned.some((c) => c.raising)) {
      if (!stepUp.challengeId) throw new DomainError('missing_field', { param: 'challenge_id' });
      await deps.identity.verifyChallenge(trx, stepUp.challengeId, stepUp.otp!, LIMITS_OTP_ACTION, otpParams(requests), userId);
    }
    await applySelfLimitChanges(trx, deps.clock, { userId, phone: user.phone, lang: user.lang }, policy, planned);
    return limitsView(trx, deps, userId);
  });
}
