// "What will I get?" — a quote: the fee and its breakdown, the whole-won payout, the dust that
// stays in the wallet, what the limits leave after, when the money arrives, and until when all
// of it holds. Stored, so that confirming it gets exactly these numbers under this policy version.
import { toWire, type Micros } from '../money/index.ts';
import { expectedArrival, localDayWindow, localMonthWindow, type LimitHeadroom } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { idToUuid, newId } from '../shared/ids.ts';
import type { WalletRow } from '../wallets/index.ts';
import { selectUsage } from './cashouts.sql.ts';
import type { CashoutDeps } from './deps.ts';
import { cashDestination, destinationDisplay, destinationFor } from './destinations.ts';
import { otpReasons, priceCashout } from './pricing.ts';
import { insertQuote } from './quotes.sql.ts';
import { isCashChannel, type CashoutOrigin, type PayoutChannel, type QuoteRow } from './tables.ts';
import './errors.ts';

export interface QuoteRequest {
  userId: string;
  wallet: string;
  amount: Micros | 'all';
  channel: PayoutChannel;
  /** A saved destination (bank, wallet); absent for the cash channels (agent, atm). */
  destination?: string | null;
  origin: CashoutOrigin;
  /** The session's device, for the new-device OTP rule. */
  deviceId?: string | null;
}

/** The cashable balance refused: says whether only spend_only value would have covered it. */
export function balanceRefusal(needed: Micros, cashableAvailable: bigint, spendOnlyAvailable: bigint): DomainError {
  if (cashableAvailable < needed && cashableAvailable + spendOnlyAvailable >= needed) {
    return new DomainError('spend_only_not_transferable', { param: 'amount' });
  }
  return new DomainError('insufficient_funds', { param: 'amount' });
}

function headroomWire(headroom: LimitHeadroom, currency: QuoteRow['currency']): Record<string, unknown> {
  const money = (amount: Micros) => toWire({ amount, currency });
  return {
    day: money(headroom.day),
    month: money(headroom.month),
    velocity_count: headroom.velocity_count,
    velocity_sum: money(headroom.velocity_sum),
    per_transaction_max: money(headroom.per_transaction_max),
    max_amount: money(headroom.max_amount),
  };
}

export async function createQuote(deps: CashoutDeps, request: QuoteRequest): Promise<QuoteRow> {
  const now = deps.clock.now();
  const version = await deps.policy.inForce(now);
  const policy = version.policy;
  if (request.channel === 'wallet' && !deps.rails.wallet) throw new DomainError('channel_not_available', { param: 'channel' });
  if (request.channel === 'bank' && !deps.rails.bank) throw new DomainError('channel_not_available', { param: 'channel' });
  const wallet: WalletRow = await deps.wallets.ownedWallet(request.userId, request.wallet);
  if (wallet.currency !== policy.currency) throw new DomainError('currency_not_supported', { param: 'wallet' });
  if (request.amount !== 'all' && request.amount <= 0n) throw new DomainError('invalid_amount', { param: 'amount' });
  if (isCashChannel(request.channel) && request.origin !== 'user') throw new DomainError('channel_not_available', { param: 'channel' });
  if (!isCashChannel(request.channel) && !request.destination) throw new DomainError('missing_field', { param: 'destination' });
  const destination = isCashChannel(request.channel)
    ? await cashDestination(deps, request.userId, request.channel)
    : await destinationFor(deps, request.userId, request.destination!, request.channel);
  const { user, deviceFirstSeen, bankAccountVerified } = await deps.identity.payoutContext(deps.db, request.userId, { deviceId: request.deviceId, bankAccountId: destination.bank_account_id });
  if (destination.kind === 'bank' && !bankAccountVerified) throw new DomainError('destination_not_verified', { param: 'destination' });
  deps.identity.assertCanSend(user, 'payout');

  const [balance] = await deps.wallets.balances([wallet]);
  const cashable = balance!.cashable.available;
  const spendOnly = balance!.spend_only.available;
  const requested = request.amount === 'all' ? cashable : request.amount;
  if (requested <= 0n) throw spendOnly > 0n ? new DomainError('spend_only_not_transferable', { param: 'amount' }) : new DomainError('nothing_to_cash_out', { param: 'amount' });
  if (requested > cashable) throw balanceRefusal(requested, cashable, spendOnly);

  const usage = await selectUsage(deps.db, request.userId, request.channel, localDayWindow(now, policy.time_zone), localMonthWindow(now, policy.time_zone));
  const price = priceCashout(policy, request.channel, requested, usage.channelMonthCount);
  if (price.payout <= 0n || price.payout < policy.cashout.minimum) {
    throw new DomainError('below_payout_threshold', {
      param: 'amount',
      data: { minimum: toWire({ amount: policy.cashout.minimum, currency: policy.currency }), payout: toWire({ amount: price.payout, currency: policy.currency }) },
    });
  }
  const remaining = await deps.limits.checkOutgoing(deps.db, request.userId, 'cash_out', price.debit, { policy, tier: user.tier, channel: request.channel, lock: false });
  const arrival = expectedArrival(policy, request.channel, now);
  const reasons = request.origin === 'auto_sweep' ? [] : otpReasons(policy, { debit: price.debit, destinationPaidBefore: destination.first_payout_at !== null, deviceFirstSeen, now });
  const providerName = destination.kind === 'wallet' ? destination.label : null;

  const quote: QuoteRow = {
    id: idToUuid(newId('quo'), 'quo')!,
    user_id: request.userId,
    wallet_id: wallet.id,
    debit_account: wallet.cashable_account,
    channel: request.channel,
    destination_id: destination.id,
    currency: policy.currency,
    requested: price.requested,
    payout: price.payout,
    fee: price.fee,
    dust: price.dust,
    details: {
      fee_breakdown: {
        fixed: toWire({ amount: price.breakdown.fixed, currency: policy.currency }),
        percent_bps: price.breakdown.percent_bps,
        percentage: toWire({ amount: price.breakdown.percentage, currency: policy.currency }),
        min: toWire({ amount: price.breakdown.min, currency: policy.currency }),
        max: price.breakdown.max === null ? null : toWire({ amount: price.breakdown.max, currency: policy.currency }),
        adjustment: price.breakdown.adjustment,
        free_allowance: price.breakdown.free_allowance,
      },
      limits_after: headroomWire(remaining, policy.currency),
      arrival: {
        departs_at: arrival.departs_at.toISOString(),
        expected_at: arrival.expected_at.toISOString(),
        departure_date: arrival.departure_date,
        reason: arrival.reason,
      },
      destination_label: destinationDisplay(destination, 'en', providerName),
      otp_reasons: reasons,
    },
    policy_version: version.version,
    expires_at: new Date(now.getTime() + policy.cashout.quote_validity_seconds * 1000),
    created_at: now,
    cashout_id: idToUuid(newId('cot'), 'cot')!,
    origin: request.origin,
    status: 'open',
  };
  // One statement: it commits on its own.
  await insertQuote(deps.db, quote);
  return quote;
}
