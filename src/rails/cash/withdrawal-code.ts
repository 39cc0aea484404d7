// The cash rails' instrument: an 8-digit one-time withdrawal code. Whoever holds the code (and,
// at an ATM, the PIN) collects the reserved cash, so the code is a bearer secret: drawn from a
// CSPRNG, shown once (the confirm answer and an SMS), and stored only as a keyed hash (HMAC with
// a server-side key kept outside the database — 10^8 codes cannot be protected by a slow hash,
// the same reasoning as PINs). The lookup is by hash, so a guess costs one indexed read.
import { createHmac, randomInt } from 'node:crypto';

export const WITHDRAWAL_CODE_DIGITS = 8;
export const WITHDRAWAL_CODE_PATTERN = /^\d{8}$/;

export function newWithdrawalCode(): string {
  return String(randomInt(0, 10 ** WITHDRAWAL_CODE_DIGITS)).padStart(WITHDRAWAL_CODE_DIGITS, '0');
}

/** The stored form: HMAC-SHA256 under the code key, hex. The channel is mixed in so an ATM code never matches at an agent. */
export function hashWithdrawalCode(key: string, channel: 'agent' | 'atm', code: string): string {
  return createHmac('sha256', key).update(`smallchange:withdrawal-code:${channel}:${code}`).digest('hex');
}
