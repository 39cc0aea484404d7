// Weak PINs are refused with a reason. The rules follow what people actually pick: one digit
// repeated, runs, short repeated patterns, digits of their own phone number, and dates.
import { DomainError } from '../shared/errors.ts';
import { nationalDigits } from './phone.ts';

export const PIN_PATTERN = /^\d{6}$/;

export type WeakPinReason = 'same_digit' | 'sequence' | 'repeated_pattern' | 'phone_digits' | 'birth_date';

export interface PinContext {
  /** E.164 phone number of the person choosing the PIN. */
  phone?: string | null;
  /** YYYY-MM-DD when known (after the identity check). */
  birthDate?: string | null;
}

function digitsOf(pin: string): number[] {
  return [...pin].map((c) => c.charCodeAt(0) - 48);
}

function isSequence(d: number[]): boolean {
  // Runs wrap around (789012, 210987): people type them along the keypad just the same.
  const step = (d[1]! - d[0]! + 10) % 10;
  if (step !== 1 && step !== 9) return false;
  return d.every((v, i) => i === 0 || (v - d[i - 1]! + 10) % 10 === step);
}

function isRepeatedPattern(pin: string): boolean {
  const period = (n: number) => [...pin].every((c, i) => c === pin[i % n]);
  if (period(2) || period(3)) return true; // 121212, 123123
  return pin[0] === pin[1] && pin[1] === pin[2] && pin[3] === pin[4] && pin[4] === pin[5]; // 111222
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isDate(yy: number, mm: number, dd: number, fullYear?: number): boolean {
  if (mm < 1 || mm > 12 || dd < 1) return false;
  // Two-digit years: 29 Feb is a date in some year, so allow it.
  const year = fullYear ?? (yy % 4 === 0 ? 2000 : 2001);
  return dd <= daysInMonth(year, mm);
}

function isDateLike(pin: string): boolean {
  const n = (from: number, to: number) => Number.parseInt(pin.slice(from, to), 10);
  if (isDate(n(0, 2), n(2, 4), n(4, 6))) return true; // YYMMDD (the Korean way of writing a birth date)
  if (isDate(n(4, 6), n(0, 2), n(2, 4))) return true; // MMDDYY
  if (isDate(n(4, 6), n(2, 4), n(0, 2))) return true; // DDMMYY
  const year = n(0, 4);
  if (year >= 1930 && year <= 2039 && n(4, 6) >= 1 && n(4, 6) <= 12) return true; // YYYYMM
  return false;
}

function containsBirthDate(pin: string, birthDate: string): boolean {
  const [yyyy, mm, dd] = birthDate.split('-') as [string, string, string];
  return [`${mm}${dd}`, `${dd}${mm}`, `${yyyy.slice(2)}${mm}${dd}`, yyyy].some((part) => pin.includes(part));
}

function containsPhoneDigits(pin: string, phone: string): boolean {
  const digits = nationalDigits(phone);
  if (digits.length < 8) return pin === digits.slice(-6);
  const last4 = digits.slice(-4);
  const middle4 = digits.slice(-8, -4);
  return pin === digits.slice(-6) || pin.includes(last4) || pin.includes(middle4);
}

/** The first reason the PIN is weak, or null. Assumes the 6-digit format was checked. */
export function pinWeakness(pin: string, context: PinContext = {}): WeakPinReason | null {
  const d = digitsOf(pin);
  if (d.every((v) => v === d[0])) return 'same_digit';
  if (isSequence(d)) return 'sequence';
  if (isRepeatedPattern(pin)) return 'repeated_pattern';
  if (context.phone && containsPhoneDigits(pin, context.phone)) return 'phone_digits';
  if (isDateLike(pin) || (context.birthDate && containsBirthDate(pin, context.birthDate))) return 'birth_date';
  return null;
}

export function assertPinFormat(pin: unknown, param = 'pin'): asserts pin is string {
  if (typeof pin !== 'string' || !PIN_PATTERN.test(pin)) throw new DomainError('invalid_pin_format', { param });
}

/** Throws 400 weak_pin with `details.reason`. */
export function assertPinStrong(pin: string, context: PinContext, param = 'pin'): void {
  assertPinFormat(pin, param);
  const reason = pinWeakness(pin, context);
  if (reason) throw new DomainError('weak_pin', { param, data: { reason } });
}
