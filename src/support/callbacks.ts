// Call-back requests: a person asks support to call them, from any face. One open request per
// person — asking again returns the open one, and a fraud report raises its topic, because fraud
// is called first. Staff close a request when they have called, with what came of it.
import type { Executor } from '../db/index.ts';
import type { AuditEntryInput } from '../identity/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import {
  insertRequest, selectOpenRequest, selectRequest, selectRequests, updateRequest,
  type CallbackChannel, type CallbackRow, type CallbackStatus, type CallbackTopic,
} from './callbacks.sql.ts';
import './errors.ts';

export const CALLBACK_TOPICS = ['cashout', 'transaction', 'account', 'fraud', 'other'] as const satisfies readonly CallbackTopic[];

export interface CallbackRequest {
  id: string;
  /** What a person reads out on the phone: the last six characters of the id. */
  reference: string;
  userId: string;
  phone: string;
  topic: CallbackTopic;
  channel: CallbackChannel;
  lang: 'ko' | 'en';
  status: CallbackStatus;
  createdAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
  outcome: string | null;
}

export function referenceOf(id: string): string {
  return id.slice(-6).toUpperCase();
}

function toRequest(row: CallbackRow): CallbackRequest {
  return {
    id: row.id,
    reference: referenceOf(row.id),
    userId: row.user_id,
    phone: row.phone,
    topic: row.topic,
    channel: row.channel,
    lang: row.lang,
    status: row.status,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    outcome: row.outcome,
  };
}

export interface NewCallbackRequest {
  userId: string;
  phone: string;
  topic: CallbackTopic;
  channel: CallbackChannel;
  lang: 'ko' | 'en';
}

export interface SupportDeps {
  clock: Clock;
  /** identity's audit log (staff actions). */
  recordAudit(executor: Executor, entry: AuditEntryInput): Promise<string>;
}

export class SupportService {
  constructor(private readonly deps: SupportDeps) {}

  /** Files a request, or returns the person's open one (`created: false`); runs in the caller's transaction. */
  async requestCallback(executor: Executor, input: NewCallbackRequest): Promise<{ request: CallbackRequest; created: boolean }> {
    const now = this.deps.clock.now();
    const inserted = await insertRequest(executor, {
      id: newId('cbr'),
      user_id: input.userId,
      phone: input.phone,
      topic: input.topic,
      channel: input.channel,
      lang: input.lang,
      status: 'open',
      created_at: now,
      updated_at: now,
      closed_at: null,
      closed_by: null,
      outcome: null,
    });
    if (inserted) return { request: toRequest(inserted), created: true };
    const open = await selectOpenRequest(executor, input.userId, { forUpdate: true });
    // Closed between the insert and this read: a rare race; the next ask files a new one.
    if (!open) throw new DomainError('callback_request_closed');
    if (input.topic === 'fraud' && open.topic !== 'fraud') {
      return { request: toRequest(await updateRequest(executor, open.id, { topic: 'fraud', updated_at: now })), created: false };
    }
    return { request: toRequest(open), created: false };
  }

  async openRequestOf(executor: Executor, userId: string): Promise<CallbackRequest | null> {
    const row = await selectOpenRequest(executor, userId);
    return row ? toRequest(row) : null;
  }

  async listRequests(executor: Executor, filter: { status?: CallbackStatus; topic?: CallbackTopic; limit: number; startingAfter?: string }): Promise<{ data: CallbackRequest[]; hasMore: boolean }> {
    const after = filter.startingAfter ? await selectRequest(executor, filter.startingAfter) : undefined;
    if (filter.startingAfter && !after) throw new DomainError('callback_request_not_found', { param: 'starting_after' });
    const rows = await selectRequests(executor, { ...filter, limit: filter.limit + 1, ...(after ? { after } : {}) });
    return { data: rows.slice(0, filter.limit).map(toRequest), hasMore: rows.length > filter.limit };
  }

  /** Staff mark a request done, saying what came of it; audited. */
  async closeRequest(executor: Executor, staffId: string, id: string, outcome: string, requestId?: string): Promise<CallbackRequest> {
    const row = await selectRequest(executor, id, { forUpdate: true });
    if (!row) throw new DomainError('callback_request_not_found', { param: 'id' });
    if (row.status === 'closed') throw new DomainError('callback_request_closed');
    const now = this.deps.clock.now();
    const closed = await updateRequest(executor, id, { status: 'closed', closed_at: now, closed_by: staffId, outcome, updated_at: now });
    await this.deps.recordAudit(executor, {
      actor: { kind: 'staff', id: staffId },
      action: 'callback_request.closed',
      target: { kind: 'callback_request', id },
      before: { status: row.status },
      after: { status: 'closed', outcome },
      requestId: requestId ?? null,
    });
    return toRequest(closed);
  }
}
