// The composition root: builds every service once, in dependency order, and the HTTP app on top.
// `npm start`, the CLI and the API tests all assemble the product here, so they run the same code.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AreaPlugin } from './api/app.ts';
import { ReconciliationService, reconciliationRoutes } from './cashout/reconciliation/index.ts';
import type { AppContext } from './api/context.ts';
import { createMetrics } from './api/metrics.ts';
import { webRoutes } from './api/web.ts';
import { AgentService, agentRoutes } from './agents/index.ts';
import { atmRoutes, cashoutRoutes, createCashout, type WalletRail as CashoutWalletRail } from './cashout/index.ts';
import type { Config } from './config/index.ts';
import { loadSchemaTemplate, migrate, openDatabase, type Database, type OpenOptions } from './db/index.ts';
import { createLedger } from './ledger/index.ts';
import { createIdentity, identityRoutes, type IdentityPolicy, type IdentitySimulators } from './identity/index.ts';
import { createNotifyService, notifyRoutes } from './notify/index.ts';
import { PaymentsService, paymentRoutes } from './payments/index.ts';
import { PolicyService, policyRoutes } from './policy/index.ts';
import { createWalletRail, WalletProviderSimulator, walletRailRoutes, type WalletRail } from './rails/index.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { SupportService, supportRoutes } from './support/index.ts';
import { agentCodeFeature, UssdService, ussdRoutes, voucherFeature } from './ussd/index.ts';
import { CreditJobs, CreditsService, creditRoutes, WalletService, walletRoutes, Wallets } from './wallets/index.ts';

export interface Runtime {
  ctx: AppContext;
  /** The in-process simulators (SIMULATORS=on): the demo world and tests drive them. */
  simulators: { identity: IdentitySimulators | null };
  /** The credit jobs (clearance, unclaimed expiry and claims, held release): runOnce() for tests and the CLI. */
  creditJobs: CreditJobs;
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Use this database instead of opening one from the config (tests). */
  database?: Database;
  /** Background timers (sealing, expiry, workers). Off in most tests. */
  background?: boolean;
}

/**
 * Cash-out names a wallet payee by provider and account; the wallet rail by the provider's
 * handle ("@minjun.kim"). An account saved without the "@" is the same handle; one the provider
 * cannot take is refused by the rail before it sends anything, and the cash-out fails with its
 * money back.
 */
function walletRailForCashout(rail: WalletRail): CashoutWalletRail {
  const handleOf = (account: string) => (account.startsWith('@') ? account : `@${account}`).toLowerCase();
  return {
    channel: rail.channel,
    itemsPerSubmitMax: rail.itemsPerSubmitMax,
    submit: (request) => rail.submit({ ...request, items: request.items.map((item) => ({ ...item, destination: { handle: handleOf(item.destination.account) } })) }),
    status: (refs) => rail.status(refs),
    ingest: (apply) => rail.ingest(apply),
  };
}

/** The demo phone network's inbox (see DemoInboxProvider): only without a real SMS provider and on a data directory. */
export function demoInboxPath(config: Config): string | undefined {
  return config.DEMO === 'on' ? join(config.DATA_DIR, 'sms-inbox.ndjson') : undefined;
}

export function databaseOptions(config: Config): OpenOptions {
  return config.DATABASE_URL
    ? { url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE }
    // A new embedded database starts from the migrated schema template when there is one.
    : { dataDir: join(config.DATA_DIR, 'pglite'), template: () => loadSchemaTemplate() };
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const database = options.database ?? (await openDatabase(databaseOptions(config)));
  const { applied } = await migrate(database);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const ledger = createLedger(database.db, clock, {
    background: options.background ?? true,
    groupCommit: { windowUs: config.LEDGER_BATCH_WINDOW_US, batchMax: config.LEDGER_BATCH_MAX, committers: config.LEDGER_COMMITTERS },
    onError: (error, where) => logger.error({ err: error, where }, 'ledger background task failed'),
  });

  const metrics = createMetrics();
  const notify = createNotifyService({ database, clock, logger, config, registry: metrics.registry, demoInboxFile: demoInboxPath(config) });
  // The policy must exist before anything that reads it: version 1 comes from policy/default.yaml.
  const policy = new PolicyService(database.db, clock);
  // The demo world has months of history, so its first policy version must already be in force then.
  const DEMO_HISTORY_DAYS = 200;
  await policy.seedDefault(config.DEMO === 'on' ? { effectiveFrom: new Date(clock.now().getTime() - DEMO_HISTORY_DAYS * 86_400_000) } : {});
  // Identity reads its numbers synchronously on hot paths (every PIN check): keep the security
  // section of the version in force at hand, refreshed as versions take effect.
  let security: IdentityPolicy = (await policy.inForce()).policy.security;
  const refreshPolicy = setInterval(() => {
    policy.inForce().then((v) => (security = v.policy.security)).catch((error) => logger.error({ err: error }, 'policy refresh failed'));
  }, 5_000);
  refreshPolicy.unref();
  const identity = createIdentity({ db: database.db, clock, logger, config, policy: () => security });

  const walletCore = new Wallets(database.db, ledger, clock);
  await walletCore.ensureSystemAccounts((await policy.inForce()).policy.currency);
  const publicUrl = (config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`).replace(/\/$/, '');
  const credits = new CreditsService({ db: database.db, ledger, wallets: walletCore, identity: identity.service, policy, clock, logger, signupUrl: `${publicUrl}/signup` });
  const wallets = new WalletService({ db: database.db, ledger, clock, policy, identity: identity.service, logger, unclaimed: credits });
  // Credits parked for a number are claimed as soon as its owner registers; the credit jobs catch
  // up with any registration this misses.
  identity.service.onRegistered(async (user) => {
    if (user.phone) await credits.claimUnclaimed(user.id, user.phone);
  });
  const creditJobs = new CreditJobs(credits, logger);

  // The partner wallet rail; in demo mode its provider is the in-process simulator, which answers
  // by webhook to this server's own endpoint.
  const background = options.background ?? true;
  const walletSimulator = config.SIMULATORS === 'on' && !config.WALLET_API_URL && background
    ? new WalletProviderSimulator({
        clock, logger, apiKey: config.WALLET_API_KEY, webhookSecret: config.WALLET_WEBHOOK_SECRET,
        webhookUrl: `${publicUrl}/v1/rails/wallet/webhooks`, port: config.WALLET_SIMULATOR_PORT, latency_ms: 500, rejectionRate: 0.05, timeoutRate: 0.02, duplicateRate: 0.05,
      })
    : null;
  if (walletSimulator) await walletSimulator.start();
  const walletRail = createWalletRail({
    db: database.db, clock, logger, timeZone: config.OPERATOR_TIME_ZONE, webhookSecrets: [config.WALLET_WEBHOOK_SECRET],
    provider: { baseUrl: () => config.WALLET_API_URL ?? walletSimulator?.url ?? `http://127.0.0.1:${config.WALLET_SIMULATOR_PORT}`, apiKey: config.WALLET_API_KEY, request_timeout_ms: config.WALLET_API_TIMEOUT_MS },
  });
  const { service: cashout, bankSimulator } = await createCashout({
    db: database.db, clock, logger, ledger, policy, identity: identity.service, config, wallets: walletCore, walletRail: walletRailForCashout(walletRail),
    // Withdrawal codes (agent, ATM) are hashed under the current PIN key: a server-side secret kept outside the database.
    pickupCodeKey: `withdrawal-codes:${config.PIN_KEYS[config.PIN_KEYS.length - 1]}`,
  });
  // Spending: merchants, payments, vouchers, subscriptions; settlements are paid by the bank rail.
  const payments = new PaymentsService({
    db: database.db, ledger, clock, logger, policy, identity: identity.service, wallets: walletCore,
    voucherKey: config.PIN_KEYS[0]!, bankRail: cashout.deps.rails.bank,
  });
  // The bank's answers to merchant settlements (rct_…) arrive through cash-out's bank ingest.
  cashout.registerPayoutOwner(payments.settlementAnswers);
  const support = new SupportService({ clock, recordAudit: (executor, entry) => identity.service.recordAudit(executor, entry) });
  // USSD features: the agent withdrawal code (the cash-out service's agent channel) and buying a voucher (payments).
  const ussd = new UssdService({
    db: database.db, clock, logger, identity: identity.service, policy, wallets, support, cashout, publicUrl, features: [agentCodeFeature(cashout), voucherFeature(payments)],
  });
  const reconciliation = new ReconciliationService({
    db: database.db, ledger, clock, logger, timeZone: config.OPERATOR_TIME_ZONE,
    audit: (trx, entry) => identity.service.recordAudit(trx, entry),
    // A bank return found in the statement puts the money back in the person's wallet.
    onReturned: async (cashoutId, notice) => {
      if (cashoutId.startsWith(`${payments.settlementAnswers.prefix}_`)) await payments.markSettlementReturned(cashoutId, { code: notice.code, text: notice.text });
      else if (cashoutId.startsWith(`${agents.rebalanceAnswers.prefix}_`)) await agents.markRebalanceReturned(cashoutId, { code: notice.code, text: notice.text });
      else await cashout.markReturned(cashoutId, { code: notice.code, text: notice.text });
    },
  });
  // Cash agents: float withdrawals are paid by the bank rail; top-ups are approved against the
  // deposits reconciliation found on the bank's statements.
  const agents = new AgentService({
    db: database.db, clock, logger, ledger, policy, identity: identity.service, wallets: walletCore, cashout,
    bankRail: cashout.deps.rails.bank, deposits: reconciliation,
  });
  // The bank's answers to float withdrawals (rbl_…) arrive through cash-out's bank ingest.
  cashout.registerPayoutOwner(agents.rebalanceAnswers);

  const ctx: AppContext = {
    config,
    database,
    clock,
    logger,
    metrics,
    ledger,
    authenticator: identity.service.authenticator,
    services: { identity: identity.service, notify, policy, wallets, credits, walletRail, reconciliation, cashout, support, ussd, agents, payments },
    state: { ready: false, shuttingDown: false },
  };
  // The web app last: its fallback answers only paths no area claimed.
  const areas: AreaPlugin[] = [
    identityRoutes, notifyRoutes, policyRoutes, walletRoutes, creditRoutes, walletRailRoutes, reconciliationRoutes, cashoutRoutes,
    atmRoutes, agentRoutes, paymentRoutes, supportRoutes, ussdRoutes, webRoutes(),
  ];
  const app = await buildApp(ctx, { areas });
  const timers: NodeJS.Timeout[] = [refreshPolicy];
  if (background) {
    timers.push(setInterval(() => void walletRail.pollStale().catch((error: unknown) => logger.error({ err: error }, 'wallet rail polling failed')), 30_000));
    notify.start();
    wallets.start();
    creditJobs.start();
    cashout.start();
    payments.start();
    bankSimulator?.start();
    if (identity.simulators) {
      const carrier = identity.simulators.carrier;
      const poll = setInterval(() => identity.service.pollCarrierEvents(carrier).catch((error) => logger.error({ err: error }, 'carrier events failed')), 10_000);
      poll.unref();
      timers.push(poll);
    }
    const sweepUssd = setInterval(() => ussd.sweep().catch((error) => logger.error({ err: error }, 'ussd sweep failed')), 60_000);
    sweepUssd.unref();
    timers.push(sweepUssd);
    // Float withdrawals whose hand-over to the bank failed at approval go out on the next round.
    const agentWithdrawals = setInterval(() => agents.submitWithdrawals().catch((error) => logger.error({ err: error }, 'agent float withdrawals not submitted')), 60_000);
    agentWithdrawals.unref();
    timers.push(agentWithdrawals);
  }
  ctx.state.ready = true;

  return {
    ctx,
    app,
    simulators: { identity: identity.simulators },
    creditJobs,
    async close() {
      ctx.state.shuttingDown = true;
      for (const timer of timers) clearInterval(timer);
      await walletSimulator?.stop();
      await app.close();
      await creditJobs.stop();
      await cashout.stop();
      await payments.stop();
      await bankSimulator?.stop();
      await notify.stop();
      await wallets.stop();
      await identity.service.settle();
      await ledger.close();
      if (!options.database) await database.close();
    },
  };
}
