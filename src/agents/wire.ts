// The agents API's shapes (zod, for responses and OpenAPI) and the functions that build them.
import { z } from 'zod';
import { moneyWireSchema, toWire, type CurrencyCode, type Micros } from '../money/index.ts';
import type { BankAccountView } from '../identity/index.ts';
import type { AgentBalances, NearbyAgent } from './registry.ts';
import type { AgentStatement } from './statement.ts';
import type { AgentRow, CashInRow, RebalanceRow } from './tables.ts';

const iso = z.string().meta({ description: 'ISO 8601 time (UTC)' });
const money = (amount: bigint, currency: CurrencyCode) => toWire({ amount: amount as Micros, currency });

export const agentWire = z.object({
  id: z.string(),
  object: z.literal('agent'),
  name: z.string(),
  lat: z.number(),
  lng: z.number(),
  opening_hours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  status: z.enum(['active', 'suspended']),
  staff: z.string(),
  owner: z.string(),
  onboarded_by: z.string(),
  float: moneyWireSchema.optional(),
  commission_balance: moneyWireSchema.optional(),
  cash_on_hand: moneyWireSchema,
  low_float: z.boolean().optional(),
  status_reason: z.string().nullable().meta({ description: 'Why the agent was last suspended or reactivated' }),
  bank_account: z.object({ id: z.string(), bank_code: z.string(), number: z.string().meta({ description: 'Masked: ****1234' }), holder: z.string() }).nullable().optional()
    .meta({ description: 'Where float withdrawals are paid: one of the owner\'s verified accounts (null: none recorded)' }),
  created_at: iso,
});

export function bankAccountOut(account: BankAccountView | null): z.infer<typeof agentWire>['bank_account'] {
  return account ? { id: account.id, bank_code: account.bankCode, number: account.maskedNumber, holder: account.holderName } : null;
}

export function agentOut(row: AgentRow, balances?: AgentBalances, lowAlert?: Micros, bankAccount?: BankAccountView | null): z.infer<typeof agentWire> {
  return {
    id: row.id, object: 'agent', name: row.name, lat: row.lat, lng: row.lng, opening_hours: row.opening_hours, status: row.status,
    status_reason: row.status_reason ?? null,
    ...(bankAccount !== undefined ? { bank_account: bankAccountOut(bankAccount) } : {}),
    staff: row.staff_id, owner: row.owner_user_id, onboarded_by: row.onboarded_by, cash_on_hand: money(row.cash_on_hand, row.currency),
    ...(balances
      ? {
          float: money(balances.float.available, row.currency),
          commission_balance: money(balances.commission.available, row.currency),
          ...(lowAlert !== undefined ? { low_float: balances.float.available < lowAlert } : {}),
        }
      : {}),
    created_at: row.created_at.toISOString(),
  };
}

export const nearbyWire = z.object({
  object: z.literal('list'),
  data: z.array(z.object({
    agent: z.string(), name: z.string(), lat: z.number(), lng: z.number(), distance_m: z.number().int(), open: z.boolean(),
    can_pay: z.boolean().nullable().meta({ description: 'Whether the shop holds enough cash for the amount asked (null when no amount was given)' }),
  })),
});

export function nearbyOut(entries: NearbyAgent[]): z.infer<typeof nearbyWire> {
  return {
    object: 'list',
    data: entries.map((e) => ({ agent: e.agent.id, name: e.agent.name, lat: e.agent.lat, lng: e.agent.lng, distance_m: e.distance_m, open: e.open, can_pay: e.canPay })),
  };
}

export const withdrawalWire = z.object({
  object: z.literal('agent_withdrawal'),
  cashout: z.string(),
  agent: z.string(),
  amount: moneyWireSchema.meta({ description: 'The cash the agent hands over' }),
  commission: moneyWireSchema,
  receipt_number: z.string().nullable(),
  settled_at: iso.nullable(),
  person_name: z.string().nullable().meta({ description: 'The person collecting the cash, masked (김*늘): ask before handing it over' }),
});

export const cashInWire = z.object({
  id: z.string(),
  object: z.literal('agent_cash_in'),
  agent: z.string(),
  agent_name: z.string().meta({ description: 'The shop, as the person\'s SMS and receipt name it' }),
  user: z.string(),
  amount: moneyWireSchema,
  commission: moneyWireSchema,
  status: z.enum(['awaiting_user', 'completed', 'declined', 'expired']),
  expires_at: iso,
  created_at: iso,
  finished_at: iso.nullable(),
});

export function cashInOut(row: CashInRow, agentName: string): z.infer<typeof cashInWire> {
  return {
    id: row.id, object: 'agent_cash_in', agent: row.agent_id, agent_name: agentName, user: row.user_id, amount: money(row.amount, row.currency), commission: money(row.commission, row.currency),
    status: row.status, expires_at: row.expires_at.toISOString(), created_at: row.created_at.toISOString(), finished_at: row.finished_at?.toISOString() ?? null,
  };
}

export const rebalanceWire = z.object({
  id: z.string(),
  object: z.literal('agent_rebalance'),
  agent: z.string(),
  direction: z.enum(['top_up', 'withdrawal']),
  amount: moneyWireSchema,
  status: z.enum(['requested', 'approved', 'rejected', 'settled', 'failed', 'returned'])
    .meta({ description: 'top_up: requested → approved | rejected. withdrawal: requested → approved (float reserved, sent to the bank) → settled | failed; settled → returned' }),
  requested_by: z.string(),
  decided_by: z.string().nullable(),
  note: z.string().nullable(),
  bank_reference: z.string().nullable().meta({ description: 'top_up: the bank\'s reference of the deposit it was approved against' }),
  batch_id: z.string().nullable().meta({ description: 'withdrawal: the pain.001 batch it went out in' }),
  failure: z.object({ code: z.string(), message: z.string() }).nullable().meta({ description: 'withdrawal: why the bank refused or returned it' }),
  created_at: iso,
  decided_at: iso.nullable(),
});

export function rebalanceOut(row: RebalanceRow): z.infer<typeof rebalanceWire> {
  return {
    id: row.id, object: 'agent_rebalance', agent: row.agent_id, direction: row.direction, amount: money(row.amount, row.currency), status: row.status,
    requested_by: row.requested_by, decided_by: row.decided_by, note: row.note, bank_reference: row.bank_reference, batch_id: row.batch_id ?? null,
    failure: row.reason_code ? { code: row.reason_code, message: row.reason_text ?? '' } : null,
    created_at: row.created_at.toISOString(), decided_at: row.decided_at?.toISOString() ?? null,
  };
}

export const statementWire = z.object({
  object: z.literal('agent_statement'),
  agent: z.string(),
  date: z.string(),
  opening_float: moneyWireSchema,
  float_in: moneyWireSchema,
  float_out: moneyWireSchema,
  closing_float: moneyWireSchema,
  commission: moneyWireSchema,
  lines: z.array(z.object({ at: iso, kind: z.string(), float_delta: moneyWireSchema, commission: moneyWireSchema, reference: z.string(), receipt: z.string().nullable() })),
});

export function statementOut(s: AgentStatement): z.infer<typeof statementWire> {
  const c = s.agent.currency;
  return {
    object: 'agent_statement', agent: s.agent.id, date: s.date,
    opening_float: money(s.opening_float, c), float_in: money(s.float_in, c), float_out: money(s.float_out, c), closing_float: money(s.closing_float, c), commission: money(s.commission, c),
    lines: s.lines.map((l) => ({ at: l.at.toISOString(), kind: l.kind, float_delta: money(l.float_delta, l.currency), commission: money(l.commission, l.currency), reference: l.reference, receipt: l.receipt })),
  };
}
