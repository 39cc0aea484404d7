import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { pino } from 'pino';
import { openTestDatabase, postgresOnly, testDatabaseUrl } from '../../test/helpers/db.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.ts';
import { openDatabase, withTransaction, type Database } from '../db/index.ts';
import { enqueue } from '../outbox/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { putWebhookEndpoint } from './endpoints.ts';
import type { SmsProvider } from './sms.ts';
import { renderWebhookEvent } from '../outbox/index.ts';
import { WebhookSender } from './webhooks.ts';
import { NotifyWorker, type RunSummary } from './worker.ts';

const { skip, note } = postgresOnly('two workers on separate connections never deliver the same row twice');
const SMS_COUNT = 300;
const WEBHOOK_COUNT = 60;

describe.skipIf(skip)('notify worker concurrency', () => {
  let first: Database;
  let second: Database;
  let receiver: WebhookReceiver;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    first = await openTestDatabase();
    const name = (await sql<{ name: string }>`SELECT current_database() AS name`.execute(first.db)).rows[0]!.name;
    // A second pool on the same database: as good as a second process.
    second = await openDatabase({ url: testDatabaseUrl(name), poolSize: 8 });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await second.close();
    await first.close();
  });

  it(note, async () => {
    await withTransaction(first.db, (trx) => putWebhookEndpoint(trx, clock, 'ptn_a', { url: receiver.url }, { allowInsecure: true }));
    for (let i = 0; i < SMS_COUNT; i++) await enqueue(first.db, clock, { channel: 'sms', recipient: '+821012345678', template: 'pin.reset', body: `text ${i}` });
    for (let i = 0; i < WEBHOOK_COUNT; i++) {
      await enqueue(first.db, clock, { channel: 'webhook', recipient: 'ptn_a', template: 'credit.posted', body: renderWebhookEvent('credit.posted', { i }, clock.now()) });
    }
    const sent: string[] = [];
    const provider: SmsProvider = {
      name: 'recording',
      async send(request) {
        sent.push(request.messageId);
        await new Promise((resolve) => setImmediate(resolve));
        return { providerMessageId: request.messageId };
      },
    };
    const logger = pino({ level: 'silent' });
    const workers = [first, second].map(
      (database) => new NotifyWorker({ db: database.db, clock, logger, sms: provider, webhooks: new WebhookSender(clock), batch_size: 9, concurrency: 4 }),
    );
    const drain = async (worker: NotifyWorker) => {
      const totals: RunSummary = { claimed: 0, sent: 0, retrying: 0, failed: 0, dead: 0 };
      for (;;) {
        const summary = await worker.runOnce();
        if (summary.claimed === 0) return totals;
        for (const key of Object.keys(totals) as (keyof RunSummary)[]) totals[key] += summary[key];
      }
    };
    const [a, b] = await Promise.all(workers.map(drain));
    // Both took part, and between them claimed each row once.
    expect(a!.claimed).toBeGreaterThan(0);
    expect(b!.claimed).toBeGreaterThan(0);
    expect(a!.claimed + b!.claimed).toBe(SMS_COUNT + WEBHOOK_COUNT);
    expect(a!.sent + b!.sent).toBe(SMS_COUNT + WEBHOOK_COUNT);
    expect(new Set(sent).size).toBe(SMS_COUNT);
    expect(sent).toHaveLength(SMS_COUNT);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(WEBHOOK_COUNT);
    expect(ids).toHaveLength(WEBHOOK_COUNT);
    const statuses = await sql<{ status: string; n: bigint }>`SELECT status, count(*) AS n FROM outbox_messages GROUP BY status`.execute(first.db);
    expect(statuses.rows).toEqual([{ status: 'sent', n: BigInt(SMS_COUNT + WEBHOOK_COUNT) }]);
    const attempts = await sql<{ n: bigint }>`SELECT count(*) AS n FROM webhook_deliveries`.execute(first.db);
    expect(attempts.rows[0]!.n).toBe(BigInt(WEBHOOK_COUNT));
  });
});
