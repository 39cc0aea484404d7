// The policy document, one zod shape with two amount codecs: the document form (YAML/JSON,
// amounts as decimal strings in major units of the document's currency → Micros) and the wire
// form the API returns (amounts as { amount, currency }). One shape keeps them from drifting.
import { z } from 'zod';
import { type CurrencyCode, CURRENCY_CODES, MICROS_PER_MINOR, MoneyError, type Micros, moneyWireSchema, parseAmount } from '../money/index.ts';
import { checkPolicy } from './checks.ts';
import { FUNDING_CLASSES, HOLIDAY_KINDS, OTP_ATTEMPTS_MAX, OTP_TTL_SECONDS_MAX, WEEKDAYS } from './constants.ts';

interface AmountCodecs<A extends z.ZodType> {
  /** ≥ 0: caps (0 means "not allowed"), thresholds. */
  amount: A;
  /** > 0: balance caps, minimums that must exist. */
  positive: A;
  /** ≥ 0 and whole minor units: fees and commissions are charged in whole won/cents. */
  whole: A;
}

const HH_MM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const SNAKE = /^[a-z][a-z0-9_]{0,39}$/;

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const text = (max: number) => z.string().trim().min(1).max(max);
const localTime = z.string().regex(HH_MM, 'a local time is "HH:MM" (24-hour), e.g. "16:00"');

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function policyShape<A extends z.ZodType>(c: AmountCodecs<A>) {
  const localized = z.object({ ko: text(200), en: text(200) }).strict();
  const periodCaps = z.object({ daily: c.amount, monthly: c.amount }).strict();
  const tier = z
    .object({
      tier: int(0, 3),
      name: localized,
      balance_cap: c.positive,
      per_transaction: z.object({ min: c.positive, max: c.positive }).strict(),
      cash_out: periodCaps,
      spend: periodCaps,
      send: periodCaps,
      velocity: z.object({ count_per_day: int(1, 1_000_000), sum_per_day: c.positive }).strict(),
    })
    .strict();
  const source = z
    .object({
      label: localized,
      funding_class: z.enum(FUNDING_CLASSES),
      /** 0 = the credit is available at once; otherwise it waits in `pending`. */
      clearance_hours: int(0, 24 * 90),
    })
    .strict();
  const rate = {
    fixed: c.whole,
    percent_bps: int(0, 10_000),
    min: c.whole,
    /** null: no maximum. */
    max: c.whole.nullable(),
  };
  const fee = z.object({ ...rate, free_allowance_per_month: int(0, 1000) }).strict();
  const commission = z.object(rate).strict();
  const hours = z.object({ opens_at: localTime, cut_off: localTime }).strict();
  const processing = z
    .object({
      runs_on_non_business_days: z.boolean(),
      /** null: around the clock. */
      hours: hours.nullable(),
      processing_minutes: int(0, 60 * 24 * 7),
    })
    .strict();
  const batching = z.object({ times: z.array(localTime).min(1).max(48), max_items: int(1, 1_000_000) }).strict();
  const holiday = z
    .object({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is "YYYY-MM-DD"'),
      name: localized,
      kind: z.enum(HOLIDAY_KINDS),
    })
    .strict();
  const rights = z
    .object({
      title: text(200),
      intro: text(2000),
      rights: z.array(text(1000)).min(1).max(30),
      how_to_dispute: z.array(text(1000)).min(1).max(20),
      contact: text(500),
    })
    .strict();

  return z
    .object({
      currency: z.enum(CURRENCY_CODES as [CurrencyCode, ...CurrencyCode[]]),
      time_zone: z.string().refine(isTimeZone, 'not an IANA time zone such as "Asia/Seoul"'),
      tiers: z.array(tier).length(4),
      sources: z.record(z.string().regex(SNAKE, 'a source name is snake_case'), source),
      fees: z.object({ bank: fee, wallet: fee, agent: fee, atm: fee, merchant: fee, send: fee }).strict(),
      cashout: z
        .object({
          /** The payout threshold: nothing smaller is paid out. */
          minimum: c.positive,
          quote_validity_seconds: int(30, 600),
          reservation_timeout_hours: int(1, 24 * 30),
          new_destination_cooldown_hours: int(0, 24 * 30),
          step_up_otp: z
            .object({
              first_payout_to_destination: z.boolean(),
              /** An OTP is asked for any cash-out above this amount. */
              above: c.positive,
              new_device: z.boolean(),
            })
            .strict(),
          batching: z.object({ bank: batching.optional(), wallet: batching.optional() }).strict(),
        })
        .strict(),
      security: z
        .object({
          pin_lockout_attempts: int(1, 10),
          pin_lockout_minutes: int(1, 24 * 60),
          otp_ttl_seconds: int(30, OTP_TTL_SECONDS_MAX),
          otp_max_attempts: int(1, OTP_ATTEMPTS_MAX),
          otp_sends_per_phone_per_hour: int(1, 20),
          session_ttl_hours: int(1, 24 * 90),
          staff_session_ttl_hours: int(1, 24),
          device_window_days: int(1, 730),
          pin_reset_hold_hours: int(0, 24 * 14),
          /** A send to a person above this amount asks for a step-up OTP. */
          send_step_up_otp_above: c.positive,
        })
        .strict(),
      credits: z
        .object({
          reversal_window_days: int(0, 365),
          unclaimed_expiry_days: int(1, 365 * 5),
          /** DESIGN: a credit over the balance cap is never refused nor lost; the excess waits. */
          over_cap: z.literal('held_over_cap'),
        })
        .strict(),
      self_limits: z.object({ raise_cooldown_hours: int(0, 24 * 30) }).strict(),
      /**
       * USSD dialogs: how long one may sit idle between two requests before it is over. Carriers
       * close an idle dialog after about two to three minutes; past that a request comes from a
       * dialog the handset has already closed. Absent in older versions: 180.
       */
      ussd: z.object({ session_idle_seconds: int(30, 600) }).strict().default({ session_idle_seconds: 180 }),
      processing: z.object({ bank: processing, wallet: processing, agent: processing, atm: processing }).strict(),
      calendar: z
        .object({
          weekend: z.array(z.enum(WEEKDAYS)).max(6),
          holidays: z.record(z.string().regex(/^\d{4}$/, 'holidays are listed per year, e.g. "2026"'), z.array(holiday).max(60)),
        })
        .strict(),
      disputes: z
        .object({
          file_within_days: int(1, 3650),
          acknowledge_within_days: int(0, 90),
          resolve_within_days: int(1, 365),
        })
        .strict(),
      agents: z
        .object({
          commission: z.object({ cash_in: commission, cash_out: commission }).strict(),
          float: z.object({ low_alert: c.amount, minimum: c.amount }).strict(),
          withdrawal_code_ttl_minutes: int(1, 24 * 60),
          /** Wrong withdrawal codes an agent may enter per hour before further tries are refused (optional: versions before issue 6). */
          code_failures_per_hour: int(1, 1000).optional(),
          /**
           * How long an ATM network has between authorize and complete / reverse before the sweep
           * voids the hold and tells finance (optional: 10 min). Below the hour a cash code's
           * reservation outlives its code, so the sweep acts before the ledger's timeout.
           */
          atm_complete_window_minutes: int(1, 55).optional(),
          /** A cash-in above this waits for the user to confirm it on their phone with the PIN. */
          cash_in_confirm_above: c.amount.optional(),
          /** How long a cash-in waits for that confirmation. */
          cash_in_confirm_minutes: int(1, 24 * 60).optional(),
        })
        .strict(),
      payments: z
        .object({
          /** Merchant payments above this ask for the PIN; smaller ones ride the session. */
          pin_required_above: c.amount,
          spend_order: z.array(z.enum(FUNDING_CLASSES)).length(FUNDING_CLASSES.length),
          /** How long a digital voucher can be redeemed after purchase. */
          voucher_validity_days: int(1, 1830),
          /** A subscription charge that finds the wallet short is tried again after this long… */
          subscription_retry_hours: int(1, 168),
          /** …this many times before the period is skipped (the mandate stays active). */
          subscription_retries_max: int(0, 10),
          /** Merchant receivables are settled to their bank accounts at this local time on business days. */
          settlement_time: localTime,
        })
        .strict(),
      rights_text: z.object({ ko: rights, en: rights }).strict(),
    })
    .strict();
}

function amountCodec(currency: CurrencyCode, options: { allowZero: boolean; whole: boolean }) {
  return z
    .string({ error: 'write amounts as quoted decimal strings in major units, e.g. "500000"' })
    .transform((value, ctx): Micros => {
      try {
        const amount = parseAmount(value, currency, { allowZero: options.allowZero });
        if (options.whole && amount % MICROS_PER_MINOR !== 0n) {
          ctx.addIssue({ code: 'custom', message: `fees are charged in whole ${currency} minor units; "${value}" has a fraction`, params: { reason: 'fraction' } });
          return z.NEVER;
        }
        return amount;
      } catch (error) {
        if (!(error instanceof MoneyError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message, params: { reason: error.code } });
        return z.NEVER;
      }
    });
}

function baseSchemaFor(currency: CurrencyCode) {
  return policyShape({
    amount: amountCodec(currency, { allowZero: true, whole: false }),
    positive: amountCodec(currency, { allowZero: false, whole: false }),
    whole: amountCodec(currency, { allowZero: true, whole: true }),
  });
}

function documentSchemaFor(currency: CurrencyCode) {
  return baseSchemaFor(currency).superRefine(checkPolicy);
}

/** The wire form (GET /v1/policy): the same shape, amounts as { amount, currency }. */
export const policyWireSchema = policyShape({ amount: moneyWireSchema, positive: moneyWireSchema, whole: moneyWireSchema });

export type Policy = z.output<ReturnType<typeof baseSchemaFor>>;
export type PolicyWire = z.output<typeof policyWireSchema>;
export type TierPolicy = Policy['tiers'][number];
export type SourcePolicy = Policy['sources'][string];
export type FeeRule = Policy['fees']['bank'];
export type RateRule = Omit<FeeRule, 'free_allowance_per_month'>;
export type ProcessingRule = Policy['processing']['bank'];
export type BatchingRule = NonNullable<Policy['cashout']['batching']['bank']>;
export type Holiday = Policy['calendar']['holidays'][string][number];
export type RightsText = Policy['rights_text']['ko'];

export interface PolicyIssue {
  /** Dotted path of the offending field, e.g. "sources.carrier_billing.funding_class". */
  path: string;
  message: string;
}

export type PolicyValidation = { success: true; policy: Policy } | { success: false; issues: PolicyIssue[] };

const schemas = new Map<CurrencyCode, ReturnType<typeof documentSchemaFor>>();
const currencyHead = z.object({ currency: z.enum(CURRENCY_CODES as [CurrencyCode, ...CurrencyCode[]]) });

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function toPolicyIssue(issue: ZodIssueLike): PolicyIssue {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    return { path: [...path, issue.keys[0]].join('.'), message: `unknown field "${issue.keys[0]}"` };
  }
  return { path: path.join('.'), message: issue.message };
}

/**
 * Validates a document (the parsed YAML, or a stored jsonb document). Amounts are read in the
 * document's own currency, so the currency is checked first.
 */
export function validatePolicy(input: unknown): PolicyValidation {
  const head = currencyHead.safeParse(input);
  if (!head.success) return { success: false, issues: head.error.issues.map(toPolicyIssue) };
  const currency = head.data.currency;
  let schema = schemas.get(currency);
  if (!schema) {
    schema = documentSchemaFor(currency);
    schemas.set(currency, schema);
  }
  const result = schema.safeParse(input);
  if (result.success) return { success: true, policy: result.data };
  return { success: false, issues: result.error.issues.map(toPolicyIssue) };
}
