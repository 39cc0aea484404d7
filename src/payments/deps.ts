// What the payments module needs from the rest of the product, as narrow ports.
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { PolicyService } from '../policy/index.ts';
import type { BankRail } from '../rails/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Wallets } from '../wallets/index.ts';

export interface PaymentsDeps {
  db: Kysely<DB>;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  policy: PolicyService;
  identity: Pick<IdentityService, 'verifyPin' | 'assertCanSend' | 'getUser' | 'findUser' | 'getPartner' | 'recordAudit' | 'resolveRecipientByPhone'>;
  wallets: Wallets;
  /** Keys the voucher code and PIN hashes (a 16-digit code or a 6-digit PIN cannot be protected by a plain hash). */
  voucherKey: string;
  /** The bank rail that pays merchant settlements (pain.001); null: settlement is not configured. */
  bankRail: BankRail | null;
}
