import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { openTestDatabase } from '../../test/helpers/db.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.ts';
import { withTransaction, type Database } from '../db/index.ts';
import { enqueue } from '../outbox/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { uuidToId } from '../shared/ids.ts';
import { getWebhookEndpoint, putWebhookEndpoint, SECRETS_ACTIVE_MAX, type EndpointChange } from './endpoints.ts';
import { replayMessage } from './replay.ts';
import { retryHorizonMs, WEBHOOK_RETRY } from './retry.ts';
import { ScriptedSmsProvider } from './sms.ts';
import { renderWebhookEvent } from '../outbox/index.ts';
import { WebhookSender } from './webhooks.ts';
import { NotifyWorker } from './worker.ts';

const PARTNER = 'ptn_01jtestpartner0000000000000';
const HOUR_MS = 3_600_000;
let database: Database;
let receiver: WebhookReceiver;
let clock: ManualClock;

beforeAll(async () => {
  database = await openTestDatabase();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await database.close();
});
beforeEach(() => {
  // The receiver checks timestamps against the real time (±5 min), as a partner would.
  clock = new ManualClock(new Date());
  receiver.received.length = 0;
  receiver.script.length = 0;
  receiver.secrets = [];
  receiver.fallback = { status: 200 };
});
afterEach(async () => {
  await database.db.deleteFrom('webhook_deliveries').execute();
  await database.db.deleteFrom('outbox_messages').execute();
  await database.db.deleteFrom('webhook_endpoint_secrets').execute();
  await database.db.deleteFrom('webhook_endpoints').execute();
});

const silent = pino({ level: 'silent' });
function makeWorker(timeout_ms = 2000): NotifyWorker {
  return new NotifyWorker({ db: database.db, clock, logger: silent, sms: new ScriptedSmsProvider(), webhooks: new WebhookSender(clock, timeout_ms), random: () => 0 });
}

async function setEndpoint(change: EndpointChange): Promise<string | null> {
  const result = await withTransaction(database.db, (trx) => putWebhookEndpoint(trx, clock, PARTNER, change, { allowInsecure: true }));
  return result.secret;
}

async function enqueueEvent(type = 'credit.posted'): Promise<string> {
  const body = renderWebhookEvent(type, { id: 'crd_123', amount: { amount: '0.0350', currency: 'KRW' } }, clock.now());
  return enqueue(database.db, clock, { channel: 'webhook', recipient: PARTNER, template: type, body });
}

async function message(id: string) {
  return database.db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function deliveries(id: string) {
  return database.db.selectFrom('webhook_deliveries').selectAll().where('message_id', '=', id).orderBy('attempt').execute();
}

describe('webhook delivery', () => {
  it('POSTs the event with Standard Webhooks headers that the partner verifies', async () => {
    receiver.secrets = [(await setEndpoint({ url: receiver.url }))!];
    const id = await enqueueEvent();
    expect(await makeWorker().runOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.verified).toEqual([true]);
    expect(got.headers['webhook-id']).toBe(uuidToId(id, 'msg'));
    expect(got.headers['webhook-timestamp']).toBe(String(Math.floor(clock.now().getTime() / 1000)));
    expect(got.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got.body)).toMatchObject({ type: 'credit.posted', data: { id: 'crd_123', amount: { amount: '0.0350', currency: 'KRW' } } });
    expect(new Webhook(receiver.secrets[0]!).verify(got.body, got.headers)).toEqual(JSON.parse(got.body));
    expect(await message(id)).toMatchObject({ status: 'sent', attempts: 1 });
    const log = await deliveries(id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ attempt: 1, status_code: 200, outcome: 'succeeded', error: null, url: receiver.url, partner_id: PARTNER });
  });

  it('retries after a 500 and succeeds on the next attempt, with the same webhook-id', async () => {
    receiver.secrets = [(await setEndpoint({ url: receiver.url }))!];
    receiver.script.push({ status: 500, body: 'oops' });
    const id = await enqueueEvent();
    const worker = makeWorker();
    expect(await worker.runOnce()).toMatchObject({ retrying: 1 });
    expect(await message(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 500: oops' });
    expect(await worker.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(WEBHOOK_RETRY.delays_ms[0]!);
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([uuidToId(id, 'msg'), uuidToId(id, 'msg')]);
    expect(receiver.received.every((r) => r.verified[0])).toBe(true);
    expect((await deliveries(id)).map((d) => [d.attempt, d.status_code, d.outcome])).toEqual([
      [1, 500, 'retrying'],
      [2, 200, 'succeeded'],
    ]);
  });

  it('gives up on a slow endpoint at the timeout and retries', async () => {
    await setEndpoint({ url: receiver.url });
    receiver.script.push({ status: 200, delay_ms: 3000 });
    const id = await enqueueEvent();
    expect(await makeWorker(200).runOnce()).toMatchObject({ retrying: 1 });
    const [attempt] = await deliveries(id);
    expect(attempt).toMatchObject({ status_code: null, outcome: 'retrying', error: 'timeout after 200 ms' });
    expect(attempt!.duration_ms).toBeGreaterThanOrEqual(150);
    expect(attempt!.duration_ms).toBeLessThan(2500);
  });

  it('retries a 4xx, but takes 410 Gone as final', async () => {
    await setEndpoint({ url: receiver.url });
    receiver.script.push({ status: 404 }, { status: 410 });
    const id = await enqueueEvent();
    const worker = makeWorker();
    expect(await worker.runOnce()).toMatchObject({ retrying: 1 });
    clock.advance(WEBHOOK_RETRY.delays_ms[0]!);
    expect(await worker.runOnce()).toMatchObject({ failed: 1 });
    expect(await message(id)).toMatchObject({ status: 'failed', attempts: 2, last_error: 'HTTP 410' });
    expect((await deliveries(id)).map((d) => d.outcome)).toEqual(['retrying', 'failed']);
  });

  it('keeps retrying for more than 24 hours, then marks the message dead', async () => {
    await setEndpoint({ url: receiver.url });
    receiver.fallback = { status: 503 };
    const id = await enqueueEvent();
    const worker = makeWorker();
    const first = clock.now().getTime();
    let last = first;
    for (let attempt = 1; attempt <= 8; attempt++) {
      const summary = await worker.runOnce();
      expect(summary.claimed).toBe(1);
      last = clock.now().getTime();
      const stored = await message(id);
      if (attempt < 8) {
        expect(stored.status).toBe('pending');
        clock.set(stored.next_attempt_at);
      } else expect(stored.status).toBe('dead');
    }
    expect(last - first).toBe(retryHorizonMs(WEBHOOK_RETRY));
    expect(last - first).toBeGreaterThanOrEqual(24 * HOUR_MS);
    expect(receiver.received).toHaveLength(8);
    const log = await deliveries(id);
    expect(log.map((d) => d.outcome)).toEqual([...Array(7).fill('retrying'), 'dead']);
  });

  it('holds events for a partner with no endpoint yet, and delivers once it sets one', async () => {
    const id = await enqueueEvent();
    const worker = makeWorker();
    expect(await worker.runOnce()).toMatchObject({ retrying: 1 });
    expect(await deliveries(id)).toMatchObject([{ url: null, status_code: null, outcome: 'retrying', error: 'partner has no webhook endpoint' }]);
    receiver.secrets = [(await setEndpoint({ url: receiver.url }))!];
    clock.advance(WEBHOOK_RETRY.delays_ms[0]!);
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    expect(receiver.received[0]!.verified).toEqual([true]);
  });

  it('does not POST to a disabled endpoint', async () => {
    await setEndpoint({ url: receiver.url, enabled: false });
    const id = await enqueueEvent();
    expect(await makeWorker().runOnce()).toMatchObject({ retrying: 1 });
    expect(receiver.received).toHaveLength(0);
    expect((await message(id)).last_error).toBe('webhook endpoint is disabled');
  });
});

describe('secret rotation', () => {
  it('signs with both secrets during the overlap, then only with the new one', async () => {
    const oldSecret = (await setEndpoint({ url: receiver.url }))!;
    const newSecret = (await setEndpoint({ rotate_secret: true, previous_secret_hours: 1 }))!;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    receiver.secrets = [oldSecret, newSecret];
    await enqueueEvent();
    await makeWorker().runOnce();
    expect(receiver.received[0]!.verified).toEqual([true, true]);
    expect(receiver.received[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);

    // After the overlap only the new secret signs. (The receiver verifies against real time, so
    // the clock goes back to now and the old secret's expiry is moved instead.)
    await database.db.updateTable('webhook_endpoint_secrets').set({ expires_at: clock.now() }).where('version', '=', 1).execute();
    await enqueueEvent('credit.reversed');
    await makeWorker().runOnce();
    expect(receiver.received[1]!.verified).toEqual([false, true]);
    expect(receiver.received[1]!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
  });

  it('shows the secret once: the endpoint view has prefixes only', async () => {
    const secret = (await setEndpoint({ url: receiver.url }))!;
    const view = await getWebhookEndpoint(database.db, clock, PARTNER);
    expect(JSON.stringify(view)).not.toContain(secret);
    expect(view!.secrets).toEqual([{ version: 1, prefix: `${secret.slice(0, 10)}…`, created_at: clock.now(), expires_at: null, active: true }]);
    expect(await setEndpoint({ url: `${receiver.url}/v2` })).toBeNull();
  });

  it(`never lets more than ${SECRETS_ACTIVE_MAX} secrets sign at once`, async () => {
    await setEndpoint({ url: receiver.url });
    for (let i = 0; i < 5; i++) await setEndpoint({ rotate_secret: true });
    const view = (await getWebhookEndpoint(database.db, clock, PARTNER))!;
    expect(view.secrets.map((s) => s.version)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(view.secrets.filter((s) => s.active).map((s) => s.version)).toEqual([6, 5, 4]);
  });

  it('previous_secret_hours: 0 retires the old secret at once', async () => {
    const oldSecret = (await setEndpoint({ url: receiver.url }))!;
    const newSecret = (await setEndpoint({ rotate_secret: true, previous_secret_hours: 0 }))!;
    receiver.secrets = [oldSecret, newSecret];
    await enqueueEvent();
    await makeWorker().runOnce();
    expect(receiver.received[0]!.verified).toEqual([false, true]);
  });

  it('creating an endpoint needs a url, and nothing is written without one', async () => {
    const error = await setEndpoint({ rotate_secret: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'missing_field', details: { param: 'url' } });
    expect(await database.db.selectFrom('webhook_endpoints').selectAll().execute()).toHaveLength(0);
    expect(await database.db.selectFrom('webhook_endpoint_secrets').selectAll().execute()).toHaveLength(0);
  });
});

describe('replay', () => {
  it('delivers a sent message again with the same webhook-id and a fresh schedule', async () => {
    receiver.secrets = [(await setEndpoint({ url: receiver.url }))!];
    const id = await enqueueEvent();
    const worker = makeWorker();
    await worker.runOnce();
    const replayed = await replayMessage(database.db, clock, uuidToId(id, 'msg'), 'stf_admin');
    expect(replayed).toMatchObject({ status: 'pending', attempts: 0, last_error: 'replayed by stf_admin' });
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([uuidToId(id, 'msg'), uuidToId(id, 'msg')]);
    expect(receiver.received.every((r) => r.verified[0])).toBe(true);
    expect(await deliveries(id)).toHaveLength(2);
  });

  it('brings a dead message back', async () => {
    await setEndpoint({ url: receiver.url });
    const id = await enqueueEvent();
    await database.db.updateTable('outbox_messages').set({ status: 'dead', attempts: 8 }).where('id', '=', id).execute();
    await replayMessage(database.db, clock, uuidToId(id, 'msg'), 'stf_1');
    expect(await makeWorker().runOnce()).toMatchObject({ sent: 1 });
    expect(await message(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('refuses an unknown id, a message in flight, and a one-time code, changing nothing', async () => {
    const codeOf = (e: unknown) => (e instanceof DomainError ? e.code : String(e));
    expect(codeOf(await replayMessage(database.db, clock, 'msg_01h455vb4pex5vsknk084sn02q', 's').catch((e) => e))).toBe('message_not_found');
    expect(codeOf(await replayMessage(database.db, clock, 'not-an-id', 's').catch((e) => e))).toBe('message_not_found');
    const id = await enqueueEvent();
    await database.db.updateTable('outbox_messages').set({ status: 'sending' }).where('id', '=', id).execute();
    const before = await message(id);
    expect(codeOf(await replayMessage(database.db, clock, uuidToId(id, 'msg'), 's').catch((e) => e))).toBe('message_in_flight');
    expect(await message(id)).toEqual(before);
    const otp = await enqueue(database.db, clock, { channel: 'sms', recipient: '+821012345678', template: 'otp.login', body: '[스몰체인지] 로그인 인증번호 123456' });
    await database.db.updateTable('outbox_messages').set({ status: 'sent' }).where('id', '=', otp).execute();
    expect(codeOf(await replayMessage(database.db, clock, uuidToId(otp, 'msg'), 's').catch((e) => e))).toBe('message_not_replayable');
    expect((await message(otp)).status).toBe('sent');
  });
});
