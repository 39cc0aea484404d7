// The policy's rights text quotes the policy's own numbers ("{disputes.resolve_within_days}"):
// fill them in from the same version, as the server's /policy page does.
import type { Lang } from '../i18n/index.ts';
import { formatMoney, formatNumber, type Money } from './money.ts';

function isMoney(value: unknown): value is Money {
  return typeof value === 'object' && value !== null && typeof (value as Money).amount === 'string' && typeof (value as Money).currency === 'string';
}

export function fillPlaceholders(text: string, policy: unknown, lang: Lang): string {
  return text.replace(/\{([a-z0-9_.]+)\}/g, (whole, path: string) => {
    let value: unknown = policy;
    for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    if (isMoney(value)) return formatMoney(value, lang);
    if (typeof value === 'number') return formatNumber(value, lang);
    if (typeof value === 'string') return value;
    return whole;
  });
}
