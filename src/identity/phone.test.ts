import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import './errors.ts';
import { maskPhone, nationalDigits, normalizePhone, tryNormalizePhone } from './phone.ts';

describe('phone numbers', () => {
  test('the three ways of writing a Korean mobile number are one person', () => {
    expect(normalizePhone('010-1234-5678')).toBe('+821012345678');
    expect(normalizePhone('+82 10 1234 5678')).toBe('+821012345678');
    expect(normalizePhone('01012345678')).toBe('+821012345678');
    expect(normalizePhone('(010) 1234.5678')).toBe('+821012345678');
  });

  test('any spacing and dashes give the same E.164 (property)', () => {
    const separators = fc.constantFrom('', ' ', '-', '.');
    fc.assert(
      fc.property(fc.integer({ min: 2000_0000, max: 9999_9999 }), separators, separators, fc.boolean(), (subscriber, s1, s2, international) => {
        const digits = String(subscriber);
        const prefix = international ? '+82 10' : '010';
        const written = `${prefix}${s1}${digits.slice(0, 4)}${s2}${digits.slice(4)}`;
        // Some ranges are unassigned (null for every writing); the others normalise to one E.164.
        const canonical = tryNormalizePhone(`+8210${digits}`);
        return tryNormalizePhone(written) === canonical && (canonical === null || canonical === `+8210${digits}`);
      }),
      { numRuns: 500 },
    );
  });

  test.each(['02-123-4567', '031-123-4567', '1588-1234', '010-123', 'hello', '', '+82 10 1234 5678 9999', '0'.repeat(40)])('%j is not a mobile number', (input) => {
    expect(tryNormalizePhone(input)).toBeNull();
    expect(() => normalizePhone(input)).toThrow(expect.objectContaining({ code: 'invalid_phone_number', details: { param: 'phone' } }));
  });

  test('non-strings are refused', () => {
    expect(tryNormalizePhone(1012345678)).toBeNull();
    expect(tryNormalizePhone(null)).toBeNull();
  });

  test('masking and national digits', () => {
    expect(maskPhone('+821012345678')).toBe('+8210****5678');
    expect(nationalDigits('+821012345678')).toBe('01012345678');
  });
});
