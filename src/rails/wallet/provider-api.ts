// The partner wallet provider's HTTP API, as both sides speak it: our client (provider-client.ts)
// and the provider simulator (simulator.ts). One description, so the two cannot drift apart.
//
//   POST {base}/v1/payouts         Authorization: Bearer <key>, Idempotency-Key: <our cash-out id>
//                                   body { amount, currency, recipient, reference } → 201 (new) or
//                                   200 (the key seen before with the same body); 409 when the key
//                                   was used with another body; 400 { error: { code, message } }.
//   GET  {base}/v1/payouts/:id      :id is the provider's payout id or the Idempotency-Key that
//                                   created it (so a caller whose POST answer was lost can ask).
//   webhooks to us                  Standard Webhooks signatures; body { id, type, created_at, data }.
//
// Amounts travel as decimal strings of whole minor units ("15000" for 15,000 won): the provider pays
// no fractions, and a JSON number would invite floats.
import { z } from 'zod';
import type { Lang } from '../../shared/errors.ts';

export const WALLET_REJECT_REASONS = ['unknown_recipient', 'recipient_blocked', 'limit_exceeded'] as const;
export type WalletRejectReason = (typeof WALLET_REJECT_REASONS)[number];

export const PAYOUT_STATUSES = ['processing', 'succeeded', 'failed'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export const WEBHOOK_EVENT_TYPES = ['payout.processing', 'payout.succeeded', 'payout.failed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A wallet handle as the provider knows its users: "@" and 3–32 of a–z 0–9 . _ - */
export const WALLET_HANDLE_PATTERN = /^@[a-z0-9](?:[a-z0-9._-]{1,30})[a-z0-9]$/;
/** Whole minor units, positive, at most 18 digits (the provider's own bound; ours is tighter). */
export const MINOR_AMOUNT_PATTERN = /^[1-9][0-9]{0,17}$/;
export const REFERENCE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const payoutRequestSchema = z
  .object({
    amount: z.string().regex(MINOR_AMOUNT_PATTERN),
    currency: z.string().regex(/^[A-Z]{3}$/),
    recipient: z.string().regex(WALLET_HANDLE_PATTERN),
    reference: z.string().regex(REFERENCE_PATTERN),
  })
  .strict();
export type PayoutRequest = z.infer<typeof payoutRequestSchema>;

const isoTime = z.string().refine((text) => !Number.isNaN(new Date(text).getTime()), 'not a time');

export const payoutSchema = z.object({
  id: z.string().min(1).max(64),
  reference: z.string().regex(REFERENCE_PATTERN),
  amount: z.string().regex(MINOR_AMOUNT_PATTERN),
  currency: z.string().regex(/^[A-Z]{3}$/),
  recipient: z.string().max(64),
  status: z.enum(PAYOUT_STATUSES),
  // A real provider may add reasons; an unknown one is still a refusal, carried through as is.
  failure_reason: z.string().regex(/^[a-z_]{1,64}$/).nullable(),
  created_at: isoTime,
  updated_at: isoTime,
});
export type ProviderPayout = z.infer<typeof payoutSchema>;

export const webhookEventSchema = z.object({
  id: z.string().min(1).max(64),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  created_at: isoTime,
  data: payoutSchema,
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export const providerErrorSchema = z.object({ error: z.object({ code: z.string().max(64), message: z.string().max(500).optional() }) });

export function eventTypeOf(status: PayoutStatus): WebhookEventType {
  return `payout.${status}`;
}

const REASON_TEXT: Record<WalletRejectReason, Record<Lang, string>> = {
  unknown_recipient: { en: 'The wallet provider has no wallet with this handle.', ko: '해당 핸들의 지갑이 없습니다.' },
  recipient_blocked: { en: 'The receiving wallet is blocked by its provider.', ko: '받는 지갑이 제공사에 의해 정지되었습니다.' },
  limit_exceeded: { en: "The amount is above the receiving wallet's limit.", ko: '받는 지갑의 한도를 넘는 금액입니다.' },
};

/** What a wallet provider's refusal means for the person, in their language. */
export function describeWalletReason(code: string, lang: Lang): string {
  if ((WALLET_REJECT_REASONS as readonly string[]).includes(code)) return REASON_TEXT[code as WalletRejectReason][lang];
  return lang === 'ko' ? `지갑 제공사 사유 코드 ${code}` : `Wallet provider reason ${code}`;
}
