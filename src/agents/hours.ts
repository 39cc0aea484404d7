// Opening hours and distance, pure. Hours are wall-clock times in the operator's time zone
// (a shop opens at 09:00 Seoul time whatever the server's zone); distance is the haversine
// great-circle distance, plenty for "agents within a few kilometres".
import { z } from 'zod';
import { localDateTime, weekdayOf } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { WEEKDAYS, type OpeningHours } from './tables.ts';
import './errors.ts';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const INTERVALS_PER_DAY_MAX = 4;

function minutes(time: string): number {
  const [h, m] = time.split(':');
  return Number.parseInt(h!, 10) * 60 + Number.parseInt(m!, 10);
}

export const openingHoursSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])).max(INTERVALS_PER_DAY_MAX));

/** Checks and completes opening hours (a weekday left out is closed), or refuses with invalid_opening_hours. */
export function parseOpeningHours(input: unknown): OpeningHours {
  const parsed = openingHoursSchema.safeParse(input);
  if (!parsed.success) throw new DomainError('invalid_opening_hours', { param: 'opening_hours' });
  const hours = Object.fromEntries(WEEKDAYS.map((day) => [day, [] as Array<[string, string]>])) as OpeningHours;
  for (const [day, intervals] of Object.entries(parsed.data)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) throw new DomainError('invalid_opening_hours', { param: `opening_hours.${day}` });
    for (const [open, close] of intervals) {
      if (!TIME.test(open) || !TIME.test(close) || minutes(close) <= minutes(open)) throw new DomainError('invalid_opening_hours', { param: `opening_hours.${day}` });
    }
    hours[day as keyof OpeningHours] = intervals;
  }
  return hours;
}

export function isOpenAt(hours: OpeningHours, at: Date, timeZone: string): boolean {
  const local = localDateTime(at, timeZone);
  const day = WEEKDAYS[weekdayOf(local.date)]!;
  const now = local.hour * 60 + local.minute;
  return (hours[day] ?? []).some(([open, close]) => now >= minutes(open) && now < minutes(close));
}

const EARTH_RADIUS_M = 6_371_000;

export function distanceMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A bounding box around a point, so the database narrows the candidates before the exact distance. */
export function boundingBox(point: { lat: number; lng: number }, radius_m: number): { latMin: number; latMax: number; lngMin: number; lngMax: number } {
  const dLat = (radius_m / EARTH_RADIUS_M) * (180 / Math.PI);
  const cos = Math.max(0.01, Math.cos((point.lat * Math.PI) / 180));
  const dLng = dLat / cos;
  return { latMin: point.lat - dLat, latMax: point.lat + dLat, lngMin: point.lng - dLng, lngMax: point.lng + dLng };
}
