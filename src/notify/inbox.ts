// The demo SMS inbox: what the demo provider "sent" stays in the outbox, newest first. Staff read
// it through GET /v1/admin/sms; `smallchange sms --to <phone>` reads it with readSmsInbox.
import type { Executor } from '../db/index.ts';
import { uuidToId } from '../shared/ids.ts';
import { listSmsMessages, type OutboxRow } from './outbox-store.ts';
import { normalisePhone } from './phone.ts';

export interface InboxMessage {
  id: string;
  to: string;
  template: string;
  lang: 'ko' | 'en';
  body: string;
  status: OutboxRow['status'];
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
  last_error: string | null;
}

export const INBOX_LIMIT_MAX = 100;

export function toInboxMessage(row: OutboxRow): InboxMessage {
  return {
    id: uuidToId(row.id, 'msg'),
    to: row.recipient,
    template: row.template,
    lang: row.lang,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    created_at: row.created_at,
    sent_at: row.sent_at,
    last_error: row.last_error,
  };
}

/**
 * The texts sent to a phone, newest first (for the CLI: it runs on the operator's own machine
 * with the database, so it shows one-time codes, which is the point of the demo inbox).
 * Throws DomainError invalid_phone_number for a number that is not one.
 */
export async function readSmsInbox(executor: Executor, phone: string, limit = 10): Promise<InboxMessage[]> {
  const to = normalisePhone(phone);
  const bounded = Math.min(Math.max(1, Math.trunc(limit)), INBOX_LIMIT_MAX);
  const page = await listSmsMessages(executor, { to, limit: bounded });
  return page.rows.map(toInboxMessage);
}
