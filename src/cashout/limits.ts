// The limit step of screening, behind a small port. The real gate is the wallets module's
// checkOutgoing: tier limits, the person's own caps and velocity over every outgoing movement
// (cash-outs, payments, sends), measured from the ledger itself — so a cash-out is bound by
// what the person set in the app, at an agent or on USSD alike.
//
// A cash-out is reserved in the ledger before it is recorded and screened inside that
// transaction, so the check excludes the cash-out's own reservation (its transfer ids are derived
// from the cash-out id) and locks the person's wallet rows: two confirmations of one person are
// judged one after the other, each seeing the other's reservation.
import type { Executor } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import type { LimitHeadroom, LimitKind, Policy, PolicyService } from '../policy/index.ts';
import type { Tier } from '../identity/index.ts';
import type { Clock } from '../shared/clock.ts';
import { checkOutgoing } from '../wallets/index.ts';
import { cashoutTransferId } from './ledger-plan.ts';
import type { PayoutChannel } from './tables.ts';

export interface LimitContext {
  /** The quote's policy version: a confirmed quote is judged by the rules it was priced under. */
  policy: Policy;
  tier: Tier;
  channel: PayoutChannel;
  /** The cash-out's UUID once its reservation may exist in the ledger; absent for a quote. */
  cashoutId?: string;
  /** False for a preview (a quote, a pre-flight check outside a transaction): no row lock. */
  lock?: boolean;
}

export interface OutgoingLimits {
  /**
   * Throws the policy's refusal (below_minimum, above_maximum, limit_exceeded,
   * self_limit_exceeded, velocity_exceeded) when `amount` may not leave the wallet now; otherwise
   * returns what is left after it (a quote shows it).
   */
  checkOutgoing(executor: Executor, userId: string, kind: LimitKind, amount: Micros, context: LimitContext): Promise<LimitHeadroom>;
}

export class WalletLimits implements OutgoingLimits {
  constructor(private readonly deps: { policy: Pick<PolicyService, 'inForce'>; clock: Clock }) {}

  async checkOutgoing(executor: Executor, userId: string, kind: LimitKind, amount: Micros, context: LimitContext): Promise<LimitHeadroom> {
    const exclude = context.cashoutId
      ? [cashoutTransferId(context.cashoutId, 'reserve', 'payout'), cashoutTransferId(context.cashoutId, 'reserve', 'fee')]
      : [];
    const clearance = await checkOutgoing(executor, this.deps, {
      userId, tier: context.tier, kind, amount, policy: context.policy, exclude, lock: context.lock ?? true,
    });
    return clearance.remaining;
  }
}
