// Amounts arrive as decimal strings ("12.3456") and are formatted from the string itself:
// Intl.NumberFormat accepts numeric strings exactly (ES2023), so no amount ever becomes a float.
import type { Lang } from '../i18n/index.ts';

export interface Money {
  amount: string;
  currency: string;
}

const INTL_LOCALE: Record<Lang, string> = { ko: 'ko-KR', en: 'en-US' };
const MINOR_DIGITS: Record<string, number> = { KRW: 0, JPY: 0, USD: 2, EUR: 2 };

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

function fractionDigitsOf(amount: string): number {
  const dot = amount.indexOf('.');
  return dot < 0 ? 0 : amount.length - dot - 1;
}

/**
 * "₩1,234" / "1,234원"; sub-unit digits are shown only when present ("₩0.0350"), so a wallet of
 * micro-credits never shows its dust as zero.
 */
export function formatMoney(money: Money, lang: Lang): string {
  const digits = Math.max(fractionDigitsOf(money.amount), minorDigits(money.currency));
  const value = money.amount as `${number}`;
  if (lang === 'ko' && money.currency === 'KRW') {
    return `${new Intl.NumberFormat('ko-KR', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)}원`;
  }
  return new Intl.NumberFormat(INTL_LOCALE[lang], {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

export function formatNumber(value: number | bigint | `${number}`, lang: Lang): string {
  return new Intl.NumberFormat(INTL_LOCALE[lang]).format(value);
}

export function formatPercentBps(bps: number, lang: Lang): string {
  return new Intl.NumberFormat(INTL_LOCALE[lang], { style: 'percent', maximumFractionDigits: 2 }).format(bps / 10_000);
}

/**
 * What a person typed ("12,000", "12 000.5") as the API's decimal string, or null when it is not
 * an amount. Grouping separators are dropped; the value is never parsed into a number.
 */
export function amountFromInput(text: string): string | null {
  const cleaned = text.replace(/[\s,_원₩]/g, '');
  if (!/^\d{1,15}(\.\d{1,8})?$/.test(cleaned)) return null;
  const [whole = '0', fraction] = cleaned.split('.');
  const trimmedWhole = whole.replace(/^0+(?=\d)/, '');
  return fraction ? `${trimmedWhole}.${fraction}` : trimmedWhole;
}

/** Is the decimal string zero ("0", "0.0000")? Compared as text, not as a float. */
export function isZeroAmount(amount: string): boolean {
  return /^0*(\.0*)?$/.test(amount.replace('-', ''));
}

export function formatDateTime(iso: string, lang: Lang, timeZone = 'Asia/Seoul'): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

export function formatDate(iso: string, lang: Lang, timeZone = 'Asia/Seoul'): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[lang], { dateStyle: 'medium', timeZone }).format(new Date(iso));
}
