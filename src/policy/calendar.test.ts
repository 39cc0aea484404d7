import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addDays,
  calendarCoversYear,
  holidayOn,
  isBusinessDay,
  localDayWindow,
  localMonthWindow,
  nextBusinessDay,
  previousBusinessDay,
  toLocalDate,
  zonedInstant,
} from './calendar.ts';
import { loadDefaultPolicy } from './load.ts';

const policy = loadDefaultPolicy().policy;
const at = (iso: string) => new Date(iso);

describe('the Korean business calendar (default policy)', () => {
  it('설날 2026 is 16–18 February; the Friday before and the Thursday after are business days', () => {
    for (const day of ['2026-02-16', '2026-02-17', '2026-02-18']) expect(isBusinessDay(policy, day)).toBe(false);
    expect(holidayOn(policy, '2026-02-17')?.name.ko).toBe('설날');
    expect(isBusinessDay(policy, '2026-02-13')).toBe(true);
    expect(isBusinessDay(policy, '2026-02-19')).toBe(true);
    expect(nextBusinessDay(policy, '2026-02-13')).toBe('2026-02-19');
  });

  it('추석 2026 is 24–26 September, with no substitute day for its Saturday', () => {
    for (const day of ['2026-09-24', '2026-09-25', '2026-09-26']) expect(holidayOn(policy, day)).toBeDefined();
    expect(holidayOn(policy, '2026-09-25')?.name.ko).toBe('추석');
    expect(nextBusinessDay(policy, '2026-09-23')).toBe('2026-09-28');
    expect(isBusinessDay(policy, '2026-09-28')).toBe(true);
  });

  it('substitute holidays 2026: 삼일절 (Sun) → 2 Mar, 부처님오신날 (Sun) → 25 May, 광복절 (Sat) → 17 Aug, 개천절 (Sat) → 5 Oct', () => {
    for (const day of ['2026-03-02', '2026-05-25', '2026-08-17', '2026-10-05']) {
      expect(holidayOn(policy, day)?.kind).toBe('substitute');
      expect(isBusinessDay(policy, day)).toBe(false);
    }
  });

  it('현충일 on Saturday 6 June 2026 has no substitute: Monday 8 June is a business day', () => {
    expect(holidayOn(policy, '2026-06-06')?.name.ko).toBe('현충일');
    expect(isBusinessDay(policy, '2026-06-08')).toBe(true);
  });

  it('2026 also rests on the local elections (3 June), 제헌절 (17 July) and, for banks, 1 May', () => {
    expect(holidayOn(policy, '2026-06-03')?.kind).toBe('election');
    expect(holidayOn(policy, '2026-07-17')?.name.ko).toBe('제헌절');
    expect(holidayOn(policy, '2026-05-01')?.kind).toBe('bank_closure');
  });

  it('2026 has 245 business days (365 − 104 weekend days − 16 weekday holidays)', () => {
    let count = 0;
    for (let day = '2026-01-01'; day <= '2026-12-31'; day = addDays(day, 1)) if (isBusinessDay(policy, day)) count++;
    expect(count).toBe(245);
  });

  it('2025: 임시공휴일 27 Jan, 설날 28–30 Jan, 추석 5–7 Oct with its substitute on 8 Oct, and the 3 June election', () => {
    for (const day of ['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-03-03', '2025-05-06', '2025-06-03', '2025-10-06', '2025-10-08', '2025-10-09']) {
      expect(isBusinessDay(policy, day), day).toBe(false);
    }
    expect(isBusinessDay(policy, '2025-10-10')).toBe(true);
  });

  it('2027: 설날 6–8 Feb falls on a Sunday, so 9 Feb is a substitute holiday; 추석 is 14–16 Sep', () => {
    expect(holidayOn(policy, '2027-02-07')?.name.ko).toBe('설날');
    expect(holidayOn(policy, '2027-02-09')?.kind).toBe('substitute');
    expect(nextBusinessDay(policy, '2027-02-05')).toBe('2027-02-10');
    expect(holidayOn(policy, '2027-09-15')?.name.ko).toBe('추석');
    for (const day of ['2027-08-16', '2027-10-04', '2027-10-11', '2027-12-27']) expect(holidayOn(policy, day)?.kind).toBe('substitute');
  });

  it('reads a Date as the Seoul day it falls on', () => {
    expect(isBusinessDay(policy, at('2026-02-18T14:59:59Z'))).toBe(false); // 23:59:59 KST on 18 Feb
    expect(isBusinessDay(policy, at('2026-02-18T15:00:00Z'))).toBe(true); // 00:00 KST on 19 Feb
    expect(nextBusinessDay(policy, at('2026-02-13T16:00:00Z'))).toBe('2026-02-19'); // Saturday 01:00 KST
  });

  it('adds and subtracts business days', () => {
    expect(addBusinessDays(policy, '2026-09-23', 1)).toBe('2026-09-28');
    expect(addBusinessDays(policy, '2026-09-28', -1)).toBe('2026-09-23');
    expect(addBusinessDays(policy, '2026-02-13', 3)).toBe('2026-02-23');
    expect(addBusinessDays(policy, '2026-02-15', 0)).toBe('2026-02-19');
    expect(addBusinessDays(policy, '2026-02-19', 0)).toBe('2026-02-19');
    expect(previousBusinessDay(policy, '2026-02-19')).toBe('2026-02-13');
    expect(() => addBusinessDays(policy, '2026-02-19', 1.5)).toThrow(RangeError);
    expect(() => isBusinessDay(policy, '2026-02-30')).toThrow(RangeError);
  });

  it('a year without a holiday list counts only weekends, and says so', () => {
    expect(calendarCoversYear(policy, 2026)).toBe(true);
    expect(calendarCoversYear(policy, 2031)).toBe(false);
    expect(isBusinessDay(policy, '2031-01-01')).toBe(true);
    expect(isBusinessDay(policy, '2031-01-04')).toBe(false); // Saturday
  });

  it('a business day is never a weekend or a listed holiday, and nextBusinessDay skips to the first one (property)', () => {
    const day = fc.integer({ min: 0, max: 3 * 366 }).map((n) => addDays('2025-01-01', n));
    fc.assert(
      fc.property(day, (date) => {
        const next = nextBusinessDay(policy, date);
        expect(next > date).toBe(true);
        expect(isBusinessDay(policy, next)).toBe(true);
        for (let d = addDays(date, 1); d < next; d = addDays(d, 1)) expect(isBusinessDay(policy, d)).toBe(false);
        if (holidayOn(policy, date)) expect(isBusinessDay(policy, date)).toBe(false);
      }),
    );
  });
});

describe('local day and month windows', () => {
  it('Seoul (UTC+9, no daylight saving)', () => {
    expect(localDayWindow(at('2026-03-10T20:00:00Z'), 'Asia/Seoul')).toEqual({ start: at('2026-03-10T15:00:00Z'), end: at('2026-03-11T15:00:00Z') });
    expect(localMonthWindow(at('2026-01-31T16:00:00Z'), 'Asia/Seoul')).toEqual({ start: at('2026-01-31T15:00:00Z'), end: at('2026-02-28T15:00:00Z') });
    expect(localMonthWindow(at('2026-12-31T15:00:00Z'), 'Asia/Seoul')).toEqual({ start: at('2026-12-31T15:00:00Z'), end: at('2027-01-31T15:00:00Z') });
  });

  it('New York: the spring-forward day has 23 hours, the fall-back day 25', () => {
    const spring = localDayWindow(at('2026-03-08T12:00:00Z'), 'America/New_York');
    expect(spring).toEqual({ start: at('2026-03-08T05:00:00Z'), end: at('2026-03-09T04:00:00Z') });
    const fall = localDayWindow(at('2026-11-01T12:00:00Z'), 'America/New_York');
    expect(fall).toEqual({ start: at('2026-11-01T04:00:00Z'), end: at('2026-11-02T05:00:00Z') });
    expect(localMonthWindow(at('2026-03-15T12:00:00Z'), 'America/New_York')).toEqual({ start: at('2026-03-01T05:00:00Z'), end: at('2026-04-01T04:00:00Z') });
  });

  it('wall-clock times skipped by spring-forward move forward; repeated ones take the first occurrence', () => {
    expect(zonedInstant('2026-03-08', 2 * 60 + 30, 'America/New_York')).toEqual(at('2026-03-08T07:30:00Z'));
    expect(zonedInstant('2026-11-01', 60 + 30, 'America/New_York')).toEqual(at('2026-11-01T05:30:00Z'));
    expect(zonedInstant('2026-02-13', 16 * 60, 'Asia/Seoul')).toEqual(at('2026-02-13T07:00:00Z'));
  });

  it('Santiago skips midnight when summer time starts: that day begins at 01:00 and lasts 23 hours', () => {
    const window = localDayWindow(at('2026-09-06T16:00:00Z'), 'America/Santiago');
    expect(window).toEqual({ start: at('2026-09-06T04:00:00Z'), end: at('2026-09-07T03:00:00Z') });
    expect(toLocalDate(new Date(window.start.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
  });

  const zones = ['Asia/Seoul', 'America/New_York', 'America/Santiago', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham'];
  const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }).map((ms) => new Date(ms));

  it('a day window holds exactly the instants of one local date, in any zone (property)', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (t, zone) => {
        const { start, end } = localDayWindow(t, zone);
        const date = toLocalDate(t, zone);
        expect(start.getTime() <= t.getTime() && t.getTime() < end.getTime()).toBe(true);
        expect(toLocalDate(start, zone)).toBe(date);
        expect(toLocalDate(new Date(start.getTime() - 1), zone)).not.toBe(date);
        expect(toLocalDate(new Date(end.getTime() - 1), zone)).toBe(date);
        expect(toLocalDate(end, zone)).toBe(addDays(date, 1));
      }),
      { numRuns: 300 },
    );
  });

  it('a month window holds exactly the instants of one local month, in any zone (property)', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (t, zone) => {
        const { start, end } = localMonthWindow(t, zone);
        const month = toLocalDate(t, zone).slice(0, 7);
        expect(start.getTime() <= t.getTime() && t.getTime() < end.getTime()).toBe(true);
        expect(toLocalDate(start, zone).slice(0, 7)).toBe(month);
        expect(toLocalDate(new Date(start.getTime() - 1), zone).slice(0, 7)).not.toBe(month);
        expect(toLocalDate(new Date(end.getTime() - 1), zone).slice(0, 7)).toBe(month);
        expect(toLocalDate(end, zone).endsWith('-01')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
