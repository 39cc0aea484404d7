// `enqueue(trx, message)`: how any module asks for an SMS or a webhook. The row commits with the
// event that caused it, or not at all — nobody is told of something that did not happen.
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';

export type OutboxChannel = 'sms' | 'webhook';

export interface OutboxMessage {
  channel: OutboxChannel;
  /** sms: E.164 phone number; webhook: partner id. */
  recipient: string;
  /** Template or event type, e.g. "otp.login" or "credit.posted". */
  template: string;
  lang?: 'ko' | 'en';
  payload?: Record<string, unknown>;
  /** The rendered SMS text, or the webhook event body (JSON text). */
  body: string;
  /** Same key twice → one message (e.g. "cashout:cot_…:settled"). */
  dedupeKey?: string;
  /** Deliver no earlier than this. */
  notBefore?: Date;
}

declare module '../db/schema.ts' {
  interface DB {
    outbox_messages: {
      id: string;
      channel: OutboxChannel;
      recipient: string;
      template: string;
      lang: 'ko' | 'en';
      payload: unknown;
      body: string;
      dedupe_key: string | null;
      status: 'pending' | 'sending' | 'sent' | 'failed' | 'dead';
      attempts: number;
      next_attempt_at: Date;
      last_error: string | null;
      created_at: Date;
      sent_at: Date | null;
    };
  }
}

export async function enqueue(executor: Executor, clock: Clock, message: OutboxMessage): Promise<string> {
  const id = randomUUID();
  const now = clock.now();
  await sql`
    INSERT INTO outbox_messages (id, channel, recipient, template, lang, payload, body, dedupe_key, next_attempt_at, created_at)
    VALUES (${id}, ${message.channel}, ${message.recipient}, ${message.template}, ${message.lang ?? 'ko'},
            ${JSON.stringify(message.payload ?? {})}::jsonb, ${message.body}, ${message.dedupeKey ?? null},
            ${message.notBefore ?? now}, ${now})
    ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`.execute(executor);
  return id;
}

/** Rows per INSERT in enqueueMany: bounded statement size (9 parameters' worth of arrays each). */
const ENQUEUE_CHUNK = 5_000;

/**
 * Many messages in a few statements (a bank batch settles 100,000 cash-outs at once; one INSERT
 * per SMS would dominate it). Same rules as enqueue: same transaction as the event, and a
 * dedupe key already present is skipped.
 */
export async function enqueueMany(executor: Executor, clock: Clock, messages: readonly OutboxMessage[]): Promise<void> {
  const now = clock.now();
  for (let start = 0; start < messages.length; start += ENQUEUE_CHUNK) {
    const chunk = messages.slice(start, start + ENQUEUE_CHUNK);
    await sql`
      INSERT INTO outbox_messages (id, channel, recipient, template, lang, payload, body, dedupe_key, next_attempt_at, created_at)
      SELECT id, channel, recipient, template, lang, payload, body, dedupe_key, next_attempt_at, ${now}::timestamptz
      FROM unnest(${chunk.map(() => randomUUID())}::uuid[], ${chunk.map((m) => m.channel)}::text[], ${chunk.map((m) => m.recipient)}::text[],
                  ${chunk.map((m) => m.template)}::text[], ${chunk.map((m) => m.lang ?? 'ko')}::text[],
                  ${chunk.map((m) => JSON.stringify(m.payload ?? {}))}::jsonb[], ${chunk.map((m) => m.body)}::text[],
                  ${chunk.map((m) => m.dedupeKey ?? null)}::text[], ${chunk.map((m) => m.notBefore ?? now)}::timestamptz[])
        AS m(id, channel, recipient, template, lang, payload, body, dedupe_key, next_attempt_at)
      ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`.execute(executor);
  }
}
