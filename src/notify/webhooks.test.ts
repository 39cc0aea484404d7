import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.ts';
import { DomainError } from '../shared/errors.ts';
import { checkWebhookUrl } from './endpoints.ts';
import { generateWebhookSecret, judgeAttempt, postWebhook, signatureHeader, webhookHeaders } from './webhooks.ts';
import { renderWebhookEvent } from '../outbox/index.ts';

describe('Standard Webhooks signing', () => {
  const body = renderWebhookEvent('credit.posted', { id: 'crd_1', amount: { amount: '12.3456', currency: 'KRW' } }, new Date());

  it('makes whsec_ secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('signs with every active secret, and each one verifies on its own', () => {
    const [oldSecret, newSecret, stranger] = [generateWebhookSecret(), generateWebhookSecret(), generateWebhookSecret()];
    const headers = webhookHeaders([newSecret, oldSecret], 'msg_01h', new Date(), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+ v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(oldSecret).verify(`${body} `, headers)).toThrow(/No matching signature/);
  });

  it('binds the id and timestamp into the signature', () => {
    const secret = generateWebhookSecret();
    const at = new Date();
    const signature = signatureHeader([secret], 'msg_a', at, body);
    const headers = { 'webhook-id': 'msg_b', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
    expect(() => new Webhook(secret).verify(body, headers)).toThrow();
  });

  it('refuses an event type that is not dotted lower case', () => {
    expect(() => renderWebhookEvent('CreditPosted', {}, new Date())).toThrow(/credit.posted/);
  });
});

describe('what counts as delivered', () => {
  it.each([
    [200, 'succeeded'], [204, 'succeeded'], [299, 'succeeded'], [301, 'retry'], [400, 'retry'], [401, 'retry'],
    [404, 'retry'], [408, 'retry'], [410, 'failed'], [429, 'retry'], [500, 'retry'], [503, 'retry'], [null, 'retry'],
  ] as const)('status %s → %s', (status, verdict) => {
    expect(judgeAttempt({ status_code: status, duration_ms: 1, error: null })).toBe(verdict);
  });
});

describe('postWebhook against a local server', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => receiver.close());

  it('reports a 2xx without error', async () => {
    receiver.script.push({ status: 202 });
    const result = await postWebhook(receiver.url, { 'content-type': 'application/json' }, '{}', 2000);
    expect(result).toMatchObject({ status_code: 202, error: null });
    expect(result.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('keeps an excerpt of an error answer', async () => {
    receiver.script.push({ status: 500, body: `database down\n${'x'.repeat(500)}` });
    const result = await postWebhook(receiver.url, {}, '{}', 2000);
    expect(result.status_code).toBe(500);
    expect(result.error).toMatch(/^HTTP 500: database down x+$/);
    expect(result.error!.length).toBeLessThan(220);
  });

  it('gives up at the timeout', async () => {
    receiver.script.push({ status: 200, delay_ms: 2000 });
    const result = await postWebhook(receiver.url, {}, '{}', 150);
    expect(result).toMatchObject({ status_code: null, error: 'timeout after 150 ms' });
    expect(result.duration_ms).toBeLessThan(1500);
  });

  it('does not follow redirects', async () => {
    const redirector = createServer((_request, response) => response.writeHead(302, { location: receiver.url }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const before = receiver.received.length;
    const result = await postWebhook(`http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`, {}, '{}', 2000);
    await new Promise<void>((resolve) => redirector.close(() => resolve()));
    expect(result.status_code).toBe(302);
    expect(judgeAttempt(result)).toBe('retry');
    expect(receiver.received.length).toBe(before);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await postWebhook(`http://127.0.0.1:${port}/`, {}, '{}', 2000);
    expect(result.status_code).toBeNull();
    expect(result.error).toMatch(/^network error: /);
  });
});

describe('webhook URL policy', () => {
  const strict = { allowInsecure: false };
  const loose = { allowInsecure: true };
  const refused = (url: string, policy = strict) => {
    try {
      checkWebhookUrl(url, policy);
      return null;
    } catch (error) {
      return error instanceof DomainError ? `${error.code}:${error.details.param}` : String(error);
    }
  };

  it('accepts https on a public host', () => {
    expect(checkWebhookUrl('https://partner.example.com/hooks?x=1', strict)).toBe('https://partner.example.com/hooks?x=1');
  });

  it.each([
    'http://partner.example.com/hooks', 'ftp://partner.example.com/', 'not a url', 'https://user:pw@partner.example.com/',
    'https://partner.example.com/#frag', 'https://localhost/hooks', 'https://127.0.0.1/', 'https://10.1.2.3/', 'https://172.20.0.1/',
    'https://192.168.1.1/', 'https://169.254.169.254/latest', 'https://[::1]/', 'https://[fd00::1]/', 'https://100.64.0.1/',
    'https://db.internal/', `https://partner.example.com/${'a'.repeat(2048)}`,
  ])('refuses %s in production', (url) => {
    expect(refused(url)).toBe('invalid_webhook_url:url');
  });

  it('allows http and loopback outside production (tests, the demo simulators)', () => {
    expect(refused('http://127.0.0.1:8080/hooks', loose)).toBeNull();
    expect(refused('ftp://127.0.0.1/', loose)).toBe('invalid_webhook_url:url');
  });
});
