// Screening: the step between reserving a cash-out and handing it to a rail. An interface that
// milestone 2's risk engine will fill (rules, typologies, cases); today it applies the policy:
// the account may send (not frozen, closed or in the post-PIN-reset hold), the limits (tier,
// self-limits, velocity), and the cool-down of a destination that has never been paid.
// `spend_only` value needs no rule here: the reservation debits the cashable account only, so
// there is no path from spend_only value to a payout.
import type { Executor } from '../db/index.ts';
import type { User } from '../identity/index.ts';
import type { Micros } from '../money/index.ts';
import type { Policy } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import type { IdentityPort } from './deps.ts';
import type { OutgoingLimits } from './limits.ts';
import type { CashoutOrigin, DestinationRow, PayoutChannel } from './tables.ts';

export interface ScreeningSubject {
  /** The cash-out's UUID (null in a pre-flight check, before it exists). */
  cashoutId: string | null;
  userId: string;
  channel: PayoutChannel;
  destination: DestinationRow;
  /** What leaves the wallet: payout + fee. */
  debit: Micros;
  origin: CashoutOrigin;
}

export interface ScreeningContext {
  executor: Executor;
  /**
   * initial: before the cash-out is recorded; rescreen: a recorded cash-out screened again (after
   * a hold, or by recovery) — it already counts toward the limits, so they are not applied twice.
   */
  phase: 'initial' | 'rescreen';
  policy: Policy;
  user: User;
  now: Date;
  subject: ScreeningSubject;
}

export type ScreeningDecision =
  | { outcome: 'pass' }
  /** Wait until `until`, then screen again (held_for_review). */
  | { outcome: 'hold'; until: Date; reason: string }
  /** Never: the cash-out fails and the reservation is voided. `code` is a catalogue error code. */
  | { outcome: 'refuse'; code: string; param?: string; data?: Record<string, unknown> };

export interface ScreeningStep {
  screen(context: ScreeningContext): Promise<ScreeningDecision>;
}

function refusal(error: unknown): ScreeningDecision {
  if (!(error instanceof DomainError)) throw error;
  return {
    outcome: 'refuse',
    code: error.code,
    ...(error.details.param ? { param: error.details.param } : {}),
    ...(error.details.data ? { data: error.details.data } : {}),
  };
}

export class PolicyScreening implements ScreeningStep {
  constructor(
    private readonly identity: Pick<IdentityPort, 'assertCanSend'>,
    private readonly limits: OutgoingLimits,
  ) {}

  async screen({ executor, phase, policy, user, now, subject }: ScreeningContext): Promise<ScreeningDecision> {
    try {
      this.identity.assertCanSend(user, 'payout');
    } catch (error) {
      return refusal(error);
    }
    // A recorded cash-out already counts toward the limits: screening it again must not count it twice.
    if (phase === 'initial') {
      try {
        // Pre-flight (no cash-out id yet) reads without locking; the recording transaction locks.
        await this.limits.checkOutgoing(executor, subject.userId, 'cash_out', subject.debit, {
          policy, tier: user.tier, channel: subject.channel, lock: subject.cashoutId !== null, ...(subject.cashoutId ? { cashoutId: subject.cashoutId } : {}),
        });
      } catch (error) {
        return refusal(error);
      }
    }
    const cooldownEnds = newDestinationCooldownEnd(policy, subject.destination);
    if (cooldownEnds && cooldownEnds.getTime() > now.getTime()) return { outcome: 'hold', until: cooldownEnds, reason: 'new_destination_cooldown' };
    return { outcome: 'pass' };
  }
}

/** When a never-paid destination's cool-down ends (null once it has been paid). */
export function newDestinationCooldownEnd(policy: Policy, destination: DestinationRow): Date | null {
  if (destination.first_payout_at) return null;
  return new Date(destination.created_at.getTime() + policy.cashout.new_destination_cooldown_hours * 3_600_000);
}

/** A refusal as the error the API answers with. */
export function refusalError(decision: Extract<ScreeningDecision, { outcome: 'refuse' }>, cashoutId?: string): DomainError {
  return new DomainError(decision.code, {
    ...(decision.param ? { param: decision.param } : {}),
    data: { ...decision.data, ...(cashoutId ? { cashout: cashoutId } : {}) },
  });
}
