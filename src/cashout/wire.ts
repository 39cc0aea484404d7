// The API's shapes for quotes, cash-outs, destinations and auto-sweep rules (zod, for the
// response schemas and OpenAPI) and the functions that turn rows into them.
import { z } from 'zod';
import { findKoreanBank } from '../rails/index.ts';
import { moneyWireSchema, toWire } from '../money/index.ts';
import type { Lang } from '../shared/errors.ts';
import { uuidToId } from '../shared/ids.ts';
import { reasonMessage } from './reasons.ts';
import { CASHOUT_STATES } from './states.ts';
import { destinationDisplay, maskedAccount } from './destinations.ts';
import type { AutoSweepRow, CashoutEventRow, CashoutRow, DestinationRow, QuoteRow } from './tables.ts';

const channel = z.enum(['bank', 'wallet', 'agent', 'atm']);
const iso = z.string().meta({ description: 'ISO 8601 time (UTC)' });

export const destinationWire = z.object({
  id: z.string(),
  object: z.literal('payout_destination'),
  kind: channel,
  label: z.string().nullable(),
  display: z.string().meta({ description: 'Masked, as a person recognises it: "신한은행 ****6789"' }),
  bank: z.object({ code: z.string(), name: z.string() }).nullable(),
  provider: z.string().nullable(),
  account_masked: z.string(),
  paid_before: z.boolean(),
  created_at: iso,
});

export function destinationOut(row: DestinationRow, lang: Lang): z.infer<typeof destinationWire> {
  const bank = row.bank_code ? findKoreanBank(row.bank_code) : undefined;
  return {
    id: row.id,
    object: 'payout_destination',
    kind: row.kind,
    label: row.label,
    display: destinationDisplay(row, lang, row.kind === 'wallet' ? row.label : null),
    bank: row.bank_code ? { code: row.bank_code, name: bank ? bank[lang] : row.bank_code } : null,
    provider: row.provider,
    account_masked: maskedAccount(row),
    paid_before: row.first_payout_at !== null,
    created_at: row.created_at.toISOString(),
  };
}

export const quoteWire = z.object({
  id: z.string(),
  object: z.literal('cashout_quote'),
  wallet: z.string(),
  channel,
  destination: z.object({ id: z.string(), display: z.string() }),
  amount: moneyWireSchema.meta({ description: 'What you asked to cash out' }),
  fee: moneyWireSchema,
  fee_breakdown: z.record(z.string(), z.unknown()),
  net: moneyWireSchema.meta({ description: 'What arrives: whole won, after the fee' }),
  debit: moneyWireSchema.meta({ description: 'What leaves the wallet: net + fee' }),
  dust_kept: moneyWireSchema.meta({ description: 'Below one won: rails pay whole won, so this stays in your wallet' }),
  limits_after: z.record(z.string(), z.unknown()),
  expected_arrival: z.object({ departs_at: iso, expected_at: iso, departure_date: z.string(), reason: z.string() }),
  otp_required: z.boolean(),
  otp_reasons: z.array(z.string()),
  policy_version: z.number().int(),
  expires_at: iso,
  created_at: iso,
});

export function quoteOut(row: QuoteRow): z.infer<typeof quoteWire> {
  const money = (amount: bigint) => toWire({ amount: amount as QuoteRow['fee'], currency: row.currency });
  return {
    id: uuidToId(row.id, 'quo'),
    object: 'cashout_quote',
    wallet: uuidToId(row.wallet_id, 'wal'),
    channel: row.channel,
    destination: { id: row.destination_id, display: row.details.destination_label },
    amount: money(row.requested),
    fee: money(row.fee),
    fee_breakdown: row.details.fee_breakdown,
    net: money(row.payout),
    debit: money(row.payout + row.fee),
    dust_kept: money(row.dust),
    limits_after: row.details.limits_after,
    expected_arrival: row.details.arrival,
    otp_required: row.details.otp_reasons.length > 0,
    otp_reasons: row.details.otp_reasons,
    policy_version: row.policy_version,
    expires_at: row.expires_at.toISOString(),
    created_at: row.created_at.toISOString(),
  };
}

const eventWire = z.object({ from: z.string().nullable(), to: z.string(), reason: z.string().nullable(), at: iso });

export const cashoutWire = z.object({
  id: z.string(),
  object: z.literal('cashout'),
  state: z.enum(CASHOUT_STATES),
  wallet: z.string(),
  quote: z.string(),
  channel,
  destination: z.object({ id: z.string(), display: z.string() }),
  net: moneyWireSchema,
  fee: moneyWireSchema,
  debit: moneyWireSchema,
  dust_kept: moneyWireSchema,
  policy_version: z.number().int(),
  reason: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
  hold_until: iso.nullable(),
  origin: z.enum(['user', 'auto_sweep']),
  in_batch: z.boolean(),
  receipt_number: z.string().nullable(),
  expected_at: iso,
  created_at: iso,
  updated_at: iso,
  settled_at: iso.nullable(),
  events: z.array(eventWire).optional(),
  withdrawal_code: z
    .object({ code: z.string(), expires_at: iso })
    .optional()
    .meta({ description: 'Cash channels (agent, atm), in the confirm answer only: the one-time code to give the agent or enter at the ATM (also sent by SMS)' }),
});

export function cashoutOut(row: CashoutRow, display: string, lang: Lang, events?: CashoutEventRow[]): z.infer<typeof cashoutWire> {
  const money = (amount: bigint) => toWire({ amount: amount as CashoutRow['fee'], currency: row.currency });
  return {
    id: uuidToId(row.id, 'cot'),
    object: 'cashout',
    state: row.state,
    wallet: uuidToId(row.wallet_id, 'wal'),
    quote: uuidToId(row.quote_id, 'quo'),
    channel: row.channel,
    destination: { id: row.destination_id, display },
    net: money(row.payout),
    fee: money(row.fee),
    debit: money(row.payout + row.fee),
    dust_kept: money(row.dust),
    policy_version: row.policy_version,
    reason: row.reason_code ? { code: row.reason_code, message: reasonMessage(row.reason_code, row.reason_text, lang) } : null,
    hold_until: row.hold_until?.toISOString() ?? null,
    origin: row.origin,
    in_batch: row.batch_id !== null,
    receipt_number: row.receipt_number,
    expected_at: row.expected_at.toISOString(),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    settled_at: row.settled_at?.toISOString() ?? null,
    ...(events ? { events: events.map((e) => ({ from: e.from_state, to: e.to_state, reason: e.reason, at: e.at.toISOString() })) } : {}),
  };
}

export const autoSweepWire = z.object({
  object: z.literal('auto_sweep'),
  wallet: z.string(),
  threshold: moneyWireSchema,
  destination: z.string(),
  channel,
  active: z.boolean(),
  last_swept_at: iso.nullable(),
  last_cashout: z.string().nullable(),
  last_outcome: z.string().nullable(),
  updated_at: iso,
});

export function autoSweepOut(row: AutoSweepRow, currency: CashoutRow['currency']): z.infer<typeof autoSweepWire> {
  return {
    object: 'auto_sweep',
    wallet: uuidToId(row.wallet_id, 'wal'),
    threshold: toWire({ amount: row.threshold, currency }),
    destination: row.destination_id,
    channel: row.channel,
    active: row.active,
    last_swept_at: row.last_swept_at?.toISOString() ?? null,
    last_cashout: row.last_cashout_id ? uuidToId(row.last_cashout_id, 'cot') : null,
    last_outcome: row.last_outcome,
    updated_at: row.updated_at.toISOString(),
  };
}

export const receiptWire = z.object({
  object: z.literal('cashout_receipt'),
  receipt_number: z.string(),
  cashout: z.string(),
  channel,
  destination: z.string(),
  debited: moneyWireSchema,
  fee: moneyWireSchema,
  paid: moneyWireSchema,
  dust_kept: moneyWireSchema,
  policy_version: z.number().int(),
  requested_at: iso,
  submitted_at: iso.nullable(),
  settled_at: iso,
  rail_reference: z.string().nullable(),
  state: z.enum(CASHOUT_STATES),
  returned_at: iso.nullable(),
});
