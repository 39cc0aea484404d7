// Driving cash-outs from one state to the next, many at a time. The order is the same for every
// transition (a Medusa-style step: do the effect, then record it):
//   1. the ledger effect of the target state (post / void / return), idempotent by derived ids;
//   2. in one transaction: the state change guarded by the from-states, its event, the messages.
// A crash between 1 and 2 leaves the old state with the effect done; running the transition
// again finds the effect `exists` and records the change. Nothing is paid twice, and nothing is
// recorded that did not happen.
import { withTransaction } from '../db/index.ts';
import { TRANSFERS_PER_CALL_MAX, type TransferInput, type TransferResult } from '../ledger/index.ts';
import { systemAccountId } from '../wallets/index.ts';
import { uuidToId } from '../shared/ids.ts';
import type { CashoutDeps } from './deps.ts';
import { markFirstPayouts } from './destinations.sql.ts';
import { isUniqueViolation, selectCashouts, transitionRows, type TransitionedRow, type TransitionItem } from './cashouts.sql.ts';
import {
  lateSettleTransfers, postTransfers, returnTransfers, stepOutcome, voidTransfers, type CashoutLedgerRef, type StepOutcome,
} from './ledger-plan.ts';
import { notifyChanges } from './notifications.ts';
import { receiptNumberFor } from './receipt-number.ts';
import { canTransition, ledgerEffectOf, type CashoutState } from './states.ts';
import type { CashoutRow } from './tables.ts';

/** Cash-outs per transaction (and per ledger call: two legs each stay under the call limit). */
export const TRANSITION_CHUNK = 4_000;

export interface TransitionOptions {
  actor: string;
  /** Send the SMS of the new state (default true). */
  sms?: boolean;
  /** Only from these states (default: every state the table allows into `to`). */
  from?: readonly CashoutState[];
}

export function ledgerRefOf(row: Pick<CashoutRow, 'id' | 'currency' | 'payout' | 'fee' | 'debit_account' | 'clearing_account'>): CashoutLedgerRef {
  return {
    id: row.id,
    publicId: uuidToId(row.id, 'cot'),
    currency: row.currency,
    payout: row.payout,
    fee: row.fee,
    debitAccount: row.debit_account,
    clearingAccount: row.clearing_account,
    feeAccount: systemAccountId('fee_income', row.currency),
  };
}

/** Runs each cash-out's chain of transfers through the ledger; one outcome per cash-out. */
export async function runLedgerStep(
  deps: Pick<CashoutDeps, 'ledger'>,
  rows: readonly CashoutRow[],
  plan: (ref: CashoutLedgerRef) => TransferInput[],
): Promise<Map<string, { outcome: StepOutcome; detail: TransferResult }>> {
  const outcomes = new Map<string, { outcome: StepOutcome; detail: TransferResult }>();
  let transfers: TransferInput[] = [];
  let owners: { id: string; count: number }[] = [];
  const flush = async () => {
    if (transfers.length === 0) return;
    const results = await deps.ledger.createTransfers(transfers);
    let offset = 0;
    for (const owner of owners) {
      outcomes.set(owner.id, stepOutcome(results.slice(offset, offset + owner.count)));
      offset += owner.count;
    }
    transfers = [];
    owners = [];
  };
  for (const row of rows) {
    const chain = plan(ledgerRefOf(row));
    if (transfers.length + chain.length > TRANSFERS_PER_CALL_MAX) await flush();
    transfers.push(...chain);
    owners.push({ id: row.id, count: chain.length });
  }
  await flush();
  return outcomes;
}

/**
 * The ledger effect of entering `to`, for rows that may enter it. Returns the ids whose effect is
 * in the journal (or, for a void, whose reservation had lapsed: the money is back either way).
 */
async function applyEffect(deps: CashoutDeps, rows: CashoutRow[], to: CashoutState, items: Map<string, TransitionItem>): Promise<Set<string>> {
  const effect = ledgerEffectOf(to);
  const ready = new Set<string>();
  if (effect === 'none' || effect === 'reserve') {
    for (const row of rows) ready.add(row.id);
    return ready;
  }
  if (effect === 'void') {
    const outcomes = await runLedgerStep(deps, rows, (ref) => voidTransfers(ref, items.get(ref.id)?.reasonCode ?? to));
    for (const row of rows) {
      const result = outcomes.get(row.id)!;
      if (result.outcome === 'done' || result.outcome === 'lapsed') ready.add(row.id);
      else deps.alert('cash-out reservation could not be voided', { cashout: uuidToId(row.id, 'cot'), result: result.detail, to });
    }
    return ready;
  }
  if (effect === 'return') {
    const outcomes = await runLedgerStep(deps, rows, (ref) => returnTransfers(ref, items.get(ref.id)?.reasonCode ?? 'NARR'));
    for (const row of rows) {
      const result = outcomes.get(row.id)!;
      if (result.outcome === 'done') ready.add(row.id);
      else deps.alert('cash-out return could not be credited', { cashout: uuidToId(row.id, 'cot'), result: result.detail });
    }
    return ready;
  }
  const outcomes = await runLedgerStep(deps, rows, postTransfers);
  const lapsed: CashoutRow[] = [];
  for (const row of rows) {
    const result = outcomes.get(row.id)!;
    if (result.outcome === 'done') ready.add(row.id);
    else if (result.outcome === 'lapsed') lapsed.push(row);
    else deps.alert('cash-out reservation could not be posted', { cashout: uuidToId(row.id, 'cot'), result: result.detail });
  }
  if (lapsed.length > 0) {
    // The rail paid after the ledger's timeout released the hold: take the money now if it is
    // still there; if it is not, the payout is settled all the same (it happened) and finance
    // is told, because the operator paid money the wallet no longer holds.
    const late = await runLedgerStep(deps, lapsed, lateSettleTransfers);
    for (const row of lapsed) {
      const result = late.get(row.id)!;
      const item = items.get(row.id);
      if (result.outcome !== 'done') {
        deps.alert('payout settled after its reservation lapsed and the wallet no longer holds the money', { cashout: uuidToId(row.id, 'cot'), result: result.detail });
        if (item) item.reasonCode = 'reservation_lapsed_unfunded';
      } else if (item) item.reasonCode = 'reservation_lapsed';
      ready.add(row.id);
    }
  }
  return ready;
}

/**
 * Moves the given cash-outs to `to` where the state table allows it; returns those that moved.
 * Rows already in `to` (a duplicate answer) or in a state that cannot lead there (an answer
 * that contradicts a final state) are left as they are.
 */
export async function transition(deps: CashoutDeps, input: readonly TransitionItem[], to: CashoutState, options: TransitionOptions): Promise<TransitionedRow[]> {
  const moved: TransitionedRow[] = [];
  for (let start = 0; start < input.length; start += TRANSITION_CHUNK) {
    moved.push(...(await transitionChunk(deps, input.slice(start, start + TRANSITION_CHUNK), to, options)));
  }
  return moved;
}

async function transitionChunk(deps: CashoutDeps, input: readonly TransitionItem[], to: CashoutState, options: TransitionOptions): Promise<TransitionedRow[]> {
  const items = new Map(input.map((item) => [item.id, { ...item }]));
  const allowed = (state: CashoutState) => canTransition(state, to) && (!options.from || options.from.includes(state));
  const rows = (await selectCashouts(deps.db, [...items.keys()])).filter((row) => allowed(row.state));
  if (rows.length === 0) return [];
  const ready = await applyEffect(deps, rows, to, items);
  const policy = (await deps.policy.inForce()).policy;
  const now = deps.clock.now();
  const toMove = rows.filter((row) => ready.has(row.id)).map((row) => items.get(row.id)!);
  if (to === 'settled') for (const item of toMove) item.receiptNumber ??= receiptNumberFor(item.id, now, policy.time_zone);
  const from = [...new Set(rows.map((row) => row.state))].filter(allowed);

  for (let attempt = 0; ; attempt++) {
    try {
      return await withTransaction(deps.db, async (trx) => {
        const changed = await transitionRows(trx, toMove, from, to, options.actor, now);
        if (to === 'settled') await markFirstPayouts(trx, changed.map((row) => row.destination_id), now);
        await notifyChanges(
          trx,
          deps.clock,
          policy.time_zone,
          changed.map((row) => ({ row, from: row.from_state, partner: row.wallet_provider, sms: options.sms ?? true })),
        );
        return changed;
      });
    } catch (error) {
      // Two receipts drew the same number: draw again for those that clash, then retry.
      if (to !== 'settled' || !isUniqueViolation(error) || attempt >= 3) throw error;
      await redrawClashingReceipts(deps, toMove, now, policy.time_zone, attempt + 1);
    }
  }
}

async function redrawClashingReceipts(deps: CashoutDeps, items: TransitionItem[], now: Date, timeZone: string, attempt: number): Promise<void> {
  const numbers = items.map((item) => item.receiptNumber!).filter(Boolean);
  const taken = await deps.db.selectFrom('cashouts').select(['id', 'receipt_number']).where('receipt_number', 'in', numbers).execute();
  const byNumber = new Map(taken.map((row) => [row.receipt_number, row.id]));
  const seen = new Set<string>();
  for (const item of items) {
    const clash = byNumber.has(item.receiptNumber!) && byNumber.get(item.receiptNumber!) !== item.id;
    if (clash || seen.has(item.receiptNumber!)) item.receiptNumber = receiptNumberFor(item.id, now, timeZone, attempt);
    seen.add(item.receiptNumber!);
  }
}
