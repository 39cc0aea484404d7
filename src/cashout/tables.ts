// The cash-out tables (migrations/0050_cashout.sql) as Kysely sees them, and the row shapes the
// module works with. Amounts are Micros (int8 comes back as bigint).
import type { AccountId } from '../ledger/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';
import type { Lang } from '../shared/errors.ts';
import type { CashoutState } from './states.ts';

export type PayoutChannel = 'bank' | 'wallet' | 'agent' | 'atm';
/** Channels that pay physical cash against a one-time code (issue 6) rather than to an account. */
export type CashChannel = 'agent' | 'atm';
export const CASH_CHANNELS: readonly CashChannel[] = ['agent', 'atm'];
export function isCashChannel(channel: PayoutChannel): channel is CashChannel {
  return channel === 'agent' || channel === 'atm';
}
export type CashoutOrigin = 'user' | 'auto_sweep';
export type QuoteStatus = 'open' | 'confirmed' | 'lapsing' | 'lapsed';

export interface DestinationRow {
  id: string;
  user_id: string;
  kind: PayoutChannel;
  label: string | null;
  bank_account_id: string | null;
  bank_code: string | null;
  last4: string | null;
  provider: string | null;
  wallet_account: string | null;
  status: 'active' | 'removed';
  created_at: Date;
  removed_at: Date | null;
  first_payout_at: Date | null;
}

export interface QuoteRow {
  id: string;
  user_id: string;
  wallet_id: string;
  debit_account: AccountId;
  channel: PayoutChannel;
  destination_id: string;
  currency: CurrencyCode;
  requested: Micros;
  payout: Micros;
  fee: Micros;
  dust: Micros;
  details: QuoteDetails;
  policy_version: number;
  expires_at: Date;
  created_at: Date;
  cashout_id: string;
  origin: CashoutOrigin;
  status: QuoteStatus;
}

/** What a quote shows beyond its amounts, kept as it was shown (jsonb). */
export interface QuoteDetails {
  fee_breakdown: Record<string, unknown>;
  limits_after: Record<string, unknown>;
  arrival: { departs_at: string; expected_at: string; departure_date: string; reason: string };
  destination_label: string;
  otp_reasons: string[];
}

export interface CashoutRow {
  id: string;
  user_id: string;
  wallet_id: string;
  quote_id: string;
  channel: PayoutChannel;
  destination_id: string;
  destination_label: string;
  wallet_provider: string | null;
  currency: CurrencyCode;
  payout: Micros;
  fee: Micros;
  dust: Micros;
  policy_version: number;
  debit_account: AccountId;
  clearing_account: AccountId;
  state: CashoutState;
  version: number;
  reason_code: string | null;
  reason_text: string | null;
  screening: unknown;
  hold_until: Date | null;
  origin: CashoutOrigin;
  notify_phone: string | null;
  lang: Lang;
  idempotency_key: string | null;
  request_hash: string | null;
  batch_id: string | null;
  rail_reference: string | null;
  receipt_number: string | null;
  expected_at: Date;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  settled_at: Date | null;
  finished_at: Date | null;
}

export interface CashoutEventRow {
  cashout_id: string;
  seq: number;
  from_state: CashoutState | null;
  to_state: CashoutState;
  reason: string | null;
  actor: string;
  at: Date;
}

export interface BatchRow {
  id: string;
  channel: PayoutChannel;
  slot: string | null;
  execution_date: string;
  item_count: number;
  total: Micros;
  state: 'building' | 'submitted';
  created_at: Date;
  submitted_at: Date | null;
}

export interface AutoSweepRow {
  user_id: string;
  wallet_id: string;
  threshold: Micros;
  destination_id: string;
  channel: PayoutChannel;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  last_swept_at: Date | null;
  last_cashout_id: string | null;
  last_outcome: string | null;
}

export type PickupStatus = 'active' | 'authorized' | 'redeemed' | 'expired' | 'void' | 'lapsed';

/** A cash cash-out's one-time withdrawal code (migrations/0070_agents.sql). */
export interface PickupCodeRow {
  cashout_id: string;
  channel: CashChannel;
  code_hash: string;
  status: PickupStatus;
  amount: Micros;
  currency: CurrencyCode;
  expires_at: Date;
  created_at: Date;
  redeemed_by: string | null;
  atm_reference: string | null;
  authorized_at: Date | null;
  redeemed_at: Date | null;
  finished_at: Date | null;
  /** An ATM complete that arrived after the sweep released the hold (migration 0100). */
  late_complete_at?: Date | null;
}

declare module '../db/schema.ts' {
  interface DB {
    cashout_destinations: DestinationRow;
    cashout_quotes: Omit<QuoteRow, 'details'> & { details: unknown };
    cashouts: CashoutRow;
    cashout_events: CashoutEventRow;
    cashout_batches: Omit<BatchRow, 'execution_date'> & { execution_date: string | Date };
    cashout_batch_runs: { channel: string; slot: string; ran_at: Date };
    cashout_bank_statements: { statement_date: string | Date; message_id: string; received_at: Date };
    cashout_auto_sweeps: AutoSweepRow;
    cashout_pickup_codes: PickupCodeRow;
    withdrawal_code_failures: { redeemer: string; at: Date };
  }
}
