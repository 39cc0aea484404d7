// The numbers of a cash-out, pure. The fee is the policy's for the channel (whole minor units,
// rounded in the user's favour); the payout is what is left, floored to whole minor units because
// rails pay whole won; the sub-unit remainder (dust) never leaves the wallet. So the wallet is
// debited payout + fee, and requested = payout + fee + dust exactly.
import { computeFee, type FeeBreakdown, type Policy } from '../policy/index.ts';
import { floorToMinor, micros, type Micros } from '../money/index.ts';
import type { PayoutChannel } from './tables.ts';

export interface CashoutPrice {
  requested: Micros;
  fee: Micros;
  payout: Micros;
  dust: Micros;
  /** payout + fee: what leaves the wallet. */
  debit: Micros;
  breakdown: FeeBreakdown;
}

export function priceCashout(policy: Policy, channel: PayoutChannel, requested: Micros, usedFreeThisMonth: number): CashoutPrice {
  const { fee, net, breakdown } = computeFee(policy, channel, requested, usedFreeThisMonth);
  const payout = floorToMinor(net);
  return { requested, fee, payout, dust: micros(net - payout), debit: micros(payout + fee), breakdown };
}

/** Why confirming would need a one-time code, in the policy's words. */
export type OtpReason = 'first_payout_to_destination' | 'above_threshold' | 'new_device';

export function otpReasons(
  policy: Policy,
  facts: { debit: Micros; destinationPaidBefore: boolean; deviceFirstSeen: Date | null; now: Date },
): OtpReason[] {
  const rules = policy.cashout.step_up_otp;
  const reasons: OtpReason[] = [];
  if (rules.first_payout_to_destination && !facts.destinationPaidBefore) reasons.push('first_payout_to_destination');
  if (facts.debit > rules.above) reasons.push('above_threshold');
  if (rules.new_device && isNewDevice(policy, facts.deviceFirstSeen, facts.now)) reasons.push('new_device');
  return reasons;
}

/**
 * A device is new for cash-out purposes within the same window as a new destination (the
 * policy's account-takeover cool-down): a session on a phone first seen an hour ago asks for a
 * code before money leaves. A session without a known device counts as new.
 */
export function isNewDevice(policy: Policy, firstSeen: Date | null, now: Date): boolean {
  if (!firstSeen) return true;
  return now.getTime() - firstSeen.getTime() < policy.cashout.new_destination_cooldown_hours * 3_600_000;
}
