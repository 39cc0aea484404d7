import { describe, expect, test } from 'vitest';
import type { Micros } from '../money/index.ts';
import { isGsm7 } from './gsm.ts';
import { carrierOfNetwork, ussdDate, ussdMoney, ussdPhone, ussdSigned } from './format.ts';

const m = (v: bigint) => v as Micros;

describe('ussdMoney', () => {
  test('English amounts stay in the GSM alphabet; Korean ones end in 원', () => {
    expect(ussdMoney(m(12_345_0000n), 'KRW', 'en')).toBe('KRW 12,345');
    expect(isGsm7(ussdMoney(m(12_345_0000n), 'KRW', 'en'))).toBe(true);
    expect(ussdMoney(m(12_345_0000n), 'KRW', 'ko')).toBe('12,345원');
    expect(ussdMoney(m(0n), 'KRW', 'en')).toBe('KRW 0');
  });

  test('dust is shown, not rounded to zero', () => {
    expect(ussdMoney(m(350n), 'KRW', 'en')).toBe('KRW 0.035');
    expect(ussdMoney(m(10_000_000_0001n), 'KRW', 'ko')).toBe('10,000,000.0001원');
  });

  test('currencies with cents show two decimals at least', () => {
    expect(ussdMoney(m(12_500_000n), 'USD', 'en')).toBe('USD 12.50');
    expect(ussdMoney(m(12_500_000n), 'USD', 'ko')).toBe('12.50 USD');
  });

  test('signed history amounts', () => {
    expect(ussdSigned(m(1_200_0000n), 'KRW', 'in')).toBe('+1,200');
    expect(ussdSigned(m(-500_0000n), 'KRW', 'out')).toBe('-500');
    expect(ussdSigned(m(500_0000n), 'KRW', 'internal')).toBe('500');
  });
});

describe('ussdDate', () => {
  test('in the operator time zone', () => {
    expect(ussdDate(new Date('2026-07-13T16:30:00Z'), 'Asia/Seoul')).toBe('07-14');
    expect(ussdDate(new Date('2026-07-13T16:30:00Z'), 'Asia/Seoul', true)).toBe('07-14 01:30');
  });
});

describe('carrierOfNetwork', () => {
  test('Korean network codes map to carriers; anything else is an MVNO', () => {
    expect(carrierOfNetwork('45005')).toBe('SKT');
    expect(carrierOfNetwork('45008')).toBe('KT');
    expect(carrierOfNetwork('45006')).toBe('LGU');
    expect(carrierOfNetwork('99999')).toBe('MVNO');
    expect(carrierOfNetwork(null)).toBe('MVNO');
    expect(carrierOfNetwork('')).toBe('MVNO');
  });
});

describe('ussdPhone', () => {
  test('a Korean mobile as its owner writes it, masked', () => {
    expect(ussdPhone('+821012345678')).toBe('010-****-5678');
    expect(ussdPhone('+447700900123')).toBe('+4477****0123');
  });
});
