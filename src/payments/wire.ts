// The payments API on the wire: request fields with their own stable error codes, response shapes
// (amounts as { amount, currency } decimal strings), and the conversions.
import { z } from 'zod';
import { isCurrencyCode, MoneyError, parseAmount, toWire, type CurrencyCode, type Micros, type Money } from '../money/index.ts';
import { findKoreanBank, maskAccountNumber } from '../rails/index.ts';
import { uuidToId } from '../shared/ids.ts';
import { sub } from '../money/index.ts';
import { qrPayloadOf } from './merchants.ts';
import type { PaymentView, RefundView } from './payments.ts';
import { MANDATE_PERIODS, type MandatePeriod, type MerchantRow, type PaymentRow, type RefundRow } from './tables.ts';
import type { MandateView } from './subscriptions.ts';
import type { SettlementRun } from './settlement.ts';
import type { IssuedVoucher, RedemptionView, VoucherView } from './vouchers.ts';
import { maskPhone } from '../identity/index.ts';

const coded = (code: string) => ({ params: { code }, message: '' });

// ---- Request fields ----------------------------------------------------------------------------

/** { amount, currency } > 0: 400 invalid_currency or invalid_amount. */
export function moneyField() {
  return z
    .object({ amount: z.string().max(40), currency: z.string().max(8) })
    .strict()
    .transform((wire, ctx): Money => {
      if (!isCurrencyCode(wire.currency)) {
        ctx.addIssue({ code: 'custom', path: ['currency'], message: '', params: { code: 'invalid_currency' } });
        return z.NEVER;
      }
      try {
        return { amount: parseAmount(wire.amount, wire.currency), currency: wire.currency };
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['amount'], message: error.message, params: { code: 'invalid_amount' } });
        return z.NEVER;
      }
    })
    .meta({ description: 'Decimal string in major units, e.g. { "amount": "5000", "currency": "KRW" }' });
}

/** One line of printable text of 1..max characters (trimmed): 400 invalid_text. */
export function textField(max: number) {
  return z
    .string()
    .refine((v) => v.trim().length > 0 && [...v].length <= max && !/\p{Cc}/u.test(v), coded('invalid_text'))
    .transform((v) => v.trim())
    .meta({ description: `One line, 1–${max} characters` });
}

export const pinField = z.string().refine((v) => /^\d{6}$/.test(v), coded('invalid_pin_format')).meta({ description: 'Six digits' });
export const merchantCodeField = z.string().max(40).meta({ description: 'The merchant code, e.g. "CAFE01"', example: 'CAFE01' });
export const qrField = z.string().max(80).meta({ description: 'The scanned QR payload, e.g. "SCPAY1.CAFE01.7F3A"' });
export const idParams = z.object({ id: z.string().min(1).max(64) }).strict();
export const pageQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(100).default(20), starting_after: z.string().min(1).max(64).optional() })
  .strict();

// ---- Responses ---------------------------------------------------------------------------------

const money = z.object({ amount: z.string(), currency: z.string() });
const w = (amount: Micros, currency: CurrencyCode) => toWire({ amount, currency });
const funding = z.object({ spend_only: money, cashable: money }).meta({ description: 'How much came from (or went back to) each funding class' });

// `merchant_code`, not `code`: the idempotency store leaves fields named code out (they are one-time secrets elsewhere).
export const merchantPublicWire = z.object({ id: z.string(), object: z.literal('merchant'), merchant_code: z.string(), name: z.string(), qr_payload: z.string() });
export const merchantWire = merchantPublicWire.extend({
  status: z.enum(['active', 'disabled']),
  partner: z.string().nullable(),
  receivable_balance: money.optional(),
  settlement_account: z.object({ bank_code: z.string(), bank_name: z.string(), account_masked: z.string(), holder_name: z.string() }),
  created_at: z.string(),
});

export function merchantPublicOut(m: MerchantRow): z.infer<typeof merchantPublicWire> {
  return { id: uuidToId(m.id, 'mer'), object: 'merchant', merchant_code: m.code, name: m.name, qr_payload: qrPayloadOf(m.code) };
}

export function merchantOut(m: MerchantRow, balance?: Micros): z.infer<typeof merchantWire> {
  return {
    ...merchantPublicOut(m),
    status: m.status,
    partner: m.partner_id,
    ...(balance !== undefined ? { receivable_balance: w(balance, m.currency) } : {}),
    settlement_account: {
      bank_code: m.settlement_bank_code,
      bank_name: findKoreanBank(m.settlement_bank_code)?.ko ?? m.settlement_bank_code,
      account_masked: maskAccountNumber(m.settlement_account),
      holder_name: m.settlement_holder,
    },
    created_at: m.created_at.toISOString(),
  };
}

const refundSummary = z.object({ id: z.string(), amount: money, funding, reason: z.string().nullable(), created_at: z.string() });
export const paymentWire = z.object({
  id: z.string(),
  object: z.literal('payment'),
  status: z.enum(['paid', 'partially_refunded', 'refunded']),
  source: z.enum(['payment', 'subscription']),
  merchant: merchantPublicWire.pick({ id: true, merchant_code: true, name: true }),
  amount: money,
  funding,
  refunded: money,
  refundable: money,
  reference: z.string().nullable(),
  receipt_number: z.string(),
  policy_version: z.number(),
  refunds: z.array(refundSummary),
  created_at: z.string(),
});

function refundedOf(p: PaymentRow): Micros {
  return (p.refunded_spend_only + p.refunded_cashable) as Micros;
}

function statusOf(p: PaymentRow): 'paid' | 'partially_refunded' | 'refunded' {
  const refunded = refundedOf(p);
  return refunded === 0n ? 'paid' : refunded === p.amount ? 'refunded' : 'partially_refunded';
}

function refundSummaryOut(r: RefundRow, currency: CurrencyCode): z.infer<typeof refundSummary> {
  return {
    id: uuidToId(r.id, 'rct'),
    amount: w(r.amount, currency),
    funding: { spend_only: w(r.spend_only_amount, currency), cashable: w(r.cashable_amount, currency) },
    reason: r.reason,
    created_at: r.created_at.toISOString(),
  };
}

export function paymentOut(view: PaymentView): z.infer<typeof paymentWire> {
  const p = view.payment;
  const c = p.currency;
  return {
    id: uuidToId(p.id, 'pay'),
    object: 'payment',
    status: statusOf(p),
    source: p.source,
    merchant: { id: uuidToId(view.merchant.id, 'mer'), merchant_code: view.merchant.code, name: view.merchant.name },
    amount: w(p.amount, c),
    funding: { spend_only: w(p.spend_only_amount, c), cashable: w(p.cashable_amount, c) },
    refunded: w(refundedOf(p), c),
    refundable: w(sub(p.amount, refundedOf(p)), c),
    reference: p.reference,
    receipt_number: p.receipt_number,
    policy_version: p.policy_version,
    refunds: view.refunds.map((r) => refundSummaryOut(r, c)),
    created_at: p.created_at.toISOString(),
  };
}

export const refundWire = refundSummary.extend({ object: z.literal('refund'), payment: z.string(), payment_status: paymentWire.shape.status, refundable: money });

export function refundOut(view: RefundView): z.infer<typeof refundWire> {
  const c = view.payment.currency;
  return {
    ...refundSummaryOut(view.refund, c),
    object: 'refund',
    payment: uuidToId(view.payment.id, 'pay'),
    payment_status: statusOf(view.payment),
    refundable: w(sub(view.payment.amount, refundedOf(view.payment)), c),
  };
}

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });
}

// ---- Vouchers ----------------------------------------------------------------------------------

export const voucherWire = z.object({
  id: z.string(),
  object: z.literal('voucher'),
  status: z.enum(['active', 'used', 'expired', 'locked']),
  face_value: money,
  remaining: money,
  funding: funding.meta({ description: 'What paid for it; either way the voucher is spend-only value: it only ever pays merchants' }),
  merchants: z.array(merchantPublicWire.pick({ id: true, merchant_code: true, name: true })),
  code_last4: z.string(),
  sent_to: z.string().nullable().meta({ description: 'The masked number it was given to, or null' }),
  expires_at: z.string(),
  created_at: z.string(),
  redemptions: z.array(z.object({ id: z.string(), merchant: z.string(), amount: money, remaining: money, created_at: z.string() })),
});

export const issuedVoucherWire = voucherWire.extend({
  code: z.string().optional().meta({ description: 'Shown once, at purchase; never stored in clear, so a replay of the request does not show it' }),
  pin: z.string().optional().meta({ description: 'Shown once, with the code' }),
});

export function voucherOut(view: VoucherView): z.infer<typeof voucherWire> {
  const v = view.voucher;
  const c = v.currency;
  return {
    id: uuidToId(v.id, 'vch'),
    object: 'voucher',
    status: view.status,
    face_value: w(v.face_value, c),
    remaining: w(v.remaining, c),
    funding: { spend_only: w(v.spend_only_amount, c), cashable: w(v.cashable_amount, c) },
    merchants: view.merchants.map((m) => ({ id: uuidToId(m.id, 'mer'), merchant_code: m.code, name: m.name })),
    code_last4: v.code_last4,
    sent_to: v.holder_phone ? maskPhone(v.holder_phone) : null,
    expires_at: v.expires_at.toISOString(),
    created_at: v.created_at.toISOString(),
    redemptions: view.redemptions.map((r) => ({ id: uuidToId(r.id, 'rct'), merchant: uuidToId(r.merchant_id, 'mer'), amount: w(r.amount, c), remaining: w(r.remaining, c), created_at: r.created_at.toISOString() })),
  };
}

export function issuedVoucherOut(issued: IssuedVoucher): z.infer<typeof issuedVoucherWire> {
  return { ...voucherOut(issued), code: issued.code, pin: issued.pin };
}

export const redemptionWire = z.object({ id: z.string(), object: z.literal('voucher_redemption'), voucher: z.string(), code_last4: z.string(), amount: money, remaining: money, created_at: z.string() });

export function redemptionOut(view: RedemptionView): z.infer<typeof redemptionWire> {
  const c = view.voucher.currency;
  return {
    id: uuidToId(view.redemption.id, 'rct'),
    object: 'voucher_redemption',
    voucher: uuidToId(view.voucher.id, 'vch'),
    code_last4: view.voucher.code_last4,
    amount: w(view.redemption.amount, c),
    remaining: w(view.redemption.remaining, c),
    created_at: view.redemption.created_at.toISOString(),
  };
}

// ---- Subscriptions -----------------------------------------------------------------------------

export const periodField = z
  .string()
  .refine((v) => (MANDATE_PERIODS as readonly string[]).includes(v), coded('invalid_period'))
  .transform((v) => v as MandatePeriod)
  .meta({ description: 'daily, weekly or monthly' });

export const mandateWire = z.object({
  id: z.string(),
  object: z.literal('subscription'),
  status: z.enum(['requested', 'active', 'cancelled']),
  merchant: merchantPublicWire.pick({ id: true, merchant_code: true, name: true }),
  amount: money,
  period: z.enum(MANDATE_PERIODS),
  description: z.string(),
  next_charge_at: z.string().nullable(),
  failures: z.number().meta({ description: 'Failed attempts of the charge due now (the wallet was short); reset by a successful charge' }),
  charges: z.array(z.object({ due_at: z.string(), status: z.enum(['paid', 'failed', 'skipped']), payment: z.string().nullable(), failure_code: z.string().nullable(), attempt: z.number(), at: z.string() })),
  created_at: z.string(),
  authorized_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
});

export function mandateOut(view: MandateView): z.infer<typeof mandateWire> {
  const m = view.mandate;
  return {
    id: uuidToId(m.id, 'sub'),
    object: 'subscription',
    status: m.status,
    merchant: { id: uuidToId(view.merchant.id, 'mer'), merchant_code: view.merchant.code, name: view.merchant.name },
    amount: w(m.amount, m.currency),
    period: m.period,
    description: m.description,
    next_charge_at: m.next_charge_at?.toISOString() ?? null,
    failures: m.failures,
    charges: view.charges.map((c) => ({
      due_at: c.due_at.toISOString(), status: c.status, payment: c.payment_id ? uuidToId(c.payment_id, 'pay') : null, failure_code: c.failure_code, attempt: c.attempt, at: c.created_at.toISOString(),
    })),
    created_at: m.created_at.toISOString(),
    authorized_at: m.authorized_at?.toISOString() ?? null,
    cancelled_at: m.cancelled_at?.toISOString() ?? null,
  };
}

// ---- Settlement --------------------------------------------------------------------------------

export const settlementRunWire = z.object({
  object: z.literal('merchant_settlement_run'),
  business_date: z.string(),
  execution_date: z.string(),
  batch: z.string().nullable(),
  settlements: z.array(z.object({
    id: z.string(),
    merchant: merchantPublicWire.pick({ id: true, merchant_code: true, name: true }),
    amount: money,
    account_masked: z.string(),
    rail_state: z.string().nullable().meta({ description: 'What the bank rail says of the payout: pending until the bank answers, rejected when the rail refused it' }),
    state: z.enum(['submitted', 'settled', 'failed', 'returned']).meta({ description: 'What is booked: submitted until the bank answers; settled (paid); failed (rejected: back in the receivable); returned (sent back: back in the receivable)' }),
    failure: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
  })),
});

export function settlementRunOut(run: SettlementRun): z.infer<typeof settlementRunWire> {
  return {
    object: 'merchant_settlement_run',
    business_date: run.business_date,
    execution_date: run.execution_date,
    batch: run.batch_id,
    settlements: run.settlements.map(({ settlement, merchant, result }) => ({
      id: uuidToId(settlement.id, 'rct'),
      merchant: { id: uuidToId(merchant.id, 'mer'), merchant_code: merchant.code, name: merchant.name },
      amount: w(settlement.amount, settlement.currency),
      account_masked: maskAccountNumber(merchant.settlement_account),
      rail_state: result?.state ?? null,
      state: settlement.state,
      failure: settlement.reason_code ? { code: settlement.reason_code, message: settlement.reason_text } : null,
    })),
  };
}
