// Shapes of the agents and payments APIs (src/agents/wire.ts, src/payments/wire.ts) as the app reads them.
import type { Money } from '../lib/money.ts';

export interface AgentShop {
  id: string;
  object: 'agent';
  name: string;
  status: 'active' | 'suspended';
  float?: Money;
  commission_balance?: Money;
  cash_on_hand: Money;
  low_float?: boolean;
}

export interface AgentWithdrawal {
  object: 'agent_withdrawal';
  cashout: string;
  agent: string;
  amount: Money;
  commission: Money;
  receipt_number: string | null;
  settled_at: string | null;
}

export interface AgentCashIn {
  id: string;
  object: 'agent_cash_in';
  amount: Money;
  commission: Money;
  status: 'awaiting_user' | 'completed' | 'declined' | 'expired';
  expires_at: string;
  created_at: string;
  finished_at: string | null;
}

export interface AgentRebalance {
  id: string;
  object: 'agent_rebalance';
  direction: 'top_up' | 'withdrawal';
  amount: Money;
  status: 'requested' | 'approved' | 'rejected' | 'settled' | 'failed' | 'returned';
  created_at: string;
}

export interface AgentStatement {
  object: 'agent_statement';
  date: string;
  opening_float: Money;
  float_in: Money;
  float_out: Money;
  closing_float: Money;
  commission: Money;
  lines: { at: string; kind: string; float_delta: Money; commission: Money; reference: string; receipt: string | null }[];
}

export interface NearbyAgent {
  agent: string;
  name: string;
  lat: number;
  lng: number;
  distance_m: number;
  open: boolean;
  can_pay: boolean | null;
}

export interface MerchantRef {
  id: string;
  merchant_code: string;
  name: string;
}

export interface Voucher {
  id: string;
  object: 'voucher';
  status: 'active' | 'used' | 'expired' | 'locked';
  face_value: Money;
  remaining: Money;
  merchants: MerchantRef[];
  code_last4: string;
  sent_to: string | null;
  expires_at: string;
  created_at: string;
  /** Only in the answer to the purchase, once. */
  code?: string;
  pin?: string;
}

export interface Subscription {
  id: string;
  object: 'subscription';
  status: 'requested' | 'active' | 'cancelled';
  merchant: MerchantRef;
  amount: Money;
  period: 'daily' | 'weekly' | 'monthly';
  description: string;
  next_charge_at: string | null;
  created_at: string;
  cancelled_at: string | null;
}

export interface Payment {
  id: string;
  object: 'payment';
  merchant: MerchantRef;
  amount: Money;
  funding: { spend_only: Money; cashable: Money };
  receipt_number: string;
  created_at: string;
}

/** Today's date (YYYY-MM-DD) in the operator's time zone, which is what statements count by. */
export function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
