// One batch inside one transaction: load and lock what it touches, plan it in memory (apply.ts),
// write the plan set-based. Used by the group committer and by createTransfersIn alike.
import { derivedUuid } from '../shared/ids.ts';
import type { Executor } from '../db/index.ts';
import { planBatch, validateShape, type LoadedState } from './apply.ts';
import type { TransferResult } from './errors.ts';
import { lockAccounts, selectExpiredHolds, selectHolds, selectResolutions, selectTransfers, writePlan } from './ledger.sql.ts';
import { TransferFlags, type TransferId, type TransferInput } from './types.ts';

/** The id of the void that expires a pending transfer: deterministic, so expiring twice is `exists`. */
export function expiryId(pendingId: string): TransferId {
  return derivedUuid(`smallchange:expire:${pendingId}`) as TransferId;
}

export function isExpiryId(id: string, pendingId: string): boolean {
  return id === expiryId(pendingId);
}

export async function applyBatch(
  executor: Executor,
  batch: TransferInput[],
  now: Date,
  /** Sizes of the callers' batches merged into this one (group commit); default: one caller. */
  segments: number[] = [batch.length],
  /**
   * Look up the batch's own ids first (idempotency). Off by default: new ids are the common case,
   * so the batch is planned optimistically and the insert's unique index catches a replay — the
   * caller then runs the batch again with precheck on (see DuplicateTransferError).
   */
  precheck = false,
): Promise<TransferResult[]> {
  const wellFormed = batch.filter((t) => validateShape(t) === null);
  const pendingIds = [...new Set(wellFormed.filter((t) => t.pending_id).map((t) => t.pending_id!))];
  const lookup = precheck ? [...new Set([...wellFormed.map((t) => t.id), ...pendingIds])] : pendingIds;
  const existing = await selectTransfers(executor, lookup);
  const byId = new Map(existing.map((t) => [t.id as string, t]));

  const accountIds = new Set<string>();
  for (const t of wellFormed) {
    if (t.debit_account_id) accountIds.add(t.debit_account_id);
    if (t.credit_account_id) accountIds.add(t.credit_account_id);
    const pending = t.pending_id ? byId.get(t.pending_id) : undefined;
    if (pending) {
      accountIds.add(pending.debit_account_id);
      accountIds.add(pending.credit_account_id);
    }
  }
  // Reservations past their timeout on these accounts are voided first, inside this batch:
  // an expired hold never counts against a balance, even before the expiry job has run. Voiding
  // one touches its other account too, so that account joins the lock set (found before locking,
  // to keep the one lock order; a hold that expires in between is locked late, which at worst is
  // a deadlock that the transaction helper retries).
  const present = [...accountIds];
  for (const hold of await selectExpiredHolds(executor, present, now)) {
    accountIds.add(hold.debit_account_id);
    accountIds.add(hold.credit_account_id);
  }
  const locked = await lockAccounts(executor, [...accountIds]);
  const expired = await selectExpiredHolds(executor, present, now);
  const late = expired.flatMap((h) => [h.debit_account_id, h.credit_account_id]).filter((id) => !accountIds.has(id));
  if (late.length > 0) locked.push(...(await lockAccounts(executor, late)));
  const expiredPendings = expired.filter((h) => !byId.has(h.pending_id)).map((h) => h.pending_id);
  for (const t of await selectTransfers(executor, expiredPendings)) byId.set(t.id, t);
  const expiries: TransferInput[] = expired.map((hold) => ({
    id: expiryId(hold.pending_id),
    pending_id: hold.pending_id,
    currency: byId.get(hold.pending_id)!.currency,
    code: 0,
    flags: TransferFlags.void_pending,
    metadata: { reason: 'expired' },
  }));

  const allPending = [...new Set([...pendingIds, ...expired.map((h) => h.pending_id)])];
  const holds = await selectHolds(executor, allPending);
  const unresolved = new Set(holds.map((h) => h.pending_id));
  const resolutions = await selectResolutions(executor, allPending.filter((id) => !unresolved.has(id) && byId.has(id)), isExpiryId);

  const state: LoadedState = {
    accounts: new Map(locked.map((a) => [a.id, a])),
    existing: byId,
    holds: new Map(holds.map((h) => [h.pending_id, h])),
    resolutions,
  };
  const segmentEnds = new Set<number>();
  let end = expiries.length - 1;
  for (const size of segments) {
    end += size;
    segmentEnds.add(end);
  }
  let plan = planBatch([...expiries, ...batch], state, { now, isExpiryId, segmentEnds });
  if (!precheck && plan.results.some((r) => r !== 'ok')) {
    // A failure may be a replay in disguise (`exists` outranks every lookup-based failure, and a
    // replayed member changes how its chain plays out): consult the journal and plan again.
    const replays = await selectTransfers(executor, wellFormed.map((t) => t.id).filter((id) => !byId.has(id)));
    if (replays.length > 0) {
      for (const t of replays) byId.set(t.id, t);
      plan = planBatch([...expiries, ...batch], state, { now, isExpiryId, segmentEnds });
    }
  }

  await writePlan(executor, plan);
  return plan.results.slice(expiries.length);
}
