// Decimal strings in major units ("12.3456") ⇄ Micros. Pure string/bigint work:
// no float ever touches an amount, and nothing is rounded — bad input is an error.
import { MoneyError } from './errors.ts';
import { type CurrencyCode, isCurrencyCode, maxDecimals } from './currency.ts';
import { type Micros, MICROS_MAX, micros } from './micros.ts';

const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

export interface ParseOptions {
  /** Allow a leading minus (only ledger corrections and reports need this). */
  allowNegative?: boolean;
  /** Allow "0" (quotes for "all" or statements may; credits may not). */
  allowZero?: boolean;
  /** Upper bound in micro-units; defaults to int8's maximum. */
  maxMicros?: bigint;
}

export function parseAmount(text: string, currency: CurrencyCode, options: ParseOptions = {}): Micros {
  if (!isCurrencyCode(currency)) throw new MoneyError('unknown_currency', `unknown currency ${String(currency)}`);
  if (typeof text !== 'string' || text.length === 0 || text.length > 40) {
    throw new MoneyError('invalid_amount_format', 'an amount is a decimal string such as "12.3456"');
  }
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyError('invalid_amount_format', `"${text}" is not a plain decimal number`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const decimals = maxDecimals(currency);
  if (fraction.length > decimals) {
    throw new MoneyError('too_many_decimals', `${currency} amounts have at most ${decimals} decimal places`);
  }
  const digits = whole + fraction.padEnd(decimals, '0');
  const magnitude = BigInt(digits);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value < 0n && !options.allowNegative) throw new MoneyError('negative_amount', 'the amount must not be negative');
  if (value === 0n && !options.allowZero) throw new MoneyError('zero_amount', 'the amount must be greater than zero');
  const limit = options.maxMicros ?? MICROS_MAX;
  if (value > limit || -value > limit + 1n) throw new MoneyError('amount_out_of_range', 'the amount is too large');
  return micros(value);
}

/** Canonical wire form: major units, trailing zeros trimmed ("12.3456", "5", "0.0001"). */
export function formatAmount(amount: Micros, currency: CurrencyCode): string {
  const decimals = maxDecimals(currency);
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
