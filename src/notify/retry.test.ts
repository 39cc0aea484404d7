import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { retryDelayMs, retryHorizonMs, SMS_RETRY, WEBHOOK_RETRY } from './retry.ts';

const HOUR_MS = 3_600_000;

describe('retry schedule', () => {
  it('keeps trying a webhook for more than 24 hours, over 8 attempts', () => {
    expect(retryHorizonMs(WEBHOOK_RETRY)).toBeGreaterThanOrEqual(24 * HOUR_MS);
    expect(WEBHOOK_RETRY.delays_ms).toHaveLength(7);
    expect(retryDelayMs(WEBHOOK_RETRY, 7, () => 0)).toBe(10 * HOUR_MS);
    expect(retryDelayMs(WEBHOOK_RETRY, 8, () => 0)).toBeNull();
  });

  it('gives up on an SMS within hours', () => {
    expect(retryHorizonMs(SMS_RETRY)).toBeLessThan(3 * HOUR_MS);
    expect(retryDelayMs(SMS_RETRY, SMS_RETRY.delays_ms.length + 1, () => 0.5)).toBeNull();
  });

  it('grows: each delay is at least the one before', () => {
    for (const policy of [WEBHOOK_RETRY, SMS_RETRY]) {
      policy.delays_ms.forEach((delay, i) => expect(delay).toBeGreaterThanOrEqual(policy.delays_ms[i - 1] ?? 0));
    }
  });

  it('property: jitter only stretches a delay, by at most the jitter fraction', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempts, r) => {
        const base = WEBHOOK_RETRY.delays_ms[attempts - 1]!;
        const delay = retryDelayMs(WEBHOOK_RETRY, attempts, () => r)!;
        expect(delay).toBeGreaterThanOrEqual(base);
        expect(delay).toBeLessThanOrEqual(Math.round(base * (1 + WEBHOOK_RETRY.jitter)));
      }),
    );
  });
});
