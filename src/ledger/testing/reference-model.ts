// An independent, deliberately naive model of the ledger's semantics, for property tests: it
// keeps everything in maps and handles linked chains by copying the whole state at the start of
// a chain and restoring it on failure (the real planner uses an undo log). Same documented
// precedence of result codes. If the two ever disagree, one of them is wrong.
import type { TransferResult } from '../errors.ts';

const PENDING = 2;
const POST = 4;
const VOID = 8;
const LINKED = 1;
const NIL = '00000000-0000-0000-0000-000000000000';
const INT8_MAX = 9_223_372_036_854_775_807n;

export interface ModelAccount {
  currency: string;
  flags: number;
  dp: bigint;
  dpo: bigint;
  cp: bigint;
  cpo: bigint;
}

export interface ModelTransferInput {
  id: string;
  debit_account_id?: string;
  credit_account_id?: string;
  amount?: bigint;
  currency: string;
  code: number;
  flags?: number;
  pending_id?: string;
  timeout_s?: number;
  metadata?: Record<string, unknown> | null;
}

interface Stored {
  id: string;
  debit: string;
  credit: string;
  amount: bigint;
  currency: string;
  code: number;
  flags: number;
  pending_id: string | null;
  timeout_s: number;
  metadata: string;
}

interface State {
  accounts: Map<string, ModelAccount>;
  transfers: Map<string, Stored>;
  /** pending id → expiry (ms) or null, for unresolved pendings. */
  open: Map<string, number | null>;
  /** pending id → how it ended. */
  closed: Map<string, 'posted' | 'voided' | 'expired'>;
}

function clone(s: State): State {
  return {
    accounts: new Map([...s.accounts].map(([k, v]) => [k, { ...v }])),
    transfers: new Map(s.transfers),
    open: new Map(s.open),
    closed: new Map(s.closed),
  };
}

function sortedJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class ReferenceLedger {
  state: State = { accounts: new Map(), transfers: new Map(), open: new Map(), closed: new Map() };

  addAccount(id: string, currency: string, flags: number): void {
    this.state.accounts.set(id, { currency, flags, dp: 0n, dpo: 0n, cp: 0n, cpo: 0n });
  }

  /** Expire every open pending whose timeout passed (what the expiry job does). */
  expireAll(nowMs: number): number {
    let n = 0;
    for (const [pid, exp] of [...this.state.open]) {
      if (exp !== null && exp <= nowMs) {
        this.resolve(this.state, pid, 'expired', 0n);
        n++;
      }
    }
    return n;
  }

  private resolve(s: State, pid: string, how: 'posted' | 'voided' | 'expired', postAmount: bigint): void {
    const p = s.transfers.get(pid)!;
    const d = s.accounts.get(p.debit)!;
    const c = s.accounts.get(p.credit)!;
    d.dp -= p.amount;
    c.cp -= p.amount;
    if (how === 'posted') {
      d.dpo += postAmount;
      c.cpo += postAmount;
    }
    s.open.delete(pid);
    s.closed.set(pid, how);
    if (how === 'expired') {
      // The expiry void is a journal row too (deterministic id, not visible to the model's callers).
      s.transfers.set(`expiry:${pid}`, { ...p, id: `expiry:${pid}`, flags: VOID, pending_id: pid, timeout_s: 0, metadata: '{"reason":"expired"}' });
    }
  }

  createTransfers(batch: ModelTransferInput[], nowMs: number): TransferResult[] {
    // Expired holds touching the batch's accounts are voided before the batch (as the ledger does).
    const touched = new Set<string>();
    for (const t of batch) {
      if (this.shape(t) !== null) continue;
      if (t.debit_account_id && this.state.accounts.has(t.debit_account_id)) touched.add(t.debit_account_id);
      if (t.credit_account_id && this.state.accounts.has(t.credit_account_id)) touched.add(t.credit_account_id);
      const p = t.pending_id ? this.state.transfers.get(t.pending_id) : undefined;
      if (p) {
        touched.add(p.debit);
        touched.add(p.credit);
      }
    }
    for (const [pid, exp] of [...this.state.open]) {
      const p = this.state.transfers.get(pid)!;
      if (exp !== null && exp <= nowMs && (touched.has(p.debit) || touched.has(p.credit))) this.resolve(this.state, pid, 'expired', 0n);
    }

    const results: TransferResult[] = [];
    let i = 0;
    while (i < batch.length) {
      // Find the chain [i, end].
      let end = i;
      while (end < batch.length - 1 && ((batch[end]!.flags ?? 0) & LINKED) !== 0) end++;
      const snapshot = clone(this.state);
      let failedAt = -1;
      const chainResults: TransferResult[] = [];
      for (let j = i; j <= end; j++) {
        const t = batch[j]!;
        const r = j === batch.length - 1 && ((t.flags ?? 0) & LINKED) !== 0 ? 'linked_event_chain_open' : this.one(t, nowMs);
        chainResults.push(r);
        if (r !== 'ok' && r !== 'exists') {
          failedAt = j;
          break;
        }
      }
      if (failedAt >= 0 && end > i) {
        this.state = snapshot;
        for (let j = i; j <= end; j++) results.push(j === failedAt ? chainResults[j - i]! : 'linked_event_failed');
      } else {
        results.push(...chainResults);
      }
      i = end + 1;
    }
    return results;
  }

  private shape(t: ModelTransferInput): TransferResult | null {
    const f = t.flags ?? 0;
    if ([PENDING, POST, VOID].filter((x) => (f & x) !== 0).length > 1) return 'flags_are_mutually_exclusive';
    if (t.amount !== undefined && (t.amount < 0n || t.amount > INT8_MAX)) return 'invalid_field';
    if (t.id === NIL) return 'id_must_not_be_zero';
    if ((f & (POST | VOID)) !== 0) {
      if (t.debit_account_id === NIL) return 'debit_account_id_must_not_be_zero';
      if (t.credit_account_id === NIL) return 'credit_account_id_must_not_be_zero';
      if (t.debit_account_id !== undefined && t.debit_account_id === t.credit_account_id) return 'accounts_must_be_different';
      if (!t.pending_id || t.pending_id === NIL) return 'pending_id_must_not_be_zero';
      if (t.pending_id === t.id) return 'pending_id_must_be_different';
      if ((t.timeout_s ?? 0) !== 0) return 'timeout_reserved_for_pending_transfer';
      return null;
    }
    if (!t.debit_account_id || t.debit_account_id === NIL) return 'debit_account_id_must_not_be_zero';
    if (!t.credit_account_id || t.credit_account_id === NIL) return 'credit_account_id_must_not_be_zero';
    if (t.debit_account_id === t.credit_account_id) return 'accounts_must_be_different';
    if (t.pending_id !== undefined) return 'pending_id_must_be_zero';
    if ((t.timeout_s ?? 0) !== 0 && (f & PENDING) === 0) return 'timeout_reserved_for_pending_transfer';
    if (!t.amount) return 'amount_must_not_be_zero';
    if (t.code === 0) return 'code_must_not_be_zero';
    return null;
  }

  private one(t: ModelTransferInput, nowMs: number): TransferResult {
    const s = this.state;
    const shape = this.shape(t);
    if (shape) return shape;
    const f = t.flags ?? 0;
    const old = s.transfers.get(t.id);
    if (old) {
      const same =
        (f & ~LINKED) === (old.flags & ~LINKED) &&
        t.currency === old.currency &&
        (t.debit_account_id === undefined || t.debit_account_id === old.debit) &&
        (t.credit_account_id === undefined || t.credit_account_id === old.credit) &&
        (t.amount === undefined || t.amount === old.amount) &&
        (t.code === 0 || t.code === old.code) &&
        (t.pending_id ?? null) === old.pending_id &&
        (t.timeout_s ?? 0) === old.timeout_s &&
        sortedJson(t.metadata ?? null) === old.metadata;
      return same ? 'exists' : 'exists_with_different_fields';
    }
    if ((f & (POST | VOID)) !== 0) {
      const p = s.transfers.get(t.pending_id!);
      if (!p) return 'pending_transfer_not_found';
      if ((p.flags & PENDING) === 0) return 'pending_transfer_not_pending';
      if (t.debit_account_id !== undefined && t.debit_account_id !== p.debit) return 'pending_transfer_has_different_debit_account_id';
      if (t.credit_account_id !== undefined && t.credit_account_id !== p.credit) return 'pending_transfer_has_different_credit_account_id';
      if (t.currency !== p.currency) return 'pending_transfer_has_different_currency';
      if (t.code !== 0 && t.code !== p.code) return 'pending_transfer_has_different_code';
      const post = (f & POST) !== 0;
      const amount = t.amount ?? p.amount;
      if (post && amount > p.amount) return 'exceeds_pending_transfer_amount';
      if (!post && t.amount !== undefined && t.amount !== p.amount) return 'pending_transfer_has_different_amount';
      if (!s.open.has(p.id)) {
        const how = s.closed.get(p.id);
        return how === 'posted' ? 'pending_transfer_already_posted' : how === 'expired' ? 'pending_transfer_expired' : 'pending_transfer_already_voided';
      }
      const exp = s.open.get(p.id)!;
      if (exp !== null && exp <= nowMs) return 'pending_transfer_expired';
      this.resolve(s, p.id, post ? 'posted' : 'voided', amount);
      s.transfers.set(t.id, {
        id: t.id, debit: p.debit, credit: p.credit, amount: post ? amount : p.amount, currency: p.currency,
        code: t.code === 0 ? p.code : t.code, flags: f, pending_id: p.id, timeout_s: 0, metadata: sortedJson(t.metadata ?? null),
      });
      return 'ok';
    }
    const d = s.accounts.get(t.debit_account_id!);
    const c = s.accounts.get(t.credit_account_id!);
    if (!d) return 'debit_account_not_found';
    if (!c) return 'credit_account_not_found';
    if (d.currency !== c.currency) return 'accounts_must_have_the_same_currency';
    if (t.currency !== d.currency) return 'transfer_must_have_the_same_currency_as_accounts';
    if ((d.flags & 4) !== 0) return 'debit_account_closed';
    if ((c.flags & 4) !== 0) return 'credit_account_closed';
    const amount = t.amount!;
    if (d.dp + d.dpo + amount > INT8_MAX) return 'overflows_debits';
    if (c.cp + c.cpo + amount > INT8_MAX) return 'overflows_credits';
    if ((d.flags & 1) !== 0 && d.dp + d.dpo + amount > d.cpo) return 'exceeds_credits';
    if ((c.flags & 2) !== 0 && c.cp + c.cpo + amount > c.dpo) return 'exceeds_debits';
    if ((f & PENDING) !== 0) {
      d.dp += amount;
      c.cp += amount;
      s.open.set(t.id, (t.timeout_s ?? 0) > 0 ? nowMs + (t.timeout_s ?? 0) * 1000 : null);
    } else {
      d.dpo += amount;
      c.cpo += amount;
    }
    s.transfers.set(t.id, {
      id: t.id, debit: t.debit_account_id!, credit: t.credit_account_id!, amount, currency: t.currency, code: t.code, flags: f,
      pending_id: null, timeout_s: t.timeout_s ?? 0, metadata: sortedJson(t.metadata ?? null),
    });
    return 'ok';
  }
}
