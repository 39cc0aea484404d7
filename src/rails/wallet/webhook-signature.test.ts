import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WEBHOOK_TOLERANCE_S } from './webhook-signature.ts';

const SECRET = 'whsec_dGVzdC13YWxsZXQtd2ViaG9vay1zZWNyZXQtMDAwMQ==';
const OLD = 'whsec_b2xkLXNlY3JldC1iZWZvcmUtcm90YXRpb24tMDE=';
const at = new Date('2026-01-15T01:00:00Z');

describe('verifyWebhook', () => {
  it('accepts what the standardwebhooks package signs, and what we sign', () => {
    const body = '{"id":"evt_1"}';
    const theirs = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(at.getTime() / 1000), 'webhook-signature': new Webhook(SECRET).sign('msg_1', at, body) };
    expect(verifyWebhook([SECRET], theirs, body, at)).toEqual({ ok: true, messageId: 'msg_1', timestamp: at });
    expect(verifyWebhook([SECRET], signWebhook([SECRET], 'msg_1', at, body), body, at)).toMatchObject({ ok: true });
  });

  it('accepts either secret during a rotation, and a header carrying both signatures', () => {
    const body = '{}';
    expect(verifyWebhook([SECRET, OLD], signWebhook([OLD], 'msg_2', at, body), body, at)).toMatchObject({ ok: true });
    expect(verifyWebhook([SECRET], signWebhook([OLD, SECRET], 'msg_2', at, body), body, at)).toMatchObject({ ok: true });
    expect(verifyWebhook([SECRET], signWebhook([OLD], 'msg_2', at, body), body, at)).toEqual({ ok: false, code: 'invalid_webhook_signature' });
  });

  it('holds the tolerance at exactly five minutes either way', () => {
    const body = '{}';
    const headers = signWebhook([SECRET], 'msg_3', at, body);
    const shifted = (s: number) => new Date(at.getTime() + s * 1000);
    expect(verifyWebhook([SECRET], headers, body, shifted(WEBHOOK_TOLERANCE_S))).toMatchObject({ ok: true });
    expect(verifyWebhook([SECRET], headers, body, shifted(-WEBHOOK_TOLERANCE_S))).toMatchObject({ ok: true });
    expect(verifyWebhook([SECRET], headers, body, shifted(WEBHOOK_TOLERANCE_S + 1))).toEqual({ ok: false, code: 'webhook_timestamp_out_of_tolerance' });
    expect(verifyWebhook([SECRET], headers, body, shifted(-WEBHOOK_TOLERANCE_S - 1))).toEqual({ ok: false, code: 'webhook_timestamp_out_of_tolerance' });
  });

  it('refuses missing or malformed headers', () => {
    const headers = signWebhook([SECRET], 'msg_4', at, '{}');
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      expect(verifyWebhook([SECRET], { ...headers, [name]: undefined }, '{}', at)).toEqual({ ok: false, code: 'missing_webhook_headers' });
    }
    expect(verifyWebhook([SECRET], { ...headers, 'webhook-timestamp': '1.5e9' }, '{}', at)).toEqual({ ok: false, code: 'missing_webhook_headers' });
    expect(verifyWebhook([SECRET], { ...headers, 'webhook-signature': 'v2,abc' }, '{}', at)).toEqual({ ok: false, code: 'invalid_webhook_signature' });
  });

  it('refuses any change to the body, the id or the timestamp (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 200 }), (body, other) => {
        fc.pre(body !== other);
        const headers = signWebhook([SECRET], 'msg_5', at, body);
        expect(verifyWebhook([SECRET], headers, other, at)).toEqual({ ok: false, code: 'invalid_webhook_signature' });
        expect(verifyWebhook([SECRET], { ...headers, 'webhook-id': 'msg_6' }, body, at)).toEqual({ ok: false, code: 'invalid_webhook_signature' });
        expect(verifyWebhook([SECRET], { ...headers, 'webhook-timestamp': String(at.getTime() / 1000 + 1) }, body, at)).toEqual({ ok: false, code: 'invalid_webhook_signature' });
      }),
      { numRuns: 100 },
    );
  });
});
