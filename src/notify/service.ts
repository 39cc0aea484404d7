// What the composition root builds and hangs on ctx.services.notify: the worker (start/stop at
// process start and shutdown, runOnce for the CLI) and the staff replay.
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import type { Database } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { OutboxRow } from './outbox-store.ts';
import { replayMessage } from './replay.ts';
import { DemoInboxProvider, type SmsProvider } from './sms.ts';
import { WEBHOOK_TIMEOUT_MS, WebhookSender } from './webhooks.ts';
import { NotifyWorker, type NotifyWorkerOptions, type RunSummary } from './worker.ts';

export interface NotifySettings {
  /** Partners may register http:// and private-network webhook URLs (never in production). */
  allowInsecureWebhookUrls: boolean;
  /** Staff see one-time codes in GET /v1/admin/sms (the demo inbox); otherwise they are hidden. */
  revealSensitiveSms: boolean;
}

export interface NotifyService {
  readonly worker: NotifyWorker;
  readonly settings: NotifySettings;
  start(): void;
  stop(): Promise<void>;
  runOnce(): Promise<RunSummary>;
  /** Re-queues an outbox message (msg_… id) for delivery; `actor` is noted on the row. */
  replay(messageId: string, actor: string): Promise<OutboxRow>;
}

export interface NotifyServiceOptions {
  database: Database;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'NODE_ENV' | 'DEMO'>;
  /** Defaults to the demo inbox provider. */
  sms?: SmsProvider;
  /** Where the demo inbox provider also delivers (DATA_DIR/sms-inbox.ndjson); absent: nowhere. */
  demoInboxFile?: string;
  webhook_timeout_ms?: number;
  registry?: Registry;
  worker?: Pick<NotifyWorkerOptions, 'batch_size' | 'concurrency' | 'poll_interval_ms' | 'lease_ms' | 'random' | 'smsRetry' | 'webhookRetry'>;
  settings?: Partial<NotifySettings>;
}

export function createNotifyService(options: NotifyServiceOptions): NotifyService {
  const { database, clock, logger } = options;
  const worker = new NotifyWorker({
    db: database.db,
    clock,
    logger,
    sms: options.sms ?? new DemoInboxProvider(options.demoInboxFile ?? null),
    webhooks: new WebhookSender(clock, options.webhook_timeout_ms ?? WEBHOOK_TIMEOUT_MS),
    registry: options.registry,
    ...options.worker,
  });
  const settings: NotifySettings = {
    allowInsecureWebhookUrls: options.config.NODE_ENV !== 'production',
    revealSensitiveSms: options.config.DEMO === 'on',
    ...options.settings,
  };
  return {
    worker,
    settings,
    start: () => worker.start(),
    stop: () => worker.stop(),
    runOnce: () => worker.runOnce(),
    replay: (messageId, actor) => replayMessage(database.db, clock, messageId, actor),
  };
}
