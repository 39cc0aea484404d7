// Money is bigint micro-units end to end: parsing and formatting are exact inverses, bad input is
// a typed error (never a rounded number), and fee arithmetic rounds in the operator's disfavour.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCY_CODES, MICROS_MAX, MoneyError, floorToMinor, formatAmount, formatMoney, fromMinor, maxDecimals, micros,
  moneySchema, parseAmount, percentOfFloor, splitDust, toMinorFloor, type CurrencyCode, type Micros,
} from './index.ts';

const currency = fc.constantFrom(...CURRENCY_CODES);
const amount = fc.bigInt({ min: 0n, max: MICROS_MAX }).map((v) => v as Micros);

describe('parseAmount ∘ formatAmount', () => {
  it('is the identity on every representable amount, in every currency', () => {
    fc.assert(
      fc.property(currency, amount, (c, a) => {
        expect(parseAmount(formatAmount(a, c), c, { allowZero: true })).toBe(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats canonically: no trailing zeros, no leading zeros, exact micro digits', () => {
    expect(formatAmount(123_456n as Micros, 'KRW')).toBe('12.3456');
    expect(formatAmount(50_000n as Micros, 'KRW')).toBe('5');
    expect(formatAmount(1n as Micros, 'KRW')).toBe('0.0001');
    expect(formatAmount(1n as Micros, 'USD')).toBe('0.000001');
    expect(formatAmount(-25_000n as Micros, 'KRW')).toBe('-2.5');
    expect(parseAmount('12.3456', 'KRW')).toBe(123_456n);
    expect(parseAmount('0.01', 'USD')).toBe(10_000n);
  });

  it('refuses what is not a plain decimal, with a typed error and never a rounded number', () => {
    const cases: [string, CurrencyCode, string][] = [
      ['1e3', 'KRW', 'invalid_amount_format'],
      ['1.5E2', 'USD', 'invalid_amount_format'],
      [' 1', 'KRW', 'invalid_amount_format'],
      ['+1', 'KRW', 'invalid_amount_format'],
      ['01', 'KRW', 'invalid_amount_format'],
      ['1.', 'KRW', 'invalid_amount_format'],
      ['.5', 'KRW', 'invalid_amount_format'],
      ['1,000', 'KRW', 'invalid_amount_format'],
      ['0x10', 'KRW', 'invalid_amount_format'],
      ['NaN', 'KRW', 'invalid_amount_format'],
      ['Infinity', 'KRW', 'invalid_amount_format'],
      ['', 'KRW', 'invalid_amount_format'],
      ['1.00001', 'KRW', 'too_many_decimals'],
      ['0.0000001', 'USD', 'too_many_decimals'],
      ['-1', 'KRW', 'negative_amount'],
      ['0', 'KRW', 'zero_amount'],
      ['922337203685477.5808', 'KRW', 'amount_out_of_range'],
      ['99999999999999999999999', 'KRW', 'amount_out_of_range'],
    ];
    for (const [text, c, code] of cases) {
      expect(() => parseAmount(text, c), text).toThrow(MoneyError);
      try {
        parseAmount(text, c);
      } catch (error) {
        expect((error as MoneyError).code, text).toBe(code);
      }
    }
    expect(parseAmount('922337203685477.5807', 'KRW')).toBe(MICROS_MAX);
    expect(parseAmount('-3', 'KRW', { allowNegative: true })).toBe(-30_000n);
    expect(() => parseAmount('5', 'XYZ' as CurrencyCode)).toThrow(/unknown currency/);
  });

  it('never touches a float: a decimal beyond double precision survives exactly', () => {
    // 9007199254740993 micro-units is 2^53 + 1: as a double it would become ...992.
    const text = '900719925474.0993';
    const parsed = parseAmount(text, 'KRW');
    expect(parsed).toBe(9_007_199_254_740_993n);
    expect(formatAmount(parsed, 'KRW')).toBe(text);
    expect(() => parseAmount('9007199254740993.0001', 'KRW')).toThrow(/too large/);
  });
});

describe('arithmetic', () => {
  it('splits dust: whole minor units a rail can pay, and the rest', () => {
    expect(splitDust(123_456n as Micros)).toEqual({ payable: 120_000n, dust: 3_456n });
    fc.assert(
      fc.property(amount, (a) => {
        const { payable, dust } = splitDust(a);
        expect(payable + dust).toBe(a);
        expect(dust >= 0n && dust < 10_000n).toBe(true);
        expect(payable % 10_000n).toBe(0n);
      }),
    );
    expect(toMinorFloor(129_999n as Micros)).toBe(12n);
    expect(fromMinor(12n)).toBe(120_000n);
    expect(floorToMinor(129_999n as Micros)).toBe(120_000n);
  });

  it('percentages round down (the operator absorbs the fraction, never the user)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10_000n }), (a, bps) => {
        const fee = percentOfFloor(a as Micros, bps);
        expect(fee * 10_000n <= a * bps).toBe(true);
        expect((fee + 1n) * 10_000n > a * bps).toBe(true);
      }),
    );
    expect(() => micros(MICROS_MAX + 1n)).toThrow(MoneyError);
  });
});

describe('formatMoney (ko, en)', () => {
  it('shows won the Korean way and keeps sub-unit dust visible', () => {
    expect(formatMoney(12_345_0000n as Micros, 'KRW', 'ko')).toBe('12,345원');
    expect(formatMoney(350n as Micros, 'KRW', 'ko')).toBe('0.035원');
    expect(formatMoney(12_345_0000n as Micros, 'KRW', 'en')).toBe('₩12,345');
    expect(formatMoney(1_234_567_890n as Micros, 'USD', 'en')).toBe('$1,234.56789');
    expect(formatMoney(1_230_000n as Micros, 'USD', 'en')).toBe('$1.23');
  });
});

describe('moneySchema (the wire)', () => {
  it('parses { amount, currency } into micro-units and reports invalid_amount otherwise', () => {
    const schema = moneySchema();
    expect(schema.parse({ amount: '0.0035', currency: 'KRW' })).toEqual({ amount: 35n, currency: 'KRW' });
    const bad = schema.safeParse({ amount: '1.23456', currency: 'KRW' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/invalid_amount/);
    expect(schema.safeParse({ amount: 5, currency: 'KRW' }).success).toBe(false);
    expect(schema.safeParse({ amount: '5', currency: 'XXX' }).success).toBe(false);
    expect(schema.safeParse({ amount: '5', currency: 'KRW', extra: 1 }).success).toBe(false);
  });

  it('knows each currency precision', () => {
    expect(maxDecimals('KRW')).toBe(4);
    expect(maxDecimals('USD')).toBe(6);
  });
});
