import { describe, expect, it } from 'vitest';
import { loadDefaultPolicy } from '../policy/index.ts';
import { settlementDue } from './settlement.ts';

describe('settlementDue', () => {
  const policy = loadDefaultPolicy().policy;
  it('runs once per business day, from the policy\'s settlement time in Seoul', () => {
    // Tuesday 13 January 2026.
    expect(settlementDue(policy, new Date('2026-01-13T07:59:00Z'), null)).toBe(false); // 16:59
    expect(settlementDue(policy, new Date('2026-01-13T08:00:00Z'), null)).toBe(true); // 17:00
    expect(settlementDue(policy, new Date('2026-01-13T14:59:00Z'), '2026-01-13')).toBe(false);
    expect(settlementDue(policy, new Date('2026-01-14T08:30:00Z'), '2026-01-13')).toBe(true);
  });
  it('does not run on a weekend', () => {
    expect(settlementDue(policy, new Date('2026-01-17T09:00:00Z'), '2026-01-16')).toBe(false); // Saturday
  });
});
