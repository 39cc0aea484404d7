// checkOutgoing: the one gate every money-moving service (sends now; cash-out, payments, agents
// later) passes BEFORE it asks the ledger to move a user's money, whatever the face (API, USSD,
// web, agent counter). It applies the tier's limits and the user's own caps (policy
// evaluateLimits) to what the ledger says the user already moved in the operator's local day
// and month, and refuses with the policy's codes: below_minimum, above_maximum, limit_exceeded,
// self_limit_exceeded, velocity_exceeded (param "amount", details with the cap and what is left).
//
// Call it inside the transaction that moves the money: it locks the user's wallet rows, so two
// concurrent movements of one user are checked one after the other and cannot both squeeze under
// a cap. Freeze, PIN-reset hold and PIN are identity's checks (assertCanSend, verifyPin); this
// gate is only about amounts.
import type { Executor } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import {
  evaluateLimits,
  limitRefusalError,
  type KycTier,
  type LimitHeadroom,
  type LimitKind,
  type PolicyService,
  type Policy,
  type SelfLimits,
} from '../policy/index.ts';
import type { Clock } from '../shared/clock.ts';
import { accountsOf, lockWalletsOfUsers } from './features.sql.ts';
import { effectiveSelfLimits } from './self-limits.ts';
import { selectWalletsOfUser } from './wallets.sql.ts';
import { measureUsage, type UsageReport } from './usage.ts';

export interface OutgoingDeps {
  policy: Pick<PolicyService, 'inForce'>;
  clock: Clock;
}

export interface OutgoingRequest {
  userId: string;
  /** The user's KYC tier, from identity (the caller has the user after verifyPin). */
  tier: KycTier;
  kind: LimitKind;
  /** Everything that leaves the user's wallets for this movement, fees included. */
  amount: Micros;
  /** Defaults to now; a quote passes the instant it is priced at. */
  at?: Date;
  /** False for a read-only preview (a quote): no row lock. */
  lock?: boolean;
  /**
   * Judge under this policy version instead of the one in force (a cash-out confirms under its
   * quote's version: a quote is binding).
   */
  policy?: Policy;
  /** Ledger transfers of this very movement, already reserved: not counted against it. */
  exclude?: readonly string[];
}

export interface OutgoingClearance {
  /** The rules it was judged by. */
  policy: Policy;
  usage: UsageReport;
  selfLimits: SelfLimits;
  /** What is left after this movement. */
  remaining: LimitHeadroom;
}

/** Usage of one kind for a user, over every class account of every wallet they have. */
export async function usageOf(executor: Executor, deps: OutgoingDeps, userId: string, kind: LimitKind, at: Date = deps.clock.now()): Promise<UsageReport> {
  const policy = await deps.policy.inForce(at);
  const wallets = await selectWalletsOfUser(executor, userId);
  return measureUsage(executor, accountsOf(wallets), kind, at, policy.policy.time_zone);
}

/**
 * Throws the policy's limit error when the movement may not go; returns the usage it was judged
 * on and what is left otherwise. Pure apart from its reads and the lock.
 */
export async function checkOutgoing(executor: Executor, deps: OutgoingDeps, request: OutgoingRequest): Promise<OutgoingClearance> {
  const at = request.at ?? deps.clock.now();
  const wallets = request.lock === false ? await selectWalletsOfUser(executor, request.userId) : await lockWalletsOfUsers(executor, [request.userId]);
  const policy = request.policy ?? (await deps.policy.inForce(at)).policy;
  const usage = await measureUsage(executor, accountsOf(wallets), request.kind, at, policy.time_zone, request.exclude);
  const selfLimits = await effectiveSelfLimits(executor, request.userId, at);
  const decision = evaluateLimits(policy, { tier: request.tier, kind: request.kind, amount: request.amount, usage, selfLimits });
  if (!decision.allowed) throw limitRefusalError(policy, decision);
  return { policy, usage, selfLimits, remaining: decision.remaining };
}
