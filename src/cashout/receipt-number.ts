// Receipt numbers: "RCT-2026-7K3M9Q2WXZ4B" — the year the cash-out settled (operator time zone)
// and 12 Crockford base32 characters (60 bits) of a hash of the cash-out id. Derived, not drawn
// from a counter, so that settling a batch needs no global sequence (DESIGN §7) and settling the
// same cash-out twice gives the same number; a clash (vanishingly rare within a year) is caught
// by the unique index and the next `attempt` draws again.
import { createHash } from 'node:crypto';
import { localDateTime } from '../policy/index.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const HASH_CHARS = 12;

export function receiptNumberFor(cashoutId: string, settledAt: Date, timeZone: string, attempt = 0): string {
  const digest = createHash('sha256').update(`smallchange:receipt:${cashoutId}:${attempt}`).digest();
  let bits = 0n;
  for (let i = 0; i < 8; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let chars = '';
  for (let i = 0; i < HASH_CHARS; i++) {
    chars += CROCKFORD[Number((bits >> BigInt(59 - i * 5)) & 31n)];
  }
  return `RCT-${localDateTime(settledAt, timeZone).year}-${chars}`;
}

export const RECEIPT_NUMBER_PATTERN = /^RCT-\d{4}-[0-9A-HJKMNP-TV-Z]{12}$/;
