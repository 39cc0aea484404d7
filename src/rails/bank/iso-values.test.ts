import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, charCount, checkText, cleanText, fitsIsoAmount, formatMinor, isIsoDate, isIsoReference, localDate, parseDate, parseDateTime, parseMinor } from './iso-values.ts';

describe('ISO amounts', () => {
  it('formats whole minor units per currency exponent', () => {
    expect(formatMinor(12345n, 'KRW')).toBe('12345');
    expect(formatMinor(0n, 'KRW')).toBe('0');
    expect(formatMinor(1234n, 'USD')).toBe('12.34');
    expect(formatMinor(5n, 'USD')).toBe('0.05');
    expect(() => formatMinor(-1n, 'KRW')).toThrow(RangeError);
  });

  it('parses decimals back to minor units, refusing sub-unit fractions', () => {
    expect(parseMinor('1000', 'KRW')).toEqual({ ok: true, amountMinor: 1000n, currency: 'KRW' });
    expect(parseMinor('1000.00', 'KRW')).toEqual({ ok: true, amountMinor: 1000n, currency: 'KRW' });
    expect(parseMinor('+12.3', 'USD')).toEqual({ ok: true, amountMinor: 1230n, currency: 'USD' });
    expect(parseMinor('.5', 'USD')).toEqual({ ok: true, amountMinor: 50n, currency: 'USD' });
    expect(parseMinor('1000.5', 'KRW')).toMatchObject({ ok: false });
    expect(parseMinor('12.345', 'USD')).toMatchObject({ ok: false });
    expect(parseMinor('1e3', 'KRW')).toMatchObject({ ok: false });
    expect(parseMinor('-5', 'KRW')).toMatchObject({ ok: false });
    expect(parseMinor('.', 'KRW')).toMatchObject({ ok: false });
    expect(parseMinor('5', 'XXX')).toMatchObject({ ok: false, error: 'currency XXX is not supported' });
  });

  it('round-trips every amount exactly (no floats on the way)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.constantFrom('KRW' as const, 'USD' as const, 'EUR' as const), (amount, currency) => {
        const parsed = parseMinor(formatMinor(amount, currency), currency);
        expect(parsed).toEqual({ ok: true, amountMinor: amount, currency });
      }),
    );
  });

  it('knows the schema limit of 18 digits', () => {
    expect(fitsIsoAmount(10n ** 18n - 1n, 'KRW')).toBe(true);
    expect(fitsIsoAmount(10n ** 18n, 'KRW')).toBe(false);
    expect(fitsIsoAmount(10n ** 18n - 1n, 'USD')).toBe(true);
    expect(fitsIsoAmount(-1n, 'KRW')).toBe(false);
  });
});

describe('ISO text', () => {
  it('cleans what XML cannot carry and collapses whitespace', () => {
    expect(cleanText('  홍길동\t\n & <Co>  ')).toBe('홍길동 & <Co>');
    expect(cleanText('a\u0000b\uFFFEc')).toBe('a b c');
    expect(cleanText('x\uD800y')).toBe('x y');
    expect(cleanText('😀')).toBe('😀');
  });

  it('counts characters the way the schema does', () => {
    expect(charCount('홍길동')).toBe(3);
    expect(charCount('😀😀')).toBe(2);
    expect(checkText('😀'.repeat(140), 140)).toMatchObject({ ok: true });
    expect(checkText('😀'.repeat(141), 140)).toEqual({ ok: false, error: 'is longer than 140 characters' });
    expect(checkText(' \n ', 140)).toEqual({ ok: false, error: 'is empty' });
  });

  it('accepts TypeIDs as references and refuses what banks mangle', () => {
    expect(isIsoReference('cot_01jh0000000000000000000000')).toBe(true);
    expect(isIsoReference('a'.repeat(35))).toBe(true);
    expect(isIsoReference('a'.repeat(36))).toBe(false);
    expect(isIsoReference('')).toBe(false);
    expect(isIsoReference('cot 1')).toBe(false);
    expect(isIsoReference('홍길동')).toBe(false);
  });
});

describe('ISO dates', () => {
  it('checks calendar dates and moves them', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-1-5')).toBe(false);
    expect(addDays('2026-02-27', 3)).toBe('2026-03-02');
    expect(parseDate('2026-01-15T10:00:00+09:00')).toBe('2026-01-15');
    expect(parseDate('yesterday')).toBeNull();
  });

  it('reads times without an offset as the bank local time', () => {
    expect(parseDateTime('2026-01-15T09:00:00')?.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(parseDateTime('2026-01-15T09:00:00Z')?.toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(parseDateTime('2026-01-15T09:00:00.5+01:00')?.toISOString()).toBe('2026-01-15T08:00:00.500Z');
    expect(parseDateTime('soon')).toBeNull();
  });

  it('gives the local date in Seoul', () => {
    expect(localDate(new Date('2026-01-15T15:00:00Z'), 'Asia/Seoul')).toBe('2026-01-16');
    expect(localDate(new Date('2026-01-15T14:59:59Z'), 'Asia/Seoul')).toBe('2026-01-15');
  });
});
