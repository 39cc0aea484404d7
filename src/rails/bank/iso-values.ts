// The value types of ISO 20022 messages, as we write and read them: amounts as whole minor units
// (bigint, never a float), free text cleaned to what XML and the schema's MaxNNText accept,
// identifiers, and dates. Shared by every message module here.
import { CURRENCIES, isCurrencyCode, type CurrencyCode } from '../../money/index.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** xs:decimal with totalDigits 18: the most digits an amount or a control sum may have. */
const AMOUNT_DIGITS_MAX = 18;

/** "12345" for KRW 12345, "12.34" for USD 1234 cents. */
export function formatMinor(amountMinor: bigint, currency: CurrencyCode): string {
  if (amountMinor < 0n) throw new RangeError('ISO amounts are unsigned; the direction is carried separately');
  const exponent = CURRENCIES[currency].exponent;
  if (exponent === 0) return amountMinor.toString();
  const digits = amountMinor.toString().padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Does the amount fit the schema's 18 digits once written in this currency? */
export function fitsIsoAmount(amountMinor: bigint, currency: CurrencyCode): boolean {
  if (amountMinor < 0n) return false;
  return formatMinor(amountMinor, currency).replace('.', '').replace(/^0+(?=[0-9])/, '').length <= AMOUNT_DIGITS_MAX;
}

/**
 * Whole minor units from an xs:decimal ("1000", "1000.00", "+12.3"), or an error when the text
 * holds a fraction finer than the currency's minor unit: a bank paying half a won is a bank
 * file we do not understand, so we refuse it rather than round it.
 */
export function parseMinor(text: string, currency: string): { ok: true; amountMinor: bigint; currency: CurrencyCode } | { ok: false; error: string } {
  if (!isCurrencyCode(currency)) return { ok: false, error: `currency ${currency} is not supported` };
  const match = /^\+?([0-9]*)(?:\.([0-9]*))?$/.exec(text.trim());
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) return { ok: false, error: `amount "${text}" is not a decimal number` };
  const exponent = CURRENCIES[currency].exponent;
  if (/[1-9]/.test(fraction.slice(exponent))) return { ok: false, error: `amount ${text} ${currency} is finer than the currency's minor unit` };
  const minorDigits = `${whole}${fraction.slice(0, exponent).padEnd(exponent, '0')}`;
  return { ok: true, amountMinor: BigInt(minorDigits === '' ? '0' : minorDigits), currency };
}

// Characters XML 1.0 cannot carry at all, and lone UTF-16 surrogates (not characters).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Free text as a bank file carries it: characters XML cannot hold become spaces, runs of
 * whitespace (tabs, line breaks) one space, no space at either end. Reading a file gives back
 * exactly this, so this is also what a round trip preserves.
 */
export function cleanText(raw: string): string {
  return raw.replace(NOT_XML, ' ').replace(/\s+/g, ' ').trim();
}

/** Schema lengths (Max140Text …) count characters, not UTF-16 units: "홍길동" is 3, "😀" is 1. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Cleaned text within the schema's limit, or the reason it cannot be sent. */
export function checkText(raw: string, charsMax: number): { ok: true; text: string } | { ok: false; error: string } {
  const text = cleanText(raw);
  if (text === '') return { ok: false, error: 'is empty' };
  if (charCount(text) > charsMax) return { ok: false, error: `is longer than ${charsMax} characters` };
  return { ok: true, text };
}

/**
 * Message ids and end-to-end ids: Max35Text, restricted to what every bank system passes
 * through unchanged (TypeIDs such as cot_01h… fit).
 */
export function isIsoReference(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,34}$/.test(value);
}

/** A calendar date "YYYY-MM-DD" that exists. */
export function isIsoDate(value: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone (statements and booking dates are local). */
export function localDate(at: Date, timeZone: string): string {
  // Building a DateTimeFormat costs far more than using one: keep one per zone.
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(at);
}

export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** xs:dateTime as we write it: UTC with milliseconds. */
export function formatDateTime(at: Date): string {
  return at.toISOString();
}

/**
 * xs:dateTime as banks write it, often without an offset: such a time is the bank's local
 * time, which the caller names (Korea: +09:00).
 */
export function parseDateTime(text: string, offsetWhenMissing = '+09:00'): Date | null {
  const trimmed = text.trim();
  const hasOffset = /(?:[zZ]|[+-][0-9]{2}:[0-9]{2})$/.test(trimmed);
  const at = new Date(hasOffset ? trimmed : `${trimmed}${offsetWhenMissing}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The date part of an xs:date or xs:dateTime ("2026-01-15" or "2026-01-15T10:00:00+09:00"). */
export function parseDate(text: string): string | null {
  const date = text.trim().slice(0, 10);
  return isIsoDate(date) ? date : null;
}
