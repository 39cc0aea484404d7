// The partner-wallet rail: RailAdapter over the wallet provider's HTTP API (provider-api.ts).
//
//   submit   POST /v1/payouts per item, our cash-out id as Idempotency-Key. A row is written
//            before the call, so a crash mid-call leaves a trace the poller resolves; a repeat
//            submit re-asks with the same key (the provider answers, never pays twice).
//   answers  come by signed webhook (receiveWebhook, from the route) into an inbox table;
//            ingest() hands inbox messages to the cash-out module, at least once.
//   status   asks GET /v1/payouts/:ref for anything not final: how a missing webhook is found
//            out. pollStale() does that on its own for payouts quiet too long.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withTransaction, type DB, type Executor } from '../../db/index.ts';
import { isCurrencyCode } from '../../money/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import '../errors.ts';
import { mergeResult, type IngestReport, type ItemResult, type PayoutInstruction, type RailAdapter, type RailUpdate, type RailUpdateBatch, type SubmitRequest } from '../types.ts';
import './errors.ts';
import { describeWalletReason, REFERENCE_PATTERN, WALLET_HANDLE_PATTERN, webhookEventSchema, type PayoutRequest, type ProviderPayout } from './provider-api.ts';
import { ProviderClient, type ProviderClientOptions } from './provider-client.ts';
import {
  insertMessage, insertPayout, markConsumed, markPolled, resultToJson, selectPayouts, selectStalePayouts, selectUnconsumed, updatePayout, type WalletPayoutRow,
} from './store.ts';
import { verifyWebhook } from './webhook-signature.ts';

export interface WalletDestination {
  /** The payee's handle at the wallet provider, e.g. "@minjun.kim". */
  handle: string;
}

/** Whole minor units we send at most in one payout: far above any policy limit, far below int8 in micros. */
export const WALLET_AMOUNT_MINOR_MAX = 10n ** 14n;

export interface WalletRailOptions {
  db: Kysely<DB>;
  clock: Clock;
  logger?: Logger;
  provider: ProviderClientOptions;
  /** Standard Webhooks secrets ("whsec_…") the provider signs with; several during a rotation. */
  webhookSecrets: readonly string[];
  /** The operator's zone: a wallet payout's settlement date is its local day there. */
  timeZone?: string;
  itemsPerSubmitMax?: number;
  /** Provider calls in flight at once during submit() and status(). */
  concurrency?: number;
  messagesPerIngestMax?: number;
  /** A payout without a final answer for this long is polled. */
  poll_after_ms?: number;
}

export interface WebhookReceipt {
  messageId: string;
  ref: string;
  /** The same webhook-id was received before: nothing changed. */
  duplicate: boolean;
}

export interface WalletRail extends RailAdapter<WalletDestination> {
  /** Verifies and records one webhook; throws the wallet rail's 400/401 errors and records nothing then. */
  receiveWebhook(headers: Record<string, string | string[] | undefined>, body: string): Promise<WebhookReceipt>;
  /** Polls payouts quiet for poll_after_ms; returns how many were asked about. */
  pollStale(limit?: number): Promise<number>;
}

const FINAL = new Set(['accepted', 'rejected', 'returned']);

export function createWalletRail(options: WalletRailOptions): WalletRail {
  const { db, clock, logger } = options;
  const client = new ProviderClient(options.provider);
  const itemsMax = options.itemsPerSubmitMax ?? 100;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const messagesMax = options.messagesPerIngestMax ?? 500;
  const poll_after_ms = options.poll_after_ms ?? 60_000;
  const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: options.timeZone ?? 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' });
  let ingesting: Promise<unknown> = Promise.resolve();

  /** The provider's word on a payout, in the rails' terms. */
  function updateOf(payout: ProviderPayout): RailUpdate {
    const at = new Date(payout.updated_at);
    if (payout.status === 'processing') return { ref: payout.reference, state: 'pending', since: at };
    if (payout.status === 'succeeded') return { ref: payout.reference, state: 'accepted', at, railReference: payout.id, settledOn: dateFormat.format(at) };
    const reasonCode = payout.failure_reason ?? 'failed';
    return { ref: payout.reference, state: 'rejected', at, reasonCode, reasonText: describeWalletReason(reasonCode, 'en') };
  }

  /** Merges an update into the payout's row (the one rule: nothing goes back); returns the result now. */
  async function mergeInto(executor: Executor, ref: string, update: RailUpdate, providerPayoutId?: string): Promise<ItemResult | null> {
    const row = (await selectPayouts(executor, [ref], { forUpdate: true })).get(ref);
    if (!row) return null;
    const merged = mergeResult(row.result, update);
    const changed = JSON.stringify(resultToJson(merged)) !== JSON.stringify(resultToJson(row.result)) || (providerPayoutId !== undefined && row.providerPayoutId === null);
    if (changed) await updatePayout(executor, ref, { result: merged, providerPayoutId: providerPayoutId ?? null, at: clock.now() });
    return merged;
  }

  function record(ref: string, update: RailUpdate, providerPayoutId?: string): Promise<ItemResult> {
    return withTransaction(db, async (trx) => (await mergeInto(trx, ref, update, providerPayoutId)) ?? update);
  }

  function requestOf(item: PayoutInstruction<WalletDestination>): PayoutRequest {
    return { amount: item.amountMinor.toString(), currency: item.currency, recipient: item.destination.handle, reference: item.ref };
  }

  function hashOf(request: PayoutRequest): string {
    return createHash('sha256').update(JSON.stringify([request.amount, request.currency, request.recipient, request.reference])).digest('hex');
  }

  /** Why an item cannot be sent at all (checked before the provider sees anything), or null. */
  function localProblem(item: PayoutInstruction<WalletDestination>): { code: string; text: string } | null {
    if (!REFERENCE_PATTERN.test(item.ref)) return { code: 'invalid_payout_batch', text: 'the ref is not 1–64 of A–Z a–z 0–9 _ -' };
    if (!isCurrencyCode(item.currency)) return { code: 'invalid_currency', text: `currency ${String(item.currency)} is not supported` };
    if (item.amountMinor <= 0n || item.amountMinor > WALLET_AMOUNT_MINOR_MAX) return { code: 'invalid_amount', text: 'the amount must be positive whole minor units within the limit' };
    if (typeof item.destination?.handle !== 'string' || !WALLET_HANDLE_PATTERN.test(item.destination.handle)) {
      return { code: 'invalid_wallet_handle', text: 'the wallet handle is not valid' };
    }
    return null;
  }

  type Sent = { result: ItemResult; reached: boolean };

  async function sendOne(item: PayoutInstruction<WalletDestination>, batchId: string, request: PayoutRequest, known: WalletPayoutRow | undefined): Promise<Sent> {
    // The provider answered this ref before: its answer (and every later webhook) is in the row.
    if (known?.providerPayoutId) return { result: known.result, reached: true };
    const now = clock.now();
    if (!known) {
      await insertPayout(db, { ref: item.ref, batchId, amountMinor: item.amountMinor, currency: item.currency, recipient: request.recipient, requestHash: hashOf(request), at: now });
    }
    const outcome = await client.createPayout(item.ref, request);
    switch (outcome.kind) {
      case 'answered':
        return { result: await record(item.ref, updateOf(outcome.payout), outcome.payout.id), reached: true };
      case 'refused':
        return {
          result: await record(item.ref, { ref: item.ref, state: 'rejected', at: clock.now(), reasonCode: outcome.code, reasonText: outcome.message || describeWalletReason(outcome.code, 'en') }),
          reached: true,
        };
      case 'conflict': {
        // Our row said the body matches; the provider disagrees (a restored database?). Leave the
        // payout unresolved for a person: calling it rejected could hide a payment made.
        logger?.error({ ref: item.ref }, 'wallet provider reports an idempotency conflict for a payout we sent once');
        const row = (await selectPayouts(db, [item.ref])).get(item.ref);
        return { result: row?.result ?? { ref: item.ref, state: 'unknown' }, reached: true };
      }
      case 'uncertain':
        logger?.warn({ ref: item.ref, detail: outcome.detail }, 'wallet payout handed over without an answer; polling will tell');
        return { result: await record(item.ref, { ref: item.ref, state: 'pending', since: now }), reached: true };
      case 'unreachable':
        logger?.warn({ ref: item.ref, detail: outcome.detail }, 'wallet provider unreachable; nothing handed over');
        return { result: { ref: item.ref, state: 'unknown' }, reached: false };
    }
  }

  async function submit(request: SubmitRequest<WalletDestination>): Promise<ItemResult[]> {
    if (request.items.length > itemsMax) {
      throw new DomainError('invalid_payout_batch', { param: 'items', data: { detail: `at most ${itemsMax} items per submit` } });
    }
    const now = clock.now();
    const results: ItemResult[] = new Array(request.items.length);
    const toSend: Array<{ index: number; item: PayoutInstruction<WalletDestination>; request: PayoutRequest }> = [];
    const seen = new Set<string>();
    for (const [index, item] of request.items.entries()) {
      const problem = seen.has(item.ref) ? { code: 'invalid_payout_batch', text: 'the ref appears twice in the request' } : localProblem(item);
      seen.add(item.ref);
      if (problem) results[index] = { ref: item.ref, state: 'rejected', at: now, reasonCode: problem.code, reasonText: problem.text, local: true };
      else toSend.push({ index, item, request: requestOf(item) });
    }
    const known = await selectPayouts(db, toSend.map((entry) => entry.item.ref));
    // Any conflict refuses the whole request before anything is sent.
    for (const entry of toSend) {
      const row = known.get(entry.item.ref);
      if (row && row.requestHash !== hashOf(entry.request)) throw new DomainError('wallet_payout_conflict', { param: `items[${entry.index}].ref` });
    }
    const sent = await mapLimit(toSend, concurrency, (entry) => sendOne(entry.item, request.batchId, entry.request, known.get(entry.item.ref)));
    if (sent.length > 0 && sent.every((outcome) => !outcome.reached)) throw new DomainError('wallet_provider_unavailable');
    for (const [position, entry] of toSend.entries()) results[entry.index] = sent[position]!.result;
    return results;
  }

  async function statusOne(ref: string, row: WalletPayoutRow | undefined): Promise<ItemResult> {
    if (row && FINAL.has(row.result.state)) return row.result;
    const outcome = await client.getPayout(ref);
    if (outcome.kind === 'failed') return row?.result ?? { ref, state: 'unknown' };
    if (outcome.kind === 'not_found') {
      // Our "pending" was a guess after a lost answer; the provider's "never heard of it" is the fact.
      if (row && row.result.state !== 'unknown' && !row.providerPayoutId) {
        await updatePayout(db, ref, { result: { ref, state: 'unknown' }, at: clock.now() });
      }
      return { ref, state: 'unknown' };
    }
    const update = updateOf(outcome.payout);
    return withTransaction(db, async (trx) => {
      const merged = (await mergeInto(trx, ref, update, outcome.payout.id)) ?? update;
      // A final answer found by polling goes through the inbox too, so ingest() delivers it to
      // the cash-out module like the webhook that never came.
      if (FINAL.has(update.state)) {
        await insertMessage(trx, { messageId: `poll:${ref}:${update.state}`, source: 'poll', ref, update, receivedAt: clock.now() });
      }
      return merged;
    });
  }

  async function status(refs: readonly string[]): Promise<ItemResult[]> {
    if (refs.length > itemsMax) throw new DomainError('invalid_payout_batch', { param: 'refs', data: { detail: `at most ${itemsMax} refs per status call` } });
    const rows = await selectPayouts(db, refs);
    const results = await mapLimit([...refs], concurrency, (ref) => statusOne(ref, rows.get(ref)));
    await markPolled(db, refs.filter((ref) => rows.has(ref)), clock.now());
    return results;
  }

  async function receiveWebhook(headers: Record<string, string | string[] | undefined>, body: string): Promise<WebhookReceipt> {
    const check = verifyWebhook(options.webhookSecrets, headers, body, clock.now());
    if (!check.ok) throw new DomainError(check.code);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new DomainError('invalid_webhook_payload');
    }
    const event = webhookEventSchema.safeParse(json);
    if (!event.success) throw new DomainError('invalid_webhook_payload', { param: event.error.issues[0]?.path.join('.') });
    const payout = event.data.data;
    const update = updateOf(payout);
    return withTransaction(db, async (trx) => {
      const fresh = await insertMessage(trx, { messageId: check.messageId, source: 'webhook', ref: payout.reference, update, receivedAt: clock.now() });
      if (fresh) {
        const merged = await mergeInto(trx, payout.reference, update, payout.id);
        if (!merged) logger?.warn({ ref: payout.reference, messageId: check.messageId }, 'wallet webhook for a payout we have no record of');
      }
      return { messageId: check.messageId, ref: payout.reference, duplicate: !fresh };
    });
  }

  async function ingestOnce(apply: (batch: RailUpdateBatch) => Promise<void>): Promise<IngestReport> {
    const report: IngestReport = { applied: [], duplicates: [], rejected: [] };
    for (const message of await selectUnconsumed(db, messagesMax)) {
      await apply({ source: `${message.source}:${message.messageId}`, messageId: message.messageId, receivedAt: message.receivedAt, updates: [message.update] });
      await markConsumed(db, message.messageId, clock.now());
      report.applied.push(message.messageId);
    }
    return report;
  }

  function ingest(apply: (batch: RailUpdateBatch) => Promise<void>): Promise<IngestReport> {
    const run = ingesting.then(() => ingestOnce(apply));
    ingesting = run.catch(() => undefined);
    return run;
  }

  async function pollStale(limit = 100): Promise<number> {
    const refs = await selectStalePayouts(db, clock.now(), poll_after_ms, Math.min(limit, itemsMax));
    if (refs.length > 0) await status(refs);
    return refs.length;
  }

  return { channel: 'partner_wallet', itemsPerSubmitMax: itemsMax, submit, status, ingest, receiveWebhook, pollStale };
}

/** Runs `work` over `items` with at most `limit` at once; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
