import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseKeyRing } from './key-ring.ts';
import { burnPinCheck, checkPin, computePinHash, hashPin } from './pin-hash.ts';

const v1 = parseKeyRing(['1:first-pepper-secret-000001'], 'PIN_KEYS');
const v12 = parseKeyRing(['1:first-pepper-secret-000001', '2:second-pepper-secret-00002'], 'PIN_KEYS');

describe('PIN hashing', () => {
  test('is HMAC-SHA-256 over salt || pin with the newest key, never the PIN itself', () => {
    const stored = hashPin(v12, '480273');
    expect(stored.keyVersion).toBe(2);
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(stored.hash).not.toContain('480273');
    expect(computePinHash(v12, 2, stored.salt, '480273')).toBe(stored.hash);
  });

  test('each hash has its own salt, so equal PINs do not look equal', () => {
    expect(hashPin(v1, '480273').hash).not.toBe(hashPin(v1, '480273').hash);
  });

  test('right PIN passes, any other PIN fails (property)', () => {
    const stored = hashPin(v1, '480273');
    fc.assert(
      fc.property(fc.stringMatching(/^\d{6}$/), (pin) => {
        expect(checkPin(v1, stored, pin).ok).toBe(pin === '480273');
      }),
      { numRuns: 300 },
    );
    expect(checkPin(v1, stored, '480273')).toEqual({ ok: true, stale: false });
  });

  test('the key matters: the same salt and PIN under another pepper do not verify', () => {
    const stored = hashPin(v1, '480273');
    const other = parseKeyRing(['1:a-completely-different-pepper'], 'PIN_KEYS');
    expect(checkPin(other, stored, '480273').ok).toBe(false);
  });

  test('rotation: a hash under an older key still verifies and is reported stale', () => {
    const old = hashPin(v1, '480273');
    expect(checkPin(v12, old, '480273')).toEqual({ ok: true, stale: true });
    expect(checkPin(v12, old, '480274')).toEqual({ ok: false, stale: false });
  });

  test('a hash under a key that is no longer configured cannot verify', () => {
    const under2 = hashPin(v12, '480273');
    expect(checkPin(v1, under2, '480273').ok).toBe(false);
  });

  test('burnPinCheck does the work of a check without throwing', () => {
    expect(() => burnPinCheck(v12, '123456')).not.toThrow();
  });
});

describe('key rings', () => {
  test('the highest version is the newest', () => {
    expect(parseKeyRing(['3:third-secret-000000003', '1:first-secret-000000001'], 'X').newest).toBe(3);
  });

  test.each([[[]], [['nocolon-secret-000000000']], [['0:zero-version-secret-000']], [['1:short']], [['1:dup-secret-000000000001', '1:dup-secret-000000000002']]])('refuses %j', (entries) => {
    expect(() => parseKeyRing(entries, 'PIN_KEYS')).toThrow(/PIN_KEYS/);
  });

  test('derived data keys are 32 bytes and differ by version', () => {
    const ring = parseKeyRing(['1:same-secret-0000000000', '2:same-secret-0000000000'], 'DATA_KEYS', true);
    expect(ring.key(1)).toHaveLength(32);
    expect(ring.key(1).equals(ring.key(2))).toBe(false);
  });
});
