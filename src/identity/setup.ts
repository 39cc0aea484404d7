// How the composition root builds identity: the service (with the authenticator) and, in demo
// mode, the simulators behind its adapters.
import type { Kysely } from 'kysely';
import type { Config } from '../config/index.ts';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { BankVerificationSimulator, type BankVerificationAdapter } from './bank-verification.ts';
import { CarrierEventsSimulator } from './carrier-events.ts';
import { IdentityCheckSimulator, type IdentityCheckAdapter } from './identity-check.ts';
import { DEFAULT_IDENTITY_POLICY, type IdentityPolicy } from './policy.ts';
import { IdentityService } from './service.ts';

export interface IdentitySimulators {
  identityCheck: IdentityCheckSimulator;
  bank: BankVerificationSimulator;
  carrier: CarrierEventsSimulator;
}

export interface CreateIdentityOptions {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'PIN_KEYS' | 'DATA_KEYS' | 'SIMULATORS'>;
  /** Maps the operator policy onto identity's numbers; DEFAULT_IDENTITY_POLICY when absent. */
  policy?: () => IdentityPolicy;
  /** Real adapters; required when SIMULATORS=off. */
  identityCheck?: IdentityCheckAdapter;
  bankVerification?: BankVerificationAdapter;
}

export function createIdentity(options: CreateIdentityOptions): { service: IdentityService; simulators: IdentitySimulators | null } {
  const simulate = options.config.SIMULATORS === 'on';
  if (!simulate && (!options.identityCheck || !options.bankVerification)) {
    throw new Error('identity: SIMULATORS=off needs real identityCheck and bankVerification adapters');
  }
  const simulators: IdentitySimulators | null = simulate
    ? { identityCheck: new IdentityCheckSimulator(), bank: new BankVerificationSimulator(), carrier: new CarrierEventsSimulator(options.clock) }
    : null;
  const service = new IdentityService({
    db: options.db,
    clock: options.clock,
    logger: options.logger,
    pinKeys: options.config.PIN_KEYS,
    dataKeys: options.config.DATA_KEYS,
    policy: options.policy ?? (() => DEFAULT_IDENTITY_POLICY),
    identityCheck: options.identityCheck ?? simulators!.identityCheck,
    bankVerification: options.bankVerification ?? simulators!.bank,
  });
  return { service, simulators };
}
