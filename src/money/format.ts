// Human formatting (ko, en). Uses Intl on strings — Intl.NumberFormat accepts decimal
// strings exactly (ES2023), so no amount is converted to a float on the way.
import { type CurrencyCode, CURRENCIES } from './currency.ts';
import type { Micros } from './micros.ts';
import { formatAmount } from './parse.ts';

export type Locale = 'ko' | 'en';

const INTL_LOCALE: Record<Locale, string> = { ko: 'ko-KR', en: 'en-US' };

// Building an Intl.NumberFormat costs far more than using one; a batch of 100,000 SMS renders
// the same few shapes over and over.
const formatters = new Map<string, Intl.NumberFormat>();
function formatterFor(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${options.style ?? ''}|${options.currency ?? ''}|${options.minimumFractionDigits}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * "₩1,234" / "1,234원", with sub-unit digits shown only when present ("₩0.0350"),
 * because a wallet of micro-credits must never display dust as zero.
 */
export function formatMoney(amount: Micros, currency: CurrencyCode, locale: Locale): string {
  const decimal = formatAmount(amount, currency);
  const fractionDigits = decimal.includes('.') ? (decimal.split('.')[1] ?? '').length : 0;
  const exponent = CURRENCIES[currency].exponent;
  const digits = Math.max(fractionDigits, exponent);
  if (locale === 'ko' && currency === 'KRW') {
    const nf = formatterFor('ko-KR', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    return `${nf.format(decimal as unknown as number)}원`;
  }
  const nf = formatterFor(INTL_LOCALE[locale], {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return nf.format(decimal as unknown as number);
}
