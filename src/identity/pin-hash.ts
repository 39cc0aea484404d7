// PINs are kept only as HMAC-SHA-256(pepper[version], salt || pin). A six-digit PIN has a million
// values, so a slow hash would not save it once the table leaks: the pepper (outside the database)
// does, the lockout protects it online, and a fast check keeps PIN confirmation cheap.
import { createHmac, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring.ts';
import { safeEqualHex } from './secrets.ts';

export interface PinHash {
  hash: string;
  salt: string;
  keyVersion: number;
}

export function computePinHash(keys: KeyRing, version: number, salt: string, pin: string): string {
  return createHmac('sha256', keys.key(version)).update(Buffer.from(salt, 'hex')).update(pin, 'utf8').digest('hex');
}

/** A fresh salt and the newest key. */
export function hashPin(keys: KeyRing, pin: string): PinHash {
  const salt = randomBytes(16).toString('hex');
  return { hash: computePinHash(keys, keys.newest, salt, pin), salt, keyVersion: keys.newest };
}

/** Constant-time check; `stale` says the hash used an older key and should be redone. */
export function checkPin(keys: KeyRing, stored: PinHash, pin: string): { ok: boolean; stale: boolean } {
  if (!keys.has(stored.keyVersion)) return { ok: false, stale: false };
  const ok = safeEqualHex(computePinHash(keys, stored.keyVersion, stored.salt, pin), stored.hash);
  return { ok, stale: ok && stored.keyVersion !== keys.newest };
}

/** Work equal to a real check, for unknown numbers, so timing does not reveal who is registered. */
export function burnPinCheck(keys: KeyRing, pin: string): void {
  computePinHash(keys, keys.newest, '00000000000000000000000000000000', pin);
}
