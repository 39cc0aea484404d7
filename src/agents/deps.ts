// What the agents use cases share, and the narrow ports they use of other modules.
import type { Kysely } from 'kysely';
import type { CashoutService } from '../cashout/index.ts';
import type { DB } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { AccountId, Ledger } from '../ledger/index.ts';
import type { Micros } from '../money/index.ts';
import type { PolicyService } from '../policy/index.ts';
import type { BankRail } from '../rails/index.ts';
import type { Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { derivedUuid } from '../shared/ids.ts';
import type { Wallets } from '../wallets/index.ts';

export type AgentIdentityPort = Pick<IdentityService, 'getUser' | 'findUser' | 'getStaff' | 'verifyPin' | 'resolveRecipientByPhone' | 'recordAudit' | 'listBankAccounts' | 'revealBankAccount'>;
export type AgentCashoutPort = Pick<CashoutService, 'lockPickupCode' | 'settlePickupIn' | 'assertCodeGuessesLeft' | 'recordCodeFailure'>;

/**
 * Deposits the bank stated on a reconciled camt.053 (reconciliation's service, wired by the
 * composition root): a float top-up is approved against one of them.
 */
export interface AgentDepositsPort {
  findDeposit(executor: Executor, bankReference: string): Promise<{ bankReference: string; amount: Micros; currency: string; bookingDate: string | null; runId: string } | null>;
  resolveDepositTask(executor: Executor, bankReference: string, by: string, resolution: string): Promise<number>;
}

export interface AgentDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  ledger: Ledger;
  policy: Pick<PolicyService, 'inForce'>;
  identity: AgentIdentityPort;
  wallets: Wallets;
  cashout: AgentCashoutPort;
  /** The bank rail float withdrawals are paid through (pain.001); null/absent: not configured. */
  bankRail?: BankRail | null;
  /** Stated deposits for top-ups; absent: top-ups cannot be approved (deposit_not_found). */
  deposits?: AgentDepositsPort;
}

/** An agent's ledger accounts: ids derived from the agent's id, so creating them twice is `exists`. */
export function agentAccountId(agentId: string, kind: 'float' | 'commission'): AccountId {
  return derivedUuid(`smallchange:agent:${agentId}:${kind}`) as AccountId;
}
