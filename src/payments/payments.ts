// Paying a merchant, and the merchant's refunds.
//
// Order of checks in a payment, and why:
//   1. the merchant (code or QR) and the currency — cheap refusals, nothing is asked of the person
//   2. the PIN above the policy's payments.pin_required_above (a wrong PIN counts toward lockout)
//   3. the person may send money (frozen, closed, unbound number): identity's assertCanSend
//   4. one transaction: tier and own spend caps (checkOutgoing, which locks the wallet), the
//      balance split in spend order, the linked ledger chain, the payment row, the receipt SMS
//      and the idempotency record — all or nothing.
// A refund runs under the payment's row lock, so concurrent refunds of one payment are judged one
// after the other and together never exceed what was paid.
import { withTransaction, type Executor } from '../db/index.ts';
import type { User } from '../identity/index.ts';
import { TransferFlags, type TransferId, type TransferInput } from '../ledger/index.ts';
import { add, type Micros, type Money, ZERO } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { toLocalDate } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, idToUuid, uuidToId } from '../shared/ids.ts';
import { TRANSFER_CODES } from '../wallets/index.ts';
import type { PaymentsDeps } from './deps.ts';
import { refundSplit, type ClassSplit } from './funding.ts';
import { selectMerchant } from './merchants.sql.ts';
import { merchantIdOf, payableMerchant } from './merchants.ts';
import { addRefunded, insertPayment, insertRefund, selectPayment, selectRefunds } from './payments.sql.ts';
import { assertPosted, spendFromWallet } from './spend.ts';
import type { MerchantRow, PaymentRow, PaymentSource, RefundRow } from './tables.ts';

export interface PayInput {
  merchant?: string | undefined;
  qr?: string | undefined;
  amount: Money;
  pin: string | null;
  reference: string | null;
}

export interface PaymentView {
  payment: PaymentRow;
  merchant: MerchantRow;
  refunds: RefundRow[];
}

export interface MoneyOptions<T> {
  /** The row's UUID: derive it from the idempotency key so a retry can only collide. */
  id: string;
  beforeCommit?: (trx: Executor, result: T) => Promise<void>;
}

/** Whether the PIN is needed for this amount (the policy's threshold; equal rides the session). */
export function pinNeeded(amount: Micros, threshold: Micros): boolean {
  return amount > threshold;
}

/** The person paying: with the PIN checked when given or needed; then whether money may leave. */
export async function payer(deps: PaymentsDeps, userId: string, pin: string | null, required: boolean): Promise<User> {
  if (required && pin === null) throw new DomainError('pin_required', { param: 'pin' });
  const user = pin !== null ? await deps.identity.verifyPin(deps.db, userId, pin) : await deps.identity.getUser(deps.db, userId);
  deps.identity.assertCanSend(user, 'payment');
  return user;
}

/** "20260113-7F3A09C2": the local business date and the end of the id, for the person and the shop. */
export function receiptNumber(id: string, at: Date, timeZone: string): string {
  return `${toLocalDate(at, timeZone).replaceAll('-', '')}-${id.replaceAll('-', '').slice(-8).toUpperCase()}`;
}

/** A merchant name as an SMS parameter: one line, cut to the template's length. */
export function smsName(name: string, charsMax = 12): string {
  const clean = name.replace(/[\p{Cc}{}]/gu, ' ').trim() || '가맹점';
  return [...clean].slice(0, charsMax).join('');
}

export interface ChargeRequest {
  user: User;
  merchant: MerchantRow;
  amount: Money;
  source: PaymentSource;
  reference: string | null;
  id: string;
}

/** Moves the money and records the payment, in the caller's transaction (payments and subscription charges). */
export async function chargeInTransaction(trx: Executor, deps: PaymentsDeps, request: ChargeRequest): Promise<PaymentRow> {
  const { user, merchant, amount } = request;
  if (amount.currency !== merchant.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
  const spent = await spendFromWallet(trx, deps, {
    userId: user.id,
    tier: user.tier,
    amount: amount.amount,
    currency: amount.currency,
    target: { kind: 'merchant', merchant },
    code: request.source === 'subscription' ? 'subscription_charge' : 'merchant_payment',
    idBase: request.id,
    metadata: { payment: uuidToId(request.id, 'pay'), merchant: merchantIdOf(merchant.id) },
  });
  const now = deps.clock.now();
  const row: PaymentRow = {
    id: request.id,
    merchant_id: merchant.id,
    user_id: user.id,
    wallet_id: spent.wallet.id,
    source: request.source,
    currency: amount.currency,
    amount: amount.amount,
    spend_only_amount: spent.split.spend_only,
    cashable_amount: spent.split.cashable,
    refunded_spend_only: ZERO,
    refunded_cashable: ZERO,
    reference: request.reference,
    receipt_number: receiptNumber(request.id, now, spent.policy.policy.time_zone),
    policy_version: spent.policy.version,
    created_at: now,
  };
  await insertPayment(trx, row);
  if (user.phone) {
    const template = request.source === 'subscription' ? 'subscription.charged' : 'payment.paid';
    await enqueue(trx, deps.clock, {
      channel: 'sms',
      recipient: user.phone,
      template,
      lang: user.lang,
      body: renderSms(template, user.lang, { amount, merchant: smsName(merchant.name) }),
      payload: { user_id: user.id, payment_id: uuidToId(row.id, 'pay'), receipt_number: row.receipt_number },
      dedupeKey: `payment:${row.id}:paid`,
    });
  }
  return row;
}

export async function payMerchant(deps: PaymentsDeps, userId: string, input: PayInput, options: MoneyOptions<PaymentView>): Promise<PaymentView> {
  const { policy } = await deps.policy.inForce();
  if (input.amount.currency !== policy.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
  const merchant = await payableMerchant(deps.db, { code: input.merchant, qr: input.qr });
  const user = await payer(deps, userId, input.pin, pinNeeded(input.amount.amount, policy.payments.pin_required_above));
  return withTransaction(deps.db, async (trx) => {
    const payment = await chargeInTransaction(trx, deps, { user, merchant, amount: input.amount, source: 'payment', reference: input.reference, id: options.id });
    const view = { payment, merchant, refunds: [] };
    await options.beforeCommit?.(trx, view);
    return view;
  });
}

function paymentUuid(id: string): string {
  const uuid = idToUuid(id, 'pay');
  if (!uuid) throw new DomainError('payment_not_found', { param: 'id' });
  return uuid;
}

/** A payment as its payer sees it; someone else's is not found. */
export async function paymentOfUser(deps: PaymentsDeps, userId: string, id: string): Promise<PaymentView> {
  const payment = await selectPayment(deps.db, paymentUuid(id));
  if (!payment || payment.user_id !== userId) throw new DomainError('payment_not_found', { param: 'id' });
  return viewOf(deps.db, payment);
}

/** A payment as its merchant sees it; another merchant's is not found. */
export async function paymentOfMerchant(deps: PaymentsDeps, merchant: MerchantRow, id: string): Promise<PaymentView> {
  const payment = await selectPayment(deps.db, paymentUuid(id));
  if (!payment || payment.merchant_id !== merchant.id) throw new DomainError('payment_not_found', { param: 'id' });
  return { payment, merchant, refunds: await selectRefunds(deps.db, payment.id) };
}

async function viewOf(executor: Executor, payment: PaymentRow): Promise<PaymentView> {
  const merchant = (await selectMerchant(executor, payment.merchant_id))!;
  return { payment, merchant, refunds: await selectRefunds(executor, payment.id) };
}

export interface RefundInput {
  amount: Money;
  reason: string | null;
}

export interface RefundView {
  refund: RefundRow;
  payment: PaymentRow;
  merchant: MerchantRow;
}

export function refundTransferId(refundId: string, cls: keyof ClassSplit): TransferId {
  return derivedUuid(`smallchange:refund:${refundId}:${cls}`) as TransferId;
}

export async function refundPayment(deps: PaymentsDeps, merchant: MerchantRow, paymentId: string, input: RefundInput, options: MoneyOptions<RefundView>): Promise<RefundView> {
  const uuid = paymentUuid(paymentId);
  return withTransaction(deps.db, async (trx) => {
    const payment = await selectPayment(trx, uuid, { lock: true });
    if (!payment || payment.merchant_id !== merchant.id) throw new DomainError('payment_not_found', { param: 'id' });
    if (input.amount.currency !== payment.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
    const split = refundSplit(
      { spend_only: payment.spend_only_amount, cashable: payment.cashable_amount },
      { spend_only: payment.refunded_spend_only, cashable: payment.refunded_cashable },
      input.amount.amount,
    );
    if (!split) throw new DomainError('refund_exceeds_payment', { param: 'amount' });
    const wallet = (await deps.wallets.walletsOfUser(payment.user_id, trx)).find((w) => w.id === payment.wallet_id);
    if (!wallet) throw new Error(`payment ${payment.id}: its wallet is gone`);
    // Each class goes back to the account it came from: spend-only value stays spend-only.
    const legs = ([['spend_only', wallet.spend_only_account!], ['cashable', wallet.cashable_account]] as const).filter(([cls]) => split[cls] > ZERO);
    const transfers: TransferInput[] = legs.map(([cls, account], i) => ({
      id: refundTransferId(options.id, cls),
      debit_account_id: merchant.receivable_account,
      credit_account_id: account,
      amount: split[cls],
      currency: payment.currency,
      code: TRANSFER_CODES.merchant_refund,
      flags: i < legs.length - 1 ? TransferFlags.linked : TransferFlags.none,
      metadata: { refund: uuidToId(options.id, 'rct'), payment: uuidToId(payment.id, 'pay'), class: cls },
    }));
    assertPosted(await deps.ledger.createTransfersIn(trx, transfers), { code: 'merchant_balance_insufficient', param: 'amount' });
    await addRefunded(trx, payment.id, split.spend_only, split.cashable);
    const refund: RefundRow = {
      id: options.id,
      payment_id: payment.id,
      merchant_id: merchant.id,
      amount: input.amount.amount,
      spend_only_amount: split.spend_only,
      cashable_amount: split.cashable,
      reason: input.reason,
      created_at: deps.clock.now(),
    };
    await insertRefund(trx, refund);
    const user = await deps.identity.findUser(trx, payment.user_id);
    if (user?.phone) {
      await enqueue(trx, deps.clock, {
        channel: 'sms',
        recipient: user.phone,
        template: 'payment.refunded',
        lang: user.lang,
        body: renderSms('payment.refunded', user.lang, { amount: input.amount, merchant: smsName(merchant.name) }),
        payload: { user_id: user.id, payment_id: uuidToId(payment.id, 'pay'), refund_id: uuidToId(refund.id, 'rct') },
        dedupeKey: `refund:${refund.id}`,
      });
    }
    const updated: PaymentRow = {
      ...payment,
      refunded_spend_only: add(payment.refunded_spend_only, split.spend_only),
      refunded_cashable: add(payment.refunded_cashable, split.cashable),
    };
    const view = { refund, payment: updated, merchant };
    await options.beforeCommit?.(trx, view);
    return view;
  });
}
