// When to try a message again. Delays follow the schedule Standard Webhooks senders use (Svix):
// quick retries for a blip, then hours apart for an outage, and stop after more than a day.
// Jitter only ever stretches a delay, so a burst of failures spreads out while the total
// horizon never drops below the schedule's sum (≥ 24 h for webhooks).

export interface RetryPolicy {
  /** Delay after the n-th failed attempt (index 0: after the first). Past the last: dead. */
  readonly delays_ms: readonly number[];
  /** Each delay is stretched by up to this fraction (0.2 → up to +20 %). */
  readonly jitter: number;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/** 8 attempts over at least 27 h 35 m: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const WEBHOOK_RETRY: RetryPolicy = {
  delays_ms: [5 * SECOND_MS, 5 * MINUTE_MS, 30 * MINUTE_MS, 2 * HOUR_MS, 5 * HOUR_MS, 10 * HOUR_MS, 10 * HOUR_MS],
  jitter: 0.2,
};

/**
 * SMS gives up sooner: a notice hours late confuses more than it helps, and the provider (not us)
 * retries the radio side. 6 attempts over about 2 h 36 min.
 */
export const SMS_RETRY: RetryPolicy = {
  delays_ms: [10 * SECOND_MS, MINUTE_MS, 5 * MINUTE_MS, 30 * MINUTE_MS, 2 * HOUR_MS],
  jitter: 0.2,
};

/** A one-time code is useless once it has expired: such a message is not sent after this. */
export const SENSITIVE_SMS_TTL_MS = 10 * MINUTE_MS;

/**
 * Milliseconds to wait after failed attempt number `attempts` (1-based), or null when the
 * schedule is exhausted and the message is dead. `random` is in [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number, random: () => number): number | null {
  const base = policy.delays_ms[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 + policy.jitter * random()));
}

/** The shortest time from the first attempt to the last (no jitter). */
export function retryHorizonMs(policy: RetryPolicy): number {
  return policy.delays_ms.reduce((total, delay) => total + delay, 0);
}
