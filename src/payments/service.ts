// The payments service: what the routes, the jobs and other faces call. Each method owns its
// transaction (or takes the caller's through beforeCommit), so postings, rows, outbox messages
// and the idempotency record commit together.
import { withTransaction } from '../db/index.ts';
import { ZERO, type CurrencyCode, type Micros } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import type { ItemResult } from '../rails/index.ts';
import { idToUuid } from '../shared/ids.ts';
import type { PaymentsDeps } from './deps.ts';
import { listMerchants, selectMerchant } from './merchants.sql.ts';
import { merchantById, merchantOfPartner, payableMerchant, registerMerchant, type NewMerchant } from './merchants.ts';
import { listPayments, selectPayment, selectRefunds } from './payments.sql.ts';
import {
  payMerchant, paymentOfMerchant, paymentOfUser, refundPayment, type MoneyOptions, type PayInput, type PaymentView, type RefundInput, type RefundView,
} from './payments.ts';
import {
  authorizeMandate, cancelMandate, mandatesOfMerchant, mandatesOfUser, requestMandate, runDueCharges, type ChargeRound, type MandateRequest, type MandateView,
} from './subscriptions.ts';
import { applySettlementAnswers, markSettlementReturned, SETTLEMENT_REF_PREFIX, type AppliedSettlementAnswers } from './settlement-answers.ts';
import { runSettlement, settlementDue, type SettlementRun } from './settlement.ts';
import type { MerchantRow, PaymentRow } from './tables.ts';
import {
  buyVoucher, giftVoucher, priceVoucher, redeemVoucher, sendVoucher, voucherFingerprint, voucherIssuers, voucherOfBuyer, vouchersOfBuyer, type BuyVoucherInput, type IssuedVoucher,
  type RedeemInput, type RedemptionView, type VoucherPrice, type VoucherView,
} from './vouchers.ts';

export interface Page<T> {
  data: T[];
  has_more: boolean;
}

/** How often the background job looks for subscription charges that are due. */
export const CHARGE_JOB_INTERVAL_MS = 60_000;

export class PaymentsService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(readonly deps: PaymentsDeps) {}

  /** The local date the settlement job last ran (in memory: a restart reruns it, which pays nothing twice). */
  private settledOn: string | null = null;

  /** Background jobs: subscription charges every minute, and the day's settlement when due. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runScheduled()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'payments jobs failed'))
        .finally(() => (this.running = null));
    }, CHARGE_JOB_INTERVAL_MS);
    this.timer.unref();
  }

  /** One round of the background jobs (the timer calls it; tests call it with a ManualClock). */
  async runScheduled(): Promise<{ charges: ChargeRound; settlement: SettlementRun | null }> {
    const charges = await this.runSubscriptionCharges();
    const { policy } = await this.deps.policy.inForce();
    let settlement: SettlementRun | null = null;
    if (this.deps.bankRail && settlementDue(policy, this.deps.clock.now(), this.settledOn)) {
      settlement = await this.runSettlement();
      this.settledOn = settlement.business_date;
    }
    return { charges, settlement };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  // ---- Merchants -------------------------------------------------------------------------------

  async registerMerchant(actor: { staffId: string; requestId?: string }, input: NewMerchant): Promise<MerchantRow> {
    return withTransaction(this.deps.db, (trx) => registerMerchant(trx, this.deps, actor, input));
  }

  async merchant(id: string): Promise<{ merchant: MerchantRow; balance: Micros }> {
    const merchant = await merchantById(this.deps.db, id);
    return { merchant, balance: await this.receivableBalance(merchant) };
  }

  async merchants(page: { limit: number; startingAfter?: string | undefined }): Promise<Page<MerchantRow>> {
    const after = page.startingAfter ? (idToUuid(page.startingAfter, 'mer') ?? undefined) : undefined;
    if (page.startingAfter && !after) throw new DomainError('merchant_not_found', { param: 'starting_after' });
    const rows = await listMerchants(this.deps.db, { limit: page.limit, ...(after ? { after } : {}) });
    return { data: rows.slice(0, page.limit), has_more: rows.length > page.limit };
  }

  /** Who a code or a scanned QR names, before paying: people see the shop's name first. */
  async lookupMerchant(ref: { code?: string | undefined; qr?: string | undefined }): Promise<MerchantRow> {
    return payableMerchant(this.deps.db, ref);
  }

  /** The merchant a merchant:operate key acts for. */
  async merchantOfPartner(partnerId: string): Promise<MerchantRow> {
    return merchantOfPartner(this.deps.db, partnerId);
  }

  async receivableBalance(merchant: MerchantRow): Promise<Micros> {
    const [balance] = await this.deps.ledger.getBalances([merchant.receivable_account]);
    return balance?.available ?? ZERO;
  }

  // ---- Payments and refunds --------------------------------------------------------------------

  async pay(userId: string, input: PayInput, options: MoneyOptions<PaymentView>): Promise<PaymentView> {
    return payMerchant(this.deps, userId, input, options);
  }

  async payment(userId: string, id: string): Promise<PaymentView> {
    return paymentOfUser(this.deps, userId, id);
  }

  async merchantPayment(merchant: MerchantRow, id: string): Promise<PaymentView> {
    return paymentOfMerchant(this.deps, merchant, id);
  }

  async paymentsOfUser(userId: string, page: { limit: number; startingAfter?: string | undefined }): Promise<Page<PaymentView>> {
    return this.paymentPage({ userId }, page, (p) => p.user_id === userId);
  }

  async paymentsOfMerchant(merchant: MerchantRow, page: { limit: number; startingAfter?: string | undefined }): Promise<Page<PaymentView>> {
    return this.paymentPage({ merchantId: merchant.id }, page, (p) => p.merchant_id === merchant.id);
  }

  private async paymentPage(by: { userId?: string; merchantId?: string }, page: { limit: number; startingAfter?: string | undefined }, owns: (p: PaymentRow) => boolean): Promise<Page<PaymentView>> {
    let before: { created_at: Date; id: string } | undefined;
    if (page.startingAfter) {
      const uuid = idToUuid(page.startingAfter, 'pay');
      const cursor = uuid ? await selectPayment(this.deps.db, uuid) : undefined;
      if (!cursor || !owns(cursor)) throw new DomainError('payment_not_found', { param: 'starting_after' });
      before = { created_at: cursor.created_at, id: cursor.id };
    }
    const rows = await listPayments(this.deps.db, by, { limit: page.limit, ...(before ? { before } : {}) });
    const merchants = new Map<string, MerchantRow>();
    const data: PaymentView[] = [];
    for (const payment of rows.slice(0, page.limit)) {
      let merchant = merchants.get(payment.merchant_id);
      if (!merchant) {
        merchant = (await selectMerchant(this.deps.db, payment.merchant_id))!;
        merchants.set(merchant.id, merchant);
      }
      data.push({ payment, merchant, refunds: await selectRefunds(this.deps.db, payment.id) });
    }
    return { data, has_more: rows.length > page.limit };
  }

  async refund(merchant: MerchantRow, paymentId: string, input: RefundInput, options: MoneyOptions<RefundView>): Promise<RefundView> {
    return refundPayment(this.deps, merchant, paymentId, input, options);
  }

  // ---- Vouchers --------------------------------------------------------------------------------

  async buyVoucher(userId: string, input: BuyVoucherInput, options: MoneyOptions<IssuedVoucher>): Promise<IssuedVoucher> {
    return buyVoucher(this.deps, userId, input, options);
  }

  /** The voucher's cost and funding split before the PIN, with the refusals a purchase would give now. */
  async priceVoucher(userId: string, input: Pick<BuyVoucherInput, 'amount' | 'merchants'>): Promise<VoucherPrice> {
    return priceVoucher(this.deps, userId, input);
  }

  /** Buys a voucher whose code and PIN go only to another phone, by SMS. */
  async giftVoucher(userId: string, input: Omit<BuyVoucherInput, 'smsCopy'> & { to: string }, options: MoneyOptions<VoucherView>): Promise<VoucherView> {
    return giftVoucher(this.deps, userId, input, options);
  }

  /** Merchants to offer a buyer who cannot type a merchant code (USSD). */
  async voucherIssuers(currency: CurrencyCode, limit: number): Promise<MerchantRow[]> {
    return voucherIssuers(this.deps, currency, limit);
  }

  async vouchers(userId: string, limit: number): Promise<VoucherView[]> {
    return vouchersOfBuyer(this.deps, userId, limit);
  }

  async voucher(userId: string, id: string): Promise<VoucherView> {
    return voucherOfBuyer(this.deps, userId, id);
  }

  async sendVoucher(userId: string, id: string, to: string): Promise<VoucherView> {
    return sendVoucher(this.deps, userId, id, to);
  }

  /** Identifies a voucher code in an idempotency hash without revealing it. */
  voucherFingerprint(code: string): string {
    return voucherFingerprint(this.deps.voucherKey, code);
  }

  async redeemVoucher(merchant: MerchantRow, input: RedeemInput, options: MoneyOptions<RedemptionView>): Promise<RedemptionView> {
    return redeemVoucher(this.deps, merchant, input, options);
  }

  // ---- Subscriptions ---------------------------------------------------------------------------

  async requestMandate(merchant: MerchantRow, input: MandateRequest): Promise<MandateView> {
    return requestMandate(this.deps, merchant, input);
  }

  async mandatesOfUser(userId: string, limit: number): Promise<MandateView[]> {
    return mandatesOfUser(this.deps, userId, limit);
  }

  async mandatesOfMerchant(merchant: MerchantRow, limit: number): Promise<MandateView[]> {
    return mandatesOfMerchant(this.deps, merchant, limit);
  }

  async authorizeMandate(userId: string, id: string, pin: string): Promise<MandateView> {
    return authorizeMandate(this.deps, userId, id, pin);
  }

  async cancelMandate(userId: string, id: string): Promise<MandateView> {
    return cancelMandate(this.deps, userId, id);
  }

  /** One round of the charge job (tests and the CLI call it with a ManualClock). */
  async runSubscriptionCharges(): Promise<ChargeRound> {
    return runDueCharges(this.deps);
  }

  // ---- Settlement ------------------------------------------------------------------------------

  /**
   * The bank's answers for merchant settlements (`rct_…`): cash-out's bank ingest hands them here
   * once the composition root registers this (cash-out's PayoutOwner port).
   */
  readonly settlementAnswers = {
    prefix: SETTLEMENT_REF_PREFIX,
    applyRailResults: (results: readonly ItemResult[], actor: string): Promise<AppliedSettlementAnswers> => applySettlementAnswers(this.deps, results, actor),
  };

  /** Reconciliation found the settlement's return on a bank statement. */
  markSettlementReturned(ref: string, reason: { code: string; text?: string }, actor = 'system:reconciliation'): Promise<'returned' | 'already_returned'> {
    return markSettlementReturned(this.deps, ref, reason, actor);
  }

  /** Today's settlement of every merchant's receivable to its bank account (pain.001). Safe to repeat. */
  async runSettlement(): Promise<SettlementRun> {
    return runSettlement(this.deps);
  }
}
