// Phone numbers: every number is normalised to E.164 with libphonenumber-js (default region KR),
// so "010-1234-5678", "+82 10 1234 5678" and "01012345678" are one person. Only mobile numbers
// are accepted: an account is reached by SMS.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DomainError } from '../shared/errors.ts';

export const CARRIERS = ['SKT', 'KT', 'LGU', 'MVNO'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const DEFAULT_REGION = 'KR';

export function isCarrier(value: unknown): value is Carrier {
  return typeof value === 'string' && (CARRIERS as readonly string[]).includes(value);
}

/** E.164 for a valid mobile number, or null. */
export function tryNormalizePhone(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  const parsed = parsePhoneNumberFromString(input, DEFAULT_REGION);
  if (!parsed?.isValid()) return null;
  // Some plans (e.g. NANP) do not tell mobile from fixed numbers; those are let through.
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return null;
  return parsed.number;
}

/** E.164, or throws 400 invalid_phone_number. */
export function normalizePhone(input: unknown, param = 'phone'): string {
  const phone = tryNormalizePhone(input);
  if (!phone) throw new DomainError('invalid_phone_number', { param });
  return phone;
}

/** "+82 10-****-5678": enough for a person to recognise their number, not enough to harvest. */
export function maskPhone(e164: string): string {
  return e164.length <= 6 ? '****' : `${e164.slice(0, e164.length - 8)}****${e164.slice(-4)}`;
}

/** The national digits (for KR: 01012345678) used by the weak-PIN check. */
export function nationalDigits(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? `${parsed.countryCallingCode === '82' ? '0' : ''}${parsed.nationalNumber}` : e164.replace(/\D/g, '');
}
