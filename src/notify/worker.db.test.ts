import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { openTestDatabase } from '../../test/helpers/db.ts';
import type { Database } from '../db/index.ts';
import { fromMinor } from '../money/index.ts';
import { enqueue } from '../outbox/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { uuidToId } from '../shared/ids.ts';
import { REDACT_PATHS } from '../shared/logger.ts';
import { claimDueMessages, recordAttempt } from './outbox-store.ts';
import { SMS_RETRY } from './retry.ts';
import { ScriptedSmsProvider, type SmsProvider, type SmsSendRequest } from './sms.ts';
import { renderSms } from '../outbox/index.ts';
import { WebhookSender } from './webhooks.ts';
import { NotifyWorker, type NotifyWorkerOptions } from './worker.ts';

const PHONE = '+821012345678';
let database: Database;
let clock: ManualClock;
let logLines: string[];

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.close());
beforeEach(() => {
  clock = new ManualClock('2026-01-15T00:00:00Z');
  logLines = [];
});
afterEach(async () => {
  await database.db.deleteFrom('outbox_messages').execute();
});

function makeWorker(sms: SmsProvider, options: Partial<NotifyWorkerOptions> = {}): NotifyWorker {
  const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, { write: (line: string) => void logLines.push(line) });
  return new NotifyWorker({ db: database.db, clock, logger, sms, webhooks: new WebhookSender(clock), random: () => 0, ...options });
}

async function enqueueCredit(recipient = PHONE): Promise<string> {
  const body = renderSms('credit.received', 'ko', { amount: { amount: fromMinor(1500n), currency: 'KRW' }, partner: '리워드앱' });
  return enqueue(database.db, clock, { channel: 'sms', recipient, template: 'credit.received', lang: 'ko', body });
}

async function enqueueOtp(code = '482913'): Promise<string> {
  const body = renderSms('otp.login', 'ko', { code, minutes: 5 });
  return enqueue(database.db, clock, { channel: 'sms', recipient: PHONE, template: 'otp.login', lang: 'ko', body });
}

async function row(id: string) {
  return database.db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('notify worker: SMS', () => {
  it('delivers a due SMS through the provider and marks it sent', async () => {
    const provider = new ScriptedSmsProvider();
    const id = await enqueueCredit();
    const summary = await makeWorker(provider).runOnce();
    expect(summary).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0, dead: 0 });
    expect(provider.calls).toEqual([{ to: PHONE, messageId: uuidToId(id, 'msg'), outcome: 'ok' }]);
    const stored = await row(id);
    expect(stored).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(stored.sent_at).toEqual(clock.now());
    expect(stored.body).toContain('1,500원');
    expect(await makeWorker(provider).runOnce()).toMatchObject({ claimed: 0 });
    expect(provider.calls).toHaveLength(1);
  });

  it('counts deliveries in the metrics registry', async () => {
    const registry = new Registry();
    await enqueueCredit();
    await enqueueCredit();
    await makeWorker(new ScriptedSmsProvider({ script: ['permanent'] }), { registry }).runOnce();
    const text = await registry.metrics();
    expect(text).toContain('smallchange_outbox_deliveries_total{channel="sms",outcome="sent"} 1');
    expect(text).toContain('smallchange_outbox_deliveries_total{channel="sms",outcome="failed"} 1');
  });

  it('waits for notBefore', async () => {
    const provider = new ScriptedSmsProvider();
    const id = await enqueue(database.db, clock, { channel: 'sms', recipient: PHONE, template: 'pin.reset', body: 'later', notBefore: new Date(clock.now().getTime() + 60_000) });
    expect(await makeWorker(provider).runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(60_000);
    expect(await makeWorker(provider).runOnce()).toMatchObject({ sent: 1 });
    expect((await row(id)).status).toBe('sent');
  });

  it('retries a failing provider on the backoff schedule, then gives up (dead) after the horizon', async () => {
    const provider = new ScriptedSmsProvider({ then: 'retryable' });
    const worker = makeWorker(provider);
    const id = await enqueueCredit();
    const started = clock.now().getTime();
    for (const [index, delay] of SMS_RETRY.delays_ms.entries()) {
      expect(await worker.runOnce()).toMatchObject({ claimed: 1, retrying: 1 });
      const stored = await row(id);
      expect(stored).toMatchObject({ status: 'pending', attempts: index + 1, last_error: 'gateway unavailable (scripted)' });
      expect(stored.next_attempt_at.getTime() - clock.now().getTime()).toBe(delay);
      // Not a moment sooner.
      clock.advance(delay - 1);
      expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
      clock.advance(1);
    }
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, dead: 1 });
    const dead = await row(id);
    expect(dead.status).toBe('dead');
    expect(dead.attempts).toBe(SMS_RETRY.delays_ms.length + 1);
    expect(dead.last_error).toMatch(/^gave up after 6 attempts/);
    expect(clock.now().getTime() - started).toBe(SMS_RETRY.delays_ms.reduce((a, b) => a + b, 0));
    clock.advance(86_400_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    expect(provider.calls).toHaveLength(6);
  });

  it('stretches delays with jitter, never shortens them', async () => {
    const worker = makeWorker(new ScriptedSmsProvider({ then: 'retryable' }), { random: () => 0.5 });
    const id = await enqueueCredit();
    await worker.runOnce();
    expect((await row(id)).next_attempt_at.getTime() - clock.now().getTime()).toBe(SMS_RETRY.delays_ms[0]! * 1.1);
  });

  it('sends on a later attempt after a transient failure', async () => {
    const provider = new ScriptedSmsProvider({ script: ['retryable'] });
    const worker = makeWorker(provider);
    const id = await enqueueCredit();
    await worker.runOnce();
    clock.advance(SMS_RETRY.delays_ms[0]!);
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('marks a permanent refusal failed at once', async () => {
    const provider = new ScriptedSmsProvider({ then: 'permanent' });
    const id = await enqueueCredit();
    expect(await makeWorker(provider).runOnce()).toMatchObject({ failed: 1 });
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'number rejected by gateway (scripted)' });
  });

  it('the demo provider refuses a recipient that is not E.164 (failed, not retried)', async () => {
    const { DemoInboxProvider } = await import('./sms.ts');
    const id = await enqueueCredit('01012345678');
    expect(await makeWorker(new DemoInboxProvider()).runOnce()).toMatchObject({ failed: 1 });
    expect((await row(id)).status).toBe('failed');
  });

  it('never sends a one-time code after it expired', async () => {
    const provider = new ScriptedSmsProvider();
    const id = await enqueueOtp();
    clock.advance(11 * 60_000);
    expect(await makeWorker(provider).runOnce()).toMatchObject({ dead: 1 });
    expect(provider.calls).toHaveLength(0);
    expect(await row(id)).toMatchObject({ status: 'dead', last_error: 'one-time code expired before it could be sent' });
  });

  it('never logs an OTP, a message body or a full phone number', async () => {
    await enqueueOtp('482913');
    await enqueueOtp('735102');
    await makeWorker(new ScriptedSmsProvider({ script: ['retryable'] })).runOnce();
    clock.advance(60_000);
    await makeWorker(new ScriptedSmsProvider()).runOnce();
    const log = logLines.join('\n');
    expect(logLines.length).toBeGreaterThanOrEqual(3);
    expect(log).toContain('otp.login');
    expect(log).toContain('010-****-5678');
    for (const secret of ['482913', '735102', '인증번호', PHONE, '1012345678']) expect(log).not.toContain(secret);
  });

  it('claims in batches of batch_size', async () => {
    for (let i = 0; i < 5; i++) await enqueueCredit();
    const worker = makeWorker(new ScriptedSmsProvider(), { batch_size: 2 });
    expect(await worker.runOnce()).toMatchObject({ claimed: 2, sent: 2 });
    expect(await worker.runOnce()).toMatchObject({ claimed: 2, sent: 2 });
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
  });

  it('keeps at most `concurrency` deliveries in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow: SmsProvider = {
      name: 'slow',
      async send(request: SmsSendRequest) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { providerMessageId: request.messageId };
      },
    };
    for (let i = 0; i < 12; i++) await enqueueCredit();
    expect(await makeWorker(slow, { concurrency: 3 }).runOnce()).toMatchObject({ claimed: 12, sent: 12 });
    expect(peak).toBe(3);
  });
});

describe('notify worker: leases', () => {
  it('a row claimed by a worker that died is delivered once its lease ends', async () => {
    const id = await enqueueCredit();
    const claimed = await claimDueMessages(database.db, clock.now(), 10, 60_000);
    expect(claimed.map((r) => r.id)).toEqual([id]);
    const provider = new ScriptedSmsProvider();
    const worker = makeWorker(provider);
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(60_000);
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a late writer whose row was claimed again changes nothing', async () => {
    const id = await enqueueCredit();
    const [first] = await claimDueMessages(database.db, clock.now(), 10, 1000);
    clock.advance(1000);
    const [second] = await claimDueMessages(database.db, clock.now(), 10, 1000);
    expect(second!.attempts).toBe(2);
    expect(await recordAttempt(database.db, id, first!.attempts, { status: 'failed', error: 'late' })).toBe(false);
    expect(await row(id)).toMatchObject({ status: 'sending', attempts: 2, last_error: null });
    expect(await recordAttempt(database.db, id, second!.attempts, { status: 'sent', at: clock.now() })).toBe(true);
    expect((await row(id)).status).toBe('sent');
  });
});

describe('notify worker: start and stop', () => {
  it('the loop delivers what is enqueued while it runs', async () => {
    const provider = new ScriptedSmsProvider();
    const worker = makeWorker(provider, { poll_interval_ms: 10 });
    worker.start();
    expect(worker.running).toBe(true);
    const id = await enqueueCredit();
    for (let i = 0; i < 200 && (await row(id)).status !== 'sent'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    expect(worker.running).toBe(false);
    expect((await row(id)).status).toBe('sent');
  });

  it('stop() waits for the deliveries in flight and claims nothing new', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let called!: () => void;
    const calledOnce = new Promise<void>((resolve) => (called = resolve));
    const held: SmsProvider = {
      name: 'held',
      async send(request) {
        called();
        await gate;
        return { providerMessageId: request.messageId };
      },
    };
    const worker = makeWorker(held, { poll_interval_ms: 10, batch_size: 1 });
    const first = await enqueueCredit();
    worker.start();
    await calledOnce;
    const second = await enqueueCredit();
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await row(first)).status).toBe('sent');
    expect(await row(second)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
