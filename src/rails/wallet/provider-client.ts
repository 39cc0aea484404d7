// Our HTTP client for the wallet provider. Every call has a timeout and a bounded number of
// attempts; a POST is repeated only with the same Idempotency-Key, so a repeat can never pay twice.
// Outcomes are data, never exceptions: the rail decides what an unanswered call means.
import { payoutSchema, providerErrorSchema, type PayoutRequest, type ProviderPayout } from './provider-api.ts';

export interface ProviderClientOptions {
  /** The provider's base URL; a getter, because the simulator's port is known only once it runs. */
  baseUrl: string | (() => string);
  apiKey: string;
  /** One HTTP exchange at most this long. */
  request_timeout_ms?: number;
  /** Tries per call (the first included): network errors, timeouts, 429 and 5xx are retried. */
  attempts_max?: number;
  /** Wait before the second try; doubled for each next one. */
  backoff_ms?: number;
}

export type PostOutcome =
  /** The provider took the request (201) or recognised the key (200): its payout as it is now. */
  | { kind: 'answered'; created: boolean; payout: ProviderPayout }
  /** The provider read the request and said no (4xx): nothing will be paid under this attempt. */
  | { kind: 'refused'; status: number; code: string; message: string }
  /** 409: the key is known to the provider with another body. */
  | { kind: 'conflict' }
  /** No attempt reached the provider (connection refused, no route): nothing was handed over. */
  | { kind: 'unreachable'; detail: string }
  /** An attempt may have reached it (timeout, 5xx, a reset mid-request): only a status query can tell. */
  | { kind: 'uncertain'; detail: string };

export type GetOutcome = { kind: 'found'; payout: ProviderPayout } | { kind: 'not_found' } | { kind: 'failed'; detail: string };

type Attempt =
  | { kind: 'response'; status: number; body: unknown }
  | { kind: 'error'; delivered: boolean; retry: boolean; detail: string };

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class ProviderClient {
  private readonly timeout_ms: number;
  private readonly attempts_max: number;
  private readonly backoff_ms: number;

  constructor(private readonly options: ProviderClientOptions) {
    this.timeout_ms = options.request_timeout_ms ?? 5_000;
    this.attempts_max = Math.min(Math.max(options.attempts_max ?? 3, 1), 10);
    this.backoff_ms = options.backoff_ms ?? 200;
  }

  private url(path: string): string {
    const base = typeof this.options.baseUrl === 'function' ? this.options.baseUrl() : this.options.baseUrl;
    return `${base.replace(/\/+$/, '')}${path}`;
  }

  async createPayout(idempotencyKey: string, request: PayoutRequest): Promise<PostOutcome> {
    const body = JSON.stringify(request);
    let delivered = false;
    let detail = '';
    for (let attempt = 1; attempt <= this.attempts_max; attempt++) {
      if (attempt > 1) await sleep(this.backoff_ms * 2 ** (attempt - 2));
      const result = await this.exchange('POST', '/v1/payouts', { 'content-type': 'application/json', 'idempotency-key': idempotencyKey }, body);
      if (result.kind === 'error') {
        delivered ||= result.delivered;
        detail = result.detail;
        if (result.retry) continue;
        break;
      }
      if (result.status === 200 || result.status === 201) {
        const payout = payoutSchema.safeParse(result.body);
        if (payout.success) return { kind: 'answered', created: result.status === 201, payout: payout.data };
        // Taken, but the answer is not one we can read: as good as no answer.
        return { kind: 'uncertain', detail: `HTTP ${result.status} with an unreadable payout` };
      }
      if (result.status === 409) return { kind: 'conflict' };
      delivered = true;
      detail = `HTTP ${result.status}`;
      if (result.status === 429 || result.status >= 500) continue;
      const error = providerErrorSchema.safeParse(result.body);
      return {
        kind: 'refused',
        status: result.status,
        code: error.success ? error.data.error.code : `http_${result.status}`,
        message: error.success ? (error.data.error.message ?? '') : '',
      };
    }
    return delivered ? { kind: 'uncertain', detail } : { kind: 'unreachable', detail };
  }

  async getPayout(id: string): Promise<GetOutcome> {
    let detail = '';
    for (let attempt = 1; attempt <= this.attempts_max; attempt++) {
      if (attempt > 1) await sleep(this.backoff_ms * 2 ** (attempt - 2));
      const result = await this.exchange('GET', `/v1/payouts/${encodeURIComponent(id)}`, {}, undefined);
      if (result.kind === 'error') {
        detail = result.detail;
        if (result.retry) continue;
        break;
      }
      if (result.status === 200) {
        const payout = payoutSchema.safeParse(result.body);
        return payout.success ? { kind: 'found', payout: payout.data } : { kind: 'failed', detail: 'unreadable payout' };
      }
      if (result.status === 404) return { kind: 'not_found' };
      detail = `HTTP ${result.status}`;
      if (result.status === 429 || result.status >= 500) continue;
      break;
    }
    return { kind: 'failed', detail };
  }

  private async exchange(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body: string | undefined): Promise<Attempt> {
    const signal = AbortSignal.timeout(this.timeout_ms);
    try {
      const response = await fetch(this.url(path), {
        method,
        headers: { accept: 'application/json', authorization: `Bearer ${this.options.apiKey}`, ...headers },
        body,
        redirect: 'manual',
        signal,
      });
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      return { kind: 'response', status: response.status, body: parsed };
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'error', delivered: true, retry: true, detail: `timeout after ${this.timeout_ms} ms` };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const code = cause?.code ?? '';
      return { kind: 'error', delivered: !NOT_SENT.has(code), retry: true, detail: `network error: ${code || cause?.message || String(error)}` };
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
