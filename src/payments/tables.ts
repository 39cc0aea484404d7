// The payments tables (migrations/0080_payments.sql) as Kysely sees them. Amounts are Micros
// (int8 comes back as bigint); timestamps are UTC.
import type { AccountId } from '../ledger/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';

export type MerchantStatus = 'active' | 'disabled';
export type PaymentSource = 'payment' | 'subscription';
export type MandatePeriod = 'daily' | 'weekly' | 'monthly';
export type MandateStatus = 'requested' | 'active' | 'cancelled';
export const MANDATE_PERIODS = ['daily', 'weekly', 'monthly'] as const satisfies readonly MandatePeriod[];

export interface MerchantRow {
  id: string;
  code: string;
  name: string;
  partner_id: string | null;
  status: MerchantStatus;
  currency: CurrencyCode;
  receivable_account: AccountId;
  settlement_bank_code: string;
  settlement_account: string;
  settlement_holder: string;
  created_by: string;
  created_at: Date;
}

export interface PaymentRow {
  id: string;
  merchant_id: string;
  user_id: string;
  wallet_id: string;
  source: PaymentSource;
  currency: CurrencyCode;
  amount: Micros;
  spend_only_amount: Micros;
  cashable_amount: Micros;
  refunded_spend_only: Micros;
  refunded_cashable: Micros;
  reference: string | null;
  receipt_number: string;
  policy_version: number;
  created_at: Date;
}

export interface RefundRow {
  id: string;
  payment_id: string;
  merchant_id: string;
  amount: Micros;
  spend_only_amount: Micros;
  cashable_amount: Micros;
  reason: string | null;
  created_at: Date;
}

export interface VoucherRow {
  id: string;
  code_hash: string;
  code_last4: string;
  pin_hash: string;
  pin_failures: number;
  buyer_user_id: string;
  holder_phone: string | null;
  currency: CurrencyCode;
  face_value: Micros;
  remaining: Micros;
  spend_only_amount: Micros;
  cashable_amount: Micros;
  merchant_ids: string[];
  expires_at: Date;
  created_at: Date;
}

export interface RedemptionRow {
  id: string;
  voucher_id: string;
  merchant_id: string;
  amount: Micros;
  remaining: Micros;
  created_at: Date;
}

export interface MandateRow {
  id: string;
  merchant_id: string;
  user_id: string;
  currency: CurrencyCode;
  amount: Micros;
  period: MandatePeriod;
  description: string;
  status: MandateStatus;
  next_charge_at: Date | null;
  period_index: number;
  failures: number;
  charges: number;
  created_at: Date;
  authorized_at: Date | null;
  cancelled_at: Date | null;
}

export interface ChargeRow {
  id: string;
  mandate_id: string;
  due_at: Date;
  status: 'paid' | 'failed' | 'skipped';
  payment_id: string | null;
  failure_code: string | null;
  attempt: number;
  created_at: Date;
}

export interface SettlementRow {
  id: string;
  merchant_id: string;
  business_date: string;
  currency: CurrencyCode;
  amount: Micros;
  batch_id: string;
  file_name: string | null;
  created_at: Date;
  /** What the bank said (migration 0085): submitted until it answers. */
  state: SettlementState;
  reason_code: string | null;
  reason_text: string | null;
  rail_reference: string | null;
  resolved_at: Date | null;
}

export type SettlementState = 'submitted' | 'settled' | 'failed' | 'returned';

declare module '../db/schema.ts' {
  interface DB {
    merchants: MerchantRow;
    merchant_payments: PaymentRow;
    merchant_refunds: RefundRow;
    vouchers: Omit<VoucherRow, 'merchant_ids'> & { merchant_ids: string[] | string };
    voucher_redemptions: RedemptionRow;
    subscription_mandates: MandateRow;
    subscription_charges: ChargeRow;
    merchant_settlements: SettlementRow;
  }
}
