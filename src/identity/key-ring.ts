// Versioned secrets from configuration ("version:secret,…"). The highest version protects new
// values; older versions stay to read what they protected until it is re-protected.
import { hkdfSync } from 'node:crypto';

export interface KeyRing {
  readonly newest: number;
  key(version: number): Buffer;
  has(version: number): boolean;
  versions(): number[];
}

export function parseKeyRing(entries: readonly string[], purpose: string, derive = false): KeyRing {
  const keys = new Map<number, Buffer>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const version = Number.parseInt(entry.slice(0, colon), 10);
    const secret = entry.slice(colon + 1);
    if (colon < 1 || !Number.isSafeInteger(version) || version < 1 || secret.length < 16) {
      throw new Error(`${purpose}: each key is "version:secret" with a version ≥ 1 and a secret of 16+ characters`);
    }
    if (keys.has(version)) throw new Error(`${purpose}: key version ${version} is given twice`);
    // Data keys go through HKDF so that any secret text becomes a uniform 32-byte AES key.
    const material = Buffer.from(secret, 'utf8');
    keys.set(version, derive ? Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `smallchange ${purpose} v${version}`, 32)) : material);
  }
  if (keys.size === 0) throw new Error(`${purpose}: at least one key is required`);
  const newest = Math.max(...keys.keys());
  return {
    newest,
    key(version) {
      const key = keys.get(version);
      if (!key) throw new Error(`${purpose}: key version ${version} is not configured`);
      return key;
    },
    has: (version) => keys.has(version),
    versions: () => [...keys.keys()].sort((a, b) => a - b),
  };
}
