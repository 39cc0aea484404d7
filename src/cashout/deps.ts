// What the cash-out use cases share: built once by createCashout, passed to each use case.
// Other modules are reached through narrow ports (the parts of their services used here), so a
// test can see at a glance what cash-out depends on.
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { PolicyService } from '../policy/index.ts';
import type { BankRail, RailAdapter } from '../rails/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Wallets } from '../wallets/index.ts';
import type { OutgoingLimits } from './limits.ts';
import type { PayoutOwner } from './payout-owners.ts';
import type { ScreeningStep } from './screening.ts';

/** Identity as cash-out uses it. */
export type IdentityPort = Pick<
  IdentityService,
  | 'getUser'
  | 'verifyPin'
  | 'issueChallenge'
  | 'verifyChallenge'
  | 'assertCanSend'
  | 'payoutHoldUntil'
  | 'listBankAccounts'
  | 'revealBankAccount'
  | 'revealBankAccounts'
  | 'getPartner'
  | 'payoutContext'
>;

/**
 * A partner wallet payout target: the provider (a partner, ptn_…) and the person's account
 * there. The partner-wallet rail adapter receives this as its Destination.
 */
export interface WalletDestination {
  provider: string;
  account: string;
}

export type WalletRail = RailAdapter<WalletDestination>;

export interface CashoutRails {
  bank: BankRail | null;
  wallet: WalletRail | null;
}

export interface CashoutTimings {
  /** A cash-out untouched this long in reserved or screening is driven on by recovery. */
  stuck_ms: number;
  /** How long a submitted payout may wait for the rail's answer before recovery asks the rail. */
  answer_wait_ms: number;
  /** Expired quotes are lapsed (and any stray reservation voided) this long after expiry. */
  quote_grace_ms: number;
  /** Warn when a submitted payout's reservation runs out within this. */
  reservation_warn_ms: number;
}

export const DEFAULT_TIMINGS: CashoutTimings = {
  stuck_ms: 5 * 60_000,
  answer_wait_ms: 60 * 60_000,
  quote_grace_ms: 2 * 60_000,
  reservation_warn_ms: 6 * 3_600_000,
};

export interface CashoutDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  ledger: Ledger;
  policy: Pick<PolicyService, 'inForce' | 'getVersion'>;
  identity: IdentityPort;
  wallets: Wallets;
  limits: OutgoingLimits;
  screening: ScreeningStep;
  rails: CashoutRails;
  timings: CashoutTimings;
  /** The key of the withdrawal codes' hashes (cash channels); kept outside the database like the PIN key. */
  pickupCodeKey: string;
  /** Called when a cash-out's ledger step cannot complete and money needs a person (finance). */
  alert: (message: string, details: Record<string, unknown>) => void;
  /** Other modules paying through the bank rail, who take the answers for their references (registerPayoutOwner). */
  payoutOwners?: PayoutOwner[];
}
