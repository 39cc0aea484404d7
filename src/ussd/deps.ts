// What the USSD face uses: the domain services, built by the composition root. USSD holds no
// business rule of its own (DESIGN §4): it asks these services and shows their answers.
import type { Kysely } from 'kysely';
import type { CashoutService } from '../cashout/index.ts';
import type { DB } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { PolicyService } from '../policy/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { SupportService } from '../support/index.ts';
import type { WalletService } from '../wallets/index.ts';
import type { UssdFeature } from './feature.ts';

export interface UssdDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  identity: IdentityService;
  policy: PolicyService;
  wallets: WalletService;
  support: SupportService;
  /** Cash-out (quote → PIN → confirm). Absent: the main menu has no "Cash out". */
  cashout?: CashoutService | null;
  /**
   * Menus other modules bring, each in its fixed place of the main menu (see feature.ts): the
   * agent withdrawal code (agents) and buying a voucher (payments). Absent: no entry.
   */
  features?: readonly UssdFeature[];
  /** Where people read the full policy (PUBLIC_URL, or the server's own address). */
  publicUrl: string;
}
