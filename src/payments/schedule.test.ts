import { describe, expect, it } from 'vitest';
import { dueAt } from './schedule.ts';

const SEOUL = 'Asia/Seoul';

describe('dueAt', () => {
  it('adds days and weeks to the authorisation instant', () => {
    const anchor = new Date('2026-01-13T01:00:00Z');
    expect(dueAt(anchor, 'daily', 0, SEOUL)).toEqual(anchor);
    expect(dueAt(anchor, 'daily', 3, SEOUL)).toEqual(new Date('2026-01-16T01:00:00Z'));
    expect(dueAt(anchor, 'weekly', 2, SEOUL)).toEqual(new Date('2026-01-27T01:00:00Z'));
  });
  it('keeps a monthly mandate on its Seoul day, clamped to short months, without drifting', () => {
    // 31 January 10:00 in Seoul.
    const anchor = new Date('2026-01-31T01:00:00Z');
    expect(dueAt(anchor, 'monthly', 1, SEOUL)).toEqual(new Date('2026-02-28T01:00:00Z'));
    expect(dueAt(anchor, 'monthly', 2, SEOUL)).toEqual(new Date('2026-03-31T01:00:00Z'));
    expect(dueAt(anchor, 'monthly', 12, SEOUL)).toEqual(new Date('2027-01-31T01:00:00Z'));
    expect(dueAt(new Date('2027-12-31T16:30:00Z'), 'monthly', 2, SEOUL)).toEqual(new Date('2028-02-29T16:30:00Z'));
  });
});
