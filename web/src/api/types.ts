// The shapes of the API's answers this app reads (see /openapi.json). Only fields the screens use.
import type { Money } from '../lib/money.ts';

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export interface User {
  id: string;
  object: 'user';
  phone: string | null;
  carrier: string;
  lang: 'ko' | 'en';
  tier: number;
  status: 'active' | 'closed';
  identity: { verified: boolean; name: string | null; birth_date: string | null };
  frozen: { by: 'self' | 'staff'; reason: string | null; at: string } | null;
  phone_unbound: { at: string; reason: string; previous_phone: string | null } | null;
  locked_until: string | null;
  payout_hold_until: string | null;
  pin_changed_at: string;
  created_at: string;
}

export interface Session {
  id: string;
  object: 'session';
  kind: 'user' | 'staff';
  device_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  expires_at: string;
  last_used_at: string;
  revoked_at: string | null;
  current: boolean;
}

export interface SignedIn {
  status: 'active';
  token: string;
  session: Session;
  user: User;
}

export interface OtpRequired {
  status: 'otp_required';
  challenge_id: string;
  expires_at: string;
}

export interface Device {
  id: string;
  object: 'device';
  label: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export interface BankAccount {
  id: string;
  object: 'bank_account';
  bank_code: string;
  account_number_masked: string;
  holder_name: string;
  status: 'pending' | 'verified' | 'failed' | 'removed';
  created_at: string;
  verified_at: string | null;
}

export interface IdDocument {
  type: string;
  number_masked: string;
  recorded_at: string;
}

export interface Kyc {
  tier: number;
  identity_verified: boolean;
  id_document: IdDocument | null;
  bank_accounts: BankAccount[];
}

export interface Staff {
  id: string;
  object: 'staff';
  email: string;
  name: string;
  role: string;
  status: 'active' | 'disabled';
  locked_until: string | null;
  created_at: string;
}

export interface StaffSignedIn {
  token: string;
  session: Session;
  staff: Staff;
  permissions: string[];
}

export interface AuditEntry {
  id: string;
  object: 'audit_entry';
  at: string;
  actor: { kind: 'staff' | 'user' | 'partner' | 'system'; id: string | null };
  action: string;
  target: { kind: string; id: string } | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}

export interface UserDetail {
  user: User;
  locked: boolean;
  devices: Device[];
  active_sessions: number;
  id_document: IdDocument | null;
  bank_accounts: BankAccount[];
  recent_audit: AuditEntry[];
}

export interface Partner {
  id: string;
  object: 'partner';
  name: string;
  status: 'active' | 'disabled';
  created_at: string;
}

export interface ApiKey {
  id: string;
  object: 'api_key';
  partner_id: string;
  prefix: string;
  scopes: string[];
  status: 'active' | 'expiring' | 'expired' | 'revoked';
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  replaced_by: string | null;
}

export interface SmsMessage {
  id: string;
  to: string;
  template: string;
  lang: 'ko' | 'en';
  body: string | null;
  body_hidden: boolean;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'dead';
  attempts: number;
  created_at: string;
  sent_at: string | null;
  last_error: string | null;
}

export interface Localized {
  ko: string;
  en: string;
}

export interface FeeRule {
  fixed: Money;
  percent_bps: number;
  min: Money;
  max: Money | null;
  free_allowance_per_month?: number;
}

export interface PolicyTier {
  tier: number;
  name: Localized;
  balance_cap: Money;
  per_transaction: { min: Money; max: Money };
  cash_out: { daily: Money; monthly: Money };
  spend: { daily: Money; monthly: Money };
  send: { daily: Money; monthly: Money };
  velocity: { count_per_day: number; sum_per_day: Money };
}

export interface RightsText {
  title: string;
  intro: string;
  rights: string[];
  how_to_dispute: string[];
  contact: string;
}

export interface PolicyWire {
  currency: string;
  time_zone: string;
  tiers: PolicyTier[];
  sources: Record<string, { label: Localized; funding_class: string; clearance_hours: number }>;
  fees: Record<'bank' | 'wallet' | 'agent' | 'atm' | 'merchant' | 'send', FeeRule>;
  cashout: { minimum: Money; quote_validity_seconds: number };
  disputes: { file_within_days: number; acknowledge_within_days: number; resolve_within_days: number };
  rights_text: { ko: RightsText; en: RightsText };
  [section: string]: unknown;
}

export interface PolicyVersionSummary {
  object: 'policy_version';
  version: number;
  status: 'scheduled' | 'in_force' | 'superseded';
  effective_from: string;
  published_at: string;
  checksum: string;
}

export interface PolicyResponse extends Omit<PolicyVersionSummary, 'object'> {
  object: 'policy';
  policy: PolicyWire;
  published_by?: string | null;
}

export interface PolicyChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

export interface PolicyDiff {
  object: 'policy_diff';
  from: number;
  to: number;
  changes: PolicyChange[];
  text: string;
}

export interface ClassBalance {
  posted: Money;
  available: Money;
  held: Money;
  clearing: Money;
}

export interface Wallet {
  id: string;
  object: 'wallet';
  name: string;
  kind: 'main' | 'pot';
  currency: string;
  balances: {
    cashable: ClassBalance;
    spend_only: ClassBalance;
    held_over_cap: Money;
    total_available: Money;
    dust: Money;
  };
}

export const ENTRY_TYPES = ['credit', 'credit_reversal', 'release', 'send', 'move', 'fee', 'cashout', 'cashout_return', 'cash_in', 'payment', 'refund', 'voucher_redemption', 'other'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export interface WalletEntry {
  id: string;
  object: 'wallet_entry';
  created_at: string;
  type: EntryType;
  direction: 'in' | 'out' | 'internal';
  class: 'cashable' | 'spend_only' | 'held_over_cap';
  amount: Money;
  status: 'posted' | 'clearing' | 'pending' | 'held' | 'voided' | 'expired' | 'reversed';
  source: string | null;
  description: string | null;
  note: string | null;
  counterparty: { kind: string; id: string | null; name: string | null; phone: string | null } | null;
  fee: Money | null;
  resolved_at: string | null;
}

export interface PeriodLimit {
  tier_cap: Money;
  self_cap: Money | null;
  effective_cap: Money;
  used: Money;
  count: number;
  remaining: Money;
  pending: { cap: Money | null; effective_at: string } | null;
}

export type LimitKind = 'send' | 'spend' | 'cash_out';

export interface Limits {
  object: 'limits';
  currency: string;
  time_zone: string;
  tier: number;
  policy_version: number;
  raise_cooldown_hours: number;
  limits: Record<LimitKind, { daily: PeriodLimit; monthly: PeriodLimit }>;
  velocity: { count_per_day: number; used_count: number; sum_per_day: Money; used_sum: Money };
}

export interface LimitChange {
  id: string;
  object: 'limit_change';
  kind: LimitKind;
  period: 'daily' | 'monthly';
  cap: Money | null;
  previous_cap: Money | null;
  raising: boolean;
  status: 'applied' | 'waiting' | 'cancelled';
  requested_at: string;
  effective_at: string;
}

export interface Remaining {
  max_amount: Money;
  day: Money;
  month: Money;
}

export interface TransferQuote {
  object: 'transfer_quote';
  to: string;
  amount: Money;
  fee: Money;
  net: Money;
  otp_required: boolean;
  available: Money;
  remaining: Remaining;
  policy_version: number;
}

export interface Transfer {
  id: string;
  object: 'transfer';
  status: 'posted';
  to: string;
  amount: Money;
  fee: Money;
  net: Money;
  note: string | null;
  policy_version: number;
  remaining: Remaining;
  created_at: string;
}

export type PayoutChannel = 'bank' | 'wallet' | 'agent' | 'atm';

export interface Destination {
  id: string;
  object: 'payout_destination';
  kind: PayoutChannel;
  label: string | null;
  display: string;
  bank: { code: string; name: string } | null;
  provider: string | null;
  account_masked: string;
  paid_before: boolean;
  created_at: string;
}

export interface CashoutQuote {
  id: string;
  object: 'cashout_quote';
  wallet: string;
  channel: PayoutChannel;
  destination: { id: string; display: string };
  amount: Money;
  fee: Money;
  net: Money;
  debit: Money;
  dust_kept: Money;
  expected_arrival: { departs_at: string; expected_at: string; departure_date: string; reason: string };
  otp_required: boolean;
  otp_reasons: string[];
  policy_version: number;
  expires_at: string;
  created_at: string;
}

export const CASHOUT_STATES = ['quoted', 'reserved', 'screening', 'submitted', 'settled', 'failed', 'returned', 'held_for_review', 'cancelled'] as const;
export type CashoutState = (typeof CASHOUT_STATES)[number];
export const FINAL_CASHOUT_STATES: readonly CashoutState[] = ['settled', 'failed', 'returned', 'cancelled'];

export interface Cashout {
  id: string;
  object: 'cashout';
  state: CashoutState;
  wallet: string;
  quote: string;
  channel: PayoutChannel;
  destination: { id: string; display: string };
  net: Money;
  fee: Money;
  debit: Money;
  dust_kept: Money;
  policy_version: number;
  reason: { code: string; message: string | null } | null;
  hold_until: string | null;
  origin: 'user' | 'auto_sweep';
  in_batch: boolean;
  receipt_number: string | null;
  expected_at: string;
  created_at: string;
  updated_at: string;
  settled_at: string | null;
  events?: { from: string | null; to: string; reason: string | null; at: string }[];
}

export interface Receipt {
  object: 'cashout_receipt';
  receipt_number: string;
  cashout: string;
  channel: PayoutChannel;
  destination: string;
  debited: Money;
  fee: Money;
  paid: Money;
  dust_kept: Money;
  policy_version: number;
  requested_at: string;
  submitted_at: string | null;
  settled_at: string;
  rail_reference: string | null;
  state: CashoutState;
  returned_at: string | null;
}

export interface AutoSweep {
  object: 'auto_sweep';
  wallet: string;
  threshold: Money;
  destination: string;
  channel: PayoutChannel;
  active: boolean;
  last_swept_at: string | null;
  last_cashout: string | null;
  last_outcome: string | null;
  updated_at: string;
}

export interface PayoutBatch {
  batch: string;
  channel: PayoutChannel;
  items: number;
  refused: number;
  execution_date: string;
}

export interface ReconciliationRun {
  object: 'reconciliation_run';
  id: string;
  statement_id: string;
  message_id: string;
  account_number: string;
  statement_date: string;
  currency: string;
  opening_balance: Money;
  closing_balance: Money;
  book_balance: Money;
  difference: Money;
  clearing_balance: Money;
  cutoff_at: string;
  counts: Record<'matched' | 'unmatched_ours' | 'unmatched_bank' | 'amount_mismatch' | 'returned', number>;
  source: 'api' | 'cli' | 'ingest';
  created_by: string | null;
  created_at: string;
}

export interface ReconciliationItem {
  run: string;
  position: number;
  outcome: 'matched' | 'unmatched_ours' | 'unmatched_bank' | 'amount_mismatch' | 'returned';
  entry_kind: string | null;
  cashout: string | null;
  bank_reference: string | null;
  booking_date: string | null;
  our_amount: Money | null;
  bank_amount: Money | null;
  detail: string;
  return_reason: { code: string; text: string } | null;
}

export interface Reconciliation {
  object: 'reconciliation';
  date: string;
  statements: ReconciliationRun[];
  matched: { data: ReconciliationItem[]; truncated: boolean };
  unmatched_ours: { data: ReconciliationItem[]; truncated: boolean };
  unmatched_bank: { data: ReconciliationItem[]; truncated: boolean };
  amount_mismatches: { data: ReconciliationItem[]; truncated: boolean };
  returned: { data: ReconciliationItem[]; truncated: boolean };
}

export interface FinanceTask {
  object: 'finance_task';
  id: string;
  kind: 'unmatched_ours' | 'unmatched_bank' | 'amount_mismatch' | 'return_not_applied';
  reference: string;
  status: 'open' | 'resolved';
  detail: string;
  reconciliation_run: string | null;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
}

export interface PartnerBalance {
  object: 'partner_balance';
  partner: string;
  available: Money;
  posted: Money;
  reserved: Money;
}
