// When will the money be there? From the channel's processing rule (hours, cut-off, whether it
// works on non-business days), its batch schedule and the business calendar — all in the
// operator's time zone, so that "after 16:00 on the Friday before Chuseok" means what a person
// in Seoul means by it.
import { addDays, isBusinessDay, type LocalDate, minutesOfDay, nextBusinessDay, toLocalDate, zonedInstant } from './calendar.ts';
import type { CashoutChannel } from './constants.ts';
import type { Policy } from './schema.ts';

export type ArrivalReason =
  /** The channel works now: no hours, or within them. */
  | 'same_day'
  /** Asked before the channel opens on a working day: leaves at the opening. */
  | 'before_opening'
  /** Asked at or after the cut-off: leaves the next working day. */
  | 'after_cut_off'
  /** Asked on a weekend or holiday for a channel that rests then. */
  | 'non_business_day';

export interface ArrivalEstimate {
  channel: CashoutChannel;
  /** When the rail takes the payout: at once, at the opening, or at the next batch. */
  departs_at: Date;
  /** departs_at plus the channel's processing time. */
  expected_at: Date;
  /** The operator's local day the payout leaves on. */
  departure_date: LocalDate;
  reason: ArrivalReason;
}

/** Bounds the batch search; a valid policy always finds a batch on the first working day. */
const BATCH_SEARCH_DAYS_MAX = 31;

export function expectedArrival(policy: Policy, channel: CashoutChannel, at: Date): ArrivalEstimate {
  const rule = policy.processing[channel];
  const zone = policy.time_zone;
  const works = (date: LocalDate) => rule.runs_on_non_business_days || isBusinessDay(policy, date);
  const nextWorkingDay = (date: LocalDate) => (rule.runs_on_non_business_days ? addDays(date, 1) : nextBusinessDay(policy, date));
  const opening = (date: LocalDate) => zonedInstant(date, rule.hours ? minutesOfDay(rule.hours.opens_at) : 0, zone);

  const today = toLocalDate(at, zone);
  let day = today;
  let start = at;
  let reason: ArrivalReason = 'same_day';
  if (!works(today)) {
    reason = 'non_business_day';
    day = nextWorkingDay(today);
    start = opening(day);
  } else if (rule.hours && at.getTime() >= zonedInstant(today, minutesOfDay(rule.hours.cut_off), zone).getTime()) {
    reason = 'after_cut_off';
    day = nextWorkingDay(today);
    start = opening(day);
  } else if (at.getTime() < opening(today).getTime()) {
    reason = 'before_opening';
    start = opening(today);
  }

  const batching = channel === 'bank' || channel === 'wallet' ? policy.cashout.batching[channel] : undefined;
  let departs = start;
  if (batching) {
    const slots = batching.times.map(minutesOfDay);
    let found: Date | undefined;
    for (let i = 0; i < BATCH_SEARCH_DAYS_MAX && !found; i++) {
      const date = day;
      found = slots.map((slot) => zonedInstant(date, slot, zone)).find((slot) => slot.getTime() >= start.getTime());
      if (!found) {
        day = nextWorkingDay(day);
        start = opening(day);
      }
    }
    if (!found) throw new RangeError(`no ${channel} batch within ${BATCH_SEARCH_DAYS_MAX} days of ${today}`);
    departs = found;
  }
  return {
    channel,
    departs_at: departs,
    expected_at: new Date(departs.getTime() + rule.processing_minutes * 60_000),
    departure_date: day,
    reason,
  };
}
