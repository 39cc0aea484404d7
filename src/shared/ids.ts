// Prefixed, sortable ids in the TypeID format (usr_01h…): a person can tell what an id is, and
// ids sort by creation time. The ledger stores the UUID inside (16 bytes, index-friendly).
import { createHash, randomBytes } from 'node:crypto';
import { typeid, TypeID } from 'typeid-js';

export const ID_PREFIXES = [
  'usr', 'wal', 'acc', 'txf', 'cot', 'quo', 'crd', 'ptn', 'stf', 'ses', 'otp', 'dev', 'key', 'evt',
  'msg', 'whk', 'whd', 'dst', 'bat', 'pay', 'agt', 'mer', 'vch', 'sub', 'rct', 'rec', 'blk', 'aud', 'req', 'idm', 'pol', 'lim',
  'ftk', 'cbr', 'rbl', 'cin',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

export function newId<P extends IdPrefix>(prefix: P): `${P}_${string}` {
  return typeid(prefix).toString() as `${P}_${string}`;
}

/** The UUID inside a TypeID, or null when the text is not a TypeID with that prefix. */
export function idToUuid(id: string, prefix: IdPrefix): string | null {
  try {
    const parsed = TypeID.fromString(id);
    return parsed.getType() === prefix ? parsed.toUUID() : null;
  } catch {
    return null;
  }
}

export function uuidToId<P extends IdPrefix>(uuid: string, prefix: P): `${P}_${string}` {
  return TypeID.fromUUID(prefix, uuid).toString() as `${P}_${string}`;
}

export function isId(id: unknown, prefix: IdPrefix): id is string {
  return typeof id === 'string' && idToUuid(id, prefix) !== null;
}

/**
 * A UUIDv7 (RFC 9562): 48-bit millisecond time, then randomness. Time-ordered ids keep the
 * journal's primary-key index append-mostly; TypeIDs carry the same kind of UUID.
 */
export function uuidv7(): string {
  const bytes = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A UUID derived from a name (version 8, SHA-256 based): the same name always gives the same id.
 * Used where an id must be recomputable — system accounts, a partner's credit from its
 * reference, the void that expires a hold — so that retries collide instead of duplicating.
 */
export function derivedUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
