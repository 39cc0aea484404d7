// What people and partners are told, written to the outbox in the transaction of the event.
// Partners hear of status changes after the first response (cleared, reversed, held released,
// claimed, returned) — never one webhook per credit on ingest, and job-driven changes are sent
// as lists, so that clearing a million credits is a few thousand webhooks, not a million.
import type { Executor } from '../../db/index.ts';
import { formatAmount, type CurrencyCode, type Micros } from '../../money/index.ts';
import { enqueue, renderSms, renderWebhookEvent } from '../../outbox/index.ts';
import { toLocalDate, type Policy } from '../../policy/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Lang } from '../../shared/errors.ts';
import { creditIdOf } from './request.ts';
import type { CreditStatus } from './plan.ts';

export const CREDIT_EVENTS = ['credit.cleared', 'credit.reversed', 'credit.held_released', 'credit.claimed', 'credit.returned'] as const;
export type CreditEvent = (typeof CREDIT_EVENTS)[number];

/** Credits per webhook body: a list keeps the count of deliveries small, this keeps each small. */
export const CREDITS_PER_EVENT_MAX = 500;

export interface CreditChange {
  creditId: string;
  reference: string;
  status: CreditStatus;
  amount?: Micros;
}

const PARTNER_NAME_CHARS_MAX = 20;

export async function inviteToClaim(
  executor: Executor,
  clock: Clock,
  policy: Policy,
  invite: { phone: string; amount: Micros; currency: CurrencyCode; senderName: string; signupUrl: string },
): Promise<void> {
  const now = clock.now();
  const sender = [...invite.senderName.replace(/[\p{Cc}{}]/gu, ' ').trim()].slice(0, PARTNER_NAME_CHARS_MAX).join('') || 'smallchange';
  const body = renderSms('credit.unclaimed_invitation', 'ko', {
    amount: { amount: invite.amount, currency: invite.currency },
    partner: sender,
    days: policy.credits.unclaimed_expiry_days,
    url: invite.signupUrl,
  });
  // One invitation per number per local day, however many credits arrive for it.
  await enqueue(executor, clock, {
    channel: 'sms',
    recipient: invite.phone,
    template: 'credit.unclaimed_invitation',
    lang: 'ko',
    body,
    payload: { phone: invite.phone },
    dedupeKey: `credit-invite:${invite.phone}:${toLocalDate(now, policy.time_zone)}`,
  });
}

export async function tellHeldOverCap(
  executor: Executor,
  clock: Clock,
  policy: Policy,
  notice: { userId: string; phone: string | null; lang: Lang; amount: Micros; currency: CurrencyCode },
): Promise<void> {
  if (!notice.phone) return;
  const now = clock.now();
  await enqueue(executor, clock, {
    channel: 'sms',
    recipient: notice.phone,
    template: 'credit.held_over_cap',
    lang: notice.lang,
    body: renderSms('credit.held_over_cap', notice.lang, { amount: { amount: notice.amount, currency: notice.currency } }),
    payload: { user_id: notice.userId },
    dedupeKey: `credit-held:${notice.userId}:${toLocalDate(now, policy.time_zone)}`,
  });
}

/** One or more webhooks to a partner listing the credits whose status changed. */
export async function notifyPartner(executor: Executor, clock: Clock, partnerId: string, event: CreditEvent, currency: CurrencyCode, changes: CreditChange[]): Promise<void> {
  const at = clock.now();
  for (let i = 0; i < changes.length; i += CREDITS_PER_EVENT_MAX) {
    const credits = changes.slice(i, i + CREDITS_PER_EVENT_MAX).map((c) => ({
      id: creditIdOf(c.creditId),
      partner_reference: c.reference,
      status: c.status,
      ...(c.amount !== undefined ? { amount: { amount: formatAmount(c.amount, currency), currency } } : {}),
    }));
    await enqueue(executor, clock, {
      channel: 'webhook',
      recipient: partnerId,
      template: event,
      body: renderWebhookEvent(event, { credits }, at),
      payload: { event, count: credits.length },
    });
  }
}

/** Groups changes by partner, for the jobs that touch many partners' credits at once. */
export async function notifyPartners(
  executor: Executor,
  clock: Clock,
  event: CreditEvent,
  currency: CurrencyCode,
  changes: (CreditChange & { partnerId: string })[],
): Promise<void> {
  const byPartner = new Map<string, CreditChange[]>();
  for (const c of changes) byPartner.set(c.partnerId, [...(byPartner.get(c.partnerId) ?? []), c]);
  for (const [partnerId, list] of byPartner) await notifyPartner(executor, clock, partnerId, event, currency, list);
}
