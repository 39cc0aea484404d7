// What the agents use cases share, and the narrow ports they use of other modules.
import type { Kysely } from 'kysely';
import type { CashoutService } from '../cashout/index.ts';
import type { DB } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { AccountId, Ledger } from '../ledger/index.ts';
import type { PolicyService } from '../policy/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { derivedUuid } from '../shared/ids.ts';
import type { Wallets } from '../wallets/index.ts';

export type AgentIdentityPort = Pick<IdentityService, 'getUser' | 'findUser' | 'getStaff' | 'verifyPin' | 'resolveRecipientByPhone'>;
export type AgentCashoutPort = Pick<CashoutService, 'lockPickupCode' | 'settlePickupIn' | 'assertCodeGuessesLeft' | 'recordCodeFailure'>;

export interface AgentDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  ledger: Ledger;
  policy: Pick<PolicyService, 'inForce'>;
  identity: AgentIdentityPort;
  wallets: Wallets;
  cashout: AgentCashoutPort;
}

/** An agent's ledger accounts: ids derived from the agent's id, so creating them twice is `exists`. */
export function agentAccountId(agentId: string, kind: 'float' | 'commission'): AccountId {
  return derivedUuid(`smallchange:agent:${agentId}:${kind}`) as AccountId;
}
