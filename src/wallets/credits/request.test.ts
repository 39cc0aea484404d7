import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { micros } from '../../money/index.ts';
import { canonicalJson } from '../../policy/index.ts';
import { createHash } from 'node:crypto';
import { creditItemSchema } from './fields.ts';
import { uuidToId } from '../../shared/ids.ts';
import { creditIdOf, creditUuid, requestHash, toCreditRequest, type CreditRequest } from './request.ts';

const schema = creditItemSchema('KRW');
const parse = (body: unknown) => toCreditRequest(schema.parse(body), 'KRW');

describe('request hash', () => {
  it('is the same for the same request in any spelling', () => {
    const a = parse({ partner_reference: 'r1', recipient: { phone: '010-2345-6789' }, amount: { amount: '5', currency: 'KRW' }, source: 'tip', metadata: { b: 1, a: 'x' } });
    const b = parse({ source: 'tip', metadata: { a: 'x', b: 1 }, amount: { currency: 'KRW', amount: '5.0000' }, recipient: { phone: '+82 10 2345 6789' }, partner_reference: 'r1' });
    expect(a.hash).toBe(b.hash);
    expect(a.recipient).toEqual({ phone: '+821023456789' });
  });

  it('differs when anything the partner asked for differs', () => {
    const base = { partner_reference: 'r1', recipient: { phone: '010-2345-6789' }, amount: { amount: '5', currency: 'KRW' }, source: 'tip' };
    const hash = parse(base).hash;
    expect(parse({ ...base, amount: { amount: '5.0001', currency: 'KRW' } }).hash).not.toBe(hash);
    expect(parse({ ...base, source: 'reward' }).hash).not.toBe(hash);
    expect(parse({ ...base, description: 'x' }).hash).not.toBe(hash);
    expect(parse({ ...base, recipient: { phone: '010-2345-6788' } }).hash).not.toBe(hash);
  });

  it('property: equals sha256 of the canonical JSON of the request', () => {
    const text = fc.string({ maxLength: 20 });
    fc.assert(
      fc.property(
        text, fc.bigInt({ min: 1n, max: 10n ** 18n }), fc.option(text, { nil: null }),
        fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null))), { nil: null }),
        fc.boolean(),
        (reference, amount, description, metadata, byPhone) => {
          const base: Omit<CreditRequest, 'hash'> = {
            reference, recipient: byPhone ? { phone: `+82${reference}` } : { userId: reference }, amount: micros(amount), currency: 'KRW', source: 'tip', description, metadata,
          };
          const expected = createHash('sha256').update(canonicalJson({
            partner_reference: reference, recipient: byPhone ? { phone: `+82${reference}` } : { user_id: reference }, amount: amount.toString(), currency: 'KRW',
            source: 'tip', description, metadata,
          })).digest('hex');
          expect(requestHash(base)).toBe(expected);
        },
      ),
    );
  });
});

describe('credit ids', () => {
  it('property: creditIdOf is the TypeID of the uuid', () => {
    fc.assert(fc.property(fc.uuid({ version: [4, 7, 8] }), fc.string(), (uuid, reference) => {
      expect(creditIdOf(uuid)).toBe(uuidToId(uuid, 'crd'));
      const derived = creditUuid('ptn_a', reference);
      expect(creditIdOf(derived)).toBe(uuidToId(derived, 'crd'));
    }));
  });

  it('are derived from partner and reference, so two partners never collide', () => {
    expect(creditUuid('ptn_a', 'r1')).toBe(creditUuid('ptn_a', 'r1'));
    expect(creditUuid('ptn_a', 'r1')).not.toBe(creditUuid('ptn_b', 'r1'));
  });
});
