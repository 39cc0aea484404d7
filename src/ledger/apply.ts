// The ledger's state machine: given a batch and the state it touches (loaded and locked by the
// caller), decide one result per transfer and the writes that follow. Pure: no I/O, so the same
// code runs inside the group committer's transaction and inside a caller's transaction, and the
// property tests can drive it against an independent reference model.
import { MICROS_MAX, type Micros } from '../money/index.ts';
import { canonicalJson } from './canonical.ts';
import type { TransferResult } from './errors.ts';
import { AccountFlags, TransferFlags, type AccountId, type CurrencyCode, type Transfer, type TransferId, type TransferInput } from './types.ts';

export interface AccountState {
  id: AccountId;
  currency: CurrencyCode;
  flags: number;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
}

export interface Hold {
  pending_id: TransferId;
  debit_account_id: AccountId;
  credit_account_id: AccountId;
  amount: bigint;
  expires_at: Date | null;
}

/** How an already-resolved pending transfer ended. */
export type Resolution = 'posted' | 'voided' | 'expired';

export interface LoadedState {
  /** Locked rows of every account the batch touches (missing = not found). */
  accounts: Map<string, AccountState>;
  /** Transfers already in the journal whose id is in the batch, or referenced as pending_id. */
  existing: Map<string, Transfer>;
  /** Active holds of referenced pending transfers. */
  holds: Map<string, Hold>;
  /** Resolved pending transfers referenced by the batch. */
  resolutions: Map<string, Resolution>;
}

export interface BatchPlan {
  results: TransferResult[];
  /** New journal rows, in batch order. */
  inserts: Transfer[];
  /** Accounts whose totals changed, with their new totals. */
  accounts: AccountState[];
  newHolds: Hold[];
  resolvedHolds: TransferId[];
}

const KNOWN_TRANSFER_FLAGS = TransferFlags.linked | TransferFlags.pending | TransferFlags.post_pending | TransferFlags.void_pending;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** Pending reservations last at most ~68 years: timeout_s is an int4. */
export const TIMEOUT_S_MAX = 2_147_483_647;
/** Metadata is for references, not documents. */
export const METADATA_BYTES_MAX = 4096;

function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Malformed fields are rejected before anything is looked up. */
function malformed(t: TransferInput): boolean {
  if (!isUuid(t.id)) return true;
  if (t.debit_account_id !== undefined && !isUuid(t.debit_account_id)) return true;
  if (t.credit_account_id !== undefined && !isUuid(t.credit_account_id)) return true;
  if (t.pending_id !== undefined && !isUuid(t.pending_id)) return true;
  if (t.amount !== undefined && (typeof t.amount !== 'bigint' || t.amount < 0n || t.amount > MICROS_MAX)) return true;
  if (!Number.isInteger(t.code) || t.code < 0 || t.code > 65535) return true;
  const flags = t.flags ?? 0;
  if (!Number.isInteger(flags) || (flags & ~KNOWN_TRANSFER_FLAGS) !== 0) return true;
  const timeout = t.timeout_s ?? 0;
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > TIMEOUT_S_MAX) return true;
  if (t.metadata !== undefined && t.metadata !== null) {
    if (typeof t.metadata !== 'object' || Array.isArray(t.metadata)) return true;
    if (canonicalJson(t.metadata).length > METADATA_BYTES_MAX) return true;
  }
  return false;
}

function isResolving(flags: number): boolean {
  return (flags & (TransferFlags.post_pending | TransferFlags.void_pending)) !== 0;
}

/** Checks that need nothing but the transfer itself, in documented precedence. */
export function validateShape(t: TransferInput): TransferResult | null {
  const flags = t.flags ?? 0;
  const kinds = [TransferFlags.pending, TransferFlags.post_pending, TransferFlags.void_pending].filter((f) => (flags & f) !== 0);
  if (kinds.length > 1) return 'flags_are_mutually_exclusive';
  if (malformed(t)) return 'invalid_field';
  if (t.id === NIL_UUID) return 'id_must_not_be_zero';
  if (isResolving(flags)) {
    if (t.debit_account_id === NIL_UUID) return 'debit_account_id_must_not_be_zero';
    if (t.credit_account_id === NIL_UUID) return 'credit_account_id_must_not_be_zero';
    if (t.debit_account_id && t.debit_account_id === t.credit_account_id) return 'accounts_must_be_different';
    if (!t.pending_id || t.pending_id === NIL_UUID) return 'pending_id_must_not_be_zero';
    if (t.pending_id === t.id) return 'pending_id_must_be_different';
    if ((t.timeout_s ?? 0) !== 0) return 'timeout_reserved_for_pending_transfer';
    return null;
  }
  if (!t.debit_account_id || t.debit_account_id === NIL_UUID) return 'debit_account_id_must_not_be_zero';
  if (!t.credit_account_id || t.credit_account_id === NIL_UUID) return 'credit_account_id_must_not_be_zero';
  if (t.debit_account_id === t.credit_account_id) return 'accounts_must_be_different';
  if (t.pending_id !== undefined) return 'pending_id_must_be_zero';
  if ((t.timeout_s ?? 0) !== 0 && (flags & TransferFlags.pending) === 0) return 'timeout_reserved_for_pending_transfer';
  if (t.amount === undefined || t.amount === 0n) return 'amount_must_not_be_zero';
  if (t.code === 0) return 'code_must_not_be_zero';
  return null;
}

/** Same id again: the fields the caller gave must match what the journal holds. */
function sameAsExisting(t: TransferInput, e: Transfer): boolean {
  const flags = t.flags ?? 0;
  // `linked` is about how the batch was built, not what the transfer is.
  if ((flags & ~TransferFlags.linked) !== (e.flags & ~TransferFlags.linked)) return false;
  if (t.currency !== e.currency) return false;
  if (t.debit_account_id !== undefined && t.debit_account_id !== e.debit_account_id) return false;
  if (t.credit_account_id !== undefined && t.credit_account_id !== e.credit_account_id) return false;
  if (t.amount !== undefined && t.amount !== e.amount) return false;
  if (t.code !== 0 && t.code !== e.code) return false;
  if ((t.pending_id ?? null) !== e.pending_id) return false;
  if ((t.timeout_s ?? 0) !== e.timeout_s) return false;
  return canonicalJson(t.metadata ?? null) === canonicalJson(e.metadata);
}

class Scratch {
  readonly accounts = new Map<string, AccountState>();
  readonly created = new Map<string, Transfer>();
  readonly holds = new Map<string, Hold | null>();
  readonly resolutions = new Map<string, Resolution>();
  constructor(private readonly state: LoadedState) {}

  account(id: string): AccountState | undefined {
    return this.accounts.get(id) ?? this.state.accounts.get(id);
  }
  transfer(id: string): Transfer | undefined {
    return this.created.get(id) ?? this.state.existing.get(id);
  }
  hold(pendingId: string): Hold | undefined {
    const local = this.holds.get(pendingId);
    if (local === null) return undefined;
    return local ?? this.state.holds.get(pendingId);
  }
  resolution(pendingId: string): Resolution | undefined {
    return this.resolutions.get(pendingId) ?? this.state.resolutions.get(pendingId);
  }
}

export interface PlanOptions {
  now: Date;
  /** Ids of resolutions written by the expiry process, recognised as 'expired'. */
  isExpiryId?: (transferId: string, pendingId: string) => boolean;
  /**
   * Indices where a caller's batch ends inside a merged group-commit batch: a linked chain
   * never continues past one (each caller's chains are their own).
   */
  segmentEnds?: ReadonlySet<number>;
}

export function planBatch(batch: TransferInput[], state: LoadedState, options: PlanOptions): BatchPlan {
  const results: TransferResult[] = new Array(batch.length);
  const scratch = new Scratch(state);
  const inserts: (Transfer | null)[] = [];
  const newHolds = new Map<string, Hold>();
  const resolved = new Set<string>();

  // Undo log of the open linked chain: restoring it rolls the chain back as one.
  let chainStart = -1;
  let undo: (() => void)[] = [];
  const isLast = (i: number) => i === batch.length - 1 || (options.segmentEnds?.has(i) ?? false);

  const mutate = (id: string): AccountState => {
    const current = scratch.account(id)!;
    const copy = { ...current };
    const previous = scratch.accounts.get(id);
    undo.push(() => {
      if (previous) scratch.accounts.set(id, previous);
      else scratch.accounts.delete(id);
    });
    scratch.accounts.set(id, copy);
    return copy;
  };

  for (let i = 0; i < batch.length; i++) {
    const t = batch[i]!;
    const flags = t.flags ?? 0;
    const linked = (flags & TransferFlags.linked) !== 0;
    if (chainStart < 0) {
      chainStart = i;
      undo = [];
    }
    let result: TransferResult;
    if (linked && isLast(i)) result = 'linked_event_chain_open';
    else result = applyOne(t, i);
    results[i] = result;

    const failed = result !== 'ok' && result !== 'exists';
    const chainOpen = linked && !isLast(i);
    if (failed && (chainStart < i || chainOpen)) {
      // Roll the whole chain back and mark the others.
      for (let u = undo.length - 1; u >= 0; u--) undo[u]!();
      let end = i;
      while (!isLast(end) && ((batch[end]!.flags ?? 0) & TransferFlags.linked) !== 0) end++;
      for (let j = chainStart; j <= end; j++) {
        if (j !== i) results[j] = 'linked_event_failed';
        inserts[j] = null;
      }
      i = end;
      chainStart = -1;
      continue;
    }
    if (!chainOpen) chainStart = -1;
  }

  function applyOne(t: TransferInput, index: number): TransferResult {
    inserts[index] = null;
    const shape = validateShape(t);
    if (shape) return shape;
    const flags = t.flags ?? 0;

    const existing = scratch.transfer(t.id);
    if (existing) return sameAsExisting(t, existing) ? 'exists' : 'exists_with_different_fields';

    if (isResolving(flags)) return applyResolution(t, index);

    const debit = scratch.account(t.debit_account_id!);
    const credit = scratch.account(t.credit_account_id!);
    if (!debit) return 'debit_account_not_found';
    if (!credit) return 'credit_account_not_found';
    if (debit.currency !== credit.currency) return 'accounts_must_have_the_same_currency';
    if (t.currency !== debit.currency) return 'transfer_must_have_the_same_currency_as_accounts';
    if ((debit.flags & AccountFlags.closed) !== 0) return 'debit_account_closed';
    if ((credit.flags & AccountFlags.closed) !== 0) return 'credit_account_closed';

    const amount = t.amount!;
    const pending = (flags & TransferFlags.pending) !== 0;
    if (debit.debits_pending + debit.debits_posted + amount > MICROS_MAX) return 'overflows_debits';
    if (credit.credits_pending + credit.credits_posted + amount > MICROS_MAX) return 'overflows_credits';
    if ((debit.flags & AccountFlags.debits_must_not_exceed_credits) !== 0 && debit.debits_pending + debit.debits_posted + amount > debit.credits_posted) {
      return 'exceeds_credits';
    }
    if ((credit.flags & AccountFlags.credits_must_not_exceed_debits) !== 0 && credit.credits_pending + credit.credits_posted + amount > credit.debits_posted) {
      return 'exceeds_debits';
    }

    const d = mutate(debit.id);
    const c = mutate(credit.id);
    if (pending) {
      d.debits_pending += amount;
      c.credits_pending += amount;
    } else {
      d.debits_posted += amount;
      c.credits_posted += amount;
    }

    const row: Transfer = {
      id: t.id,
      debit_account_id: debit.id,
      credit_account_id: credit.id,
      amount: amount as Micros,
      currency: t.currency,
      code: t.code,
      flags,
      pending_id: null,
      timeout_s: t.timeout_s ?? 0,
      metadata: t.metadata ?? null,
      timestamp: options.now,
    };
    record(index, row);
    if (pending) {
      const hold: Hold = {
        pending_id: t.id,
        debit_account_id: debit.id,
        credit_account_id: credit.id,
        amount,
        expires_at: row.timeout_s > 0 ? new Date(options.now.getTime() + row.timeout_s * 1000) : null,
      };
      scratch.holds.set(t.id, hold);
      newHolds.set(t.id, hold);
      undo.push(() => {
        scratch.holds.delete(t.id);
        newHolds.delete(t.id);
      });
    }
    return 'ok';
  }

  function applyResolution(t: TransferInput, index: number): TransferResult {
    const flags = t.flags ?? 0;
    const post = (flags & TransferFlags.post_pending) !== 0;
    const pendingId = t.pending_id!;
    const p = scratch.transfer(pendingId);
    if (!p) return 'pending_transfer_not_found';
    if ((p.flags & TransferFlags.pending) === 0) return 'pending_transfer_not_pending';
    if (t.debit_account_id !== undefined && t.debit_account_id !== p.debit_account_id) return 'pending_transfer_has_different_debit_account_id';
    if (t.credit_account_id !== undefined && t.credit_account_id !== p.credit_account_id) return 'pending_transfer_has_different_credit_account_id';
    if (t.currency !== p.currency) return 'pending_transfer_has_different_currency';
    if (t.code !== 0 && t.code !== p.code) return 'pending_transfer_has_different_code';
    const amount = t.amount ?? p.amount;
    if (post && amount > p.amount) return 'exceeds_pending_transfer_amount';
    if (!post && t.amount !== undefined && t.amount !== p.amount) return 'pending_transfer_has_different_amount';
    const hold = scratch.hold(pendingId);
    if (!hold) {
      const how = scratch.resolution(pendingId);
      if (how === 'posted') return 'pending_transfer_already_posted';
      if (how === 'expired') return 'pending_transfer_expired';
      return 'pending_transfer_already_voided';
    }
    if (hold.expires_at && hold.expires_at.getTime() <= options.now.getTime() && !options.isExpiryId?.(t.id, pendingId)) {
      return 'pending_transfer_expired';
    }

    const d = mutate(p.debit_account_id);
    const c = mutate(p.credit_account_id);
    d.debits_pending -= p.amount;
    c.credits_pending -= p.amount;
    if (post) {
      d.debits_posted += amount;
      c.credits_posted += amount;
    }

    const row: Transfer = {
      id: t.id,
      debit_account_id: p.debit_account_id,
      credit_account_id: p.credit_account_id,
      amount: (post ? amount : p.amount) as Micros,
      currency: p.currency,
      code: t.code === 0 ? p.code : t.code,
      flags,
      pending_id: pendingId,
      timeout_s: 0,
      metadata: t.metadata ?? null,
      timestamp: options.now,
    };
    record(index, row);
    const how: Resolution = post ? 'posted' : options.isExpiryId?.(t.id, pendingId) ? 'expired' : 'voided';
    scratch.holds.set(pendingId, null);
    scratch.resolutions.set(pendingId, how);
    const wasNew = newHolds.has(pendingId);
    newHolds.delete(pendingId);
    if (!wasNew) resolved.add(pendingId);
    undo.push(() => {
      scratch.holds.delete(pendingId);
      scratch.resolutions.delete(pendingId);
      if (wasNew) newHolds.set(pendingId, hold);
      else resolved.delete(pendingId);
    });
    return 'ok';
  }

  function record(index: number, row: Transfer): void {
    scratch.created.set(row.id, row);
    inserts[index] = row;
    undo.push(() => {
      scratch.created.delete(row.id);
      inserts[index] = null;
    });
  }

  // Only accounts whose final state differs from what was loaded need writing.
  const changed: AccountState[] = [];
  for (const [id, account] of scratch.accounts) {
    const loaded = state.accounts.get(id)!;
    if (
      account.debits_pending !== loaded.debits_pending ||
      account.debits_posted !== loaded.debits_posted ||
      account.credits_pending !== loaded.credits_pending ||
      account.credits_posted !== loaded.credits_posted
    ) {
      changed.push(account);
    }
  }
  return {
    results,
    inserts: inserts.filter((row): row is Transfer => row !== null),
    accounts: changed,
    newHolds: [...newHolds.values()],
    resolvedHolds: [...resolved] as TransferId[],
  };
}

