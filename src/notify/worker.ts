// The delivery loop: claim due outbox rows, deliver each (SMS provider or webhook sender) with a
// bounded number in flight, record the outcome. runOnce() is one pass (tests, the CLI);
// start()/stop() run passes until stopped, and stop() waits for the messages in flight.
//
// What is logged about a message: its id, channel, template, attempt and outcome — never its
// body (OTPs and agent codes live there) and never the full phone number.
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { withTransaction, type DB } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { idToUuid, newId, uuidToId } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { claimDueMessages, recordAttempt, type AttemptResult, type OutboxRow } from './outbox-store.ts';
import { retryDelayMs, SENSITIVE_SMS_TTL_MS, SMS_RETRY, WEBHOOK_RETRY, type RetryPolicy } from './retry.ts';
import { SmsSendError, type SmsProvider } from './sms.ts';
import { isSensitiveTemplate, maskPhone } from '../outbox/index.ts';
import { insertDelivery, type DeliveryOutcome } from './webhook-store.ts';
import { NO_ENDPOINT, type WebhookSender } from './webhooks.ts';

export interface NotifyWorkerOptions {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  sms: SmsProvider;
  webhooks: WebhookSender;
  /** Rows claimed per pass. */
  batch_size?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
  /** Pause between passes when the queue is empty. */
  poll_interval_ms?: number;
  /** How long a claim holds a row; longer than the slowest delivery (webhook timeout). */
  lease_ms?: number;
  smsRetry?: RetryPolicy;
  webhookRetry?: RetryPolicy;
  /** In [0, 1): jitter source (tests pass a fixed one). */
  random?: () => number;
  /** Prometheus registry for the deliveries counter. */
  registry?: Registry;
}

export interface RunSummary {
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
  dead: number;
}

type Final = AttemptResult['status'];

export class NotifyWorker {
  private readonly batch_size: number;
  private readonly concurrency: number;
  private readonly poll_interval_ms: number;
  private readonly lease_ms: number;
  private readonly random: () => number;
  private readonly counter: Counter<'channel' | 'outcome'> | null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(private readonly options: NotifyWorkerOptions) {
    this.batch_size = options.batch_size ?? 50;
    this.concurrency = options.concurrency ?? 8;
    this.poll_interval_ms = options.poll_interval_ms ?? 1000;
    this.lease_ms = options.lease_ms ?? 5 * 60_000;
    this.random = options.random ?? Math.random;
    this.counter = options.registry ? deliveriesCounter(options.registry) : null;
  }

  get running(): boolean {
    return this.loop !== null;
  }

  /** One pass: claims due rows and delivers them all before returning. */
  async runOnce(): Promise<RunSummary> {
    const rows = await claimDueMessages(this.options.db, this.options.clock.now(), this.batch_size, this.lease_ms);
    const summary: RunSummary = { claimed: rows.length, sent: 0, retrying: 0, failed: 0, dead: 0 };
    const tally: Record<Final, keyof RunSummary> = { sent: 'sent', pending: 'retrying', failed: 'failed', dead: 'dead' };
    await forEachBounded(rows, this.concurrency, async (row) => {
      const status = await this.deliver(row);
      summary[tally[status]] += 1;
    });
    return summary;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().finally(() => {
      this.loop = null;
    });
  }

  /** Stops claiming and waits for the messages in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = (await this.runOnce()).claimed;
      } catch (error) {
        this.options.logger.error({ err: error }, 'notify: delivery pass failed');
      }
      if (claimed < this.batch_size && !this.stopping) await this.pause(this.poll_interval_ms);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async deliver(row: OutboxRow): Promise<Final> {
    try {
      return row.channel === 'sms' ? await this.deliverSms(row) : await this.deliverWebhook(row);
    } catch (error) {
      // A bug or a lost database connection: the lease expires and the row is tried again.
      this.options.logger.error({ err: error, message_id: uuidToId(row.id, 'msg'), channel: row.channel }, 'notify: delivery crashed');
      return 'pending';
    }
  }

  private async deliverSms(row: OutboxRow): Promise<Final> {
    const { clock, sms, db } = this.options;
    const now = clock.now();
    let result: AttemptResult;
    if (isSensitiveTemplate(row.template) && now.getTime() - row.created_at.getTime() > SENSITIVE_SMS_TTL_MS) {
      result = { status: 'dead', error: 'one-time code expired before it could be sent' };
    } else {
      try {
        const sent = await sms.send({ to: row.recipient, text: row.body, messageId: uuidToId(row.id, 'msg') });
        result = { status: 'sent', at: clock.now() };
        this.options.logger.debug({ message_id: uuidToId(row.id, 'msg'), provider_message_id: sent.providerMessageId }, 'notify: sms accepted');
      } catch (error) {
        const retryable = !(error instanceof SmsSendError) || error.retryable;
        const reason = error instanceof Error ? error.message : String(error);
        result = retryable ? this.retryOrDead(row, reason, this.options.smsRetry ?? SMS_RETRY) : { status: 'failed', error: reason };
      }
    }
    await recordAttempt(db, row.id, row.attempts, result);
    this.observe(row, result);
    return result.status;
  }

  private async deliverWebhook(row: OutboxRow): Promise<Final> {
    const { clock, webhooks, db } = this.options;
    const attemptedAt = clock.now();
    const attempt = await webhooks.attempt(db, { messageId: uuidToId(row.id, 'msg'), partnerId: row.recipient, body: row.body });
    const result: AttemptResult =
      attempt.verdict === 'succeeded'
        ? { status: 'sent', at: clock.now() }
        : attempt.verdict === 'failed'
          ? { status: 'failed', error: attempt.error ?? 'refused' }
          : this.retryOrDead(row, attempt.error ?? 'failed', this.options.webhookRetry ?? WEBHOOK_RETRY);
    const outcome: Record<Final, DeliveryOutcome> = { sent: 'succeeded', pending: 'retrying', failed: 'failed', dead: 'dead' };
    await withTransaction(db, async (trx) => {
      await insertDelivery(trx, {
        id: idToUuid(newId('whd'), 'whd')!,
        message_id: row.id,
        partner_id: row.recipient,
        url: attempt.url,
        attempt: row.attempts,
        attempted_at: attemptedAt,
        status_code: attempt.status_code,
        duration_ms: attempt.duration_ms,
        outcome: outcome[result.status],
        error: attempt.error,
      });
      await recordAttempt(trx, row.id, row.attempts, result);
    });
    this.observe(row, result);
    return result.status;
  }

  private retryOrDead(row: OutboxRow, error: string, policy: RetryPolicy): AttemptResult {
    const delay = retryDelayMs(policy, row.attempts, this.random);
    if (delay === null) return { status: 'dead', error: `gave up after ${row.attempts} attempts: ${error}` };
    return { status: 'pending', next_attempt_at: new Date(this.options.clock.now().getTime() + delay), error };
  }

  private observe(row: OutboxRow, result: AttemptResult): void {
    this.counter?.inc({ channel: row.channel, outcome: result.status });
    const recipient = row.channel === 'sms' ? maskPhone(row.recipient) : row.recipient;
    const fields = { message_id: uuidToId(row.id, 'msg'), channel: row.channel, template: row.template, recipient, attempt: row.attempts, status: result.status };
    if (result.status === 'sent') this.options.logger.info(fields, 'notify: delivered');
    else if ('error' in result && result.error === NO_ENDPOINT) this.options.logger.debug(fields, 'notify: held until the partner sets a webhook endpoint');
    else this.options.logger.warn({ ...fields, error: 'error' in result ? result.error : undefined }, 'notify: not delivered');
  }
}

function deliveriesCounter(registry: Registry): Counter<'channel' | 'outcome'> {
  const name = 'smallchange_outbox_deliveries_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'channel' | 'outcome'>;
  return new Counter({ name, help: 'Outbox delivery attempts by channel and resulting status', labelNames: ['channel', 'outcome'], registers: [registry] });
}

async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
