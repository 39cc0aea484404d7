// The wallet provider, simulated: a small real HTTP server on 127.0.0.1 speaking provider-api.ts.
// It stores payouts in memory, answers each one by a Standard Webhooks-signed POST to our webhook
// endpoint after a latency, and misbehaves on request like a real provider does now and then:
// refusals (unknown_recipient, recipient_blocked, limit_exceeded), answers that never come (only
// polling reveals the outcome), webhooks delivered twice, the "processing" event arriving after
// the final one, POST answers slower than our client waits, and 5xx on demand.
// Every choice is drawn from a stream seeded by (seed, Idempotency-Key), so the same seed and the
// same payouts behave the same whatever the order they arrive in.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { randomStream } from '../bank/simulator-state.ts';
import {
  eventTypeOf, payoutRequestSchema, WALLET_REJECT_REASONS, type PayoutRequest, type PayoutStatus, type ProviderPayout, type WalletRejectReason, type WebhookEvent,
} from './provider-api.ts';
import { signWebhook } from './webhook-signature.ts';

export interface WalletSimulatorOptions {
  clock: Clock;
  /** The key our client must send as "Authorization: Bearer …". */
  apiKey: string;
  /** The secret webhooks are signed with ("whsec_…"), shared with our endpoint. */
  webhookSecret: string;
  /** Where answers go; a getter when our server's address is known only later; null: nowhere. */
  webhookUrl: string | null | (() => string | null);
  host?: string;
  /** 0 picks a free port (tests); a fixed one for `npm start`. */
  port?: number;
  seed?: number;
  /** From taking a payout to its final answer. */
  latency_ms?: number;
  /** Share of payouts refused for a reason drawn from rejectionReasons. */
  rejectionRate?: number;
  rejectionReasons?: readonly WalletRejectReason[];
  /** Handles the provider has no wallet for, or whose wallet is blocked: always refused. */
  unknownHandles?: readonly string[];
  blockedHandles?: readonly string[];
  /** Above this many minor units a payout is refused with limit_exceeded. */
  payout_minor_max?: bigint;
  currencies?: readonly string[];
  /** Share of payouts whose webhooks are never sent (the payout still completes). */
  timeoutRate?: number;
  /** Share of payouts whose every webhook is delivered twice (same webhook-id). */
  duplicateRate?: number;
  /** Share of payouts whose "processing" webhook arrives after the final one. */
  outOfOrderRate?: number;
  /** Share of POSTs answered only after slowAnswer_ms (the payout is taken at once). */
  slowAnswerRate?: number;
  slowAnswer_ms?: number;
  /** Delivery attempts per webhook while our endpoint answers non-2xx. */
  webhookAttemptsMax?: number;
  webhook_timeout_ms?: number;
  logger?: Logger;
}

export interface SimulatedPayout extends ProviderPayout {
  idempotencyKey: string;
  requestHash: string;
}

export interface WebhookDelivery {
  messageId: string;
  type: WebhookEvent['type'];
  ref: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
}

const BODY_BYTES_MAX = 64 * 1024;

function rate(name: string, value: number | undefined): number {
  const r = value ?? 0;
  if (!(r >= 0 && r <= 1)) throw new RangeError(`${name} must be between 0 and 1`);
  return r;
}

export class WalletProviderSimulator {
  private server: Server | null = null;
  private address: { url: string; port: number } | null = null;
  private readonly byId = new Map<string, SimulatedPayout>();
  private readonly byKey = new Map<string, SimulatedPayout>();
  private readonly log: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private failures: { count: number; status: number } = { count: 0, status: 503 };
  private readonly seed: number;
  private readonly reasons: readonly WalletRejectReason[];
  private readonly rates: { rejection: number; timeout: number; duplicate: number; outOfOrder: number; slow: number };

  constructor(private readonly options: WalletSimulatorOptions) {
    this.seed = options.seed ?? 1;
    this.reasons = options.rejectionReasons?.length ? options.rejectionReasons : WALLET_REJECT_REASONS;
    this.rates = {
      rejection: rate('rejectionRate', options.rejectionRate),
      timeout: rate('timeoutRate', options.timeoutRate),
      duplicate: rate('duplicateRate', options.duplicateRate),
      outOfOrder: rate('outOfOrderRate', options.outOfOrderRate),
      slow: rate('slowAnswerRate', options.slowAnswerRate),
    };
  }

  /** Listens; resolves with the base URL our client calls. */
  async start(): Promise<{ url: string; port: number }> {
    if (this.address) return this.address;
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.options.logger?.error({ err: error }, 'wallet simulator request failed');
        if (!response.headersSent) this.send(response, 500, { error: { code: 'internal_error' } });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.address = { url: `http://${this.options.host ?? '127.0.0.1'}:${port}`, port };
    return this.address;
  }

  get url(): string {
    if (!this.address) throw new Error('the wallet simulator is not running');
    return this.address.url;
  }

  /** Stops answering and drops answers not yet sent. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    this.server = null;
    this.address = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await Promise.allSettled([...this.inFlight]);
  }

  /** Waits until every scheduled answer has been delivered (or given up). */
  async settle(timeout_ms = 10_000): Promise<void> {
    const deadline = performance.now() + timeout_ms;
    while (this.timers.size > 0 || this.inFlight.size > 0) {
      if (performance.now() > deadline) throw new Error('wallet simulator did not settle in time');
      await Promise.allSettled([...this.inFlight]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  payouts(): SimulatedPayout[] {
    return [...this.byId.values()].map((payout) => ({ ...payout }));
  }

  payout(idOrKey: string): SimulatedPayout | undefined {
    const found = this.byId.get(idOrKey) ?? this.byKey.get(idOrKey);
    return found ? { ...found } : undefined;
  }

  deliveries(): WebhookDelivery[] {
    return [...this.log];
  }

  /** The next `count` requests are answered with `status` before anything is done (a provider outage). */
  failNext(count: number, status = 503): void {
    this.failures = { count, status };
  }

  /** Sends the payout's current state again as a new webhook (a provider's manual "resend"). */
  async resend(idOrKey: string): Promise<void> {
    const payout = this.byId.get(idOrKey) ?? this.byKey.get(idOrKey);
    if (!payout) throw new RangeError(`no payout ${idOrKey}`);
    await this.deliver(this.eventOf(payout, `resend:${this.log.length}`), 1);
  }

  // ——— HTTP ———

  private send(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  private async readBody(request: IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > BODY_BYTES_MAX) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.failures.count > 0) {
      this.failures.count -= 1;
      return this.send(response, this.failures.status, { error: { code: 'unavailable', message: 'try again' } });
    }
    if (request.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return this.send(response, 401, { error: { code: 'unauthorized', message: 'unknown API key' } });
    }
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    if (request.method === 'POST' && path === '/v1/payouts') return this.createPayout(request, response);
    const match = /^\/v1\/payouts\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && match) {
      const payout = this.payout(decodeURIComponent(match[1]!));
      return payout ? this.send(response, 200, publicView(payout)) : this.send(response, 404, { error: { code: 'not_found', message: 'no such payout' } });
    }
    return this.send(response, 404, { error: { code: 'not_found', message: `${request.method} ${path} does not exist` } });
  }

  private async createPayout(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      return this.send(response, 400, { error: { code: 'idempotency_key_required', message: 'send an Idempotency-Key header' } });
    }
    const text = await this.readBody(request);
    if (text === null) return this.send(response, 413, { error: { code: 'body_too_large' } });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.send(response, 400, { error: { code: 'invalid_json', message: 'the body is not JSON' } });
    }
    const parsed = payoutRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.send(response, 400, { error: { code: 'invalid_request', message: `${issue?.path.join('.') ?? 'body'}: ${issue?.message ?? 'not valid'}` } });
    }
    if (!(this.options.currencies ?? ['KRW']).includes(parsed.data.currency)) {
      return this.send(response, 400, { error: { code: 'unsupported_currency', message: `${parsed.data.currency} is not paid here` } });
    }
    const hash = createHash('sha256').update(JSON.stringify(parsed.data)).digest('hex');
    const existing = this.byKey.get(key);
    if (existing) {
      return existing.requestHash === hash
        ? this.send(response, 200, publicView(existing))
        : this.send(response, 409, { error: { code: 'idempotency_conflict', message: 'this key was used with another body' } });
    }
    const payout = this.take(key, hash, parsed.data);
    const random = randomStream(this.seed, `answer:${key}`);
    if (random() < this.rates.slow) await this.wait(this.options.slowAnswer_ms ?? 2_000);
    this.send(response, 201, publicView(payout));
  }

  // ——— payouts and their answers ———

  private idFor(kind: string, key: string): string {
    return `${kind}_${createHash('sha256').update(`${this.seed}:${kind}:${key}`).digest('hex').slice(0, 26)}`;
  }

  private take(key: string, requestHash: string, request: PayoutRequest): SimulatedPayout {
    const now = this.options.clock.now().toISOString();
    const payout: SimulatedPayout = {
      id: this.idFor('wpo', key),
      reference: request.reference,
      amount: request.amount,
      currency: request.currency,
      recipient: request.recipient,
      status: 'processing',
      failure_reason: null,
      created_at: now,
      updated_at: now,
      idempotencyKey: key,
      requestHash,
    };
    this.byId.set(payout.id, payout);
    this.byKey.set(key, payout);

    // The draws, always in this order, so that one option does not shift another's outcome.
    const random = randomStream(this.seed, `payout:${key}`);
    const [rejectDraw, reasonDraw, timeoutDraw, duplicateDraw, orderDraw] = [random(), random(), random(), random(), random()];
    const silent = timeoutDraw < this.rates.timeout;
    const copies = duplicateDraw < this.rates.duplicate ? 2 : 1;
    const late = orderDraw < this.rates.outOfOrder;
    const processing = this.eventOf(payout, 'processing');
    // In order unless drawn late: the final event waits for the processing one to be delivered,
    // so a slow machine does not turn every payout into an out-of-order one.
    const processingDelivered = !silent && !late ? this.deliver(processing, copies) : Promise.resolve();
    this.track(processingDelivered);
    this.schedule(this.options.latency_ms ?? 50, async () => {
      const reason = this.refusalOf(request, rejectDraw, reasonDraw);
      this.finish(payout, reason ? 'failed' : 'succeeded', reason);
      if (silent) return;
      await processingDelivered.catch(() => undefined);
      await this.deliver(this.eventOf(payout, 'final'), copies);
      if (late) await this.deliver(processing, copies);
    });
    return payout;
  }

  private refusalOf(request: PayoutRequest, rejectDraw: number, reasonDraw: number): WalletRejectReason | null {
    if (this.options.unknownHandles?.includes(request.recipient)) return 'unknown_recipient';
    if (this.options.blockedHandles?.includes(request.recipient)) return 'recipient_blocked';
    if (this.options.payout_minor_max !== undefined && BigInt(request.amount) > this.options.payout_minor_max) return 'limit_exceeded';
    if (rejectDraw < this.rates.rejection) return this.reasons[Math.floor(reasonDraw * this.reasons.length)] ?? 'unknown_recipient';
    return null;
  }

  private finish(payout: SimulatedPayout, status: PayoutStatus, reason: WalletRejectReason | null): void {
    payout.status = status;
    payout.failure_reason = reason;
    payout.updated_at = this.options.clock.now().toISOString();
  }

  /** The event for the payout as it is now ('final') or as it was when taken ('processing'). */
  private eventOf(payout: SimulatedPayout, moment: string): WebhookEvent {
    const data = moment === 'processing' ? { ...publicView(payout), status: 'processing' as const, failure_reason: null, updated_at: payout.created_at } : publicView(payout);
    return { id: this.idFor('msg', `${payout.idempotencyKey}:${moment}:${data.status}`), type: eventTypeOf(data.status), created_at: this.options.clock.now().toISOString(), data };
  }

  private webhookUrl(): string | null {
    const target = this.options.webhookUrl;
    return typeof target === 'function' ? target() : target;
  }

  /** POSTs one event `copies` times, each retried while the endpoint answers non-2xx. */
  private async deliver(event: WebhookEvent, copies: number): Promise<void> {
    const url = this.webhookUrl();
    if (!url) return;
    const body = JSON.stringify(event);
    for (let copy = 0; copy < copies; copy++) {
      const attemptsMax = this.options.webhookAttemptsMax ?? 3;
      for (let attempt = 1; attempt <= attemptsMax; attempt++) {
        if (!this.server) return;
        const entry: WebhookDelivery = { messageId: event.id, type: event.type, ref: event.data.reference, attempt, statusCode: null, error: null };
        try {
          const headers = { 'content-type': 'application/json', ...signWebhook([this.options.webhookSecret], event.id, this.options.clock.now(), body) };
          const answer = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.options.webhook_timeout_ms ?? 2_000) });
          await answer.arrayBuffer();
          entry.statusCode = answer.status;
        } catch (error) {
          entry.error = error instanceof Error ? error.message : String(error);
        }
        this.log.push(entry);
        if (entry.statusCode !== null && entry.statusCode >= 200 && entry.statusCode < 300) break;
        await this.wait(20 * attempt);
      }
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.options.logger?.error({ err: error }, 'wallet simulator delivery failed')).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private schedule(delay_ms: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(work());
    }, delay_ms);
    this.timers.add(timer);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function publicView(payout: SimulatedPayout): ProviderPayout {
  const { idempotencyKey: _key, requestHash: _hash, ...view } = payout;
  return view;
}
