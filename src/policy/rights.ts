// The rights text may quote the policy's own numbers with placeholders such as
// "{disputes.resolve_within_days}" or "{cashout.minimum}", so that the words people read can
// never disagree with the numbers the code applies. Unknown placeholders make the policy invalid.
import { formatMoney, type Locale, type Micros } from '../money/index.ts';
import type { Policy } from './schema.ts';

export const PLACEHOLDER = /\{([a-z0-9_.]+)\}/g;

export type PlaceholderValue = string | number | boolean | bigint;

/** The scalar at a dotted path ("tiers.0.balance_cap"), or undefined when there is none. */
export function lookupPath(root: unknown, path: string): PlaceholderValue | undefined {
  let node: unknown = root;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  const kind = typeof node;
  return kind === 'string' || kind === 'number' || kind === 'boolean' || kind === 'bigint' ? (node as PlaceholderValue) : undefined;
}

/** Placeholders in a text that do not name a scalar of the policy. */
export function unknownPlaceholders(text: string, policy: unknown): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((path) => lookupPath(policy, path) === undefined);
}

/** Replaces placeholders with the policy's values; amounts (bigint Micros) are formatted for people. */
export function interpolate(text: string, policy: Policy, lang: Locale): string {
  return text.replace(PLACEHOLDER, (whole, path: string) => {
    const value = lookupPath(policy, path);
    if (value === undefined) return whole;
    if (typeof value === 'bigint') return formatMoney(value as Micros, policy.currency, lang);
    if (typeof value === 'number') return value.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US');
    return String(value);
  });
}
