// CashoutService: the one object the routes, the CLI, the composition root and other modules use
// (ctx.services.cashout). It holds the dependencies, runs the background jobs on timers, and
// keeps the work that talks to a rail (batches, ingest, recovery) one at a time per process.
import type { RailUpdate } from '../rails/index.ts';
import { DomainError, type Lang } from '../shared/errors.ts';
import { idToUuid } from '../shared/ids.ts';
import { evaluateAutoSweep, getAutoSweep, removeAutoSweep, runAutoSweeps, setAutoSweep, type AutoSweepInput, type SweepOutcome } from './auto-sweep.ts';
import { cancelCashout } from './cancel.ts';
import { listCashouts, selectCashout, selectEvents } from './cashouts.sql.ts';
import { runBatches, type BatchReport } from './channels.ts';
import { confirmCashout, type ConfirmRequest } from './confirm.ts';
import type { CashoutDeps } from './deps.ts';
import { addDestination, deleteDestination, destinationDisplay, listDestinations, type NewDestination } from './destinations.ts';
import { selectDestination, selectDestinations } from './destinations.sql.ts';
import { defaultStatementHandler, ingestBank, ingestWallet, runDueBankBatches, type BankIngestReport, type StatementHandler } from './jobs.ts';
import { createQuote, type QuoteRequest } from './quotes.ts';
import type { PayoutOwner } from './payout-owners.ts';
import { applyRailUpdates, markReturned, type AppliedUpdates } from './rail-updates.ts';
import { findCjkFont, receiptOf, renderReceiptPdf, type ReceiptView } from './receipts.ts';
import { runRecovery, type RecoveryReport } from './recovery.ts';
import { isCashoutState, type CashoutState } from './states.ts';
import type { OtpProof } from './step-up.ts';
import type { Executor } from '../db/index.ts';
import type { TransitionedRow } from './cashouts.sql.ts';
import {
  assertCodeGuessesLeft, authorizeAtm, completeAtm, expirePickupCodes, sweepUnfinishedAtm, lockPickupByCode, recordCodeFailure, reverseAtm, settlePickupIn, type AtmAuthorization, type IssuedCode, type SettlePickup,
} from './pickup.ts';
import type { CashChannel, PickupCodeRow } from './tables.ts';
import type { AutoSweepRow, CashoutEventRow, CashoutRow, DestinationRow, QuoteRow } from './tables.ts';
import './errors.ts';

declare module '../api/context.ts' {
  interface AppServices {
    cashout: CashoutService;
  }
}

export interface JobIntervals {
  bank_schedule_ms: number;
  ingest_ms: number;
  wallet_submit_ms: number;
  recovery_ms: number;
  auto_sweep_ms: number;
  pickup_expiry_ms: number;
}

export const DEFAULT_INTERVALS: JobIntervals = {
  bank_schedule_ms: 15_000,
  ingest_ms: 2_000,
  wallet_submit_ms: 2_000,
  recovery_ms: 60_000,
  auto_sweep_ms: 300_000,
  pickup_expiry_ms: 30_000,
};

export interface CashoutView {
  row: CashoutRow;
  display: string;
  events?: CashoutEventRow[];
}

export class CashoutService {
  private statementHandler: StatementHandler = defaultStatementHandler;
  private timers: NodeJS.Timeout[] = [];
  private railWork: Promise<unknown> = Promise.resolve();
  private walletKick: Promise<unknown> | null = null;
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(readonly deps: CashoutDeps) {}

  // ---- The API's use cases -------------------------------------------------------------------

  quote(request: QuoteRequest): Promise<QuoteRow> {
    return createQuote(this.deps, request);
  }

  /** Confirms a quote; the view is built from what the confirm already read (no extra reads on the hot path). */
  async confirm(request: ConfirmRequest, lang: Lang): Promise<CashoutView & { replayed: boolean; pickup: IssuedCode | null }> {
    const result = await confirmCashout(this.deps, request);
    if (result.cashout.channel === 'wallet' && result.cashout.state === 'submitted') this.kickWalletSubmissions();
    if (result.replayed || !result.destination || !result.events) return { ...(await this.describe(result.cashout, lang)), replayed: result.replayed, pickup: null };
    return { row: result.cashout, display: this.displayOf(result.destination, result.cashout, lang), events: result.events, replayed: false, pickup: result.pickup ?? null };
  }

  async cancel(userId: string, cashoutId: string, lang: Lang): Promise<CashoutView> {
    const row = await cancelCashout(this.deps, userId, cashoutId);
    return this.viewOf(row, lang);
  }

  async get(userId: string, cashoutId: string, lang: Lang): Promise<CashoutView> {
    const row = await this.ownCashout(userId, cashoutId);
    return { ...(await this.viewOf(row, lang)), events: await selectEvents(this.deps.db, row.id) };
  }

  /** A cash-out as its owner sees it, with its events. */
  async describe(row: CashoutRow, lang: Lang): Promise<CashoutView> {
    return { ...(await this.viewOf(row, lang)), events: await selectEvents(this.deps.db, row.id) };
  }

  async list(userId: string, lang: Lang, options: { limit: number; startingAfter?: string; state?: string }): Promise<{ data: CashoutView[]; hasMore: boolean }> {
    let after: { created_at: Date; id: string } | null = null;
    if (options.startingAfter) {
      const anchor = await this.ownCashout(userId, options.startingAfter);
      after = { created_at: anchor.created_at, id: anchor.id };
    }
    const state: CashoutState | null = options.state && isCashoutState(options.state) ? options.state : null;
    const rows = await listCashouts(this.deps.db, userId, options.limit + 1, after, state);
    const page = rows.slice(0, options.limit);
    const destinations = new Map((await selectDestinations(this.deps.db, [...new Set(page.map((r) => r.destination_id))])).map((d) => [d.id, d]));
    return {
      data: page.map((row) => ({ row, display: this.displayOf(destinations.get(row.destination_id), row, lang) })),
      hasMore: rows.length > options.limit,
    };
  }

  async receipt(userId: string, cashoutId: string, lang: Lang): Promise<ReceiptView> {
    const row = await this.ownCashout(userId, cashoutId);
    const { display } = await this.viewOf(row, lang);
    return receiptOf(row, display);
  }

  async receiptPdf(userId: string, cashoutId: string, requested: Lang): Promise<{ pdf: Buffer; lang: Lang; receipt: ReceiptView }> {
    // Without a CJK font the receipt is English, names of banks included.
    const lang: Lang = requested === 'ko' && !findCjkFont() ? 'en' : requested;
    const receipt = await this.receipt(userId, cashoutId, lang);
    const policy = (await this.deps.policy.inForce()).policy;
    const rendered = await renderReceiptPdf(receipt, lang, policy.time_zone);
    return { ...rendered, receipt };
  }

  addDestination(userId: string, input: NewDestination, proof: OtpProof | null): Promise<DestinationRow> {
    return addDestination(this.deps, userId, input, proof);
  }

  listDestinations(userId: string): Promise<DestinationRow[]> {
    return listDestinations(this.deps, userId);
  }

  deleteDestination(userId: string, id: string): Promise<DestinationRow> {
    return deleteDestination(this.deps, userId, id);
  }

  setAutoSweep(input: AutoSweepInput): Promise<AutoSweepRow> {
    return setAutoSweep(this.deps, input);
  }

  getAutoSweep(userId: string): Promise<AutoSweepRow> {
    return getAutoSweep(this.deps, userId);
  }

  removeAutoSweep(userId: string): Promise<AutoSweepRow> {
    return removeAutoSweep(this.deps, userId);
  }

  // ---- For other modules ------------------------------------------------------------------------

  /** After credits land in a user's wallet: sweep them out if the user's rule says so. */
  evaluateAutoSweep(userId: string): Promise<SweepOutcome> {
    return evaluateAutoSweep(this.deps, userId);
  }

  /** Reconciliation found a return on the bank statement (camt.053): money back to the wallet. */
  markReturned(cashoutId: string, reason: { code: string; text?: string }): Promise<'returned' | 'already_returned'> {
    return markReturned(this.deps, cashoutId, reason);
  }

  /** Answers a rail gave by another path (a webhook handled elsewhere): applied like ingested ones. */
  applyRailUpdates(updates: readonly RailUpdate[], source: string): Promise<AppliedUpdates> {
    return applyRailUpdates(this.deps, updates, `system:${source}`);
  }

  // ---- The cash channels (agents, ATM networks) ---------------------------------------------------

  /** The withdrawal code's row, locked in the caller's transaction (undefined: no such code on this channel). */
  lockPickupCode(trx: Executor, channel: CashChannel, code: string): Promise<PickupCodeRow | undefined> {
    return lockPickupByCode(this.deps, trx, channel, code);
  }

  /** Posts a redeemed code's reservation with the caller's onward transfers, and settles the cash-out; in the caller's transaction. */
  settlePickupIn(trx: Executor, input: SettlePickup): Promise<TransitionedRow> {
    return settlePickupIn(this.deps, trx, input);
  }

  authorizeAtm(input: Parameters<typeof authorizeAtm>[1]): Promise<AtmAuthorization> {
    return authorizeAtm(this.deps, input);
  }

  completeAtm(input: { partnerId: string; withdrawal: string }): Promise<TransitionedRow> {
    return completeAtm(this.deps, input);
  }

  reverseAtm(input: { partnerId: string; withdrawal: string; reason: string }): Promise<TransitionedRow> {
    return reverseAtm(this.deps, input);
  }

  /** Refuses (429 `code`) while `redeemer` has used up its wrong codes for the hour. */
  assertCodeGuessesLeft(redeemer: string, perHour: number, code: string): Promise<void> {
    return assertCodeGuessesLeft(this.deps, redeemer, perHour, code);
  }

  recordCodeFailure(redeemer: string): Promise<void> {
    return recordCodeFailure(this.deps, redeemer);
  }

  /** Voids the reservations of withdrawal codes past their time (a job; tests call it). */
  expirePickupCodes(): Promise<{ expired: number; voided: number }> {
    return expirePickupCodes(this.deps);
  }

  /** Releases ATM authorizations never completed nor reversed, with a finance task each (a job; tests call it). */
  sweepUnfinishedAtm(): Promise<{ lapsed: number }> {
    return sweepUnfinishedAtm(this.deps);
  }

  /** Reconciliation installs how bank statements are read (see jobs.ts StatementHandler). */
  /** Another module paying through the bank rail takes the bank's answers for its references. */
  registerPayoutOwner(owner: PayoutOwner): void {
    const owners = (this.deps.payoutOwners ??= []);
    if (owners.some((o) => o.prefix === owner.prefix)) throw new Error(`a payout owner for ${owner.prefix}_ is registered already`);
    owners.push(owner);
  }

  setStatementHandler(handler: StatementHandler): void {
    this.statementHandler = handler;
  }

  // ---- Jobs (the CLI and the scheduler) ---------------------------------------------------------

  /** `payouts run`: every bank payout waiting now goes in batches, whatever the schedule says. */
  runBankBatch(): Promise<BatchReport[]> {
    return this.exclusive(() => runBatches(this.deps, 'bank', 'manual'));
  }

  runDueBankBatches(): Promise<BatchReport[]> {
    return this.exclusive(() => runDueBankBatches(this.deps));
  }

  ingestBank(): Promise<BankIngestReport> {
    return this.exclusive(() => ingestBank(this.deps, this.statementHandler));
  }

  runWalletSubmissions(): Promise<BatchReport[]> {
    return this.exclusive(() => runBatches(this.deps, 'wallet'));
  }

  ingestWallet(): Promise<BankIngestReport> {
    return this.exclusive(() => ingestWallet(this.deps));
  }

  runRecovery(): Promise<RecoveryReport> {
    return this.exclusive(() => runRecovery(this.deps));
  }

  runAutoSweeps(): Promise<{ evaluated: number; swept: number }> {
    return runAutoSweeps(this.deps);
  }

  start(intervals: Partial<JobIntervals> = {}): void {
    const every = { ...DEFAULT_INTERVALS, ...intervals };
    const jobs: [string, number, () => Promise<unknown>][] = [
      ['bank_schedule', every.bank_schedule_ms, () => this.runDueBankBatches()],
      ['bank_ingest', every.ingest_ms, () => this.ingestBank()],
      ['wallet_submit', every.wallet_submit_ms, () => this.runWalletSubmissions()],
      ['wallet_ingest', every.ingest_ms, () => this.ingestWallet()],
      ['recovery', every.recovery_ms, () => this.runRecovery()],
      ['auto_sweep', every.auto_sweep_ms, () => this.runAutoSweeps()],
      ['pickup_expiry', every.pickup_expiry_ms, () => this.expirePickupCodes()],
      // Same cadence as the code expiry: both release cash-channel holds.
      ['atm_sweep', every.pickup_expiry_ms, () => this.sweepUnfinishedAtm()],
    ];
    for (const [name, ms, job] of jobs) {
      const timer = setInterval(() => this.runJob(name, job), ms);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Waits for rail work started in the background (a wallet payout handed over after a confirm). */
  async drain(): Promise<void> {
    await this.walletKick?.catch(() => undefined);
    await this.railWork.catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.railWork.catch(() => undefined);
    await this.walletKick?.catch(() => undefined);
  }

  // ---- Inside ------------------------------------------------------------------------------------

  private runJob(name: string, job: () => Promise<unknown>): void {
    if (this.stopped || this.running.has(name)) return;
    this.running.add(name);
    job()
      .catch((error: unknown) => this.deps.logger.error({ err: error, job: name }, 'cash-out job failed'))
      .finally(() => this.running.delete(name));
  }

  /** Rail work one at a time: a batch is never handed over twice at once by this process. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.railWork.then(work, work);
    this.railWork = run.catch(() => undefined);
    return run;
  }

  private kickWalletSubmissions(): void {
    if (this.walletKick || this.stopped) return;
    this.walletKick = this.runWalletSubmissions()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'wallet payout submission failed; recovery will retry'))
      .finally(() => {
        this.walletKick = null;
      });
  }

  private async ownCashout(userId: string, cashoutId: string): Promise<CashoutRow> {
    const id = idToUuid(cashoutId, 'cot');
    const row = id ? await selectCashout(this.deps.db, id) : undefined;
    if (!row || row.user_id !== userId) throw new DomainError('cashout_not_found', { param: 'id' });
    return row;
  }

  private displayOf(destination: DestinationRow | undefined, row: CashoutRow, lang: Lang): string {
    return destination ? destinationDisplay(destination, lang, destination.kind === 'wallet' ? destination.label : null) : row.destination_label;
  }

  private async viewOf(row: CashoutRow, lang: Lang): Promise<CashoutView> {
    const destination = await selectDestination(this.deps.db, row.destination_id);
    return { row, display: this.displayOf(destination, row, lang) };
  }
}

