// The shapes reconciliation shows on the API: amounts on the wire format (balances may be
// negative: an overdrawn account, or a clearing account the bank has over-confirmed).
import { z } from 'zod';
import { fromMinor, moneyWireSchema, toWire, type CurrencyCode, type Micros } from '../../money/index.ts';
import { uuidToId } from '../../shared/ids.ts';
import type { ItemOutcome } from './match.ts';
import { FINANCE_TASK_KINDS, type FinanceTask, type ItemRow, type RunRow } from './reconciliation.sql.ts';

const money = (amount: Micros, currency: CurrencyCode) => toWire({ amount, currency });
const optionalMoney = (amount: Micros | null, currency: CurrencyCode) => (amount === null ? null : money(amount, currency));
const OUTCOMES = ['matched', 'unmatched_ours', 'unmatched_bank', 'amount_mismatch', 'returned'] as const satisfies readonly ItemOutcome[];
const countsWire = z.object({ matched: z.number(), unmatched_ours: z.number(), unmatched_bank: z.number(), amount_mismatch: z.number(), returned: z.number() });

export const runWire = z.object({
  object: z.literal('reconciliation_run'),
  id: z.string(),
  statement_id: z.string(),
  message_id: z.string(),
  account_number: z.string(),
  statement_date: z.string(),
  currency: z.string(),
  opening_balance: moneyWireSchema,
  closing_balance: moneyWireSchema.describe("The bank's closing balance of the trust account"),
  book_balance: moneyWireSchema.describe('The trust account in our books (bank_deposits) after this run'),
  difference: moneyWireSchema.describe('closing_balance − book_balance: zero when our books agree with the bank'),
  clearing_balance: moneyWireSchema.describe('bank_clearing after this run: payouts we settled that no statement has confirmed yet'),
  cutoff_at: z.string().describe('Payouts we settled up to this instant were expected on this statement'),
  counts: countsWire,
  source: z.enum(['api', 'cli', 'ingest']),
  created_by: z.string().nullable(),
  created_at: z.string(),
});

export function runOut(run: RunRow): z.infer<typeof runWire> {
  const closing = fromMinor(run.closingBalanceMinor);
  return {
    object: 'reconciliation_run',
    id: run.id,
    statement_id: run.statementId,
    message_id: run.messageId,
    account_number: run.accountNumber,
    statement_date: run.statementDate,
    currency: run.currency,
    opening_balance: money(fromMinor(run.openingBalanceMinor), run.currency),
    closing_balance: money(closing, run.currency),
    book_balance: money(run.bookBalance, run.currency),
    difference: money((closing - run.bookBalance) as Micros, run.currency),
    clearing_balance: money(run.clearingBalance, run.currency),
    cutoff_at: run.cutoffAt.toISOString(),
    counts: run.counts,
    source: run.source,
    created_by: run.createdBy,
    created_at: run.createdAt.toISOString(),
  };
}

export const itemWire = z.object({
  run: z.string(),
  position: z.number(),
  outcome: z.enum(OUTCOMES),
  entry_kind: z.enum(['payout', 'return', 'deposit', 'fee', 'other']).nullable(),
  cashout: z.string().nullable().describe('The cash-out id (the end-to-end id on the bank statement)'),
  bank_reference: z.string().nullable(),
  booking_date: z.string().nullable(),
  our_amount: moneyWireSchema.nullable(),
  bank_amount: moneyWireSchema.nullable(),
  our_transfer: z.string().nullable().describe('Our settlement posting into bank_clearing'),
  posted_transfer: z.string().nullable().describe('The ledger transfer this item posted'),
  detail: z.string(),
  return_reason: z.object({ code: z.string(), text: z.string() }).nullable(),
  return_applied_at: z.string().nullable(),
  return_error: z.string().nullable(),
});

export function itemOut(item: ItemRow): z.infer<typeof itemWire> {
  return {
    run: item.runId,
    position: item.position,
    outcome: item.outcome,
    entry_kind: item.entryKind,
    cashout: item.cashoutId,
    bank_reference: item.bankReference,
    booking_date: item.bookingDate,
    our_amount: optionalMoney(item.ourAmount, item.currency),
    bank_amount: optionalMoney(item.bankAmount, item.currency),
    our_transfer: item.ourTransferId === null ? null : uuidToId(item.ourTransferId, 'txf'),
    posted_transfer: item.postedTransferId === null ? null : uuidToId(item.postedTransferId, 'txf'),
    detail: item.detail,
    return_reason: item.returnReason,
    return_applied_at: item.returnAppliedAt?.toISOString() ?? null,
    return_error: item.returnError,
  };
}

const itemList = z.object({ data: z.array(itemWire), truncated: z.boolean() });

export const reconciliationWire = z.object({
  object: z.literal('reconciliation'),
  date: z.string(),
  statements: z.array(runWire),
  matched: itemList,
  unmatched_ours: itemList,
  unmatched_bank: itemList,
  amount_mismatches: itemList,
  returned: itemList,
});

export const taskWire = z.object({
  object: z.literal('finance_task'),
  id: z.string(),
  kind: z.enum(FINANCE_TASK_KINDS),
  reference: z.string(),
  status: z.enum(['open', 'resolved']),
  detail: z.string(),
  reconciliation_run: z.string().nullable(),
  created_at: z.string(),
  resolved_at: z.string().nullable(),
  resolved_by: z.string().nullable(),
  resolution: z.string().nullable(),
});

export function taskOut(task: FinanceTask): z.infer<typeof taskWire> {
  return {
    object: 'finance_task',
    id: task.id,
    kind: task.kind,
    reference: task.reference,
    status: task.status,
    detail: task.detail,
    reconciliation_run: task.runId,
    created_at: task.createdAt.toISOString(),
    resolved_at: task.resolvedAt?.toISOString() ?? null,
    resolved_by: task.resolvedBy,
    resolution: task.resolution,
  };
}
