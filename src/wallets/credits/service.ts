// CreditsService: the one object the routes, the jobs, the composition root and other modules
// use. Methods taking a transaction run inside the caller's; the others own their transactions
// and must not be called while the caller holds one open.
import type { Kysely } from 'kysely';
import type { DB, Executor } from '../../db/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { Ledger, TransferResult } from '../../ledger/index.ts';
import type { PolicyService } from '../../policy/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Wallets } from '../wallets.ts';
import { cancelCredit, clearDueCredits } from './clearance.ts';
import { CreditCoalescer } from './coalesce.ts';
import { PartnerDirectory, type CreditsDeps } from './deps.ts';
import { releaseHeldCredits, releaseHeldSweep, type ReleaseOutcome } from './held.ts';
import { InflightCredits } from './inflight.ts';
import { CHUNK_SIZE, ingestChunk, loadViews, type ItemResult } from './ingest.ts';
import { partnerBalance, recordPrefunding, type PrefundingInput, type PrefundingOutcome } from './prefunding.ts';
import { creditUuid, type CreditRequest } from './request.ts';
import { reverseCredit, type ReversalInput } from './reversal.ts';
import { claimForRegisteredPhones, claimUnclaimed, parkForPhone, returnExpiredUnclaimed, type ClaimOutcome, type ParkInput } from './unclaimed.ts';
import type { CreditView } from './view.ts';
import './errors.ts';

declare module '../../api/context.ts' {
  interface AppServices {
    credits: CreditsService;
  }
}

export interface CreditsServiceOptions {
  db: Kysely<DB>;
  ledger: Ledger;
  wallets: Wallets;
  identity: IdentityService;
  policy: PolicyService;
  clock: Clock;
  logger: Logger;
  /** Where an invited person signs up (config.PUBLIC_URL + "/signup"). */
  signupUrl: string;
}

/** Chunks of one request in the ledger at once: the next is planned while the last commits. */
export const CHUNKS_IN_FLIGHT = 2;

/** Runs `work` over the items in order, at most `depth` at a time; results in input order. */
export async function mapInOrder<T, R>(items: T[], depth: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(depth, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!);
    }),
  );
  return out;
}

export class CreditsService {
  readonly deps: CreditsDeps;
  private readonly single = new CreditCoalescer((partnerId, requests) => ingestChunk(this.deps, partnerId, requests));

  constructor(options: CreditsServiceOptions) {
    this.deps = {
      ...options,
      inflight: new InflightCredits(),
      partners: new PartnerDirectory(() => this.deps),
    };
  }

  /** One result per request, in order; chunks of CHUNK_SIZE go to the ledger one or two at a time. */
  async ingest(partnerId: string, requests: CreditRequest[]): Promise<ItemResult[]> {
    const chunks: CreditRequest[][] = [];
    for (let i = 0; i < requests.length; i += CHUNK_SIZE) chunks.push(requests.slice(i, i + CHUNK_SIZE));
    return (await mapInOrder(chunks, CHUNKS_IN_FLIGHT, (chunk) => ingestChunk(this.deps, partnerId, chunk))).flat();
  }

  /** One credit (POST /v1/credits): written together with concurrent ones of the same partner. */
  ingestOne(partnerId: string, request: CreditRequest): Promise<ItemResult> {
    return this.single.submit(partnerId, request);
  }

  ingestChunk(partnerId: string, requests: CreditRequest[]): Promise<ItemResult[]> {
    return ingestChunk(this.deps, partnerId, requests);
  }

  async getCredit(partnerId: string, reference: string): Promise<CreditView> {
    const [transfer] = await this.deps.ledger.lookupTransfers([creditUuid(partnerId, reference)]);
    if (!transfer) throw new DomainError('credit_not_found', { param: 'reference' });
    return (await loadViews(this.deps.db, [transfer])).get(transfer.id)!;
  }

  reverse(partnerId: string, reference: string, input: ReversalInput): Promise<{ view: CreditView; replayed: boolean }> {
    return reverseCredit(this.deps, partnerId, reference, input);
  }

  cancel(partnerId: string, reference: string): Promise<CreditView> {
    return cancelCredit(this.deps, partnerId, reference);
  }

  partnerBalance(partnerId: string) {
    return partnerBalance(this.deps, partnerId);
  }

  recordPrefunding(staffId: string, partnerId: string, input: PrefundingInput, requestId?: string): Promise<PrefundingOutcome> {
    return recordPrefunding(this.deps, staffId, partnerId, input, requestId);
  }

  // ---- For other modules and the composition root ---------------------------------------------

  /** After identity registers a user (or binds a new number): claim what waits for the number. */
  claimUnclaimed(userId: string, phone: string): Promise<ClaimOutcome> {
    return claimUnclaimed(this.deps, userId, phone);
  }

  /** After a cash-out, a payment or a tier change: move held value back as room allows. */
  releaseHeldCredits(userId: string): Promise<ReleaseOutcome> {
    return releaseHeldCredits(this.deps, userId);
  }

  /** Person-to-person sends to a number with no user: park the value, in the caller's transaction. */
  parkForPhone(trx: Executor, input: ParkInput): Promise<TransferResult> {
    return parkForPhone(trx, this.deps, input);
  }

  // ---- Jobs (the scheduler runs them; tests and the CLI call them directly) -------------------

  clearDueCredits(limit?: number): Promise<number> {
    return clearDueCredits(this.deps, limit);
  }

  returnExpiredUnclaimed(limit?: number): Promise<number> {
    return returnExpiredUnclaimed(this.deps, limit);
  }

  releaseHeldSweep(after = '', limit?: number) {
    return releaseHeldSweep(this.deps, after, limit);
  }

  claimForRegisteredPhones(after = '', limit?: number) {
    return claimForRegisteredPhones(this.deps, after, limit);
  }
}
