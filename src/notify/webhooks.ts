// Webhooks to partners, per the Standard Webhooks specification: each POST carries webhook-id
// (the outbox message id, the same on every retry so the partner can drop duplicates),
// webhook-timestamp (seconds, the time of this attempt) and webhook-signature: one
// "v1,<base64 HMAC-SHA256>" per active secret, space-separated, so during a rotation both the old
// and the new secret verify.
//
// What counts as delivered: a 2xx within the timeout. Redirects are not followed (a redirect is
// a failure, as the spec says). Every other answer is retried on the schedule in retry.ts,
// 4xx included: a partner's 401/404 is most often a deploy in progress or a rotated key on their
// side, and the spec recommends retrying; 24 hours of retries cost us little. The exception is
// 410 Gone, which the receiver uses to say "this endpoint no longer exists": that message is
// marked failed at once (the endpoint stays enabled: the partner decides about its endpoint).
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { findEndpoint, listActiveSecrets } from './webhook-store.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;
const RESPONSE_EXCERPT_CHARS = 200;

/** A fresh Standard Webhooks secret: "whsec_" + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The webhook-signature header value: one signature per secret, newest first. */
export function signatureHeader(secrets: readonly string[], messageId: string, at: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(' ');
}

export function webhookHeaders(secrets: readonly string[], messageId: string, at: Date, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'smallchange-webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatureHeader(secrets, messageId, at, body),
  };
}

export interface HttpAttempt {
  status_code: number | null;
  duration_ms: number;
  /** Why it is not a success: "HTTP 500: <excerpt>", "timeout after 10000 ms", a network error. */
  error: string | null;
}

/** One POST with a hard timeout. Never throws: a failure is data for the delivery log. */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, timeout_ms: number): Promise<HttpAttempt> {
  // performance.now() measures an interval; it decides nothing, so it need not be the Clock.
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  const signal = AbortSignal.timeout(timeout_ms);
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
    const excerpt = await readExcerpt(response);
    const ok = response.status >= 200 && response.status < 300;
    return { status_code: response.status, duration_ms: elapsed(), error: ok ? null : `HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}` };
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return { status_code: null, duration_ms: elapsed(), error: `timeout after ${timeout_ms} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return { status_code: null, duration_ms: elapsed(), error: `network error: ${detail}` };
  }
}

async function readExcerpt(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.replace(/\s+/g, ' ').trim().slice(0, RESPONSE_EXCERPT_CHARS);
  } catch {
    return '';
  }
}

export type AttemptVerdict = 'succeeded' | 'retry' | 'failed';

export function judgeAttempt(attempt: HttpAttempt): AttemptVerdict {
  if (attempt.status_code === null) return 'retry';
  if (attempt.status_code >= 200 && attempt.status_code < 300) return 'succeeded';
  if (attempt.status_code === 410) return 'failed';
  return 'retry';
}

export interface WebhookAttemptResult extends HttpAttempt {
  verdict: AttemptVerdict;
  url: string | null;
}

/** Not a failure to shout about: most partners start without an endpoint. */
export const NO_ENDPOINT = 'partner has no webhook endpoint';

export interface WebhookMessage {
  /** msg_… id: the webhook-id header. */
  messageId: string;
  partnerId: string;
  body: string;
}

/** Looks up the partner's endpoint and active secrets, then makes one attempt. */
export class WebhookSender {
  constructor(
    private readonly clock: Clock,
    private readonly timeout_ms = WEBHOOK_TIMEOUT_MS,
  ) {}

  async attempt(executor: Executor, message: WebhookMessage): Promise<WebhookAttemptResult> {
    const endpoint = await findEndpoint(executor, message.partnerId);
    // No endpoint (yet) or a disabled one: retried like an outage, so a partner who sets its URL
    // within the horizon still gets the event, and a replay sends it afterwards.
    if (!endpoint) return { verdict: 'retry', url: null, status_code: null, duration_ms: 0, error: NO_ENDPOINT };
    if (!endpoint.enabled) return { verdict: 'retry', url: endpoint.url, status_code: null, duration_ms: 0, error: 'webhook endpoint is disabled' };
    const at = this.clock.now();
    const secrets = await listActiveSecrets(executor, endpoint.id, at);
    if (secrets.length === 0) return { verdict: 'retry', url: endpoint.url, status_code: null, duration_ms: 0, error: 'webhook endpoint has no active secret' };
    const headers = webhookHeaders(secrets.map((s) => s.secret), message.messageId, at, message.body);
    const result = await postWebhook(endpoint.url, headers, message.body, this.timeout_ms);
    return { ...result, url: endpoint.url, verdict: judgeAttempt(result) };
  }
}
