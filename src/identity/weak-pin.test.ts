import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { DomainError } from '../shared/errors.ts';
import './errors.ts';
import { assertPinStrong, pinWeakness } from './weak-pin.ts';

const digit = fc.integer({ min: 0, max: 9 });

describe('weak PINs', () => {
  test('one digit six times is same_digit (property)', () => {
    fc.assert(fc.property(digit, (d) => pinWeakness(String(d).repeat(6)) === 'same_digit'));
  });

  test('runs up or down, wrapping past 9 and 0, are sequence (property)', () => {
    fc.assert(
      fc.property(digit, fc.constantFrom(1, 9), (start, step) => {
        const pin = Array.from({ length: 6 }, (_, i) => (start + i * step) % 10).join('');
        return pinWeakness(pin) === 'sequence';
      }),
    );
    expect(pinWeakness('123456')).toBe('sequence');
    expect(pinWeakness('987654')).toBe('sequence');
    expect(pinWeakness('890123')).toBe('sequence');
  });

  test('patterns with period 2 or 3, and aaabbb, are repeated_pattern', () => {
    fc.assert(
      fc.property(digit, digit, digit, (a, b, c) => {
        fc.pre(!(a === b && b === c));
        const p3 = `${a}${b}${c}`.repeat(2);
        const reason = pinWeakness(p3);
        return reason === 'repeated_pattern' || reason === 'sequence';
      }),
    );
    expect(pinWeakness('121212')).toBe('repeated_pattern');
    expect(pinWeakness('147147')).toBe('repeated_pattern');
    expect(pinWeakness('111222')).toBe('repeated_pattern');
  });

  test('every real date written YYMMDD is birth_date (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2029-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString();
        const pin = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
        const reason = pinWeakness(pin);
        return reason !== null; // birth_date, or an earlier rule (e.g. 111111 is also a date)
      }),
      { numRuns: 500 },
    );
    expect(pinWeakness('900131')).toBe('birth_date'); // YYMMDD
    expect(pinWeakness('013190')).toBe('birth_date'); // MMDDYY
    expect(pinWeakness('310190')).toBe('birth_date'); // DDMMYY
    expect(pinWeakness('199007')).toBe('birth_date'); // YYYYMM
  });

  test("the person's birth date inside the PIN is birth_date", () => {
    expect(pinWeakness('501317')).toBe(null);
    expect(pinWeakness('501317', { birthDate: '1990-01-31' })).toBe('birth_date'); // contains MMDD
    expect(pinWeakness('831990', { birthDate: '1990-01-31' })).toBe('birth_date'); // contains the year
    expect(pinWeakness('831990', { birthDate: '1985-06-30' })).toBe(null);
  });

  test("digits of the person's own number are phone_digits", () => {
    const phone = '+821048207395';
    expect(pinWeakness('207395', { phone })).toBe('phone_digits'); // the last six
    expect(pinWeakness('739581', { phone })).toBe('phone_digits'); // contains the last four
    expect(pinWeakness('948207', { phone })).toBe('phone_digits'); // contains the middle four
    expect(pinWeakness('739581')).toBe(null);
  });

  test('ordinary PINs pass', () => {
    for (const pin of ['480273', '739418', '582916', '064297']) expect(pinWeakness(pin, { phone: '+821012345678' })).toBe(null);
  });

  test('a fair share of all PINs stays allowed', () => {
    let allowed = 0;
    for (let n = 0; n < 1_000_000; n += 97) if (pinWeakness(String(n).padStart(6, '0')) === null) allowed++;
    expect(allowed / Math.ceil(1_000_000 / 97)).toBeGreaterThan(0.85);
  });

  test('assertPinStrong throws weak_pin with the reason, or invalid_pin_format', () => {
    const weak = (() => {
      try {
        assertPinStrong('111111', {});
      } catch (error) {
        return error as DomainError;
      }
    })();
    expect(weak?.code).toBe('weak_pin');
    expect(weak?.details.data).toEqual({ reason: 'same_digit' });
    expect(() => assertPinStrong('12345', {})).toThrow(expect.objectContaining({ code: 'invalid_pin_format' }));
    expect(() => assertPinStrong('12a456', {})).toThrow(expect.objectContaining({ code: 'invalid_pin_format' }));
  });
});
