// Handing submitted payouts to their rail. Payouts wait in `submitted` until a batch takes them:
// bank payouts at the policy's batch times (or when the queue reaches the batch size), wallet
// payouts at once. A batch is marked in one transaction (building), then handed to the rail,
// then recorded as handed over; a crash in between is repaired by handing the same batch with
// the same id to the rail again — rails never pay a ref twice.
import { withTransaction } from '../db/index.ts';
import { toMinorFloor } from '../money/index.ts';
import { isBusinessDay, minutesOfDay, nextBusinessDay, toLocalDate, localDateTime, type Policy } from '../policy/index.ts';
import type { BankDestination, ItemResult, PayoutInstruction, RailAdapter } from '../rails/index.ts';
import { newId, uuidToId } from '../shared/ids.ts';
import { insertBatch, markBatchSubmitted, selectBatchItems, takeUnbatched } from './batches.sql.ts';
import type { CashoutDeps, WalletDestination } from './deps.ts';
import { selectDestinations } from './destinations.sql.ts';
import { applyRailResults, type AppliedUpdates } from './rail-updates.ts';
import type { BatchRow, CashoutRow, PayoutChannel } from './tables.ts';
import { transition } from './transitions.ts';

export const REMITTANCE_TEXT = 'smallchange 출금';
/** Wallet payouts go at once, in submissions of at most this many. */
export const WALLET_SUBMIT_MAX = 500;

export interface BatchReport {
  batch: string;
  channel: PayoutChannel;
  items: number;
  executionDate: string;
  /** Refused before the rail saw them (destination no longer usable, rail's own checks). */
  refused: number;
  applied: AppliedUpdates;
}

/**
 * The business day a batch made now asks the bank to execute: today if the bank works today and
 * the day's last batch time has not passed, otherwise the next business day.
 */
export function executionDateOf(policy: Policy, now: Date): string {
  const today = toLocalDate(now, policy.time_zone);
  const times = policy.cashout.batching.bank?.times ?? [];
  const last = times.length > 0 ? minutesOfDay(times[times.length - 1]!) : minutesOfDay(policy.processing.bank.hours?.cut_off ?? '23:59');
  const local = localDateTime(now, policy.time_zone);
  const minutes = local.hour * 60 + local.minute;
  return isBusinessDay(policy, today) && minutes <= last ? today : nextBusinessDay(policy, today);
}

function maxItemsOf(policy: Policy, channel: PayoutChannel, rail: { itemsPerSubmitMax: number }): number {
  const configured = policy.cashout.batching[channel as 'bank' | 'wallet']?.max_items ?? (channel === 'wallet' ? WALLET_SUBMIT_MAX : rail.itemsPerSubmitMax);
  return Math.max(1, Math.min(configured, rail.itemsPerSubmitMax));
}

/** Marks up to one batch's worth of waiting payouts as a new batch; null when none wait. */
export async function createBatch(deps: CashoutDeps, channel: PayoutChannel, slot: string | null, maxItems: number, executionDate: string): Promise<BatchRow | null> {
  return withTransaction(deps.db, async (trx) => {
    const id = newId('bat');
    const now = deps.clock.now();
    const rows = await takeUnbatched(trx, channel, id, maxItems, now);
    if (rows.length === 0) return null;
    const batch: BatchRow = {
      id, channel, slot, execution_date: executionDate, item_count: rows.length,
      total: rows.reduce((sum, row) => sum + row.payout, 0n) as BatchRow['total'], state: 'building', created_at: now, submitted_at: null,
    };
    await insertBatch(trx, batch);
    return batch;
  });
}

interface Prepared<D> {
  instructions: PayoutInstruction<D>[];
  /** Payouts that cannot be sent (the destination was removed or is no longer verified). */
  refused: CashoutRow[];
}

async function prepareBank(deps: CashoutDeps, items: CashoutRow[]): Promise<Prepared<BankDestination>> {
  const destinations = new Map((await selectDestinations(deps.db, [...new Set(items.map((i) => i.destination_id))])).map((d) => [d.id, d]));
  const refs = [...destinations.values()].filter((d) => d.bank_account_id).map((d) => ({ userId: d.user_id, bankAccountId: d.bank_account_id! }));
  const accounts = await deps.identity.revealBankAccounts(deps.db, refs);
  const prepared: Prepared<BankDestination> = { instructions: [], refused: [] };
  for (const item of items) {
    const account = accounts.get(destinations.get(item.destination_id)?.bank_account_id ?? '');
    if (!account) {
      prepared.refused.push(item);
      continue;
    }
    prepared.instructions.push({
      ref: uuidToId(item.id, 'cot'),
      amountMinor: toMinorFloor(item.payout),
      currency: item.currency,
      payeeName: account.holderName,
      destination: { bankCode: account.bankCode, accountNumber: account.accountNumber },
      remittanceInfo: REMITTANCE_TEXT,
    });
  }
  return prepared;
}

async function prepareWallet(deps: CashoutDeps, items: CashoutRow[]): Promise<Prepared<WalletDestination>> {
  const destinations = new Map((await selectDestinations(deps.db, [...new Set(items.map((i) => i.destination_id))])).map((d) => [d.id, d]));
  const prepared: Prepared<WalletDestination> = { instructions: [], refused: [] };
  for (const item of items) {
    const destination = destinations.get(item.destination_id);
    if (!destination?.provider || !destination.wallet_account) {
      prepared.refused.push(item);
      continue;
    }
    prepared.instructions.push({
      ref: uuidToId(item.id, 'cot'),
      amountMinor: toMinorFloor(item.payout),
      currency: item.currency,
      payeeName: destination.wallet_account,
      destination: { provider: destination.provider, account: destination.wallet_account },
      remittanceInfo: REMITTANCE_TEXT,
    });
  }
  return prepared;
}

/** Hands a batch (new, or left building by a crash) to its rail and applies what the rail says at once. */
export async function submitBatch(deps: CashoutDeps, batch: BatchRow): Promise<BatchReport> {
  const items = (await selectBatchItems(deps.db, batch.id)).filter((row) => row.state === 'submitted');
  const actor = `system:${batch.channel}_batch`;
  let prepared: Prepared<unknown>;
  let results: ItemResult[] = [];
  if (batch.channel === 'bank') {
    const rail = deps.rails.bank!;
    const bank = await prepareBank(deps, items);
    prepared = bank;
    if (bank.instructions.length > 0) results = await rail.submit({ batchId: batch.id, executionDate: batch.execution_date, items: bank.instructions });
  } else {
    const rail: RailAdapter<WalletDestination> = deps.rails.wallet!;
    const wallet = await prepareWallet(deps, items);
    prepared = wallet;
    if (wallet.instructions.length > 0) results = await rail.submit({ batchId: batch.id, executionDate: batch.execution_date, items: wallet.instructions });
  }
  await withTransaction(deps.db, (trx) => markBatchSubmitted(trx, batch.id, deps.clock.now()));
  if (prepared.refused.length > 0) {
    await transition(deps, prepared.refused.map((row) => ({ id: row.id, reasonCode: 'destination_not_verified', reasonText: 'The destination was removed or is no longer verified.' })), 'failed', { actor, from: ['submitted'] });
  }
  const applied = await applyRailResults(deps, results, actor);
  return { batch: batch.id, channel: batch.channel, items: items.length, executionDate: batch.execution_date, refused: prepared.refused.length + applied.failed, applied };
}

/** Batches and submits everything waiting on a channel now (the CLI's `payouts run`, and the jobs). */
export async function runBatches(deps: CashoutDeps, channel: PayoutChannel, slot: string | null = null): Promise<BatchReport[]> {
  const rail = channel === 'bank' ? deps.rails.bank : deps.rails.wallet;
  if (!rail) return [];
  const policy = (await deps.policy.inForce()).policy;
  const maxItems = maxItemsOf(policy, channel, rail);
  const executionDate = channel === 'bank' ? executionDateOf(policy, deps.clock.now()) : toLocalDate(deps.clock.now(), policy.time_zone);
  const reports: BatchReport[] = [];
  for (;;) {
    const batch = await createBatch(deps, channel, slot, maxItems, executionDate);
    if (!batch) return reports;
    reports.push(await submitBatch(deps, batch));
  }
}
