// Digital vouchers (gift cards). A person buys one from their wallet — spend-only value first, as
// any spend — and the value moves to the voucher_liability account: e-money the operator owes to
// whoever holds the code. It may be sent to another phone by SMS, and a merchant in its issuer set
// redeems it, in part or in full, which moves value from the liability to that merchant's
// receivable. Nothing else ever debits the liability: there is no endpoint that buys a voucher
// back for cash, and no transfer from it to a person or a payout account (DESIGN §3). However it
// was paid for, a voucher is spend-only value; the row records the class split it was bought with.
//
// Secrets: the 16-digit code and the 6-digit PIN are shown once, at purchase; only keyed hashes
// are stored. Sending the voucher re-issues both, so the buyer no longer holds a usable copy of
// what they gave away. Wrong PINs count; at VOUCHER_PIN_FAILURES_MAX the voucher locks.
import { createHmac, randomInt } from 'node:crypto';
import { withTransaction, type Executor } from '../db/index.ts';
import { tryNormalizePhone, type User } from '../identity/index.ts';
import type { TransferId } from '../ledger/index.ts';
import { type CurrencyCode, type Money, ZERO } from '../money/index.ts';
import type { Lang } from '../shared/errors.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, idToUuid, uuidToId } from '../shared/ids.ts';
import { checkOutgoing, systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import type { PaymentsDeps } from './deps.ts';
import { splitBySpendOrder, type ClassSplit } from './funding.ts';
import { selectActiveMerchants, selectMerchantsByCodes, selectMerchantsByIds } from './merchants.sql.ts';
import { MERCHANT_CODE, merchantIdOf } from './merchants.ts';
import { payer, receiptNumber, type MoneyOptions } from './payments.ts';
import { assertPosted, spendFromWallet } from './spend.ts';
import type { MerchantRow, RedemptionRow, VoucherRow } from './tables.ts';
import {
  countPinFailure, insertRedemption, insertVoucher, reissueVoucher, selectRedemptions, selectVoucher, selectVoucherByCodeForUpdate, selectVouchersOfBuyer,
  takeVoucherValue,
} from './vouchers.sql.ts';

export const VOUCHER_MERCHANTS_MAX = 20;
export const VOUCHER_PIN_FAILURES_MAX = 5;
const DAY_MS = 86_400_000;

export type VoucherStatus = 'active' | 'used' | 'expired' | 'locked';

export interface VoucherView {
  voucher: VoucherRow;
  merchants: MerchantRow[];
  redemptions: RedemptionRow[];
  status: VoucherStatus;
}

export interface IssuedVoucher extends VoucherView {
  /** Shown once: "1234-5678-9012-3456". */
  code: string;
  pin: string;
}

function randomDigits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

export function formatVoucherCode(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1-');
}

/** The 16 digits of a code as typed ("1234 5678-9012 3456"), or 400 invalid_voucher_code. */
export function voucherDigits(code: string): string {
  const digits = code.replace(/[-\s]/g, '');
  if (!/^\d{16}$/.test(digits)) throw new DomainError('invalid_voucher_code', { param: 'code' });
  return digits;
}

/**
 * What identifies the voucher in an idempotent redemption's request hash: the code itself is a
 * secret field (never hashed nor stored), but a key reused for another voucher must conflict.
 */
export function voucherFingerprint(key: string, code: string): string {
  const digits = code.replace(/[-\s]/g, '');
  return createHmac('sha256', key).update(`voucher-fingerprint:${digits}`).digest('hex');
}

function codeHash(key: string, digits: string): string {
  return createHmac('sha256', key).update(`voucher-code:${digits}`).digest('hex');
}

function pinHash(key: string, voucherId: string, pin: string): string {
  return createHmac('sha256', key).update(`voucher-pin:${voucherId}:${pin}`).digest('hex');
}

function statusOf(v: VoucherRow, now: Date): VoucherStatus {
  if (v.remaining === ZERO) return 'used';
  if (v.expires_at.getTime() <= now.getTime()) return 'expired';
  if (v.pin_failures >= VOUCHER_PIN_FAILURES_MAX) return 'locked';
  return 'active';
}

async function viewOf(executor: Executor, deps: PaymentsDeps, voucher: VoucherRow): Promise<VoucherView> {
  return {
    voucher,
    merchants: await selectMerchantsByIds(executor, voucher.merchant_ids),
    redemptions: await selectRedemptions(executor, voucher.id),
    status: statusOf(voucher, deps.clock.now()),
  };
}

/** The issuer merchant set: 1..20 distinct active merchant codes. */
async function issuerMerchants(executor: Executor, codes: readonly string[]): Promise<MerchantRow[]> {
  const wanted = [...new Set(codes.map((c) => c.trim().toUpperCase()))];
  if (wanted.length === 0 || wanted.length > VOUCHER_MERCHANTS_MAX || wanted.length !== codes.length) throw new DomainError('voucher_merchants_invalid', { param: 'merchants' });
  const found = wanted.every((c) => MERCHANT_CODE.test(c)) ? await selectMerchantsByCodes(executor, wanted) : [];
  const active = found.filter((m) => m.status === 'active');
  if (active.length !== wanted.length) throw new DomainError('merchant_not_found', { param: 'merchants' });
  return active;
}

/**
 * Merchants a voucher can be bought for when the buyer cannot type a code (USSD): the active ones
 * in `currency`, by name (in code-point order, the same on every database), at most `limit`.
 */
export async function voucherIssuers(deps: PaymentsDeps, currency: CurrencyCode, limit: number): Promise<MerchantRow[]> {
  return selectActiveMerchants(deps.db, currency, limit);
}

/** What a voucher would cost before the PIN: the face value, from which funding classes. */
export interface VoucherPrice {
  amount: Money;
  /** What leaves the wallet: the face value (a voucher carries no fee). */
  cost: Money;
  /** By the policy's spend order (spend-only value first by default), from today's balances. */
  split: ClassSplit;
  merchants: MerchantRow[];
}

/**
 * Prices a purchase without moving anything: the same refusals a purchase would give now (the
 * merchants, a frozen account, the tier and own spend caps, the balance), so a face can show them
 * before it asks for the PIN. Not binding: the purchase judges again under its own lock.
 */
export async function priceVoucher(deps: PaymentsDeps, userId: string, input: { amount: Money; merchants: string[] }): Promise<VoucherPrice> {
  const version = await deps.policy.inForce();
  if (input.amount.currency !== version.policy.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
  if (input.amount.amount <= ZERO) throw new DomainError('invalid_amount', { param: 'amount' });
  const merchants = await issuerMerchants(deps.db, input.merchants);
  const user = await deps.identity.getUser(deps.db, userId);
  deps.identity.assertCanSend(user, 'payment');
  await checkOutgoing(deps.db, { policy: { inForce: async () => version }, clock: deps.clock }, { userId, tier: user.tier, kind: 'spend', amount: input.amount.amount, lock: false });
  const wallet = await deps.wallets.openMainWallet(deps.db, userId, input.amount.currency);
  const [balance] = await deps.wallets.balances([wallet]);
  const available: ClassSplit = { spend_only: balance?.spend_only.available ?? ZERO, cashable: balance?.cashable.available ?? ZERO };
  const split = splitBySpendOrder(version.policy.payments.spend_order, available, input.amount.amount);
  if (!split) throw new DomainError('insufficient_funds', { param: 'amount' });
  return { amount: input.amount, cost: input.amount, split, merchants };
}

/** The voucher's receipt number, as payments show theirs: the local business date and the id's end. */
export function voucherReceiptNumber(voucher: VoucherRow, timeZone: string): string {
  return receiptNumber(voucher.id, voucher.created_at, timeZone);
}

export interface BuyVoucherInput {
  amount: Money;
  merchants: string[];
  pin: string;
  /**
   * Also send the code and PIN to the buyer's phone by SMS: for a face whose screen cannot be
   * kept (a USSD dialog's last screen is gone once dismissed, or lost with a dropped reply).
   */
  smsCopy?: boolean;
}

/** Where the new code and PIN go: back to the buyer (the screen, and an SMS copy if asked), or only to a gift's phone. */
type Delivery = { kind: 'buyer'; sms: boolean } | { kind: 'gift'; phone: string };

export async function buyVoucher(deps: PaymentsDeps, userId: string, input: BuyVoucherInput, options: MoneyOptions<IssuedVoucher>): Promise<IssuedVoucher> {
  return issueVoucher(deps, userId, input, { kind: 'buyer', sms: input.smsCopy === true }, options);
}

/**
 * Buys a voucher for another phone in one step: its code and PIN go only to that number by SMS,
 * never to the buyer (who therefore holds no copy to pass on). One transaction, so there is no
 * moment when the value is paid and the voucher is nobody's. It counts as sent: it cannot be
 * sent on again.
 */
export async function giftVoucher(deps: PaymentsDeps, userId: string, input: Omit<BuyVoucherInput, 'smsCopy'> & { to: string }, options: MoneyOptions<VoucherView>): Promise<VoucherView> {
  const phone = tryNormalizePhone(input.to);
  if (!phone) throw new DomainError('invalid_phone_number', { param: 'to' });
  const issued = await issueVoucher(deps, userId, input, { kind: 'gift', phone }, {
    id: options.id,
    ...(options.beforeCommit ? { beforeCommit: (trx, v) => options.beforeCommit!(trx, viewWithoutSecrets(v)) } : {}),
  });
  return viewWithoutSecrets(issued);
}

function viewWithoutSecrets(issued: IssuedVoucher): VoucherView {
  return { voucher: issued.voucher, merchants: issued.merchants, redemptions: issued.redemptions, status: issued.status };
}

/** Enqueues the SMS that carries a voucher's code and PIN, in the caller's transaction. */
async function enqueueVoucherSms(trx: Executor, deps: PaymentsDeps, message: { to: string; lang: Lang; voucher: VoucherRow; digits: string; pin: string; sender: User | null }): Promise<void> {
  const { policy } = await deps.policy.inForce();
  const { voucher } = message;
  const common = { amount: { amount: voucher.remaining, currency: voucher.currency }, voucher: formatVoucherCode(message.digits), secret: message.pin, until: voucher.expires_at };
  const options = { timeZone: policy.time_zone };
  const payload = { voucher_id: uuidToId(voucher.id, 'vch'), ...(message.sender ? { from_user_id: message.sender.id } : {}) };
  if (message.sender) {
    await enqueue(trx, deps.clock, {
      channel: 'sms', recipient: message.to, template: 'voucher.received', lang: message.lang,
      body: renderSms('voucher.received', message.lang, { ...common, sender: message.sender.phone! }, options),
      payload, dedupeKey: `voucher:${voucher.id}:sent`,
    });
  } else {
    await enqueue(trx, deps.clock, {
      channel: 'sms', recipient: message.to, template: 'voucher.bought', lang: message.lang,
      body: renderSms('voucher.bought', message.lang, common, options),
      payload, dedupeKey: `voucher:${voucher.id}:bought`,
    });
  }
}

async function issueVoucher(deps: PaymentsDeps, userId: string, input: Omit<BuyVoucherInput, 'smsCopy'>, delivery: Delivery, options: MoneyOptions<IssuedVoucher>): Promise<IssuedVoucher> {
  const { policy } = await deps.policy.inForce();
  if (input.amount.currency !== policy.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
  const merchants = await issuerMerchants(deps.db, input.merchants);
  // A gift card is the classic way to move carrier-billed value to someone else: always the PIN.
  const user = await payer(deps, userId, input.pin, true);
  return withTransaction(deps.db, async (trx) => {
    const id = options.id;
    const spent = await spendFromWallet(trx, deps, {
      userId: user.id,
      tier: user.tier,
      amount: input.amount.amount,
      currency: input.amount.currency,
      target: { kind: 'voucher', currency: input.amount.currency },
      code: 'voucher_purchase',
      idBase: id,
      metadata: { voucher: uuidToId(id, 'vch') },
    });
    const digits = randomDigits(16);
    const pin = randomDigits(6);
    const now = deps.clock.now();
    const voucher: VoucherRow = {
      id,
      code_hash: codeHash(deps.voucherKey, digits),
      code_last4: digits.slice(-4),
      pin_hash: pinHash(deps.voucherKey, id, pin),
      pin_failures: 0,
      buyer_user_id: user.id,
      holder_phone: delivery.kind === 'gift' ? delivery.phone : null,
      currency: input.amount.currency,
      face_value: input.amount.amount,
      remaining: input.amount.amount,
      spend_only_amount: spent.split.spend_only,
      cashable_amount: spent.split.cashable,
      merchant_ids: merchants.map((m) => m.id).sort(),
      expires_at: new Date(now.getTime() + spent.policy.policy.payments.voucher_validity_days * DAY_MS),
      created_at: now,
    };
    await insertVoucher(trx, voucher);
    if (delivery.kind === 'gift') {
      const recipient = await deps.identity.resolveRecipientByPhone(trx, delivery.phone);
      await enqueueVoucherSms(trx, deps, { to: delivery.phone, lang: recipient?.lang ?? 'ko', voucher, digits, pin, sender: user });
    } else if (delivery.sms && user.phone) {
      await enqueueVoucherSms(trx, deps, { to: user.phone, lang: user.lang, voucher, digits, pin, sender: null });
    }
    const issued: IssuedVoucher = { voucher, merchants, redemptions: [], status: 'active', code: formatVoucherCode(digits), pin };
    await options.beforeCommit?.(trx, issued);
    return issued;
  });
}

function voucherUuid(id: string): string {
  const uuid = idToUuid(id, 'vch');
  if (!uuid) throw new DomainError('voucher_not_found', { param: 'id' });
  return uuid;
}

export async function vouchersOfBuyer(deps: PaymentsDeps, userId: string, limit: number): Promise<VoucherView[]> {
  const rows = await selectVouchersOfBuyer(deps.db, userId, limit);
  return Promise.all(rows.map((v) => viewOf(deps.db, deps, v)));
}

export async function voucherOfBuyer(deps: PaymentsDeps, userId: string, id: string): Promise<VoucherView> {
  const voucher = await selectVoucher(deps.db, voucherUuid(id));
  if (!voucher || voucher.buyer_user_id !== userId) throw new DomainError('voucher_not_found', { param: 'id' });
  return viewOf(deps.db, deps, voucher);
}

/**
 * Gives the voucher to another phone number: a fresh code and PIN go to that number by SMS (a
 * sensitive template), and the ones the buyer saw stop working. Once only.
 */
export async function sendVoucher(deps: PaymentsDeps, userId: string, id: string, to: string): Promise<VoucherView> {
  const phone = tryNormalizePhone(to);
  if (!phone) throw new DomainError('invalid_phone_number', { param: 'to' });
  const buyer = await deps.identity.getUser(deps.db, userId);
  deps.identity.assertCanSend(buyer, 'payment');
  return withTransaction(deps.db, async (trx) => {
    const voucher = await selectVoucher(trx, voucherUuid(id), { lock: true });
    if (!voucher || voucher.buyer_user_id !== userId) throw new DomainError('voucher_not_found', { param: 'id' });
    if (voucher.holder_phone !== null) throw new DomainError('voucher_already_sent', { param: 'id' });
    const status = statusOf(voucher, deps.clock.now());
    if (status === 'expired') throw new DomainError('voucher_expired', { param: 'id' });
    if (status === 'used') throw new DomainError('voucher_already_redeemed', { param: 'id' });
    if (status === 'locked') throw new DomainError('voucher_pin_locked', { param: 'id' });
    const digits = randomDigits(16);
    const pin = randomDigits(6);
    await reissueVoucher(trx, voucher.id, { codeHash: codeHash(deps.voucherKey, digits), codeLast4: digits.slice(-4), pinHash: pinHash(deps.voucherKey, voucher.id, pin), holderPhone: phone });
    const recipient = await deps.identity.resolveRecipientByPhone(trx, phone);
    await enqueueVoucherSms(trx, deps, { to: phone, lang: recipient?.lang ?? 'ko', voucher, digits, pin, sender: buyer });
    return viewOf(trx, deps, { ...voucher, holder_phone: phone, code_last4: digits.slice(-4), pin_failures: 0 });
  });
}

export interface RedeemInput {
  code: string;
  pin: string;
  amount: Money;
}

export interface RedemptionView {
  redemption: RedemptionRow;
  voucher: VoucherRow;
  merchant: MerchantRow;
}

export function redemptionTransferId(redemptionId: string): TransferId {
  return derivedUuid(`smallchange:voucher-redemption:${redemptionId}`) as TransferId;
}

type Judged = { ok: true; view: RedemptionView } | { ok: false; voucherId: string };

/**
 * A merchant takes `amount` off a voucher. The voucher row is locked for the judgement, so
 * concurrent redemptions of one voucher never take more than its face value between them; a
 * wrong PIN is counted in its own transaction (the refusal itself changes no money).
 */
export async function redeemVoucher(deps: PaymentsDeps, merchant: MerchantRow, input: RedeemInput, options: MoneyOptions<RedemptionView>): Promise<RedemptionView> {
  const digits = voucherDigits(input.code);
  if (input.amount.currency !== merchant.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
  const judged = await withTransaction(deps.db, async (trx): Promise<Judged> => {
    const voucher = await selectVoucherByCodeForUpdate(trx, codeHash(deps.voucherKey, digits));
    if (!voucher) throw new DomainError('voucher_not_found', { param: 'code' });
    if (voucher.pin_failures >= VOUCHER_PIN_FAILURES_MAX) throw new DomainError('voucher_pin_locked', { param: 'pin' });
    if (voucher.pin_hash !== pinHash(deps.voucherKey, voucher.id, input.pin)) return { ok: false, voucherId: voucher.id };
    if (!voucher.merchant_ids.includes(merchant.id)) throw new DomainError('voucher_merchant_not_accepted', { param: 'code' });
    if (voucher.currency !== input.amount.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
    if (voucher.expires_at.getTime() <= deps.clock.now().getTime()) throw new DomainError('voucher_expired', { param: 'code' });
    if (voucher.remaining === ZERO) throw new DomainError('voucher_already_redeemed', { param: 'code' });
    const remaining = await takeVoucherValue(trx, voucher.id, input.amount.amount);
    if (remaining === null) throw new DomainError('voucher_insufficient_value', { param: 'amount' });
    assertPosted(await deps.ledger.createTransfersIn(trx, [{
      id: redemptionTransferId(options.id),
      debit_account_id: systemAccountId('voucher_liability', voucher.currency),
      credit_account_id: merchant.receivable_account,
      amount: input.amount.amount,
      currency: voucher.currency,
      code: TRANSFER_CODES.voucher_redemption,
      metadata: { voucher: uuidToId(voucher.id, 'vch'), redemption: uuidToId(options.id, 'rct'), merchant: merchantIdOf(merchant.id) },
    }]), { code: 'voucher_insufficient_value', param: 'amount' });
    const redemption: RedemptionRow = { id: options.id, voucher_id: voucher.id, merchant_id: merchant.id, amount: input.amount.amount, remaining, created_at: deps.clock.now() };
    await insertRedemption(trx, redemption);
    const view = { redemption, voucher: { ...voucher, remaining, pin_failures: 0 }, merchant };
    await options.beforeCommit?.(trx, view);
    return { ok: true, view };
  });
  if (judged.ok) return judged.view;
  await withTransaction(deps.db, (trx) => countPinFailure(trx, judged.voucherId));
  // The same words as an unknown code: a guesser learns nothing about which part was wrong.
  throw new DomainError('voucher_not_found', { param: 'code' });
}
