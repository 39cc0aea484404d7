// How the composition root builds cash-out: the service with its rails, and in demo mode
// (SIMULATORS=on) the bank simulator that answers the files the bank rail writes.
//
//   const { service, bankSimulator } = await createCashout({ db, clock, logger, ledger, policy, identity, config });
//   ctx.services.cashout = service;  buildApp(ctx, { areas: [..., cashoutRoutes] });
//   service.start(); bankSimulator?.start();       // background jobs (off in most tests)
//   … await service.stop(); await bankSimulator?.stop();
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config/index.ts';
import type { DB } from '../db/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { PolicyService } from '../policy/index.ts';
import { BankSimulator, createBankRail, createFileJournal, type BankRail, type BankSimulatorOptions, type PayoutDebtor } from '../rails/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { Wallets } from '../wallets/index.ts';
import { DEFAULT_TIMINGS, type CashoutDeps, type CashoutTimings, type IdentityPort, type WalletRail } from './deps.ts';
import { WalletLimits, type OutgoingLimits } from './limits.ts';
import { PolicyScreening, type ScreeningStep } from './screening.ts';
import { CashoutService } from './service.ts';

/** The operator's clearing account at its bank (demo values): every bank payout is debited from it. */
export const DEMO_DEBTOR: PayoutDebtor = Object.freeze({
  name: 'smallchange Inc.',
  bankCode: '004',
  accountNumber: '004-0000-1234-56',
  currency: 'KRW',
});

export interface CreateCashoutOptions {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  ledger: Ledger;
  policy: PolicyService;
  identity: IdentityPort;
  config: Pick<Config, 'DATA_DIR' | 'SIMULATORS'>;
  wallets?: Wallets;
  /** A bank rail to use instead of the file rail on DATA_DIR; null: no bank channel. */
  bankRail?: BankRail | null;
  /** The partner-wallet rail adapter; absent: no wallet channel. */
  walletRail?: WalletRail | null;
  debtor?: PayoutDebtor;
  /** The limit step; by default the wallets module's checkOutgoing (see limits.ts). */
  limits?: OutgoingLimits;
  /** The screening step; milestone 2's risk engine replaces it. */
  screening?: ScreeningStep;
  timings?: Partial<CashoutTimings>;
  /** The withdrawal codes' hash key (config PIN_KEYS); absent: a random key for this process (tests). */
  pickupCodeKey?: string;
  /** Overrides for the demo bank simulator. */
  simulator?: Partial<BankSimulatorOptions>;
}

export async function createCashout(options: CreateCashoutOptions): Promise<{ service: CashoutService; bankSimulator: BankSimulator | null }> {
  const debtor = options.debtor ?? DEMO_DEBTOR;
  const wallets = options.wallets ?? new Wallets(options.db, options.ledger, options.clock);
  const policy = await options.policy.inForce();
  // Clearing and fee income must exist before the first reservation names them.
  await wallets.ensureSystemAccounts(policy.policy.currency);
  const bankRail =
    options.bankRail !== undefined
      ? options.bankRail
      : createBankRail({
          dataDir: options.config.DATA_DIR,
          clock: options.clock,
          debtor,
          store: createFileJournal(join(options.config.DATA_DIR, 'bank', 'journal.ndjson')),
        });
  const bankSimulator =
    options.config.SIMULATORS === 'on' && options.bankRail === undefined
      ? new BankSimulator({
          dataDir: options.config.DATA_DIR,
          clock: options.clock,
          account: debtor,
          logger: options.logger,
          ...options.simulator,
        })
      : null;
  const limits = options.limits ?? new WalletLimits({ policy: options.policy, clock: options.clock });
  const deps: CashoutDeps = {
    db: options.db,
    clock: options.clock,
    logger: options.logger,
    ledger: options.ledger,
    policy: options.policy,
    identity: options.identity,
    wallets,
    limits,
    screening: options.screening ?? new PolicyScreening(options.identity, limits),
    rails: { bank: bankRail, wallet: options.walletRail ?? null },
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    pickupCodeKey: options.pickupCodeKey ?? randomBytes(32).toString('hex'),
    alert: (message, details) => options.logger.error({ ...details, alert: 'cashout' }, message),
  };
  return { service: new CashoutService(deps), bankSimulator };
}
