import { describe, expect, test } from 'vitest';
import './errors.ts';
import { normalizeIdNumber } from './id-numbers.ts';

describe('ID document numbers', () => {
  test('resident registration numbers carry the birth date and are masked after the gender digit', () => {
    expect(normalizeIdNumber('resident_registration', '900131-1234567')).toEqual({ number: '9001311234567', masked: '900131-1******', birthDate: '1990-01-31' });
    expect(normalizeIdNumber('resident_registration', '0502283234567').birthDate).toBe('2005-02-28');
    expect(normalizeIdNumber('alien_registration', '900131-5234567').birthDate).toBe('1990-01-31');
  });

  test.each([
    ['resident_registration', '900132-1234567'], // no 32 January
    ['resident_registration', '900131-5234567'], // 5 is an alien-registration digit
    ['resident_registration', '90013112345'],
    ['alien_registration', '900131-1234567'],
    ['driver_license', '29-12-345678-90'], // region 29 does not exist
    ['driver_license', '11-12-34567-90'],
    ['passport', 'M1234567'],
    ['passport', '123456789'],
  ] as const)('%s %s is invalid_id_number', (type, number) => {
    expect(() => normalizeIdNumber(type, number)).toThrow(expect.objectContaining({ code: 'invalid_id_number' }));
  });

  test('driver licences and passports are masked too', () => {
    expect(normalizeIdNumber('driver_license', '11-12-345678-90').masked).toBe('11-**-******-90');
    expect(normalizeIdNumber('passport', 'm12345678').masked).toBe('M*******8');
  });
});
