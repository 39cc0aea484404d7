// Local days, months and business days in the operator's time zone, with Intl only: a limit's
// "day" is the operator's day (Asia/Seoul by default), not UTC's. Works for zones with daylight
// saving too: a day is 23 or 25 hours long there, and windows follow the wall clock.
import { WEEKDAYS } from './constants.ts';
import type { Holiday, Policy } from './schema.ts';

/** A calendar date in the operator's zone, "YYYY-MM-DD". */
export type LocalDate = string;

export interface LocalDateTime {
  date: LocalDate;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A half-open interval of UTC instants: start ≤ t < end. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

export type CalendarPolicy = Pick<Policy, 'calendar' | 'time_zone'>;

const DAY_MS = 86_400_000;
const SEARCH_DAYS_MAX = 3660;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`"${date}" is not a YYYY-MM-DD date`);
  const [year, month, day] = [match[1], match[2], match[3]].map((part) => Number.parseInt(part ?? '', 10)) as [number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) throw new RangeError(`"${date}" is not a calendar date`);
  return { year, month, day };
}

/** The wall-clock reading of an instant in a zone. */
export function localDateTime(instant: Date, zone: string): LocalDateTime {
  const parts = formatterFor(zone).formatToParts(instant);
  const read = (type: Intl.DateTimeFormatPartTypes) => Number.parseInt(parts.find((p) => p.type === type)?.value ?? '0', 10);
  const [year, month, day] = [read('year'), read('month'), read('day')];
  return { date: formatLocalDate(year, month, day), year, month, day, hour: read('hour'), minute: read('minute'), second: read('second') };
}

export function toLocalDate(instant: Date, zone: string): LocalDate {
  return localDateTime(instant, zone).date;
}

/** Wall-clock time as if it were UTC, in ms; the difference to the instant is the zone offset. */
function wallMs(instant: Date, zone: string): number {
  const t = localDateTime(instant, zone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

function offsetMs(instantMs: number, zone: string): number {
  const whole = instantMs - (((instantMs % 1000) + 1000) % 1000);
  return wallMs(new Date(whole), zone) - whole;
}

/**
 * The instant a wall-clock time happens in a zone. An ambiguous time (clocks going back) is its
 * first occurrence; a time skipped by clocks going forward is moved forward by the gap — so the
 * start of a day is always that day's first instant.
 */
export function zonedInstant(date: LocalDate, minutesOfDay: number, zone: string): Date {
  const { year, month, day } = parseLocalDate(date);
  const wall = Date.UTC(year, month - 1, day) + minutesOfDay * 60_000;
  const before = offsetMs(wall - DAY_MS, zone);
  const after = offsetMs(wall + DAY_MS, zone);
  const candidates = [...new Set([wall - before, wall - after])].sort((a, b) => a - b);
  for (const candidate of candidates) {
    if (wallMs(new Date(candidate), zone) === wall) return new Date(candidate);
  }
  return new Date(wall - before);
}

/** "16:00" → 960. */
export function minutesOfDay(time: string): number {
  const match = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(time);
  if (!match) throw new RangeError(`"${time}" is not an HH:MM time`);
  return Number.parseInt(match[1] ?? '0', 10) * 60 + Number.parseInt(match[2] ?? '0', 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  const next = new Date(Date.UTC(year, month - 1, day) + days * DAY_MS);
  return formatLocalDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** The operator's local day containing the instant, as UTC instants [start, end). */
export function localDayWindow(instant: Date, zone: string): TimeWindow {
  const date = toLocalDate(instant, zone);
  return { start: zonedInstant(date, 0, zone), end: zonedInstant(addDays(date, 1), 0, zone) };
}

/** The operator's local calendar month containing the instant, as UTC instants [start, end). */
export function localMonthWindow(instant: Date, zone: string): TimeWindow {
  const { year, month } = localDateTime(instant, zone);
  const next = month === 12 ? formatLocalDate(year + 1, 1, 1) : formatLocalDate(year, month + 1, 1);
  return { start: zonedInstant(formatLocalDate(year, month, 1), 0, zone), end: zonedInstant(next, 0, zone) };
}

const holidayIndexes = new WeakMap<object, Map<LocalDate, Holiday>>();

function holidayIndex(policy: CalendarPolicy): Map<LocalDate, Holiday> {
  let index = holidayIndexes.get(policy.calendar);
  if (!index) {
    index = new Map();
    for (const list of Object.values(policy.calendar.holidays)) for (const holiday of list) index.set(holiday.date, holiday);
    holidayIndexes.set(policy.calendar, index);
  }
  return index;
}

function asLocalDate(policy: CalendarPolicy, date: LocalDate | Date): LocalDate {
  return date instanceof Date ? toLocalDate(date, policy.time_zone) : (parseLocalDate(date), date);
}

export function holidayOn(policy: CalendarPolicy, date: LocalDate | Date): Holiday | undefined {
  return holidayIndex(policy).get(asLocalDate(policy, date));
}

/** Whether the policy lists holidays for a year; an unlisted year counts only weekends. */
export function calendarCoversYear(policy: CalendarPolicy, year: number): boolean {
  return Object.hasOwn(policy.calendar.holidays, String(year));
}

export function isWeekend(policy: CalendarPolicy, date: LocalDate | Date): boolean {
  const name = WEEKDAYS[weekdayOf(asLocalDate(policy, date))];
  return name !== undefined && policy.calendar.weekend.includes(name);
}

/** A Date is read as the operator's local day it falls on. */
export function isBusinessDay(policy: CalendarPolicy, date: LocalDate | Date): boolean {
  const local = asLocalDate(policy, date);
  return !isWeekend(policy, local) && !holidayIndex(policy).has(local);
}

function stepBusinessDay(policy: CalendarPolicy, date: LocalDate, direction: 1 | -1): LocalDate {
  let candidate = date;
  for (let i = 0; i < SEARCH_DAYS_MAX; i++) {
    candidate = addDays(candidate, direction);
    if (isBusinessDay(policy, candidate)) return candidate;
  }
  throw new RangeError(`no business day within ${SEARCH_DAYS_MAX} days of ${date}`);
}

/** The first business day strictly after the date. */
export function nextBusinessDay(policy: CalendarPolicy, date: LocalDate | Date): LocalDate {
  return stepBusinessDay(policy, asLocalDate(policy, date), 1);
}

/** The last business day strictly before the date. */
export function previousBusinessDay(policy: CalendarPolicy, date: LocalDate | Date): LocalDate {
  return stepBusinessDay(policy, asLocalDate(policy, date), -1);
}

/**
 * Moves n business days from the date (n may be negative). With n = 0 the date itself when it is
 * a business day, else the next one: "0 business days" from a Sunday is Monday.
 */
export function addBusinessDays(policy: CalendarPolicy, date: LocalDate | Date, days: number): LocalDate {
  if (!Number.isInteger(days)) throw new RangeError('business days are whole days');
  let current = asLocalDate(policy, date);
  if (days === 0) return isBusinessDay(policy, current) ? current : nextBusinessDay(policy, current);
  const direction = days > 0 ? 1 : -1;
  for (let i = 0; i < Math.abs(days); i++) current = stepBusinessDay(policy, current, direction);
  return current;
}
