// The numbers identity needs from the operator policy, named as in the policy's `security`
// section. Identity takes a getter so that a newly published policy applies without a restart;
// the composition root maps the real policy onto this shape.
export interface IdentityPolicy {
  /** Wrong PINs in a row that lock the account. */
  pin_lockout_attempts: number;
  /** How long a lock lasts. */
  pin_lockout_minutes: number;
  /** How long a code is valid; never more than OTP_TTL_SECONDS_MAX whatever the policy says. */
  otp_ttl_seconds: number;
  /** Wrong codes before a challenge is dead. */
  otp_max_attempts: number;
  /** SMS codes one phone number may receive per rolling hour. */
  otp_sends_per_phone_per_hour: number;
  /** Lifetime of a user session. */
  session_ttl_hours: number;
  /** Lifetime of a staff session (the console is a more valuable target). */
  staff_session_ttl_hours: number;
  /** A device not seen for this long is new again and needs the step-up code. */
  device_window_days: number;
  /** Cash-outs and sends to people wait this long after a PIN reset. */
  pin_reset_hold_hours: number;
}

/** The hard ceiling: a code is valid for at most five minutes. */
export const OTP_TTL_SECONDS_MAX = 300;

export const DEFAULT_IDENTITY_POLICY: Readonly<IdentityPolicy> = Object.freeze({
  pin_lockout_attempts: 5,
  pin_lockout_minutes: 30,
  otp_ttl_seconds: 300,
  otp_max_attempts: 3,
  otp_sends_per_phone_per_hour: 5,
  session_ttl_hours: 720,
  staff_session_ttl_hours: 12,
  device_window_days: 90,
  pin_reset_hold_hours: 24,
});

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
