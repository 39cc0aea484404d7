// Phone numbers in queries are normalised the way identity stores them: E.164, default region KR,
// so "010-1234-5678", "+82 10 1234 5678" and "01012345678" find the same inbox. (A local helper:
// notify must not depend on identity.)
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DomainError } from '../shared/errors.ts';
import './errors.ts';

export function normalisePhone(text: string, param = 'to'): string {
  const parsed = text.length <= 32 ? parsePhoneNumberFromString(text, 'KR') : undefined;
  if (!parsed || !parsed.isValid()) throw new DomainError('invalid_phone_number', { param });
  return parsed.number;
}
