// What a person (SMS) and the wallet provider (webhook) are told when a cash-out changes state,
// as outbox rows written in the same transaction as the change: nobody is told of something that
// did not happen, and nobody has to ask where their money is.
import type { Executor } from '../db/index.ts';
import { toWire } from '../money/index.ts';
import { enqueueMany, renderSms, renderWebhookEvent, type OutboxMessage } from '../outbox/index.ts';
import type { Clock } from '../shared/clock.ts';
import { uuidToId } from '../shared/ids.ts';
import { SMS_OF_STATE, type CashoutState } from './states.ts';
import type { CashoutRow } from './tables.ts';

export interface StateChange {
  row: CashoutRow;
  from: CashoutState | null;
  /** The wallet provider to tell (partner id), for wallet payouts. */
  partner: string | null;
  /** Send the SMS for this state (false for intermediate steps of one request). */
  sms: boolean;
}

function smsOf(change: StateChange, timeZone: string): OutboxMessage | null {
  const { row } = change;
  const template = SMS_OF_STATE[row.state];
  if (!change.sms || !template || !row.notify_phone) return null;
  const amount = { amount: row.payout, currency: row.currency };
  const cot = uuidToId(row.id, 'cot');
  const body =
    template === 'cashout.settled'
      ? renderSms(template, row.lang, { amount, receipt: row.receipt_number ?? cot.slice(0, 24) }, { timeZone })
      : renderSms(template, row.lang, { amount }, { timeZone });
  return {
    channel: 'sms',
    recipient: row.notify_phone,
    template,
    lang: row.lang,
    body,
    payload: { cashout: cot, state: row.state, ...(row.receipt_number ? { receipt: row.receipt_number } : {}) },
    dedupeKey: `cashout:${cot}:${row.state}`,
  };
}

function webhookOf(change: StateChange, at: Date): OutboxMessage | null {
  if (!change.partner) return null;
  const { row } = change;
  const cot = uuidToId(row.id, 'cot');
  const type = `cashout.${row.state}`;
  return {
    channel: 'webhook',
    recipient: change.partner,
    template: type,
    body: renderWebhookEvent(
      type,
      {
        id: cot,
        state: row.state,
        previous_state: change.from,
        amount: toWire({ amount: row.payout, currency: row.currency }),
        ...(row.reason_code ? { reason_code: row.reason_code } : {}),
        ...(row.receipt_number ? { receipt_number: row.receipt_number } : {}),
      },
      at,
    ),
    payload: { cashout: cot, state: row.state },
    dedupeKey: `cashout-webhook:${cot}:${row.state}`,
  };
}

export async function notifyChanges(executor: Executor, clock: Clock, timeZone: string, changes: readonly StateChange[]): Promise<void> {
  const at = clock.now();
  const messages: OutboxMessage[] = [];
  for (const change of changes) {
    const sms = smsOf(change, timeZone);
    if (sms) messages.push(sms);
    const webhook = webhookOf(change, at);
    if (webhook) messages.push(webhook);
  }
  if (messages.length > 0) await enqueueMany(executor, clock, messages);
}
