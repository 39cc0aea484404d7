// The wallets API on the wire: request fields with their own stable error codes, response
// shapes (amounts as { amount, currency } decimal strings), and the conversions.
import { z } from 'zod';
import { tryNormalizePhone } from '../identity/index.ts';
import { isCurrencyCode, MoneyError, parseAmount, toWire, type CurrencyCode, type Micros, type Money } from '../money/index.ts';
import { addDays, LIMIT_KINDS, zonedInstant, type LimitHeadroom, type Policy } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { uuidToId } from '../shared/ids.ts';
import './feature-errors.ts';
import { ENTRY_TYPES, type EntryType, type HistoryEntry, type HistoryFilter } from './history.ts';
import type { LimitsView, PeriodLimitView } from './limits.ts';
import type { MoveResult } from './pots.ts';
import type { SelfLimitChangeRow } from './self-limits.sql.ts';
import { NOTE_CHARS_MAX, type SendQuote, type SendResult } from './sends.ts';
import type { ClassBalance, WalletBalances } from './wallets.ts';

// An empty message: the catalogue's message for the code says it all.
const coded = (code: string) => ({ params: { code }, message: '' });

// ---- Request fields ------------------------------------------------------------------------------------

/** { amount, currency }: 400 invalid_currency or invalid_amount (negative, zero, too precise, too large). */
export function moneyField(options: { allowZero?: boolean } = {}) {
  return z
    .object({ amount: z.string().max(40), currency: z.string().max(8) })
    .strict()
    .transform((wire, ctx): Money => {
      if (!isCurrencyCode(wire.currency)) {
        ctx.addIssue({ code: 'custom', path: ['currency'], message: '', params: { code: 'invalid_currency' } });
        return z.NEVER;
      }
      try {
        return { amount: parseAmount(wire.amount, wire.currency, { allowZero: options.allowZero ?? false }), currency: wire.currency };
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['amount'], message: error.message, params: { code: 'invalid_amount' } });
        return z.NEVER;
      }
    })
    .meta({ description: 'Decimal string in major units, e.g. { "amount": "5000", "currency": "KRW" }' });
}

export const phoneField = z
  .string()
  .max(32)
  .refine((v) => tryNormalizePhone(v) !== null, coded('invalid_phone_number'))
  .transform((v) => tryNormalizePhone(v)!)
  .meta({ description: 'The recipient\'s mobile number: 010-1234-5678, +82 10 1234 5678 or 01012345678', example: '010-1234-5678' });
export const pinField = z.string().refine((v) => /^\d{6}$/.test(v), coded('invalid_pin_format')).meta({ description: 'Your six-digit PIN' });
export const otpField = z.string().refine((v) => /^\d{6}$/.test(v), coded('invalid_otp_format')).meta({ description: 'The six-digit code from the SMS' });
export const challengeField = z.string().min(1).max(64).meta({ description: 'details.challenge_id of the otp_required answer' });
export const noteField = z
  .string()
  .refine((v) => [...v].length <= NOTE_CHARS_MAX && !/\p{Cc}/u.test(v), coded('invalid_note'))
  .meta({ description: `One line, at most ${NOTE_CHARS_MAX} characters; the recipient sees it` });
export const walletIdField = z.string().min(1).max(64).meta({ description: 'A wallet id (wal_…)' });
export const walletNameField = z.string().max(200).meta({ description: 'One line of 1–40 characters, e.g. "Savings"' });

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().min(1).max(64).optional(),
};

export const historyQuery = z
  .object({
    ...pageQuery,
    from: z.string().max(40).optional().meta({ description: 'YYYY-MM-DD (operator time zone, inclusive) or an ISO 8601 instant' }),
    to: z.string().max(40).optional().meta({ description: 'YYYY-MM-DD (operator time zone, inclusive) or an ISO 8601 instant (exclusive)' }),
    type: z.string().max(300).optional().meta({ description: `Comma-separated: ${ENTRY_TYPES.join(', ')}` }),
    source: z.string().max(400).optional().meta({ description: 'Comma-separated credit sources, e.g. task_earning,tip' }),
  })
  .strict();
export type HistoryQuery = z.infer<typeof historyQuery>;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseBound(value: string, end: boolean, timeZone: string, param: string): Date {
  try {
    if (LOCAL_DATE.test(value)) return zonedInstant(end ? addDays(value, 1) : value, 0, timeZone);
  } catch {
    throw new DomainError('invalid_date', { param });
  }
  const instant = INSTANT.test(value) ? new Date(value) : null;
  if (!instant || Number.isNaN(instant.getTime())) throw new DomainError('invalid_date', { param });
  return instant;
}

function parseList(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const items = [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
  return items.length > 0 ? items : null;
}

/** The history filter from the query, with the dates read in the operator's time zone. */
export function historyFilterOf(query: Pick<HistoryQuery, 'from' | 'to' | 'type' | 'source'>, policy: Policy): HistoryFilter {
  const from = query.from === undefined ? null : parseBound(query.from, false, policy.time_zone, 'from');
  const to = query.to === undefined ? null : parseBound(query.to, true, policy.time_zone, 'to');
  if (from && to && from.getTime() >= to.getTime()) throw new DomainError('invalid_date_range', { param: 'from' });
  const types = parseList(query.type);
  if (types?.some((t) => !(ENTRY_TYPES as readonly string[]).includes(t))) throw new DomainError('invalid_history_type', { param: 'type' });
  const sources = parseList(query.source);
  if (sources?.some((s) => !Object.hasOwn(policy.sources, s))) throw new DomainError('invalid_source', { param: 'source' });
  return { from, to, types: types as EntryType[] | null, sources };
}

const capField = moneyField({ allowZero: true }).nullable().optional();
const periodCaps = z.object({ daily: capField, monthly: capField }).strict();
export const limitsBody = z
  .object({
    send: periodCaps.optional(),
    spend: periodCaps.optional(),
    cash_out: periodCaps.optional(),
    otp: otpField.optional(),
    challenge_id: challengeField.optional(),
  })
  .strict();

// ---- Responses -----------------------------------------------------------------------------------------

const iso = z.string().meta({ format: 'date-time' });
const money = z.object({ amount: z.string(), currency: z.string() });
const classBalance = z.object({ posted: money, available: money, held: money, clearing: money });

export const walletWire = z.object({
  id: z.string(),
  object: z.literal('wallet'),
  name: z.string(),
  kind: z.enum(['main', 'pot']),
  currency: z.string(),
  balances: z.object({
    cashable: classBalance,
    spend_only: classBalance,
    held_over_cap: money.meta({ description: 'Credits parked while the wallet is at its balance cap' }),
    total_available: money,
    dust: money.meta({ description: 'The part of the cashable balance below one whole minor unit: a rail cannot pay it yet' }),
  }),
});

export const listOf = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });

export const entryWire = z.object({
  id: z.string(),
  object: z.literal('wallet_entry'),
  created_at: iso,
  type: z.enum(ENTRY_TYPES),
  direction: z.enum(['in', 'out', 'internal']),
  class: z.enum(['cashable', 'spend_only', 'held_over_cap']),
  amount: money,
  status: z.enum(['posted', 'clearing', 'pending', 'held', 'voided', 'expired', 'reversed']),
  source: z.string().nullable(),
  description: z.string().nullable(),
  note: z.string().nullable(),
  counterparty: z
    .object({
      kind: z.enum(['partner', 'person', 'own_wallet', 'operator', 'agent', 'merchant', 'external']),
      id: z.string().nullable(),
      name: z.string().nullable(),
      phone: z.string().nullable(),
    })
    .nullable(),
  fee: money.nullable(),
  resolved_at: iso.nullable(),
});

const periodLimitWire = z.object({
  tier_cap: money,
  self_cap: money.nullable(),
  effective_cap: money,
  used: money,
  count: z.number().int(),
  remaining: money,
  pending: z.object({ cap: money.nullable(), effective_at: iso }).nullable(),
});
const kindLimitsWire = z.object({ daily: periodLimitWire, monthly: periodLimitWire });

export const limitsWire = z.object({
  object: z.literal('limits'),
  currency: z.string(),
  time_zone: z.string(),
  tier: z.number().int(),
  policy_version: z.number().int(),
  raise_cooldown_hours: z.number().int(),
  limits: z.object({ send: kindLimitsWire, spend: kindLimitsWire, cash_out: kindLimitsWire }),
  velocity: z.object({ count_per_day: z.number().int(), used_count: z.number().int(), sum_per_day: money, used_sum: money }),
});

export const limitChangeWire = z.object({
  id: z.string(),
  object: z.literal('limit_change'),
  kind: z.enum(LIMIT_KINDS),
  period: z.enum(['daily', 'monthly']),
  cap: money.nullable(),
  previous_cap: money.nullable(),
  raising: z.boolean(),
  status: z.enum(['applied', 'waiting', 'cancelled']),
  requested_at: iso,
  effective_at: iso,
});

const remainingWire = z.object({ max_amount: money, day: money, month: money });

export const transferWire = z.object({
  id: z.string(),
  object: z.literal('transfer'),
  status: z.enum(['posted', 'unclaimed']).meta({ description: 'unclaimed: nobody has this number yet; it waits for them (an SMS invites them), and comes back after the policy\'s expiry' }),
  to: z.string().meta({ description: 'The recipient\'s number (E.164)' }),
  amount: money.meta({ description: 'What left your wallet' }),
  fee: money,
  net: money.meta({ description: 'What the recipient received' }),
  note: z.string().nullable(),
  policy_version: z.number().int(),
  remaining: remainingWire,
  created_at: iso,
});

export const quoteWire = z.object({
  object: z.literal('transfer_quote'),
  to: z.string(),
  amount: money,
  fee: money,
  net: money,
  otp_required: z.boolean(),
  available: money.meta({ description: 'Your cashable balance available to send' }),
  remaining: remainingWire,
  policy_version: z.number().int(),
});

export const moveWire = z.object({
  id: z.string(),
  object: z.literal('wallet_move'),
  from: z.string(),
  to: z.string(),
  amount: money,
  created_at: iso,
});

// ---- Conversions ---------------------------------------------------------------------------------------

const m = (amount: Micros, currency: CurrencyCode) => toWire({ amount, currency });

function classOut(c: ClassBalance, currency: CurrencyCode) {
  return { posted: m(c.posted, currency), available: m(c.available, currency), held: m(c.held, currency), clearing: m(c.clearing, currency) };
}

export function walletOut(b: WalletBalances): z.infer<typeof walletWire> {
  return {
    id: b.wallet,
    object: 'wallet',
    name: b.name,
    kind: b.kind,
    currency: b.currency,
    balances: {
      cashable: classOut(b.cashable, b.currency),
      spend_only: classOut(b.spend_only, b.currency),
      held_over_cap: m(b.held_over_cap, b.currency),
      total_available: m(b.total_available, b.currency),
      dust: m(b.cashable_dust, b.currency),
    },
  };
}

export function entryOut(e: HistoryEntry): z.infer<typeof entryWire> {
  return {
    id: e.id,
    object: 'wallet_entry',
    created_at: e.created_at.toISOString(),
    type: e.type,
    direction: e.direction,
    class: e.class,
    amount: m(e.amount, e.currency),
    status: e.status,
    source: e.source,
    description: e.description,
    note: e.note,
    counterparty: e.counterparty,
    fee: e.fee === null ? null : m(e.fee, e.currency),
    resolved_at: e.resolved_at?.toISOString() ?? null,
  };
}

function periodOut(p: PeriodLimitView, currency: CurrencyCode) {
  return {
    tier_cap: m(p.tier_cap, currency),
    self_cap: p.self_cap === null ? null : m(p.self_cap, currency),
    effective_cap: m(p.effective_cap, currency),
    used: m(p.used, currency),
    count: p.count,
    remaining: m(p.remaining, currency),
    pending: p.pending ? { cap: p.pending.cap === null ? null : m(p.pending.cap, currency), effective_at: p.pending.effective_at.toISOString() } : null,
  };
}

export function limitsOut(v: LimitsView): z.infer<typeof limitsWire> {
  const kind = (k: keyof LimitsView['limits']) => ({ daily: periodOut(v.limits[k].daily, v.currency), monthly: periodOut(v.limits[k].monthly, v.currency) });
  return {
    object: 'limits',
    currency: v.currency,
    time_zone: v.time_zone,
    tier: v.tier,
    policy_version: v.policy_version,
    raise_cooldown_hours: v.raise_cooldown_hours,
    limits: { send: kind('send'), spend: kind('spend'), cash_out: kind('cash_out') },
    velocity: {
      count_per_day: v.velocity.count_per_day,
      used_count: v.velocity.used_count,
      sum_per_day: m(v.velocity.sum_per_day, v.currency),
      used_sum: m(v.velocity.used_sum, v.currency),
    },
  };
}

export function limitChangeOut(row: SelfLimitChangeRow, now: Date): z.infer<typeof limitChangeWire> {
  const status = row.superseded_at ? 'cancelled' : row.effective_at.getTime() > now.getTime() ? 'waiting' : 'applied';
  return {
    id: uuidToId(row.id, 'lim'),
    object: 'limit_change',
    kind: row.kind,
    period: row.period,
    cap: row.cap === null ? null : m(row.cap, row.currency),
    previous_cap: row.previous_cap === null ? null : m(row.previous_cap, row.currency),
    raising: row.raising,
    status,
    requested_at: row.requested_at.toISOString(),
    effective_at: row.effective_at.toISOString(),
  };
}

function remainingOut(r: LimitHeadroom, currency: CurrencyCode) {
  return { max_amount: m(r.max_amount, currency), day: m(r.day, currency), month: m(r.month, currency) };
}

export function transferOut(r: SendResult): z.infer<typeof transferWire> {
  return {
    id: r.id,
    object: 'transfer',
    status: r.status,
    to: r.recipient_phone,
    amount: m(r.amount, r.currency),
    fee: m(r.fee, r.currency),
    net: m(r.net, r.currency),
    note: r.note,
    policy_version: r.policy_version,
    remaining: remainingOut(r.remaining, r.currency),
    created_at: r.created_at.toISOString(),
  };
}

export function quoteOut(q: SendQuote): z.infer<typeof quoteWire> {
  return {
    object: 'transfer_quote',
    to: q.recipient_phone,
    amount: m(q.amount, q.currency),
    fee: m(q.fee, q.currency),
    net: m(q.net, q.currency),
    otp_required: q.otp_required,
    available: m(q.available, q.currency),
    remaining: remainingOut(q.remaining, q.currency),
    policy_version: q.policy_version,
  };
}

export function moveOut(r: MoveResult): z.infer<typeof moveWire> {
  return {
    id: r.id,
    object: 'wallet_move',
    from: uuidToId(r.from.id, 'wal'),
    to: uuidToId(r.to.id, 'wal'),
    amount: toWire(r.amount),
    created_at: r.created_at.toISOString(),
  };
}
