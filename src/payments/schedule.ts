// When a subscription's charges fall due: period n starts n days, weeks or calendar months after
// the authorisation, read on the operator's wall clock. A monthly mandate authorised on the 31st
// is charged on the last day of shorter months and on the 31st again after them. Pure.
import { localDateTime, formatLocalDate, zonedInstant } from '../policy/index.ts';
import type { MandatePeriod } from './tables.ts';

const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function dueAt(anchor: Date, period: MandatePeriod, index: number, timeZone: string): Date {
  if (period === 'daily') return new Date(anchor.getTime() + index * DAY_MS);
  if (period === 'weekly') return new Date(anchor.getTime() + index * 7 * DAY_MS);
  const local = localDateTime(anchor, timeZone);
  const months = local.year * 12 + (local.month - 1) + index;
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  const day = Math.min(local.day, daysInMonth(year, month));
  const at = zonedInstant(formatLocalDate(year, month, day), local.hour * 60 + local.minute, timeZone);
  return new Date(at.getTime() + local.second * 1000 + (anchor.getTime() % 1000));
}
