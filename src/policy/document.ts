// The three faces of one policy: the typed Policy (amounts as Micros), the document (what YAML
// and the jsonb column hold: amounts as decimal strings in major units) and the wire form the API
// returns (amounts as { amount, currency }). Micros are the only bigints in a Policy, so one walk
// converts every amount.
import { createHash } from 'node:crypto';
import { formatAmount, type Micros, toWire } from '../money/index.ts';
import type { Policy, PolicyWire } from './schema.ts';

/** A JSON value; the document form of a policy. */
export type PolicyDocument = Record<string, unknown>;

function mapAmounts(value: unknown, convert: (amount: Micros) => unknown): unknown {
  if (typeof value === 'bigint') return convert(value as Micros);
  if (Array.isArray(value)) return value.map((item) => mapAmounts(item, convert));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapAmounts(item, convert)]));
  }
  return value;
}

/** Back to the document form: validatePolicy(policyToDocument(p)) yields p again. */
export function policyToDocument(policy: Policy): PolicyDocument {
  return mapAmounts(policy, (amount) => formatAmount(amount, policy.currency)) as PolicyDocument;
}

export function policyToWire(policy: Policy): PolicyWire {
  return mapAmounts(policy, (amount) => toWire({ amount, currency: policy.currency })) as PolicyWire;
}

/** JSON with object keys sorted, so that the same document always has the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the canonical document: what a version binds, independent of YAML comments. */
export function documentChecksum(document: PolicyDocument): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}
