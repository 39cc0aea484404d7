// A credit as a partner sees it, built either from a fresh plan (ingest) or from the journal and
// the status rows (GET, replays, jobs) — one shape, so a replay answers exactly like the original.
import type { Transfer } from '../../ledger/index.ts';
import { micros, type Micros } from '../../money/index.ts';
import type { CreditRows } from './credits.sql.ts';
import type { CreditPlan, CreditStatus, FundingClass } from './plan.ts';
import type { CreditRequest, Recipient } from './request.ts';

export interface ReversalView {
  requested: Micros;
  reversed: Micros;
  shortfall: Micros;
  reason: string | null;
  at: Date;
}

export interface CreditView {
  uuid: string;
  reference: string;
  status: CreditStatus;
  /** What the partner credited. */
  amount: Micros;
  /** Still waiting in the held account for room under the cap. */
  held: Micros;
  currency: Transfer['currency'];
  fundingClass: FundingClass;
  source: string;
  recipient: Recipient;
  description: string | null;
  metadata: CreditRequest['metadata'];
  clearsAt: Date | null;
  createdAt: Date;
  reversal: ReversalView | null;
}

export function viewOfPlan(plan: CreditPlan, at: Date): CreditView {
  const r = plan.request;
  return {
    uuid: plan.creditId,
    reference: r.reference,
    status: plan.status,
    amount: r.amount,
    held: plan.held,
    currency: r.currency,
    fundingClass: plan.fundingClass,
    source: r.source,
    recipient: r.recipient,
    description: r.description,
    metadata: r.metadata,
    clearsAt: plan.clearsAt,
    createdAt: at,
    reversal: null,
  };
}

interface StoredMetadata {
  ref?: string;
  source?: string;
  class?: FundingClass;
  to?: string;
  description?: string;
  meta?: CreditRequest['metadata'];
  held?: string;
  request_hash?: string;
}

export function storedHash(transfer: Transfer): string | undefined {
  return (transfer.metadata as StoredMetadata | null)?.request_hash;
}

/** The credit's status from its transfer and rows; order matters (a reversal outranks the rest). */
export function viewOfTransfer(transfer: Transfer, rows: CreditRows): CreditView {
  const m = (transfer.metadata ?? {}) as StoredMetadata;
  const to = m.to ?? '';
  const reversal = rows.reversals.get(transfer.id);
  const unclaimed = rows.unclaimed.get(transfer.id);
  const clearance = rows.clearances.get(transfer.id);
  const heldRows = rows.held.get(transfer.id) ?? [];
  const held = heldRows.filter((h) => h.status === 'held' || h.status === 'clearing').reduce((sum, h) => sum + h.remaining, 0n);

  let status: CreditStatus = 'posted';
  if (reversal) status = 'reversed';
  else if (unclaimed && unclaimed.status !== 'claimed') {
    status = unclaimed.status === 'unclaimed' ? 'unclaimed' : unclaimed.status === 'returned' ? 'returned' : unclaimed.status === 'reversed' ? 'reversed' : 'cancelled';
  } else if (clearance?.status === 'clearing') status = 'clearing';
  else if (clearance?.status === 'cancelled') status = 'cancelled';
  else if (held > 0n) status = 'held_over_cap';

  // A split credit is two transfers; `held` in the metadata is the second one's amount.
  const amount = transfer.amount + (m.held ? BigInt(m.held) : 0n);
  return {
    uuid: transfer.id,
    reference: m.ref ?? '',
    status,
    amount: micros(amount),
    held: micros(held),
    currency: transfer.currency,
    fundingClass: m.class ?? 'cashable',
    source: m.source ?? '',
    recipient: to.startsWith('+') ? { phone: to } : { userId: to },
    description: m.description ?? null,
    metadata: m.meta ?? null,
    clearsAt: clearance ? clearance.clears_at : null,
    createdAt: transfer.timestamp,
    reversal: reversal
      ? { requested: reversal.requested, reversed: reversal.reversed, shortfall: reversal.shortfall, reason: reversal.reason, at: reversal.created_at }
      : null,
  };
}
