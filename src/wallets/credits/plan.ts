// Planning one credit: which account it lands in, whether it clears first, and how much of it
// fits under the wallet's balance cap. Pure (no I/O), so that the rules can be tested against
// every amount and room, and the ingest path only has to gather the facts and write the plan.
import { TransferFlags, type AccountId, type TransferId, type TransferInput } from '../../ledger/index.ts';
import { micros, type Micros } from '../../money/index.ts';
import { SPEND_ONLY_SOURCES, type FundingClass, type KycTier, type Policy } from '../../policy/index.ts';
import type { Lang } from '../../shared/errors.ts';
import { TRANSFER_CODES } from '../chart.ts';
import type { WalletRow } from '../wallets.sql.ts';
import { recipientText, relatedUuid, type CreditRequest } from './request.ts';

export type { FundingClass };

/** What a partner sees. The first four are the outcomes of ingest; the rest come later. */
export const CREDIT_STATUSES = ['posted', 'clearing', 'held_over_cap', 'unclaimed', 'reversed', 'cancelled', 'returned'] as const;
export type CreditStatus = (typeof CREDIT_STATUSES)[number];

export interface SourceRule {
  fundingClass: FundingClass;
  clearanceHours: number;
}

/**
 * The policy's rule for a source, or null when the policy has no such source. Carrier-billed and
 * promotional value is spend-only whatever a policy says: the schema refuses otherwise, and this
 * second line holds even if a document slipped past it.
 */
export function sourceRule(policy: Policy, source: string): SourceRule | null {
  const rule = Object.hasOwn(policy.sources, source) ? policy.sources[source] : undefined;
  if (!rule) return null;
  const forced = (SPEND_ONLY_SOURCES as readonly string[]).includes(source);
  return { fundingClass: forced ? 'spend_only' : rule.funding_class, clearanceHours: rule.clearance_hours };
}

export type Destination =
  | { kind: 'wallet'; wallet: WalletRow; userId: string; tier: KycTier; lang: Lang; phone: string | null }
  | { kind: 'unclaimed'; phone: string };

export interface PlanInput {
  request: CreditRequest;
  /** creditUuid(partnerId, request.reference), computed once by the caller. */
  creditId: TransferId;
  partnerId: string;
  prefundAccount: AccountId;
  suspenseAccount: AccountId;
  destination: Destination;
  rule: SourceRule;
  /** Wallet destinations: what still fits under the balance cap (≥ 0). Ignored for unclaimed. */
  room: Micros;
  now: Date;
}

export interface CreditPlan {
  request: CreditRequest;
  creditId: TransferId;
  destination: Destination;
  fundingClass: FundingClass;
  /** One transfer, or a linked pair (the part that fits, the excess into the held account). */
  transfers: TransferInput[];
  /** What lands in the class account (or suspense). */
  accepted: Micros;
  /** What waits in the held account for room under the cap. */
  held: Micros;
  heldTransferId: TransferId | null;
  /** The class account it lands in (null when unclaimed). */
  classAccount: AccountId | null;
  clearsAt: Date | null;
  status: Extract<CreditStatus, 'posted' | 'clearing' | 'held_over_cap' | 'unclaimed'>;
  /** Needs a row of its own (clearance, unclaimed, held), so it is written in a transaction with it. */
  special: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * Metadata of the credit's transfer: small, and enough to answer GET /v1/credits/:reference.
 * Objects on this path are built key by key: object spread (`{ ...base, id }`) costs V8 tens of
 * microseconds a credit here, more than the rest of the planning.
 */
function creditMetadata(partnerId: string, request: CreditRequest, fundingClass: FundingClass, held: Micros): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    partner: partnerId,
    ref: request.reference,
    source: request.source,
    class: fundingClass,
    to: recipientText(request.recipient),
    request_hash: request.hash,
  };
  if (request.description !== null) metadata.description = request.description;
  if (request.metadata !== null) metadata.meta = request.metadata;
  if (held > 0n) metadata.held = held.toString();
  return metadata;
}

function transfer(id: TransferId, input: PlanInput, credit: AccountId, amount: Micros, flags: number, metadata: Record<string, unknown>): TransferInput {
  return { id, debit_account_id: input.prefundAccount, credit_account_id: credit, amount, currency: input.request.currency, code: TRANSFER_CODES.credit, flags, metadata };
}

function plan(input: PlanInput, fields: Omit<CreditPlan, 'request' | 'creditId' | 'destination' | 'fundingClass'>): CreditPlan {
  return {
    request: input.request,
    creditId: input.creditId,
    destination: input.destination,
    fundingClass: input.rule.fundingClass,
    transfers: fields.transfers,
    accepted: fields.accepted,
    held: fields.held,
    heldTransferId: fields.heldTransferId,
    classAccount: fields.classAccount,
    clearsAt: fields.clearsAt,
    status: fields.status,
    special: fields.special,
  };
}

const NOTHING = micros(0n);

export function planCredit(input: PlanInput): CreditPlan {
  const { request, destination, rule, now, creditId } = input;
  const clearsAt = rule.clearanceHours > 0 ? new Date(now.getTime() + rule.clearanceHours * HOUR_MS) : null;
  const flags = clearsAt ? TransferFlags.pending : TransferFlags.none;

  if (destination.kind === 'unclaimed') {
    const metadata = creditMetadata(input.partnerId, request, rule.fundingClass, NOTHING);
    return plan(input, {
      transfers: [transfer(creditId, input, input.suspenseAccount, request.amount, flags, metadata)],
      accepted: request.amount,
      held: NOTHING,
      heldTransferId: null,
      classAccount: null,
      clearsAt,
      status: 'unclaimed',
      special: true,
    });
  }

  const wallet = destination.wallet;
  const classAccount = (rule.fundingClass === 'cashable' ? wallet.cashable_account : wallet.spend_only_account) as AccountId;
  const heldAccount = wallet.held_account as AccountId;
  const room = input.room > 0n ? input.room : 0n;
  const accepted = micros(request.amount < room ? request.amount : room);
  const held = micros(request.amount - accepted);
  // `held` in the metadata names the linked second transfer; when nothing fits there is none.
  const metadata = creditMetadata(input.partnerId, request, rule.fundingClass, accepted > 0n ? held : NOTHING);

  let transfers: TransferInput[];
  let heldTransferId: TransferId | null = null;
  if (held === 0n) {
    transfers = [transfer(creditId, input, classAccount, request.amount, flags, metadata)];
  } else if (accepted === 0n) {
    // Nothing fits: the credit's own transfer goes to the held account, so its id still answers.
    heldTransferId = creditId;
    transfers = [transfer(creditId, input, heldAccount, held, flags, metadata)];
  } else {
    heldTransferId = relatedUuid(creditId, 'held');
    transfers = [
      transfer(creditId, input, classAccount, accepted, flags | TransferFlags.linked, metadata),
      transfer(heldTransferId, input, heldAccount, held, flags, { partner: input.partnerId, ref: request.reference, part: 'held' }),
    ];
  }
  return plan(input, {
    transfers,
    accepted,
    held,
    heldTransferId,
    classAccount,
    clearsAt,
    status: clearsAt ? 'clearing' : held > 0n ? 'held_over_cap' : 'posted',
    special: clearsAt !== null || held > 0n,
  });
}

/** The wallet balance the cap applies to: both classes, posted plus what is still clearing. */
export function capBalance(accounts: { credits_posted: bigint; debits_posted: bigint; credits_pending: bigint }[]): bigint {
  let total = 0n;
  for (const a of accounts) total += a.credits_posted - a.debits_posted + a.credits_pending;
  return total;
}
