import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { micros, type Micros } from '../money/index.ts';
import { loadDefaultPolicy } from '../policy/index.ts';
import { planSelfLimitChanges, toSelfLimits } from './self-limits.ts';
import type { SelfLimitChangeRow } from './self-limits.sql.ts';

const policy = loadDefaultPolicy().policy;
const at = new Date('2026-03-10T01:00:00Z');
const DAY_MS = 86_400_000;

function row(cap: Micros | null, overrides: Partial<SelfLimitChangeRow> = {}): SelfLimitChangeRow {
  return {
    id: '00000000-0000-7000-8000-000000000000', user_id: 'usr_x', kind: 'send', period: 'daily', currency: 'KRW', cap, previous_cap: null,
    raising: false, requested_at: at, effective_at: at, superseded_at: null, notified_at: null, ...overrides,
  };
}

const cap = fc.option(fc.bigInt({ min: 0n, max: 10n ** 15n }).map((v) => micros(v)), { nil: null });

describe('planSelfLimitChanges', () => {
  it('applies lowering at once and raising (or removing) after the cooling-off', () => {
    fc.assert(
      fc.property(cap, cap, (current, requested) => {
        const effective = current === null ? [] : [row(current)];
        const [planned] = planSelfLimitChanges(policy, effective, [], [{ kind: 'send', period: 'daily', cap: requested }], at);
        if (requested === current) {
          expect(planned).toBeUndefined();
          return;
        }
        const raising = requested === null || (current !== null && requested > current);
        expect(planned).toMatchObject({ current, cap: requested, raising });
        expect(planned!.effective_at.getTime()).toBe(at.getTime() + (raising ? policy.self_limits.raise_cooldown_hours * 3_600_000 : 0));
      }),
    );
  });

  it('keeps a request equal to the cap in force when a raise is waiting: it cancels the raise', () => {
    const waiting = [row(micros(9n), { effective_at: new Date(at.getTime() + DAY_MS), raising: true })];
    const planned = planSelfLimitChanges(policy, [row(micros(5n))], waiting, [{ kind: 'send', period: 'daily', cap: micros(5n) }], at);
    expect(planned).toEqual([{ kind: 'send', period: 'daily', cap: 5n, current: 5n, raising: false, effective_at: at }]);
  });

  it('treats each kind and period on its own', () => {
    const planned = planSelfLimitChanges(
      policy,
      [row(micros(5n)), row(micros(7n), { kind: 'spend', period: 'monthly' })],
      [],
      [{ kind: 'send', period: 'monthly', cap: micros(1n) }, { kind: 'spend', period: 'monthly', cap: micros(8n) }],
      at,
    );
    expect(planned.map((p) => [p.kind, p.period, p.current, p.raising])).toEqual([
      ['send', 'monthly', null, false],
      ['spend', 'monthly', 7n, true],
    ]);
  });
});

describe('toSelfLimits', () => {
  it('gives the shape evaluateLimits reads', () => {
    expect(toSelfLimits([row(micros(5n)), row(null, { period: 'monthly' }), row(micros(3n), { kind: 'cash_out' })])).toEqual({
      send: { daily: 5n, monthly: null },
      cash_out: { daily: 3n },
    });
  });
});
