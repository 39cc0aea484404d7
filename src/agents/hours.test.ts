import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import { boundingBox, distanceMetres, isOpenAt, parseOpeningHours } from './hours.ts';

describe('opening hours', () => {
  const hours = parseOpeningHours({ mon: [['09:00', '12:00'], ['13:00', '21:00']], sat: [['10:00', '24:00']] });

  it('fills the days left out as closed', () => {
    expect(hours.sun).toEqual([]);
    expect(hours.mon).toHaveLength(2);
  });

  it('reads the wall clock of the operator\'s zone, not UTC', () => {
    // Monday 2026-01-12 09:30 in Seoul is 00:30 UTC the same day.
    expect(isOpenAt(hours, new Date('2026-01-12T00:30:00Z'), 'Asia/Seoul')).toBe(true);
    // 12:30 Seoul: the lunch break.
    expect(isOpenAt(hours, new Date('2026-01-12T03:30:00Z'), 'Asia/Seoul')).toBe(false);
    // Sunday 23:30 UTC is Monday 08:30 in Seoul: not yet open.
    expect(isOpenAt(hours, new Date('2026-01-11T23:30:00Z'), 'Asia/Seoul')).toBe(false);
    // Saturday 23:59 Seoul: open until midnight.
    expect(isOpenAt(hours, new Date('2026-01-17T14:59:00Z'), 'Asia/Seoul')).toBe(true);
    expect(isOpenAt(hours, new Date('2026-01-12T00:30:00Z'), 'UTC')).toBe(false);
  });

  it('refuses malformed hours with the weekday as param', () => {
    for (const [input, param] of [
      [{ mon: [['21:00', '09:00']] }, 'opening_hours.mon'],
      [{ tue: [['9:00', '18:00']] }, 'opening_hours.tue'],
      [{ wed: [['09:00', '25:00']] }, 'opening_hours.wed'],
      [{ funday: [] }, 'opening_hours.funday'],
      ['always', 'opening_hours'],
    ] as const) {
      try {
        parseOpeningHours(input);
        expect.unreachable(JSON.stringify(input));
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('invalid_opening_hours');
        expect((error as DomainError).details.param).toBe(param);
      }
    }
  });
});

describe('distance', () => {
  it('is the great-circle distance (Seoul City Hall → Gangnam station ≈ 8.9 km)', () => {
    const d = distanceMetres({ lat: 37.5663, lng: 126.9779 }, { lat: 37.4979, lng: 127.0276 });
    expect(d).toBeGreaterThan(8_700);
    expect(d).toBeLessThan(9_100);
    expect(distanceMetres({ lat: 37.5, lng: 127 }, { lat: 37.5, lng: 127 })).toBe(0);
  });

  it('a bounding box holds every point within the radius', () => {
    const centre = { lat: 37.5, lng: 127 };
    const box = boundingBox(centre, 1_000);
    const east = { lat: 37.5, lng: box.lngMax };
    const north = { lat: box.latMax, lng: 127 };
    expect(distanceMetres(centre, east)).toBeGreaterThanOrEqual(999);
    expect(distanceMetres(centre, north)).toBeGreaterThanOrEqual(999);
  });
});
