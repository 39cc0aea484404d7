// USSD tests: the product's services on a test database, the app with POST /ussd, and a Dialer
// that talks to it exactly as a gateway does (form posts, the whole dialog's inputs joined by "*").
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCashout, type CashoutService } from '../../src/cashout/index.ts';
import { newId } from '../../src/shared/ids.ts';
import { TestWalletRail, type CashoutWorld } from './cashout.ts';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { createLedger, isSuccess, type AccountId, type Ledger, type TransferId } from '../../src/ledger/index.ts';
import type { IdentityPolicy } from '../../src/identity/index.ts';
import type { Micros } from '../../src/money/index.ts';
import { PolicyService } from '../../src/policy/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { SupportService, supportRoutes } from '../../src/support/index.ts';
import { PaymentsService, type MerchantRow } from '../../src/payments/index.ts';
import { agentCodeFeature, UssdService, ussdRoutes, GATEWAY_SECRET_HEADER, voucherFeature } from '../../src/ussd/index.ts';
import { systemAccountId, TRANSFER_CODES, WalletService } from '../../src/wallets/index.ts';
import { buildTestApp, createTestContext, type TestContext } from './context.ts';

export const TEST_GATEWAY_SECRET = 'test-ussd-gateway-secret-0001';

export interface UssdTestContext extends TestContext {
  app: FastifyInstance;
  ledger: Ledger;
  wallets: WalletService;
  policy: PolicyService;
  support: SupportService;
  ussd: UssdService;
  cashout: CashoutService;
  payments: PaymentsService;
  walletRail: TestWalletRail;
  /** Registers an active merchant (so that "Buy voucher" offers it). */
  addMerchant(name: string, code: string): Promise<MerchantRow>;
  /** Saves a partner-wallet payout destination for the user (as if added in the app); its id. */
  addWalletDestination(userId: string, options?: { provider?: string; account?: string; label?: string }): Promise<string>;
  /** Credits a user's main wallet (cashable or spend-only) from a test partner's prefunding. */
  credit(userId: string, amount: Micros, funding?: 'cashable' | 'spend_only'): Promise<void>;
  closeAll(): Promise<void>;
}

export async function createUssdTestContext(options: { logDestination?: DestinationStream } = {}): Promise<UssdTestContext> {
  let security: IdentityPolicy | null = null;
  const tc = await createTestContext({
    config: { USSD_GATEWAY_SECRETS: [TEST_GATEWAY_SECRET], PUBLIC_URL: 'https://sc.example' },
    identityPolicy: () => security!,
  });
  if (options.logDestination) tc.ctx.logger = createLogger('info', 'smallchange', options.logDestination);
  const ledger = createLedger(tc.database.db, tc.clock, { background: false });
  tc.ctx.ledger = ledger;
  const policy = new PolicyService(tc.database.db, tc.clock);
  await policy.seedDefault();
  security = (await policy.inForce()).policy.security;
  const wallets = new WalletService({ db: tc.database.db, ledger, clock: tc.clock, policy, identity: tc.identity, logger: tc.ctx.logger });
  await wallets.ensureSystemAccounts('KRW');
  const support = new SupportService({ clock: tc.clock, recordAudit: (executor, entry) => tc.identity.recordAudit(executor, entry) });
  // Cash-out through the partner-wallet rail only (a test double): no bank files to write.
  const dataDir = await mkdtemp(join(tmpdir(), 'sc-ussd-'));
  const walletRail = new TestWalletRail(tc.clock);
  const { service: cashout } = await createCashout({
    db: tc.database.db, clock: tc.clock, logger: tc.ctx.logger, ledger, policy, identity: tc.identity,
    config: { DATA_DIR: dataDir, SIMULATORS: 'off' }, wallets: wallets.core, bankRail: null, walletRail,
  });
  const payments = new PaymentsService({
    db: tc.database.db, ledger, clock: tc.clock, logger: tc.ctx.logger, policy, identity: tc.identity, wallets: wallets.core,
    voucherKey: 'test-voucher-key', bankRail: null,
  });
  const ussd = new UssdService({
    db: tc.database.db,
    clock: tc.clock,
    logger: tc.ctx.logger,
    identity: tc.identity,
    policy,
    wallets,
    support,
    cashout,
    publicUrl: 'https://sc.example',
    features: [agentCodeFeature(cashout), voucherFeature(payments)],
  });
  Object.assign(tc.ctx.services, { policy, wallets, support, ussd, cashout, payments });
  const app = await buildTestApp(tc, [ussdRoutes, supportRoutes]);
  const partnerAccount = await wallets.core.partnerAccount(tc.database.db, 'ptn_ussd_test', 'KRW');

  async function credit(userId: string, amount: Micros, funding: 'cashable' | 'spend_only' = 'cashable'): Promise<void> {
    const wallet = await wallets.core.openMainWallet(tc.database.db, userId, 'KRW');
    const target = (funding === 'cashable' ? wallet.cashable_account : wallet.spend_only_account) as AccountId;
    const results = await ledger.createTransfers([
      { id: randomUUID() as TransferId, debit_account_id: systemAccountId('bank_deposits', 'KRW'), credit_account_id: partnerAccount, amount, currency: 'KRW', code: TRANSFER_CODES.partner_prefunding },
      { id: randomUUID() as TransferId, debit_account_id: partnerAccount, credit_account_id: target, amount, currency: 'KRW', code: TRANSFER_CODES.credit, metadata: { source: funding === 'cashable' ? 'reward' : 'promo' } },
    ]);
    if (!results.every(isSuccess)) throw new Error(`test credit failed: ${results.join(', ')}`);
  }

  async function addWalletDestination(userId: string, options: { provider?: string; account?: string; label?: string } = {}): Promise<string> {
    const id = newId('dst');
    await tc.database.db
      .insertInto('cashout_destinations')
      .values({
        id, user_id: userId, kind: 'wallet', label: options.label ?? 'PayBox', bank_account_id: null, bank_code: null, last4: null,
        provider: options.provider ?? 'ptn_paybox', wallet_account: options.account ?? 'min.kim', status: 'active',
        created_at: tc.clock.now(), removed_at: null, first_payout_at: null,
      })
      .execute();
    return id;
  }

  let merchants = 0;
  async function addMerchant(name: string, code: string): Promise<MerchantRow> {
    merchants++;
    return payments.registerMerchant({ staffId: 'stf_ussd_test' }, {
      name, code, partnerId: null, settlement: { bankCode: '088', accountNumber: `110${String(merchants).padStart(9, '0')}`, holderName: '(주)테스트' },
    });
  }

  return {
    ...tc,
    app,
    ledger,
    wallets,
    policy,
    support,
    ussd,
    cashout,
    payments,
    walletRail,
    addMerchant,
    addWalletDestination,
    credit,
    async closeAll() {
      await app.close();
      await cashout.stop();
      await ledger.close();
      await tc.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * USSD over a cash-out world (test/helpers/cashout.ts): people with identity-checked, proved bank
 * accounts, the bank rail and its simulator — so that a dialog cashes out to a real destination.
 */
export async function attachUssd(world: CashoutWorld): Promise<{ app: FastifyInstance; ussd: UssdService }> {
  const wallets = new WalletService({ db: world.tc.database.db, ledger: world.ledger, clock: world.clock, policy: world.policy, identity: world.tc.identity, logger: world.tc.ctx.logger });
  const support = new SupportService({ clock: world.clock, recordAudit: (executor, entry) => world.tc.identity.recordAudit(executor, entry) });
  const ussd = new UssdService({
    db: world.tc.database.db, clock: world.clock, logger: world.tc.ctx.logger, identity: world.tc.identity, policy: world.policy,
    wallets, support, cashout: world.service, publicUrl: 'https://sc.example', features: [agentCodeFeature(world.service)],
  });
  const ctx = {
    ...world.tc.ctx,
    config: { ...world.tc.ctx.config, USSD_GATEWAY_SECRETS: [TEST_GATEWAY_SECRET] },
    services: { ...world.tc.ctx.services, wallets, support, ussd },
  };
  const app = await buildTestApp({ ...world.tc, ctx }, [ussdRoutes]);
  return { app, ussd };
}

export interface GatewayResponse {
  status: number;
  body: string;
  contentType: string | undefined;
}

/** One phone's dialog through POST /ussd, as the gateway sends it. */
export class Dialer {
  readonly sessionId: string;
  private readonly inputs: string[] = [];
  readonly replies: string[] = [];

  constructor(
    private readonly app: FastifyInstance,
    readonly phone: string,
    private readonly options: { networkCode?: string; serviceCode?: string; secret?: string; sessionId?: string } = {},
  ) {
    this.sessionId = options.sessionId ?? `ATUid_${randomUUID().replace(/-/g, '')}`;
  }

  get text(): string {
    return this.inputs.join('*');
  }

  /** The first request of the dialog (text empty, or a dial string's inputs). */
  async dial(...shortcut: string[]): Promise<string> {
    this.inputs.push(...shortcut);
    return this.post(this.text);
  }

  /** Types one answer. */
  async send(input: string): Promise<string> {
    this.inputs.push(input);
    return this.post(this.text);
  }

  /** Sends the last request again (a gateway retry). */
  async retry(): Promise<string> {
    return this.post(this.text);
  }

  async raw(text: string): Promise<GatewayResponse> {
    return gatewayPost(this.app, {
      sessionId: this.sessionId,
      serviceCode: this.options.serviceCode ?? '*123#',
      phoneNumber: this.phone,
      networkCode: this.options.networkCode ?? '45005',
      text,
    }, this.options.secret ?? TEST_GATEWAY_SECRET);
  }

  private async post(text: string): Promise<string> {
    const response = await this.raw(text);
    if (response.status !== 200) throw new Error(`POST /ussd answered ${response.status}: ${response.body}`);
    if (!response.contentType?.startsWith('text/plain')) throw new Error(`POST /ussd answered ${response.contentType}`);
    this.replies.push(response.body);
    return response.body;
  }
}

export async function gatewayPost(app: FastifyInstance, form: Record<string, string>, secret: string | null = TEST_GATEWAY_SECRET): Promise<GatewayResponse> {
  const response = await app.inject({
    method: 'POST',
    url: '/ussd',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(secret === null ? {} : { [GATEWAY_SECRET_HEADER]: secret }) },
    payload: new URLSearchParams(form).toString(),
  });
  return { status: response.statusCode, body: response.body, contentType: response.headers['content-type'] as string | undefined };
}
