import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { openText, sealText } from './data-crypto.ts';
import { parseKeyRing } from './key-ring.ts';

const v1 = parseKeyRing(['1:data-key-one-0000000001'], 'DATA_KEYS', true);
const v12 = parseKeyRing(['1:data-key-one-0000000001', '2:data-key-two-0000000002'], 'DATA_KEYS', true);

describe('AES-256-GCM personal data', () => {
  test('round-trips any text (property) and never contains it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (text) => {
        const sealed = sealText(v1, text, 'ctx');
        expect(openText(v1, sealed.text, 'ctx')).toBe(text);
        if (text.length >= 6) expect(sealed.text.includes(text)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  test('the same text encrypts differently each time (random IV)', () => {
    expect(sealText(v1, '9001011234567', 'ctx').text).not.toBe(sealText(v1, '9001011234567', 'ctx').text);
  });

  test('bound to its row: another context does not decrypt', () => {
    const sealed = sealText(v1, '9001011234567', 'user_id_documents:usr_a');
    expect(() => openText(v1, sealed.text, 'user_id_documents:usr_b')).toThrow();
  });

  test('tampering is detected', () => {
    const sealed = sealText(v1, '9001011234567', 'ctx');
    const parts = sealed.text.split('.');
    const body = Buffer.from(parts[2]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[2] = body.toString('base64url');
    expect(() => openText(v1, parts.join('.'), 'ctx')).toThrow();
  });

  test('rotation: new values use the newest key; old ones still open while their key is configured', () => {
    const old = sealText(v1, 'secret', 'ctx');
    expect(old.keyVersion).toBe(1);
    expect(openText(v12, old.text, 'ctx')).toBe('secret');
    const fresh = sealText(v12, 'secret', 'ctx');
    expect(fresh.keyVersion).toBe(2);
    expect(() => openText(v1, fresh.text, 'ctx')).toThrow(/version 2/);
  });
});
