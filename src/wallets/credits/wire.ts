// The credits area's response shapes (zod, for validation and the OpenAPI document) and the
// functions that turn views into them.
import { z } from 'zod';
import type { Balance, Transfer } from '../../ledger/index.ts';
import { formatAmount, type CurrencyCode, type Micros } from '../../money/index.ts';
import { errorSpec, type Lang } from '../../shared/errors.ts';
import { uuidToId } from '../../shared/ids.ts';
import type { ItemError, ItemResult } from './ingest.ts';
import { CREDIT_STATUSES } from './plan.ts';
import { creditIdOf } from './request.ts';
import type { CreditView } from './view.ts';

export const moneyOut = z.object({ amount: z.string(), currency: z.string() });

export function money(amount: Micros | bigint, currency: CurrencyCode) {
  return { amount: formatAmount(amount as Micros, currency), currency };
}

export const creditWire = z.object({
  object: z.literal('credit'),
  id: z.string().meta({ description: 'crd_…, derived from your partner_reference' }),
  partner_reference: z.string(),
  status: z.enum(CREDIT_STATUSES),
  amount: moneyOut,
  held_amount: moneyOut.nullable().meta({ description: 'The part waiting for room under the balance cap' }),
  funding_class: z.enum(['cashable', 'spend_only']),
  source: z.string(),
  recipient: z.object({ phone: z.string().optional(), user_id: z.string().optional() }),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  clears_at: z.string().nullable(),
  created_at: z.string(),
  reversal: z
    .object({ requested: moneyOut, reversed: moneyOut, shortfall: moneyOut, reason: z.string().nullable(), created_at: z.string() })
    .nullable(),
});

export function creditOut(view: CreditView) {
  const c = view.currency;
  return {
    object: 'credit' as const,
    id: creditIdOf(view.uuid),
    partner_reference: view.reference,
    status: view.status,
    amount: money(view.amount, c),
    held_amount: view.held > 0n ? money(view.held, c) : null,
    funding_class: view.fundingClass,
    source: view.source,
    recipient: 'phone' in view.recipient ? { phone: view.recipient.phone } : { user_id: view.recipient.userId },
    description: view.description,
    metadata: view.metadata,
    clears_at: view.clearsAt?.toISOString() ?? null,
    created_at: view.createdAt.toISOString(),
    reversal: view.reversal
      ? {
          requested: money(view.reversal.requested, c),
          reversed: money(view.reversal.reversed, c),
          shortfall: money(view.reversal.shortfall, c),
          reason: view.reversal.reason,
          created_at: view.reversal.at.toISOString(),
        }
      : null,
  };
}

const errorOut = z.object({ type: z.string(), code: z.string(), message: z.string(), param: z.string().optional() });

/** One line of a batch or stream answer: small, since there may be a million of them. */
export const itemResultWire = z.object({
  index: z.number().int().optional().meta({ description: 'Batch: position of the item (0-based)' }),
  line: z.number().int().optional().meta({ description: 'Stream: line number (1-based)' }),
  partner_reference: z.string().nullable(),
  status: z.enum([...CREDIT_STATUSES, 'failed']),
  id: z.string().optional(),
  held_amount: moneyOut.optional(),
  clears_at: z.string().optional(),
  replayed: z.boolean().optional(),
  error: errorOut.optional(),
});

export function errorOf(error: ItemError, lang: Lang) {
  const spec = errorSpec(error.code) ?? errorSpec('invalid_request')!;
  const message = error.message && lang === 'en' ? `${spec.en} ${error.message}` : spec[lang];
  return { type: spec.type, code: error.code, message, ...(error.param ? { param: error.param } : {}) };
}

/** Built key by key (no object spread): this runs for every line of every stream. */
export function itemOut(where: { index: number } | { line: number }, reference: string | null, result: ItemResult, lang: Lang) {
  const out: z.infer<typeof itemResultWire> = 'index' in where ? { index: where.index, partner_reference: reference, status: 'failed' } : { line: where.line, partner_reference: reference, status: 'failed' };
  if (!result.ok) {
    out.error = errorOf(result.error, lang);
    return out;
  }
  const v = result.view;
  out.partner_reference = v.reference;
  out.status = v.status;
  out.id = creditIdOf(v.uuid);
  if (v.held > 0n) out.held_amount = money(v.held, v.currency);
  if (v.clearsAt && v.status === 'clearing') out.clears_at = v.clearsAt.toISOString();
  if (result.replayed) out.replayed = true;
  return out;
}

export const balanceWire = z.object({
  object: z.literal('partner_balance'),
  partner: z.string(),
  available: moneyOut.meta({ description: 'What new credits can draw on now' }),
  posted: moneyOut,
  reserved: moneyOut.meta({ description: 'Held by credits still in clearance' }),
});

export function balanceOut(partnerId: string, balance: Balance) {
  const c = balance.currency;
  return { object: 'partner_balance' as const, partner: partnerId, available: money(balance.available, c), posted: money(balance.posted, c), reserved: money(balance.pending_out, c) };
}

export const prefundingWire = z.object({
  object: z.literal('prefunding'),
  id: z.string(),
  partner: z.string(),
  amount: moneyOut,
  bank_reference: z.string(),
  created_at: z.string(),
  balance: balanceWire,
});

export function prefundingOut(partnerId: string, transfer: Transfer, bankReference: string, balance: Balance) {
  return {
    object: 'prefunding' as const,
    id: uuidToId(transfer.id, 'txf'),
    partner: partnerId,
    amount: money(transfer.amount, transfer.currency),
    bank_reference: bankReference,
    created_at: transfer.timestamp.toISOString(),
    balance: balanceOut(partnerId, balance),
  };
}
