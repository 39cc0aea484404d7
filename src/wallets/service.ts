// WalletService: what the routes, the other faces (USSD, web) and other modules use of wallets.
// Built once by the composition root:
//   const wallets = new WalletService({ db, ledger, clock, policy, identity, logger, unclaimed: credits });
//   ctx.services.wallets = wallets; areas: [walletRoutes, …]; wallets.start() (background jobs)
import type { Kysely } from 'kysely';
import type { DB, Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { maskPhone } from '../identity/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { CurrencyCode } from '../money/index.ts';
import type { LimitKind, PolicyService } from '../policy/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { idToUuid } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { iterateHistory, listHistory, type Directory, type HistoryEntry, type HistoryFilter, type HistoryPage } from './history.ts';
import { limitsView, setSelfLimits, type LimitsView, type StepUp } from './limits.ts';
import { checkOutgoing, usageOf, type OutgoingClearance, type OutgoingRequest } from './outgoing.ts';
import { moveBetweenWallets, openPot, type MoveInput, type MoveResult } from './pots.ts';
import { announceDueRaises, type SelfLimitRequest } from './self-limits.ts';
import { selectSelfLimitChange, selectSelfLimitHistory, type SelfLimitChangeRow } from './self-limits.sql.ts';
import { quoteSend, sendToPerson, type SendDeps, type SendInput, type SendOptions, type SendQuote, type SendResult } from './sends.ts';
import type { UsageReport } from './usage.ts';
import { Wallets, type WalletBalances } from './wallets.ts';
import type { WalletRow } from './wallets.sql.ts';

declare module '../api/context.ts' {
  interface AppServices {
    wallets: WalletService;
  }
}

export interface WalletServiceOptions {
  db: Kysely<DB>;
  ledger: Ledger;
  clock: Clock;
  policy: PolicyService;
  identity: IdentityService;
  logger?: Logger;
  /** How often the job announcing raises that took effect runs (start()). */
  announceIntervalMs?: number;
  /** Sends to a number nobody holds park the value here (CreditsService); without it they are refused. */
  unclaimed?: SendDeps['unclaimed'];
}

export class WalletService {
  readonly core: Wallets;
  private readonly systemAccountsReady = new Map<CurrencyCode, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly options: WalletServiceOptions) {
    this.core = new Wallets(options.db, options.ledger, options.clock);
  }

  private get db(): Kysely<DB> {
    return this.options.db;
  }

  private sendDeps(): SendDeps {
    const { db, ledger, clock, policy, identity, unclaimed } = this.options;
    return { db, ledger, clock, policy, identity, unclaimed, wallets: this.core, ensureSystemAccounts: (currency) => this.ensureSystemAccounts(currency) };
  }

  /** Fee income and the other operator accounts, once per currency and process. */
  async ensureSystemAccounts(currency: CurrencyCode): Promise<void> {
    let ready = this.systemAccountsReady.get(currency);
    if (!ready) {
      ready = this.core.ensureSystemAccounts(currency).catch((error: unknown) => {
        this.systemAccountsReady.delete(currency);
        throw error;
      });
      this.systemAccountsReady.set(currency, ready);
    }
    return ready;
  }

  // ---- Balances ------------------------------------------------------------------------------------

  /** Every wallet of the person with its balances; the main wallet is opened on first use. */
  async listWallets(userId: string): Promise<WalletBalances[]> {
    const { policy } = await this.options.policy.inForce();
    const rows = await this.core.walletsOfUser(userId);
    if (!rows.some((r) => r.kind === 'main' && r.currency === policy.currency)) {
      await withTransaction(this.db, (trx) => this.core.openMainWallet(trx, userId, policy.currency));
      return this.core.balances(await this.core.walletsOfUser(userId));
    }
    return this.core.balances(rows);
  }

  async getWallet(userId: string, walletId: string): Promise<WalletBalances> {
    const [balances] = await this.core.balances([await this.core.ownedWallet(userId, walletId)]);
    return balances!;
  }

  // ---- History ---------------------------------------------------------------------------------------

  private directory(): Directory {
    const { identity } = this.options;
    return {
      phoneOfUser: async (userId) => {
        const user = await identity.findUser(this.db, userId);
        return user?.phone ? maskPhone(user.phone) : null;
      },
      partnerName: async (partnerId) => {
        try {
          return (await identity.getPartner(this.db, partnerId)).name;
        } catch {
          return null;
        }
      },
    };
  }

  private async historyScope(userId: string, walletId: string): Promise<{ wallet: WalletRow; own: WalletRow[] }> {
    const wallet = await this.core.ownedWallet(userId, walletId);
    return { wallet, own: await this.core.walletsOfUser(userId) };
  }

  async history(userId: string, walletId: string, filter: HistoryFilter, page: { limit: number; startingAfter: string | null }): Promise<HistoryPage> {
    const { wallet, own } = await this.historyScope(userId, walletId);
    return listHistory(this.db, { ledger: this.options.ledger, directory: this.directory(), now: this.options.clock.now() }, wallet, own, filter, page);
  }

  /** Checks ownership at once (so a wrong wallet is a 404, not a broken stream), then streams. */
  async historyStream(userId: string, walletId: string, filter: HistoryFilter): Promise<{ timeZone: string; entries: AsyncGenerator<HistoryEntry> }> {
    const { wallet, own } = await this.historyScope(userId, walletId);
    const { policy } = await this.options.policy.inForce();
    const deps = { ledger: this.options.ledger, directory: this.directory(), now: this.options.clock.now() };
    return { timeZone: policy.time_zone, entries: iterateHistory(this.db, deps, wallet, own, filter) };
  }

  // ---- Limits ----------------------------------------------------------------------------------------

  private limitsDeps() {
    const { db, clock, policy, identity } = this.options;
    return { db, clock, policy, identity, wallets: this.core };
  }

  async limits(userId: string): Promise<LimitsView> {
    return limitsView(this.db, this.limitsDeps(), userId);
  }

  async setLimits(userId: string, requests: readonly SelfLimitRequest[], stepUp: StepUp): Promise<LimitsView> {
    return setSelfLimits(this.limitsDeps(), userId, requests, stepUp);
  }

  /** The person's changes of their own caps, newest first. */
  async limitChanges(userId: string, page: { limit: number; startingAfter: string | null }): Promise<{ changes: SelfLimitChangeRow[]; has_more: boolean }> {
    let before: { requested_at: Date; id: string } | null = null;
    if (page.startingAfter) {
      const uuid = idToUuid(page.startingAfter, 'lim');
      const found = uuid ? await selectSelfLimitChange(this.db, userId, uuid) : undefined;
      if (!found) throw new DomainError('invalid_cursor', { param: 'starting_after' });
      before = { requested_at: found.requested_at, id: found.id };
    }
    const rows = await selectSelfLimitHistory(this.db, userId, page.limit + 1, before);
    return { changes: rows.slice(0, page.limit), has_more: rows.length > page.limit };
  }

  /** Today's and this month's outgoing sums and counts of one kind (operator time zone). */
  async usage(userId: string, kind: LimitKind, at: Date = this.options.clock.now(), executor: Executor = this.db): Promise<UsageReport> {
    return usageOf(executor, this.options, userId, kind, at);
  }

  /**
   * The gate before the ledger for every movement out of a user's wallets (see outgoing.ts):
   * call it in the transaction that moves the money. Throws the policy's limit errors.
   */
  async checkOutgoing(executor: Executor, request: OutgoingRequest): Promise<OutgoingClearance> {
    return checkOutgoing(executor, this.options, request);
  }

  /** Tells owners whose raised caps now apply; returns how many were told. */
  async announceDueRaises(): Promise<number> {
    const { policy } = await this.options.policy.inForce();
    return withTransaction(this.db, (trx) =>
      announceDueRaises(trx, this.options.clock, async (userId) => {
        const user = await this.options.identity.findUser(trx, userId);
        return user ? { userId, phone: user.phone, lang: user.lang } : null;
      }, policy.time_zone),
    );
  }

  // ---- Sends and own moves -----------------------------------------------------------------------------

  async quoteSend(userId: string, input: { to: string; amount: SendInput['amount'] }): Promise<SendQuote> {
    return quoteSend(this.sendDeps(), userId, input);
  }

  async send(userId: string, input: SendInput, options: SendOptions): Promise<SendResult> {
    return sendToPerson(this.sendDeps(), userId, input, options);
  }

  async openPot(userId: string, name: string): Promise<WalletBalances> {
    const { policy } = await this.options.policy.inForce();
    const row = await withTransaction(this.db, (trx) => openPot(trx, this.potDeps(), userId, name, policy.currency));
    const [balances] = await this.core.balances([row]);
    return balances!;
  }

  /** `beforeCommit` runs in the move's transaction (store the idempotent response there). */
  async move(userId: string, input: MoveInput, options: { transferId: string; beforeCommit?: (trx: Executor, result: MoveResult) => Promise<void> }): Promise<MoveResult> {
    return withTransaction(this.db, async (trx) => {
      const result = await moveBetweenWallets(trx, this.potDeps(), userId, input, options.transferId);
      await options.beforeCommit?.(trx, result);
      return result;
    });
  }

  private potDeps() {
    return { ledger: this.options.ledger, clock: this.options.clock, wallets: this.core };
  }

  // ---- Background ----------------------------------------------------------------------------------------

  /** Runs the raise announcements every announceIntervalMs (default one minute). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.announceDueRaises()
        .catch((error: unknown) => this.options.logger?.error({ err: error }, 'announcing self-limit raises failed'))
        .finally(() => {
          this.running = null;
        });
    }, this.options.announceIntervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
