// Standard Webhooks signatures for the wallet provider's answers. The HMAC comes from the
// standardwebhooks package; the timestamp tolerance is checked here against our Clock, because
// the package's own check reads the machine's time, which tests (and replays) cannot move.
import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** How far a webhook's timestamp may be from our clock: the specification's 5 minutes. */
export const WEBHOOK_TOLERANCE_S = 300;

export type WebhookCheck =
  | { ok: true; messageId: string; timestamp: Date }
  | { ok: false; code: 'missing_webhook_headers' | 'webhook_timestamp_out_of_tolerance' | 'invalid_webhook_signature' };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The three Standard Webhooks headers for `body`, signed with every secret (rotation). */
export function signWebhook(secrets: readonly string[], messageId: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(' '),
  };
}

/**
 * Checks the headers of a webhook against the raw body. Any one of `secrets` may have signed it
 * (during a rotation both old and new verify). Nothing about the body is trusted before this.
 */
export function verifyWebhook(secrets: readonly string[], headers: Headers, body: string, now: Date, tolerance_s = WEBHOOK_TOLERANCE_S): WebhookCheck {
  const messageId = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!messageId || !timestampText || !signatures || messageId.length > 128) return { ok: false, code: 'missing_webhook_headers' };
  if (!/^[0-9]{1,12}$/.test(timestampText)) return { ok: false, code: 'missing_webhook_headers' };
  const timestamp = new Date(Number(timestampText) * 1000);
  if (Math.abs(now.getTime() - timestamp.getTime()) > tolerance_s * 1000) return { ok: false, code: 'webhook_timestamp_out_of_tolerance' };
  const passed = signatures
    .split(' ')
    .map((part) => part.split(','))
    .filter(([version, value]) => version === 'v1' && value !== undefined)
    .map(([, value]) => Buffer.from(value!, 'utf8'));
  for (const secret of secrets) {
    const expected = Buffer.from(new Webhook(secret).sign(messageId, timestamp, body).split(',')[1] ?? '', 'utf8');
    if (passed.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) {
      return { ok: true, messageId, timestamp };
    }
  }
  return { ok: false, code: 'invalid_webhook_signature' };
}
