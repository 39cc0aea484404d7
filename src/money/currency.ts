// ISO 4217 currencies we handle, with their minor-unit exponent.
// A micro-unit is the currency's minor unit × 10,000 (DESIGN §2), so the number of
// decimals an amount may carry is exponent + 4.

export const MICROS_PER_MINOR = 10_000n;
export const MICRO_DIGITS = 4;

export const CURRENCIES = {
  KRW: { code: 'KRW', exponent: 0, numeric: '410' },
  USD: { code: 'USD', exponent: 2, numeric: '840' },
  JPY: { code: 'JPY', exponent: 0, numeric: '392' },
  EUR: { code: 'EUR', exponent: 2, numeric: '978' },
} as const;

export type CurrencyCode = keyof typeof CURRENCIES;
export const CURRENCY_CODES = Object.keys(CURRENCIES) as CurrencyCode[];

export function isCurrencyCode(value: string): value is CurrencyCode {
  return Object.hasOwn(CURRENCIES, value);
}

/** Decimal places an amount in this currency may have on the wire. */
export function maxDecimals(currency: CurrencyCode): number {
  return CURRENCIES[currency].exponent + MICRO_DIGITS;
}

/** Micro-units in one major unit (1 KRW = 10^4, 1 USD = 10^6). */
export function microsPerMajor(currency: CurrencyCode): bigint {
  return 10n ** BigInt(maxDecimals(currency));
}
