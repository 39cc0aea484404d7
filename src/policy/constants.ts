// The closed vocabularies of the policy document. Other modules import these names so that a
// channel, a funding class or a credit source is spelled one way across the code base.
import { fromMinor, type Micros } from '../money/index.ts';

export const KYC_TIERS = [0, 1, 2, 3] as const;
export type KycTier = (typeof KYC_TIERS)[number];

/** Where a cash-out can go: each has a rail, a fee rule and a processing rule. */
export const CASHOUT_CHANNELS = ['bank', 'wallet', 'agent', 'atm'] as const;
export type CashoutChannel = (typeof CASHOUT_CHANNELS)[number];

/** Everything that can carry a fee for the user: the cash-out channels, merchant payments and sends. */
export const FEE_CHANNELS = [...CASHOUT_CHANNELS, 'merchant', 'send'] as const;
export type FeeChannel = (typeof FEE_CHANNELS)[number];

/** DESIGN §3: `pending` is a clearance state, not a class a source can choose. */
export const FUNDING_CLASSES = ['cashable', 'spend_only'] as const;
export type FundingClass = (typeof FUNDING_CLASSES)[number];

/** Outgoing movements that tiers and self-limits cap. */
export const LIMIT_KINDS = ['cash_out', 'spend', 'send'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

/** Sources every policy must map, because the product's own flows credit them. */
export const STANDARD_SOURCES = [
  'task_earning',
  'reward',
  'tip',
  'content_refund',
  'remittance',
  'carrier_billing',
  'promo',
  'bank_topup',
  'agent_cash_in',
] as const;
export type StandardSource = (typeof STANDARD_SOURCES)[number];

/**
 * Sources that can never become cash. Turning carrier-billed value into cash (휴대폰 소액결제
 * 현금화) is a crime in Korea; promotional credit is the operator's gift, not the user's money.
 * The schema refuses a policy that makes any of these cashable.
 */
export const SPEND_ONLY_SOURCES = ['carrier_billing', 'promo'] as const;

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const HOLIDAY_KINDS = ['public', 'substitute', 'temporary', 'election', 'bank_closure'] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];

/**
 * Korean legal ceilings on a prepaid balance (전자금융거래법 시행령): 500,000 KRW for an
 * anonymous (무기명) holder, 2,000,000 KRW for a named (기명) one. They live in code, not in the
 * document, so that no published policy can raise them. Tier 3 (enhanced due diligence, business
 * and agent accounts) is outside the consumer prepaid cap.
 */
export const KRW_ANONYMOUS_BALANCE_CAP: Micros = fromMinor(500_000n);
export const KRW_NAMED_BALANCE_CAP: Micros = fromMinor(2_000_000n);

/** Upper bounds of the security numbers: the issues make them product requirements. */
export const OTP_TTL_SECONDS_MAX = 300;
export const OTP_ATTEMPTS_MAX = 3;
