// Personal identifiers (ID numbers, bank accounts) are AES-256-GCM ciphertexts under a versioned
// data key. The associated data names the row and field, so a ciphertext copied onto another
// user's row does not decrypt. Format: v<version>.<iv>.<ciphertext>.<tag>, base64url parts.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring.ts';

export interface Sealed {
  text: string;
  keyVersion: number;
}

export function sealText(keys: KeyRing, plaintext: string, context: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.key(keys.newest), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { text: `v${keys.newest}.${iv.toString('base64url')}.${body.toString('base64url')}.${tag.toString('base64url')}`, keyVersion: keys.newest };
}

export function openText(keys: KeyRing, sealed: string, context: string): string {
  const match = /^v(\d+)\.([\w-]+)\.([\w-]*)\.([\w-]+)$/.exec(sealed);
  if (!match) throw new Error('sealed value is malformed');
  const [, version, iv, body, tag] = match as unknown as [string, string, string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', keys.key(Number.parseInt(version, 10)), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
