// The partner-wallet rail against its provider simulator over real HTTP on 127.0.0.1: payouts go
// out as POSTs, answers come back as signed webhooks to our Fastify endpoint (or by polling).
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/db.ts';
import { openWalletWorld, submitOne, walletPayout, WEBHOOK_SECRET, type WalletWorld } from '../../../test/helpers/wallet-world.ts';
import type { Database } from '../../db/index.ts';
import { DomainError } from '../../shared/errors.ts';
import type { ItemResult } from '../types.ts';
import { signWebhook } from './webhook-signature.ts';

let database: Database;
let world: WalletWorld | undefined;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterEach(async () => {
  await world?.close();
  world = undefined;
});
afterAll(async () => {
  await database.close();
});

async function open(...args: Parameters<typeof openWalletWorld> extends [unknown, ...infer Rest] ? Rest : never): Promise<WalletWorld> {
  world = await openWalletWorld(database, ...args);
  return world;
}

async function payoutRow(ref: string) {
  return database.db.selectFrom('wallet_payouts').selectAll().where('ref', '=', ref).executeTakeFirst();
}

async function messagesOf(ref: string) {
  return database.db.selectFrom('wallet_rail_messages').selectAll().where('ref', '=', ref).orderBy('received_at').execute();
}

async function tableCounts() {
  const { rows } = await sql<{ payouts: number; messages: number }>`
    SELECT (SELECT count(*)::int FROM wallet_payouts) AS payouts, (SELECT count(*)::int FROM wallet_rail_messages) AS messages`.execute(database.db);
  return rows[0]!;
}

function stateOf(result: ItemResult | undefined) {
  return result?.state;
}

describe('submit → webhook', () => {
  it('pays a payout: pending at once, accepted by the signed webhook, delivered by ingest', async () => {
    const w = await open();
    const item = walletPayout();
    const [submitted] = await submitOne(w.rail, item);
    expect(submitted).toMatchObject({ ref: item.ref, state: 'pending' });
    await w.simulator.settle();

    const row = await payoutRow(item.ref);
    expect(row).toMatchObject({ state: 'accepted', amount_minor: 15_000n, recipient: '@minjun.kim' });
    expect(row?.provider_payout_id).toMatch(/^wpo_/);
    const sent = w.simulator.payout(item.ref);
    expect(sent).toMatchObject({ amount: '15000', currency: 'KRW', recipient: '@minjun.kim', reference: item.ref, status: 'succeeded' });

    const report = await w.ingest();
    expect(report.applied).toHaveLength(2);
    expect(w.applied.map((batch) => batch.updates[0]?.state)).toEqual(['pending', 'accepted']);
    expect(w.applied[1]?.updates[0]).toMatchObject({ ref: item.ref, state: 'accepted', railReference: sent?.id, settledOn: '2026-01-15' });
    // Consumed: a second ingest hands over nothing.
    expect((await w.ingest()).applied).toEqual([]);

    // status() answers a final payout from our record, without asking the provider.
    await w.simulator.stop();
    expect(await w.rail.status([item.ref])).toEqual([expect.objectContaining({ ref: item.ref, state: 'accepted' })]);
  });

  it.each([
    ['unknown_recipient', { unknownHandles: ['@nobody.here'] }, { handle: '@nobody.here' }, 15_000n],
    ['recipient_blocked', { blockedHandles: ['@blocked.one'] }, { handle: '@blocked.one' }, 15_000n],
    ['limit_exceeded', { payout_minor_max: 1_000_000n }, { handle: '@minjun.kim' }, 1_000_001n],
  ] as const)('carries the refusal %s to a rejected result with the reason', async (reason, simulatorOptions, destination, amountMinor) => {
    const w = await open(simulatorOptions);
    const item = walletPayout({ destination, amountMinor });
    await submitOne(w.rail, item);
    await w.simulator.settle();
    const [status] = await w.rail.status([item.ref]);
    expect(status, JSON.stringify(w.simulator.payout(item.ref))).toMatchObject({ ref: item.ref, state: 'rejected', reasonCode: reason });
    expect(status && 'local' in status).toBe(false);
    await w.ingest();
    expect(w.applied.at(-1)?.updates[0]).toMatchObject({ state: 'rejected', reasonCode: reason });
    expect((await payoutRow(item.ref))?.state).toBe('rejected');
  });

  it('draws refusal reasons from the configured list when the rejection rate is 1', async () => {
    const w = await open({ rejectionRate: 1 });
    const items = Array.from({ length: 12 }, () => walletPayout());
    await w.rail.submit({ batchId: 'bat_many', executionDate: '2026-01-15', items });
    await w.simulator.settle();
    const results = await w.rail.status(items.map((item) => item.ref));
    expect(results.every((result) => result.state === 'rejected')).toBe(true);
    const reasons = new Set(results.map((result) => (result.state === 'rejected' ? result.reasonCode : '')));
    for (const reason of reasons) expect(['unknown_recipient', 'recipient_blocked', 'limit_exceeded']).toContain(reason);
    expect(reasons.size).toBeGreaterThan(1);
  });
});

describe('answers that go wrong', () => {
  it('resolves a payout whose webhook never comes by polling its status', async () => {
    const w = await open({ timeoutRate: 1 });
    const item = walletPayout();
    await submitOne(w.rail, item);
    await w.simulator.settle();
    expect(w.simulator.deliveries()).toEqual([]);
    expect(w.simulator.payout(item.ref)?.status).toBe('succeeded');
    expect((await payoutRow(item.ref))?.state).toBe('pending');

    // Not yet quiet for poll_after_ms: the poller leaves it alone.
    expect(await w.rail.pollStale()).toBe(0);
    w.clock.advance(61_000);
    expect(await w.rail.pollStale()).toBe(1);
    expect((await payoutRow(item.ref))?.state).toBe('accepted');
    expect((await payoutRow(item.ref))?.polled_at).not.toBeNull();

    // The polled answer reaches the cash-out module through ingest, once.
    const report = await w.ingest();
    expect(report.applied).toEqual([`poll:${item.ref}:accepted`]);
    expect(w.applied[0]?.updates[0]).toMatchObject({ ref: item.ref, state: 'accepted' });
    expect(await w.rail.status([item.ref])).toEqual([expect.objectContaining({ state: 'accepted' })]);
    expect((await messagesOf(item.ref)).length).toBe(1);
  });

  it('records a webhook delivered twice once, and acknowledges both', async () => {
    const w = await open({ duplicateRate: 1 });
    const item = walletPayout();
    await submitOne(w.rail, item);
    await w.simulator.settle();
    const deliveries = w.simulator.deliveries().filter((d) => d.ref === item.ref);
    expect(deliveries).toHaveLength(4);
    expect(deliveries.every((d) => d.statusCode === 200)).toBe(true);
    expect(new Set(deliveries.map((d) => d.messageId)).size).toBe(2);
    expect(await messagesOf(item.ref)).toHaveLength(2);
    expect((await w.ingest()).applied).toHaveLength(2);
    expect((await payoutRow(item.ref))?.state).toBe('accepted');
  });

  it('keeps the final answer when the processing webhook arrives after it', async () => {
    const w = await open({ outOfOrderRate: 1 });
    const item = walletPayout();
    await submitOne(w.rail, item);
    await w.simulator.settle();
    const types = w.simulator.deliveries().filter((d) => d.ref === item.ref).map((d) => d.type);
    expect(types).toEqual(['payout.succeeded', 'payout.processing']);
    expect((await payoutRow(item.ref))?.state).toBe('accepted');
    await w.ingest();
    expect(w.applied.map((batch) => batch.updates[0]?.state)).toEqual(['accepted', 'pending']);
  });

  it('keeps a refusal when a late processing webhook follows it', async () => {
    const w = await open({ outOfOrderRate: 1, blockedHandles: ['@blocked.one'] });
    const item = walletPayout({ destination: { handle: '@blocked.one' } });
    await submitOne(w.rail, item);
    await w.simulator.settle();
    expect(await w.rail.status([item.ref])).toEqual([expect.objectContaining({ state: 'rejected', reasonCode: 'recipient_blocked' })]);
  });
});

describe('the webhook endpoint refuses what it cannot trust', () => {
  async function post(w: WalletWorld, body: string, headers: Record<string, string>) {
    return fetch(w.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  async function pendingPayout(w: WalletWorld) {
    const item = walletPayout();
    await submitOne(w.rail, item);
    await w.simulator.settle();
    return item;
  }

  function eventFor(ref: string, providerId: string) {
    const at = '2026-01-15T01:00:00.000Z';
    return JSON.stringify({
      id: 'msg_forged', type: 'payout.failed', created_at: at,
      data: { id: providerId, reference: ref, amount: '15000', currency: 'KRW', recipient: '@minjun.kim', status: 'failed', failure_reason: 'recipient_blocked', created_at: at, updated_at: at },
    });
  }

  it.each([
    ['a signature made with another secret', 401, 'invalid_webhook_signature', (w: WalletWorld, body: string) => signWebhook(['whsec_b3RoZXItc2VjcmV0LW5vdC1vdXJzLTAwMDAwMDAw'], 'msg_forged', w.clock.now(), body)],
    ['a signature over another body', 401, 'invalid_webhook_signature', (w: WalletWorld) => signWebhook([WEBHOOK_SECRET], 'msg_forged', w.clock.now(), '{"other":true}')],
    ['a signature six minutes old', 400, 'webhook_timestamp_out_of_tolerance', (w: WalletWorld, body: string) => signWebhook([WEBHOOK_SECRET], 'msg_forged', new Date(w.clock.now().getTime() - 360_000), body)],
    ['no signature headers', 400, 'missing_webhook_headers', () => ({})],
    ['a timestamp that is not a number', 400, 'missing_webhook_headers', (w: WalletWorld, body: string) => ({ ...signWebhook([WEBHOOK_SECRET], 'msg_forged', w.clock.now(), body), 'webhook-timestamp': 'soon' })],
  ] as const)('refuses %s with %i %s and changes nothing', async (_name, status, code, headersFor) => {
    const w = await open({ timeoutRate: 1 });
    const item = await pendingPayout(w);
    const row = await payoutRow(item.ref);
    const before = await tableCounts();
    const body = eventFor(item.ref, row!.provider_payout_id ?? 'wpo_x');
    const response = await post(w, body, headersFor(w, body) as Record<string, string>);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await tableCounts()).toEqual(before);
    expect(await payoutRow(item.ref)).toEqual(row);
  });

  it('refuses a correctly signed body that is not a payout event, recording nothing', async () => {
    const w = await open({ timeoutRate: 1 });
    const item = await pendingPayout(w);
    const before = await tableCounts();
    const body = JSON.stringify({ id: 'msg_x', type: 'payout.exploded', data: {} });
    const response = await post(w, body, signWebhook([WEBHOOK_SECRET], 'msg_x', w.clock.now(), body));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_webhook_payload');
    expect(await tableCounts()).toEqual(before);
    expect((await payoutRow(item.ref))?.state).toBe('pending');
  });

  it('takes a correctly signed event exactly once', async () => {
    const w = await open({ timeoutRate: 1 });
    const item = await pendingPayout(w);
    const row = await payoutRow(item.ref);
    const body = eventFor(item.ref, row!.provider_payout_id!);
    const headers = signWebhook([WEBHOOK_SECRET], 'msg_genuine_1', w.clock.now(), body);
    const first = await post(w, body, headers);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    const again = await post(w, body, headers);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await messagesOf(item.ref)).toHaveLength(1);
    expect((await payoutRow(item.ref))?.state).toBe('rejected');
  });
});

describe('submit is idempotent and bounded', () => {
  it('sends a payout submitted twice once, and answers the repeat from its record', async () => {
    const w = await open();
    const item = walletPayout();
    await submitOne(w.rail, item);
    await w.simulator.settle();
    const again = await submitOne(w.rail, item);
    expect(again).toEqual([expect.objectContaining({ ref: item.ref, state: 'accepted' })]);
    expect(w.simulator.payouts().filter((p) => p.reference === item.ref)).toHaveLength(1);
  });

  it('refuses the same ref with another amount before anything is sent', async () => {
    const w = await open();
    const item = walletPayout();
    await submitOne(w.rail, item);
    await w.simulator.settle();
    const other = walletPayout();
    const before = await tableCounts();
    await expect(w.rail.submit({ batchId: 'bat_conflict', executionDate: '2026-01-15', items: [other, { ...item, amountMinor: 99_000n }] }))
      .rejects.toMatchObject({ code: 'wallet_payout_conflict', details: { param: 'items[1].ref' } });
    expect(await tableCounts()).toEqual(before);
    expect(w.simulator.payout(other.ref)).toBeUndefined();
    expect(w.simulator.payout(item.ref)?.amount).toBe('15000');
  });

  it('repeats a POST whose answer is slower than our timeout with the same key: one payout', async () => {
    const w = await open({ slowAnswerRate: 1, slowAnswer_ms: 600, latency_ms: 1_000 }, { provider: { request_timeout_ms: 200 } });
    const item = walletPayout();
    const [result] = await submitOne(w.rail, item);
    // The first POST timed out; the repeat with the same key found the payout and answered at once.
    expect(stateOf(result)).toBe('pending');
    expect((await payoutRow(item.ref))?.provider_payout_id).toMatch(/^wpo_/);
    await w.simulator.settle();
    expect(w.simulator.payouts().filter((p) => p.reference === item.ref)).toHaveLength(1);
    expect((await payoutRow(item.ref))?.state).toBe('accepted');
  });

  it('retries a provider 503 and succeeds within the attempt limit', async () => {
    const w = await open();
    w.simulator.failNext(2, 503);
    const item = walletPayout();
    const [result] = await submitOne(w.rail, item);
    expect(stateOf(result)).toBe('pending');
    expect((await payoutRow(item.ref))?.provider_payout_id).toMatch(/^wpo_/);
  });

  it('gives up after the attempt limit on a provider that keeps failing: pending, to be polled', async () => {
    const w = await open();
    w.simulator.failNext(3, 503);
    const item = walletPayout();
    const [result] = await submitOne(w.rail, item);
    expect(stateOf(result)).toBe('pending');
    expect(w.simulator.payout(item.ref)).toBeUndefined();
    // The poller learns that the provider never saw it: back to unknown, for the cash-out to resubmit.
    w.clock.advance(61_000);
    await w.rail.pollStale();
    expect((await payoutRow(item.ref))?.state).toBe('unknown');
    const [resubmitted] = await submitOne(w.rail, item);
    expect(stateOf(resubmitted)).toBe('pending');
    await w.simulator.settle();
    expect((await payoutRow(item.ref))?.state).toBe('accepted');
  });

  it('throws wallet_provider_unavailable when nothing reached the provider, and sends it later', async () => {
    const w = await open();
    const url = w.simulator.url;
    await w.simulator.stop();
    const item = walletPayout();
    await expect(submitOne(w.rail, item)).rejects.toSatisfy((error: unknown) => error instanceof DomainError && error.code === 'wallet_provider_unavailable');
    expect((await payoutRow(item.ref))?.state).toBe('unknown');
    expect(await w.rail.status([item.ref])).toEqual([{ ref: item.ref, state: 'unknown' }]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('refuses an invalid item locally, sending nothing, and still sends the valid ones', async () => {
    const w = await open();
    const bad = walletPayout({ destination: { handle: 'not a handle' } });
    const zero = walletPayout({ amountMinor: 0n });
    const good = walletPayout();
    const results = await w.rail.submit({ batchId: 'bat_mixed', executionDate: '2026-01-15', items: [bad, zero, good, good] });
    expect(results.map((r) => [r.state, r.state === 'rejected' ? r.reasonCode : null, r.state === 'rejected' ? r.local : null])).toEqual([
      ['rejected', 'invalid_wallet_handle', true],
      ['rejected', 'invalid_amount', true],
      ['pending', null, null],
      ['rejected', 'invalid_payout_batch', true],
    ]);
    expect(w.simulator.payout(bad.ref)).toBeUndefined();
    expect(await payoutRow(bad.ref)).toBeUndefined();
    expect(await payoutRow(zero.ref)).toBeUndefined();
  });

  it('refuses more items than one submit takes, sending nothing', async () => {
    const w = await open({}, { itemsPerSubmitMax: 2 });
    const before = await tableCounts();
    await expect(w.rail.submit({ batchId: 'bat_big', executionDate: '2026-01-15', items: [walletPayout(), walletPayout(), walletPayout()] }))
      .rejects.toMatchObject({ code: 'invalid_payout_batch' });
    expect(await tableCounts()).toEqual(before);
    expect(w.simulator.payouts()).toEqual([]);
  });
});
