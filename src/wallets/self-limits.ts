// Self-set limits: a person's own daily and monthly caps on spending, cashing out and sending.
// Lowering a cap (or keeping it) takes effect at once; raising it — and removing it, which is
// raising it to the tier's cap — only after the policy's cooling-off (selfLimitEffectiveAt), so
// that someone who takes over a phone cannot lift the owner's caps and empty the wallet at once.
// The owner is told by SMS when a raise is scheduled and again when it takes effect.
import type { Executor } from '../db/index.ts';
import { type CurrencyCode, type Micros } from '../money/index.ts';
import { enqueue, renderSms, type SmsTemplate } from '../outbox/index.ts';
import { selfLimitEffectiveAt, type LimitKind, type Policy, type SelfLimits } from '../policy/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Lang } from '../shared/errors.ts';
import { idToUuid, newId } from '../shared/ids.ts';
import {
  insertSelfLimitChange,
  markNotified,
  selectDueRaises,
  selectEffectiveChanges,
  supersedeWaitingChange,
  type LimitPeriodName,
  type SelfLimitChangeRow,
} from './self-limits.sql.ts';

export interface SelfLimitRequest {
  kind: LimitKind;
  period: LimitPeriodName;
  /** null: no cap of one's own (the tier's cap only). */
  cap: Micros | null;
}

export interface PlannedSelfLimitChange extends SelfLimitRequest {
  current: Micros | null;
  raising: boolean;
  effective_at: Date;
}

/** Whom to tell, and in which language. */
export interface LimitOwner {
  userId: string;
  phone: string | null;
  lang: Lang;
}

const key = (kind: LimitKind, period: LimitPeriodName) => `${kind}:${period}`;

/**
 * Decides when each requested change takes effect. A request equal to the cap in force is
 * dropped, unless a raise of that cap is waiting: then it is kept, and cancels the raise.
 */
export function planSelfLimitChanges(
  policy: Policy,
  effective: readonly SelfLimitChangeRow[],
  waiting: readonly SelfLimitChangeRow[],
  requests: readonly SelfLimitRequest[],
  at: Date,
): PlannedSelfLimitChange[] {
  const current = new Map(effective.map((row) => [key(row.kind, row.period), row.cap]));
  const waitingKeys = new Set(waiting.map((row) => key(row.kind, row.period)));
  const planned: PlannedSelfLimitChange[] = [];
  for (const request of requests) {
    const now = current.get(key(request.kind, request.period)) ?? null;
    if (request.cap === now && !waitingKeys.has(key(request.kind, request.period))) continue;
    const effectiveAt = selfLimitEffectiveAt(policy, now, request.cap, at);
    planned.push({ ...request, current: now, raising: effectiveAt.getTime() > at.getTime(), effective_at: effectiveAt });
  }
  return planned;
}

/** The caps in force, in the shape the policy's evaluateLimits takes. */
export function toSelfLimits(rows: readonly SelfLimitChangeRow[]): SelfLimits {
  const limits: SelfLimits = {};
  for (const row of rows) {
    const caps = (limits[row.kind] ??= {});
    caps[row.period] = row.cap;
  }
  return limits;
}

export async function effectiveSelfLimits(executor: Executor, userId: string, at: Date): Promise<SelfLimits> {
  return toSelfLimits(await selectEffectiveChanges(executor, userId, at));
}

/** The SMS name of a cap, e.g. daily_cashout. */
function limitChoice(kind: LimitKind, period: LimitPeriodName) {
  const what = kind === 'cash_out' ? 'cashout' : kind;
  return `${period}_${what}` as 'daily_spend' | 'monthly_spend' | 'daily_cashout' | 'monthly_cashout' | 'daily_send' | 'monthly_send';
}

async function tellOwner<T extends SmsTemplate>(
  executor: Executor,
  clock: Clock,
  owner: LimitOwner,
  template: T,
  params: Parameters<typeof renderSms<T>>[2],
  timeZone: string,
  dedupeKey: string,
): Promise<void> {
  if (!owner.phone) return;
  await enqueue(executor, clock, {
    channel: 'sms',
    recipient: owner.phone,
    template,
    lang: owner.lang,
    body: renderSms(template, owner.lang, params, { timeZone }),
    payload: { user_id: owner.userId },
    dedupeKey,
  });
}

/**
 * Records the planned changes in the caller's transaction: each supersedes the change still
 * waiting for its cap, and a raise is announced to the owner by SMS.
 */
export async function applySelfLimitChanges(
  executor: Executor,
  clock: Clock,
  owner: LimitOwner,
  policy: Policy,
  planned: readonly PlannedSelfLimitChange[],
): Promise<SelfLimitChangeRow[]> {
  const at = clock.now();
  const rows: SelfLimitChangeRow[] = [];
  for (const change of planned) {
    await supersedeWaitingChange(executor, owner.userId, change.kind, change.period, at);
    const row: SelfLimitChangeRow = {
      id: idToUuid(newId('lim'), 'lim')!,
      user_id: owner.userId,
      kind: change.kind,
      period: change.period,
      currency: policy.currency as CurrencyCode,
      cap: change.cap,
      previous_cap: change.current,
      raising: change.raising,
      requested_at: at,
      effective_at: change.effective_at,
      superseded_at: null,
      notified_at: null,
    };
    await insertSelfLimitChange(executor, row);
    rows.push(row);
    if (!change.raising) continue;
    const limit = limitChoice(change.kind, change.period);
    if (change.cap === null) {
      await tellOwner(executor, clock, owner, 'limit.removal_scheduled', { limit, at: change.effective_at }, policy.time_zone, `limit:${row.id}:scheduled`);
    } else {
      await tellOwner(
        executor, clock, owner, 'limit.raise_scheduled',
        { limit, amount: { amount: change.cap, currency: row.currency }, at: change.effective_at }, policy.time_zone, `limit:${row.id}:scheduled`,
      );
    }
  }
  return rows;
}

/**
 * Tells owners that their raises now apply (the job runs this periodically). Rows are locked
 * with SKIP LOCKED, so several processes may run it at once without telling anyone twice.
 */
export async function announceDueRaises(
  executor: Executor,
  clock: Clock,
  ownerOf: (userId: string) => Promise<LimitOwner | null>,
  timeZone: string,
  limit = 500,
): Promise<number> {
  const now = clock.now();
  const due = await selectDueRaises(executor, now, limit);
  for (const row of due) {
    const owner = await ownerOf(row.user_id);
    if (owner) {
      const choice = limitChoice(row.kind, row.period);
      if (row.cap === null) {
        await tellOwner(executor, clock, owner, 'limit.removed', { limit: choice }, timeZone, `limit:${row.id}:effective`);
      } else {
        await tellOwner(executor, clock, owner, 'limit.raised', { limit: choice, amount: { amount: row.cap, currency: row.currency } }, timeZone, `limit:${row.id}:effective`);
      }
    }
    await markNotified(executor, row.id, now);
  }
  return due.length;
}
