// A credit request in its canonical form, its id and its hash. The id is derived from the
// partner and its reference, so the ledger's unique transfer id is the idempotency key; the hash
// (stored in the transfer's metadata) tells a replay from a reuse of the reference.
import { createHash } from 'node:crypto';
import type { TransferId } from '../../ledger/index.ts';
import type { CurrencyCode, Micros } from '../../money/index.ts';
import { canonicalJson } from '../../policy/index.ts';
import { derivedUuid, uuidToId } from '../../shared/ids.ts';
import type { CreditItemWire } from './fields.ts';

export type Recipient = { phone: string } | { userId: string };

export interface CreditRequest {
  reference: string;
  /** Phone in E.164 (normalised), or a user id. */
  recipient: Recipient;
  amount: Micros;
  currency: CurrencyCode;
  source: string;
  description: string | null;
  metadata: Record<string, string | number | boolean | null> | null;
  /** sha256 of the canonical request: equal for the same request in any spelling. */
  hash: string;
}

export function creditUuid(partnerId: string, reference: string): TransferId {
  return derivedUuid(`smallchange:credit:${partnerId}:${reference}`) as TransferId;
}

/** Ids of the transfers that follow a credit: derived, so every step is idempotent too. */
export function relatedUuid(creditId: string, step: string): TransferId {
  return derivedUuid(`smallchange:credit:${creditId}:${step}`) as TransferId;
}

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * uuidToId(uuid, 'crd'), written out: the TypeID library parses and validates on every call, a
 * few microseconds that every line of a stream would pay. Tested equal to it (request.test.ts).
 */
export function creditIdOf(uuid: string): `crd_${string}` {
  if (uuid.length !== 36) return uuidToId(uuid, 'crd');
  // 130 bits: two leading zero bits, then the 128 of the uuid, read 4 at a time, written 5 at a time.
  let acc = 0;
  let bits = 2;
  let out = 'crd_';
  for (let i = 0; i < 36; i++) {
    const code = uuid.charCodeAt(i);
    if (code === 45) continue;
    const nibble = code <= 57 ? code - 48 : (code | 32) - 87;
    acc = ((acc << 4) | nibble) & 0xff;
    bits += 4;
    if (bits >= 5) {
      bits -= 5;
      out += BASE32.charAt((acc >> bits) & 31);
    }
  }
  return out as `crd_${string}`;
}

export function recipientText(recipient: Recipient): string {
  return 'phone' in recipient ? recipient.phone : recipient.userId;
}

/**
 * The hash covers what the partner asked for, normalised: the phone in E.164 and the amount in
 * micro-units, so "010-1234-5678" and "+821012345678", "5" and "5.0" are the same request.
 */
export function requestHash(request: Omit<CreditRequest, 'hash'>): string {
  // Written out by hand in a fixed key order (what canonicalJson would give): this runs for every
  // credit of every stream, and a generic sort of six keys is most of its cost.
  const recipient = 'phone' in request.recipient ? `{"phone":${JSON.stringify(request.recipient.phone)}}` : `{"user_id":${JSON.stringify(request.recipient.userId)}}`;
  const canonical =
    `{"amount":"${request.amount}","currency":"${request.currency}","description":${JSON.stringify(request.description)},` +
    `"metadata":${request.metadata === null ? 'null' : canonicalJson(request.metadata)},"partner_reference":${JSON.stringify(request.reference)},` +
    `"recipient":${recipient},"source":${JSON.stringify(request.source)}}`;
  return createHash('sha256').update(canonical).digest('hex');
}

export function toCreditRequest(wire: CreditItemWire, currency: CurrencyCode): CreditRequest {
  const base = {
    reference: wire.partner_reference,
    recipient: wire.recipient.phone !== undefined ? { phone: wire.recipient.phone } : { userId: wire.recipient.user_id! },
    amount: wire.amount,
    currency,
    source: wire.source,
    description: wire.description ?? null,
    metadata: wire.metadata ?? null,
  };
  return { ...base, hash: requestHash(base) };
}
