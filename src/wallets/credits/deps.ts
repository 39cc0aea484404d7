// What the credit use cases need, built once by CreditsService and passed to each file.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.ts';
import type { IdentityService } from '../../identity/index.ts';
import type { AccountId, Ledger } from '../../ledger/index.ts';
import type { CurrencyCode } from '../../money/index.ts';
import type { Policy, PolicyService } from '../../policy/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Wallets } from '../wallets.ts';
import type { InflightCredits } from './inflight.ts';

export interface CreditsDeps {
  db: Kysely<DB>;
  ledger: Ledger;
  wallets: Wallets;
  identity: IdentityService;
  policy: PolicyService;
  clock: Clock;
  logger: Logger;
  inflight: InflightCredits;
  partners: PartnerDirectory;
  /** Where an invited person signs up (in the unclaimed-credit SMS). */
  signupUrl: string;
}

export async function policyNow(deps: CreditsDeps): Promise<Policy> {
  return (await deps.policy.inForce()).policy;
}

const CACHED_PARTNERS_MAX = 10_000;

/**
 * Partners' prefund accounts and names, cached: both are read for every chunk of every credit
 * request, and neither changes (an account id is derived; a rename reaches SMS after a restart
 * or when the cache turns over).
 */
export class PartnerDirectory {
  private readonly accounts = new Map<string, AccountId>();
  private readonly names = new Map<string, string>();

  constructor(private readonly deps: () => Pick<CreditsDeps, 'db' | 'wallets' | 'identity'>) {}

  async prefundAccount(partnerId: string, currency: CurrencyCode): Promise<AccountId> {
    const key = `${partnerId}:${currency}`;
    const cached = this.accounts.get(key);
    if (cached) return cached;
    const { db, wallets } = this.deps();
    const id = await wallets.partnerAccount(db, partnerId, currency);
    if (this.accounts.size >= CACHED_PARTNERS_MAX) this.accounts.clear();
    this.accounts.set(key, id);
    return id;
  }

  async name(partnerId: string): Promise<string> {
    const cached = this.names.get(partnerId);
    if (cached) return cached;
    const { db, identity } = this.deps();
    const partner = await identity.getPartner(db, partnerId);
    if (this.names.size >= CACHED_PARTNERS_MAX) this.names.clear();
    this.names.set(partnerId, partner.name);
    return partner.name;
  }
}
