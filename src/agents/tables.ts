// The agents tables (migrations/0070_agents.sql) as Kysely sees them. Amounts are Micros.
import type { AccountId } from '../ledger/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** Per weekday, opening intervals ["09:00", "21:00"] in the operator's time zone; [] = closed. */
export type OpeningHours = Record<Weekday, Array<[string, string]>>;

export interface AgentRow {
  id: string;
  name: string;
  lat: number;
  lng: number;
  opening_hours: OpeningHours;
  phone: string;
  staff_id: string;
  owner_user_id: string;
  onboarded_by: string;
  float_account: AccountId;
  commission_account: AccountId;
  currency: CurrencyCode;
  cash_on_hand: Micros;
  status: 'active' | 'suspended';
  low_float_alerted_at: Date | null;
  created_at: Date;
  /** One of the owner's verified bank accounts (dst_…): where float withdrawals are paid (migration 0100). */
  bank_account_id: string | null;
  status_reason: string | null;
  status_changed_at: Date | null;
  status_changed_by: string | null;
}

export type AgentTransactionKind = 'cash_out' | 'cash_in' | 'top_up' | 'withdrawal';

export interface AgentTransactionRow {
  id: string;
  agent_id: string;
  kind: AgentTransactionKind;
  float_delta: Micros;
  commission: Micros;
  currency: CurrencyCode;
  user_id: string | null;
  reference: string;
  receipt: string | null;
  at: Date;
}

export type CashInStatus = 'awaiting_user' | 'completed' | 'declined' | 'expired';

export interface CashInRow {
  id: string;
  agent_id: string;
  user_id: string;
  wallet_id: string;
  amount: Micros;
  commission: Micros;
  currency: CurrencyCode;
  status: CashInStatus;
  idempotency_key: string;
  expires_at: Date;
  created_at: Date;
  finished_at: Date | null;
}

/**
 * requested → approved (top-up: booked against a stated deposit; withdrawal: float reserved and
 * sent to the bank) | rejected; a withdrawal then → settled | failed, settled → returned.
 */
export type RebalanceStatus = 'requested' | 'approved' | 'rejected' | 'settled' | 'failed' | 'returned';

export interface RebalanceRow {
  id: string;
  agent_id: string;
  direction: 'top_up' | 'withdrawal';
  amount: Micros;
  currency: CurrencyCode;
  status: RebalanceStatus;
  requested_by: string;
  decided_by: string | null;
  note: string | null;
  bank_reference: string | null;
  created_at: Date;
  decided_at: Date | null;
  /** The pain.001 batch a withdrawal went out in (null: not handed to the bank yet). */
  batch_id: string | null;
  reason_code: string | null;
  reason_text: string | null;
  resolved_at: Date | null;
}

declare module '../db/schema.ts' {
  interface DB {
    agents: Omit<AgentRow, 'opening_hours'> & { opening_hours: unknown };
    agent_transactions: AgentTransactionRow;
    agent_cash_ins: CashInRow;
    agent_rebalances: RebalanceRow;
  }
}
