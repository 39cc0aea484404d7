// Amounts, dates and numbers as a USSD screen shows them. English screens must stay in the GSM
// 7-bit alphabet (182 characters rather than 80), so amounts are "KRW 12,345" — the won sign and
// Intl's no-break space would turn the whole screen into UCS-2. Dust (value below one won) is
// shown, never rounded away: a wallet of micro-credits must not display money as zero.
import { CURRENCIES, formatAmount, type CurrencyCode, type Micros } from '../money/index.ts';
import { maskPhone, type Carrier } from '../identity/index.ts';
import type { Lang } from '../shared/errors.ts';

function grouped(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function ussdMoney(amount: Micros, currency: CurrencyCode, lang: Lang): string {
  const decimal = formatAmount(amount, currency);
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const exponent = CURRENCIES[currency].exponent;
  const digits = fraction.padEnd(exponent, '0');
  const number = `${negative ? '-' : ''}${grouped(whole)}${digits ? `.${digits}` : ''}`;
  if (lang === 'ko') return currency === 'KRW' ? `${number}원` : `${number} ${currency}`;
  return `${currency} ${number}`;
}

/** A signed amount for a history line: "+1,200" / "-500" (the currency is in the screen's title). */
export function ussdSigned(amount: Micros, currency: CurrencyCode, direction: 'in' | 'out' | 'internal'): string {
  const decimal = formatAmount((amount < 0n ? -amount : amount) as Micros, currency);
  const [whole = '0', fraction = ''] = decimal.split('.');
  const digits = fraction.padEnd(CURRENCIES[currency].exponent, '0');
  const sign = direction === 'in' ? '+' : direction === 'out' ? '-' : '';
  return `${sign}${grouped(whole)}${digits ? `.${digits}` : ''}`;
}

/** "07-14" or "07-14 09:30" in the operator's time zone. */
export function ussdDate(at: Date, timeZone: string, withTime = false): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return withTime ? `${part('month')}-${part('day')} ${part('hour')}:${part('minute')}` : `${part('month')}-${part('day')}`;
}

/**
 * The carrier behind a gateway's networkCode (MCC + MNC). Korea is MCC 450; an MVNO rides a host
 * network's code, so an unknown or absent code is recorded as MVNO (the carrier events feed and
 * the identity check correct it later).
 */
const NETWORK_CARRIERS: Readonly<Record<string, Carrier>> = {
  '45005': 'SKT',
  '45011': 'SKT',
  '45002': 'KT',
  '45004': 'KT',
  '45008': 'KT',
  '45006': 'LGU',
};

export function carrierOfNetwork(networkCode: string | null | undefined): Carrier {
  return (networkCode && NETWORK_CARRIERS[networkCode.trim()]) || 'MVNO';
}

/** The caller's number as they know it, masked: "010-****-5678" for Korea, else "+44****5678". */
export function ussdPhone(e164: string): string {
  const korean = /^\+82(1\d)(\d{3,4})(\d{4})$/.exec(e164);
  return korean ? `0${korean[1]}-****-${korean[3]}` : maskPhone(e164);
}
