import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountFromInput, formatMoney, isZeroAmount } from './money.ts';
import { fillPlaceholders } from './placeholders.ts';
import { formatPhone } from './phone.ts';
import { parseDial } from '../ussd/dial.ts';

describe('formatMoney', () => {
  it('formats KRW the Korean way and the English way', () => {
    expect(formatMoney({ amount: '1234567', currency: 'KRW' }, 'ko')).toBe('1,234,567원');
    expect(formatMoney({ amount: '1234567', currency: 'KRW' }, 'en')).toBe('₩1,234,567');
  });
  it('keeps dust: sub-won digits are shown, never rounded away', () => {
    expect(formatMoney({ amount: '0.0350', currency: 'KRW' }, 'ko')).toBe('0.0350원');
    expect(formatMoney({ amount: '12.3456', currency: 'KRW' }, 'en')).toBe('₩12.3456');
    expect(formatMoney({ amount: '0.0001', currency: 'KRW' }, 'en')).toBe('₩0.0001');
  });
  it('shows cents for USD and exact digits beyond', () => {
    expect(formatMoney({ amount: '5', currency: 'USD' }, 'en')).toBe('$5.00');
    expect(formatMoney({ amount: '0.000001', currency: 'USD' }, 'en')).toBe('$0.000001');
  });
  it('never loses a digit of a large amount (no float on the way)', () => {
    // 2^53 + 1 won plus dust: a float would print …992 and drop the dust.
    expect(formatMoney({ amount: '9007199254740993.0001', currency: 'KRW' }, 'en')).toBe('₩9,007,199,254,740,993.0001');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 9999 }), (whole, dust) => {
        const amount = dust ? `${whole}.${String(dust).padStart(4, '0')}` : String(whole);
        const shown = formatMoney({ amount, currency: 'KRW' }, 'ko').replace(/[,원]/g, '');
        expect(shown).toBe(amount);
      }),
    );
  });
});

describe('amountFromInput', () => {
  it('accepts what people type and returns the decimal string', () => {
    expect(amountFromInput('12,000')).toBe('12000');
    expect(amountFromInput(' 1 500원 ')).toBe('1500');
    expect(amountFromInput('0012.50')).toBe('12.50');
    expect(amountFromInput('₩3,000.1234')).toBe('3000.1234');
  });
  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '1.2.3', '-5', '1e5', '12.', '.5', '1,000.123456789']) expect(amountFromInput(bad), bad).toBeNull();
  });
  it('is zero only for zeros', () => {
    expect(isZeroAmount('0')).toBe(true);
    expect(isZeroAmount('0.0000')).toBe(true);
    expect(isZeroAmount('0.0001')).toBe(false);
    expect(isZeroAmount('10')).toBe(false);
  });
});

describe('fillPlaceholders', () => {
  const policy = { cashout: { minimum: { amount: '1000', currency: 'KRW' }, quote_validity_seconds: 120 }, disputes: { resolve_within_days: 15 } };
  it('fills amounts and numbers from the policy, per language', () => {
    expect(fillPlaceholders('from {cashout.minimum}, within {disputes.resolve_within_days} days', policy, 'en')).toBe('from ₩1,000, within 15 days');
    expect(fillPlaceholders('{cashout.minimum}부터', policy, 'ko')).toBe('1,000원부터');
  });
  it('leaves an unknown placeholder as written', () => {
    expect(fillPlaceholders('{nope.nothing}', policy, 'en')).toBe('{nope.nothing}');
  });
});

describe('formatPhone', () => {
  it('writes Korean mobiles the national way', () => {
    expect(formatPhone('+821012345678')).toBe('010-1234-5678');
    expect(formatPhone('+82111234567')).toBe('011-123-4567');
    expect(formatPhone('+14155550100')).toBe('+14155550100');
    expect(formatPhone(null)).toBe('—');
  });
});

describe('parseDial', () => {
  it('splits a service code and its shortcut answers as a gateway does', () => {
    expect(parseDial('*123#')).toEqual({ serviceCode: '*123#', text: '' });
    expect(parseDial('*123*1*2#')).toEqual({ serviceCode: '*123#', text: '1*2' });
  });
  it('refuses what is not a USSD code', () => {
    for (const bad of ['123', '*123', '#123#', '*1#', '*12345#', '*123**#', '']) expect(parseDial(bad), bad).toBeNull();
  });
});
