// All SQL of the partner-wallet rail (migration 0060). Functions take the executor first: the
// caller owns the transaction.
import { sql, type Generated } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { CurrencyCode } from '../../money/index.ts';
import type { ItemResult, ItemState, RailUpdate } from '../types.ts';

declare module '../../db/schema.ts' {
  interface DB {
    wallet_payouts: {
      ref: string;
      batch_id: string;
      amount_minor: bigint;
      currency: string;
      recipient: string;
      request_hash: string;
      provider_payout_id: string | null;
      state: ItemState;
      result: unknown;
      submitted_at: Date;
      updated_at: Date;
      polled_at: Date | null;
    };
    wallet_rail_messages: {
      message_id: string;
      seq: Generated<bigint>;
      source: 'webhook' | 'poll';
      ref: string;
      update: unknown;
      received_at: Date;
      consumed_at: Date | null;
    };
  }
}

export interface WalletPayoutRow {
  ref: string;
  batchId: string;
  amountMinor: bigint;
  currency: CurrencyCode;
  recipient: string;
  requestHash: string;
  providerPayoutId: string | null;
  result: ItemResult;
  submittedAt: Date;
  updatedAt: Date;
}

export interface WalletMessageRow {
  messageId: string;
  source: 'webhook' | 'poll';
  ref: string;
  update: RailUpdate;
  receivedAt: Date;
}

// ——— ItemResult ⇄ JSON (dates as ISO text, amounts as decimal text) ———

type Json = Record<string, unknown>;

export function resultToJson(result: ItemResult): Json {
  const out: Json = { ...result };
  for (const key of ['at', 'since'] as const) {
    const value = (result as Record<string, unknown>)[key];
    if (value instanceof Date) out[key] = value.toISOString();
  }
  if (result.state === 'returned') out.amountMinor = result.amountMinor.toString();
  return out;
}

export function resultFromJson(json: unknown): ItemResult {
  const value = json as Json;
  const out: Json = { ...value };
  for (const key of ['at', 'since'] as const) {
    if (typeof value[key] === 'string') out[key] = new Date(value[key]);
  }
  if (value.state === 'returned' && typeof value.amountMinor === 'string') out.amountMinor = BigInt(value.amountMinor);
  return out as unknown as ItemResult;
}

function jsonb(value: Json) {
  return sql<unknown>`${JSON.stringify(value)}::jsonb`;
}

function toRow(row: {
  ref: string; batch_id: string; amount_minor: bigint | string; currency: string; recipient: string; request_hash: string;
  provider_payout_id: string | null; result: unknown; submitted_at: Date; updated_at: Date;
}): WalletPayoutRow {
  return {
    ref: row.ref,
    batchId: row.batch_id,
    amountMinor: BigInt(row.amount_minor),
    currency: row.currency.trim() as CurrencyCode,
    recipient: row.recipient,
    requestHash: row.request_hash,
    providerPayoutId: row.provider_payout_id,
    result: resultFromJson(row.result),
    submittedAt: new Date(row.submitted_at),
    updatedAt: new Date(row.updated_at),
  };
}

// ——— payouts ———

export async function selectPayouts(executor: Executor, refs: readonly string[], options: { forUpdate?: boolean } = {}): Promise<Map<string, WalletPayoutRow>> {
  if (refs.length === 0) return new Map();
  let query = executor.selectFrom('wallet_payouts').selectAll().where('ref', 'in', [...refs]);
  if (options.forUpdate) query = query.forUpdate();
  const rows = await query.execute();
  return new Map(rows.map((row) => [row.ref, toRow(row)]));
}

export interface NewPayout {
  ref: string;
  batchId: string;
  amountMinor: bigint;
  currency: CurrencyCode;
  recipient: string;
  requestHash: string;
  at: Date;
}

/** Records that we are about to ask the provider: state unknown until it answers. No-op if known. */
export async function insertPayout(executor: Executor, payout: NewPayout): Promise<void> {
  await executor
    .insertInto('wallet_payouts')
    .values({
      ref: payout.ref,
      batch_id: payout.batchId,
      amount_minor: payout.amountMinor,
      currency: payout.currency,
      recipient: payout.recipient,
      request_hash: payout.requestHash,
      provider_payout_id: null,
      state: 'unknown',
      result: jsonb({ ref: payout.ref, state: 'unknown' }),
      submitted_at: payout.at,
      updated_at: payout.at,
    })
    .onConflict((oc) => oc.column('ref').doNothing())
    .execute();
}

export async function updatePayout(
  executor: Executor,
  ref: string,
  change: { result: ItemResult; providerPayoutId?: string | null; at: Date },
): Promise<void> {
  await executor
    .updateTable('wallet_payouts')
    .set({
      state: change.result.state,
      result: jsonb(resultToJson(change.result)),
      updated_at: change.at,
      ...(change.providerPayoutId ? { provider_payout_id: sql<string>`coalesce(provider_payout_id, ${change.providerPayoutId})` } : {}),
    })
    .where('ref', '=', ref)
    .execute();
}

export async function markPolled(executor: Executor, refs: readonly string[], at: Date): Promise<void> {
  if (refs.length === 0) return;
  await executor.updateTable('wallet_payouts').set({ polled_at: at }).where('ref', 'in', [...refs]).execute();
}

/** Payouts with no final answer, quiet for at least `quiet_ms` (and not polled within it). */
export async function selectStalePayouts(executor: Executor, now: Date, quiet_ms: number, limit: number): Promise<string[]> {
  const before = new Date(now.getTime() - quiet_ms);
  const rows = await executor
    .selectFrom('wallet_payouts')
    .select('ref')
    .where('state', 'in', ['unknown', 'pending'])
    .where('updated_at', '<=', before)
    .where((eb) => eb.or([eb('polled_at', 'is', null), eb('polled_at', '<=', before)]))
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.ref);
}

// ——— the inbox ———

/** Stores a message once; false when its id was seen before (a duplicate delivery). */
export async function insertMessage(executor: Executor, message: WalletMessageRow): Promise<boolean> {
  const inserted = await executor
    .insertInto('wallet_rail_messages')
    .values({
      message_id: message.messageId,
      source: message.source,
      ref: message.ref,
      update: jsonb(resultToJson(message.update)),
      received_at: message.receivedAt,
      consumed_at: null,
    })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returning('message_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function selectUnconsumed(executor: Executor, limit: number): Promise<WalletMessageRow[]> {
  const rows = await executor
    .selectFrom('wallet_rail_messages')
    .selectAll()
    .where('consumed_at', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    messageId: row.message_id,
    source: row.source,
    ref: row.ref,
    update: resultFromJson(row.update) as RailUpdate,
    receivedAt: new Date(row.received_at),
  }));
}

export async function markConsumed(executor: Executor, messageId: string, at: Date): Promise<void> {
  await executor.updateTable('wallet_rail_messages').set({ consumed_at: at }).where('message_id', '=', messageId).where('consumed_at', 'is', null).execute();
}
