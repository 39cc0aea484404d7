// Staff replay: put an outbox message back in the queue with a fresh retry schedule — a webhook
// the partner lost, or one that went dead while their endpoint was down. The webhook-id stays
// the same, so a partner that did process it can recognise the duplicate.
import type { Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import './errors.ts';
import { idToUuid } from '../shared/ids.ts';
import { findMessage, requeueMessage, type OutboxRow } from './outbox-store.ts';
import { isSensitiveTemplate } from '../outbox/index.ts';

/** `messageId` is the msg_… id; `actor` (e.g. the staff id) is noted on the row. */
export async function replayMessage(executor: Executor, clock: Clock, messageId: string, actor: string): Promise<OutboxRow> {
  const id = idToUuid(messageId, 'msg');
  const existing = id ? await findMessage(executor, id) : null;
  if (!id || !existing) throw new DomainError('message_not_found', { param: 'id' });
  // A code sent again later is a code that works longer than the person was told.
  if (existing.channel === 'sms' && isSensitiveTemplate(existing.template)) throw new DomainError('message_not_replayable', { param: 'id' });
  const requeued = await requeueMessage(executor, id, clock.now(), `replayed by ${actor}`);
  if (!requeued) throw new DomainError('message_in_flight', { param: 'id' });
  return requeued;
}
