import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedArrival } from './arrival.ts';
import { isBusinessDay, localDateTime } from './calendar.ts';
import { loadDefaultPolicy } from './load.ts';
import type { Policy } from './schema.ts';

const policy = loadDefaultPolicy().policy;
/** A Seoul wall-clock time as an instant (KST = UTC+9, no daylight saving). */
const kst = (local: string) => new Date(`${local}+09:00`);

describe('expected arrival of a bank payout (business days 09:00–16:00 KST, batches 10:00/13:00/16:00, 60 minutes)', () => {
  it('after 16:00 on the Friday before a long weekend (광복절 substitute Monday) leaves on Tuesday’s first batch', () => {
    const estimate = expectedArrival(policy, 'bank', kst('2026-08-14T16:30:00'));
    expect(estimate).toEqual({
      channel: 'bank',
      reason: 'after_cut_off',
      departure_date: '2026-08-18',
      departs_at: kst('2026-08-18T10:00:00'),
      expected_at: kst('2026-08-18T11:00:00'),
    });
  });

  it('at 15:59 rides the 16:00 batch the same day; at 16:00 sharp it waits for the next business day (after 추석)', () => {
    expect(expectedArrival(policy, 'bank', kst('2026-09-23T15:59:59'))).toMatchObject({
      reason: 'same_day',
      departs_at: kst('2026-09-23T16:00:00'),
      expected_at: kst('2026-09-23T17:00:00'),
    });
    expect(expectedArrival(policy, 'bank', kst('2026-09-23T16:00:00'))).toMatchObject({
      reason: 'after_cut_off',
      departure_date: '2026-09-28',
      expected_at: kst('2026-09-28T11:00:00'),
    });
  });

  it('before the opening waits for the first batch; during the day takes the next batch', () => {
    expect(expectedArrival(policy, 'bank', kst('2026-02-12T08:00:00'))).toMatchObject({ reason: 'before_opening', departs_at: kst('2026-02-12T10:00:00') });
    expect(expectedArrival(policy, 'bank', kst('2026-02-12T10:00:00'))).toMatchObject({ reason: 'same_day', departs_at: kst('2026-02-12T10:00:00') });
    expect(expectedArrival(policy, 'bank', kst('2026-02-12T10:00:01'))).toMatchObject({ reason: 'same_day', departs_at: kst('2026-02-12T13:00:00') });
  });

  it('on a weekend before 설날 waits until the Thursday after it', () => {
    expect(expectedArrival(policy, 'bank', kst('2026-02-14T12:00:00'))).toMatchObject({
      reason: 'non_business_day',
      departure_date: '2026-02-19',
      expected_at: kst('2026-02-19T11:00:00'),
    });
  });

  it('on the Friday before 설날 2027 (Sunday, substitute Tuesday) after the cut-off arrives on Wednesday', () => {
    expect(expectedArrival(policy, 'bank', kst('2027-02-05T17:00:00'))).toMatchObject({ departure_date: '2027-02-10', expected_at: kst('2027-02-10T11:00:00') });
  });
});

describe('channels that work every day', () => {
  it('a wallet payout on 설날 itself goes at once and arrives 10 minutes later', () => {
    const at = kst('2026-02-17T23:55:00');
    expect(expectedArrival(policy, 'wallet', at)).toEqual({
      channel: 'wallet',
      reason: 'same_day',
      departure_date: '2026-02-17',
      departs_at: at,
      expected_at: kst('2026-02-18T00:05:00'),
    });
  });

  it('an agent or ATM withdrawal is ready at once', () => {
    const at = kst('2026-09-25T03:00:00');
    expect(expectedArrival(policy, 'agent', at).expected_at).toEqual(at);
    expect(expectedArrival(policy, 'atm', at).expected_at).toEqual(at);
  });

  it('a batched channel without hours takes the next batch, tomorrow’s first after the last', () => {
    const batched: Policy = { ...policy, cashout: { ...policy.cashout, batching: { ...policy.cashout.batching, wallet: { times: ['06:00', '18:00'], max_items: 100 } } } };
    expect(expectedArrival(batched, 'wallet', kst('2026-02-17T12:00:00'))).toMatchObject({ departs_at: kst('2026-02-17T18:00:00'), departure_date: '2026-02-17' });
    expect(expectedArrival(batched, 'wallet', kst('2026-02-17T19:00:00'))).toMatchObject({ departs_at: kst('2026-02-18T06:00:00'), departure_date: '2026-02-18' });
  });
});

describe('in a zone with daylight saving', () => {
  it('the cut-off and the batches follow New York’s wall clock across the spring-forward weekend', () => {
    const ny: Policy = { ...policy, time_zone: 'America/New_York', calendar: { weekend: ['saturday', 'sunday'], holidays: {} } };
    // Friday 6 March 2026 17:00 EST (after cut-off) → Monday 9 March 10:00 EDT (UTC−4).
    expect(expectedArrival(ny, 'bank', new Date('2026-03-06T22:00:00Z'))).toMatchObject({
      departure_date: '2026-03-09',
      departs_at: new Date('2026-03-09T14:00:00Z'),
    });
  });
});

describe('properties of a bank estimate', () => {
  it('leaves at a batch time on a business day, never before it was asked, and arrives processing_minutes later', () => {
    const instant = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 20) }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(instant, (at) => {
        const estimate = expectedArrival(policy, 'bank', at);
        const local = localDateTime(estimate.departs_at, policy.time_zone);
        expect(estimate.departs_at.getTime() >= at.getTime()).toBe(true);
        expect(isBusinessDay(policy, estimate.departure_date)).toBe(true);
        expect(local.date).toBe(estimate.departure_date);
        expect(['10:00', '13:00', '16:00']).toContain(`${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`);
        expect(estimate.expected_at.getTime() - estimate.departs_at.getTime()).toBe(60 * 60_000);
        // Nothing leaves later than needed: asked on a business day before the cut-off → leaves that day.
        const asked = localDateTime(at, policy.time_zone);
        if (isBusinessDay(policy, asked.date) && asked.hour < 16) expect(estimate.departure_date).toBe(asked.date);
      }),
      { numRuns: 500 },
    );
  });
});
