// Send to a person: cashable money from the sender's main wallet to the main wallet of whoever
// holds the recipient's number now — or, when nobody does, parked for that number as unclaimed
// value (the credits module's parkForPhone: an SMS invitation, claimed at registration, returned
// to the sender after the policy's expiry). Spend-only value never leaves this way: there is no
// ledger path from spend_only to a person (DESIGN §3).
//
// Order of checks, and why:
//   1. PIN (identity.verifyPin; a wrong PIN counts toward the lockout wherever it was typed)
//   2. the sender may send (frozen, closed, unbound number, hold after a PIN reset)
//   3. recipient, currency, limits and balance — cheap refusals before a code is sent
//   4. step-up OTP above the policy's threshold: without one, a code is sent and the answer is
//      403 otp_required with the challenge id; the client repeats the request with `otp`
//   5. one transaction: lock both people's wallets (id order), checkOutgoing (tier and own caps),
//      the code, the balances, the recipient's balance cap, then linked ledger transfers (net to
//      the recipient, fee to fee income: both or neither), the record, and an SMS to each.
// The fee comes out of the amount (policy computeFee: net = amount − fee); the amount is what
// leaves the sender's wallet and what counts toward their limits.
import type { Kysely } from 'kysely';
import type { DB, Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import { maskPhone, tryNormalizePhone, type IdentityService, type User } from '../identity/index.ts';
import { isSuccess, TransferFlags, type Ledger, type TransferId, type TransferInput, type TransferResult } from '../ledger/index.ts';
import { add, type CurrencyCode, type Micros, type Money, ZERO } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { computeFee, evaluateBalanceCap, type FeeResult, type LimitHeadroom, type Policy, type PolicyService } from '../policy/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, uuidToId } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from './chart.ts';
import type { ParkInput } from './credits/index.ts';
import './errors.ts';
import './feature-errors.ts';
import { lockWalletsOfUsers } from './features.sql.ts';
import { checkOutgoing, type OutgoingClearance } from './outgoing.ts';
import { insertPersonTransfer, type PersonTransferRow } from './sends.sql.ts';
import { selectWalletsOfUser, type WalletRow } from './wallets.sql.ts';
import type { Wallets } from './wallets.ts';

export const SEND_OTP_ACTION = 'transfer.send';
export const NOTE_CHARS_MAX = 140;

export interface SendDeps {
  db: Kysely<DB>;
  ledger: Ledger;
  clock: Clock;
  policy: PolicyService;
  identity: Pick<IdentityService, 'verifyPin' | 'assertCanSend' | 'resolveRecipientByPhone' | 'issueChallenge' | 'verifyChallenge' | 'getUser'>;
  wallets: Wallets;
  ensureSystemAccounts(currency: CurrencyCode): Promise<void>;
  /** Parks value for a number nobody holds (credits); without it such sends are refused. */
  unclaimed?: { parkForPhone(trx: Executor, input: ParkInput): Promise<TransferResult> } | null;
}

export interface SendInput {
  to: string;
  amount: Money;
  note: string | null;
  pin: string;
  otp: string | null;
  challengeId: string | null;
}

export interface SendResult {
  id: string;
  sender_user_id: string;
  recipient_phone: string;
  amount: Micros;
  fee: Micros;
  net: Micros;
  currency: CurrencyCode;
  note: string | null;
  /** unclaimed: the number has no user yet; the value waits for them in suspense. */
  status: 'posted' | 'unclaimed';
  policy_version: number;
  remaining: LimitHeadroom;
  created_at: Date;
}

export interface SendQuote {
  recipient_phone: string;
  amount: Micros;
  fee: Micros;
  net: Micros;
  fee_breakdown: FeeResult['breakdown'];
  currency: CurrencyCode;
  otp_required: boolean;
  policy_version: number;
  remaining: LimitHeadroom;
  available: Micros;
}

/** Whoever holds the number now, or only the number when nobody does. */
type Recipient = { kind: 'user'; user: User & { phone: string }; phone: string } | { kind: 'phone'; phone: string };

/** What the step-up code is bound to: the recipient and the amount, never the note. */
function otpParams(recipient: Recipient, amount: Money) {
  const to = recipient.kind === 'user' ? recipient.user.id : `phone:${recipient.phone}`;
  return { to, amount: amount.amount.toString(), currency: amount.currency };
}

function assertCurrency(policy: Policy, amount: Money): void {
  if (amount.currency !== policy.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
}

async function resolveRecipient(executor: Executor, deps: SendDeps, sender: Pick<User, 'id' | 'phone'>, to: string): Promise<Recipient> {
  const phone = tryNormalizePhone(to);
  if (phone && phone === sender.phone) throw new DomainError('cannot_send_to_self', { param: 'to' });
  const user = await deps.identity.resolveRecipientByPhone(executor, to);
  if (!user || !user.phone) {
    if (!deps.unclaimed || !phone) throw new DomainError('recipient_not_registered', { param: 'to' });
    return { kind: 'phone', phone };
  }
  if (user.id === sender.id) throw new DomainError('cannot_send_to_self', { param: 'to' });
  if (user.status !== 'active') throw new DomainError('recipient_unavailable', { param: 'to' });
  return { kind: 'user', user: user as User & { phone: string }, phone: user.phone };
}

/** Cashable available must cover the amount; spend-only value never counts toward a send. */
async function assertCashableCovers(deps: SendDeps, executor: Executor, wallet: WalletRow, amount: Micros): Promise<Micros> {
  const [balance] = await deps.wallets.balances([wallet], executor);
  const cashable = balance?.cashable.available ?? ZERO;
  if (cashable >= amount) return cashable;
  const spendOnly = balance?.spend_only.available ?? ZERO;
  throw new DomainError(cashable + spendOnly >= amount ? 'spend_only_not_transferable' : 'insufficient_funds', { param: 'amount' });
}

/**
 * What counts toward the recipient's legal balance cap: posted and clearing value of both classes
 * in every wallet they have (as the credits module counts it; held-over-cap value is outside).
 */
async function capBalance(deps: SendDeps, executor: Executor, wallets: readonly WalletRow[]): Promise<Micros> {
  const balances = await deps.wallets.balances([...wallets], executor);
  return balances.reduce((total, b) => add(total, add(add(b.cashable.posted, b.cashable.clearing), add(b.spend_only.posted, b.spend_only.clearing))), ZERO);
}

function feeFor(policy: Policy, amount: Micros, clearance: OutgoingClearance): FeeResult {
  const fee = computeFee(policy, 'send', amount, clearance.usage.month.count);
  if (fee.net <= 0n) throw new DomainError('amount_below_fee', { param: 'amount' });
  return fee;
}

/** The fee, what arrives, and whether a code will be asked — no PIN, nothing written. */
export async function quoteSend(deps: SendDeps, senderId: string, input: { to: string; amount: Money }): Promise<SendQuote> {
  const version = await deps.policy.inForce();
  assertCurrency(version.policy, input.amount);
  const sender = await deps.identity.getUser(deps.db, senderId);
  const recipient = await resolveRecipient(deps.db, deps, sender, input.to);
  const clearance = await checkOutgoing(deps.db, deps, { userId: sender.id, tier: sender.tier, kind: 'send', amount: input.amount.amount, lock: false });
  const fee = feeFor(version.policy, input.amount.amount, clearance);
  const wallets = await selectWalletsOfUser(deps.db, sender.id);
  const main = wallets.find((w) => w.kind === 'main' && w.currency === input.amount.currency);
  const [balance] = main ? await deps.wallets.balances([main]) : [];
  return {
    recipient_phone: recipient.phone,
    amount: input.amount.amount,
    fee: fee.fee,
    net: fee.net,
    fee_breakdown: fee.breakdown,
    currency: input.amount.currency,
    otp_required: input.amount.amount > version.policy.security.send_step_up_otp_above,
    policy_version: version.version,
    remaining: clearance.remaining,
    available: balance?.cashable.available ?? ZERO,
  };
}

export interface SendOptions {
  /** UUID of the ledger transfer (and of the send): derive it from the idempotency key. */
  transferId: string;
  /** Runs in the money transaction before it commits (e.g. storing the idempotent response). */
  beforeCommit?: (trx: Executor, result: SendResult) => Promise<void>;
}

export async function sendToPerson(deps: SendDeps, senderId: string, input: SendInput, options: SendOptions): Promise<SendResult> {
  const sender = await deps.identity.verifyPin(deps.db, senderId, input.pin);
  deps.identity.assertCanSend(sender, 'transfer');
  const version = await deps.policy.inForce();
  const policy = version.policy;
  assertCurrency(policy, input.amount);
  const amount = input.amount.amount;
  const currency = input.amount.currency;
  const recipient = await resolveRecipient(deps.db, deps, sender, input.to);
  await deps.ensureSystemAccounts(currency);

  const otpNeeded = amount > policy.security.send_step_up_otp_above;
  if (otpNeeded && !input.otp) {
    // Refuse what cannot happen before bothering the person with a code.
    const clearance = await checkOutgoing(deps.db, deps, { userId: sender.id, tier: sender.tier, kind: 'send', amount, lock: false });
    feeFor(policy, amount, clearance);
    const main = (await selectWalletsOfUser(deps.db, sender.id)).find((w) => w.kind === 'main' && w.currency === currency);
    if (!main) throw new DomainError('insufficient_funds', { param: 'amount' });
    await assertCashableCovers(deps, deps.db, main, amount);
    const challenge = await withTransaction(deps.db, (trx) => deps.identity.issueChallenge(trx, sender.id, SEND_OTP_ACTION, otpParams(recipient, input.amount)));
    throw new DomainError('otp_required', { param: 'otp', data: { challenge_id: challenge.id, expires_at: challenge.expiresAt.toISOString() } });
  }
  if (otpNeeded && !input.challengeId) throw new DomainError('missing_field', { param: 'challenge_id' });

  return withTransaction(deps.db, async (trx) => {
    const from = await deps.wallets.openMainWallet(trx, sender.id, currency);
    const to = recipient.kind === 'user' ? await deps.wallets.openMainWallet(trx, recipient.user.id, currency) : null;
    const locked = await lockWalletsOfUsers(trx, recipient.kind === 'user' ? [sender.id, recipient.user.id] : [sender.id]);
    const clearance = await checkOutgoing(trx, deps, { userId: sender.id, tier: sender.tier, kind: 'send', amount });
    const fee = feeFor(policy, amount, clearance);
    if (otpNeeded) await deps.identity.verifyChallenge(trx, input.challengeId!, input.otp!, SEND_OTP_ACTION, otpParams(recipient, input.amount), sender.id);
    await assertCashableCovers(deps, trx, from, amount);

    const id = options.transferId;
    const feeTransfer: TransferInput | null = fee.fee > 0n
      ? {
          id: deriveFeeId(id) as TransferId,
          debit_account_id: from.cashable_account,
          credit_account_id: systemAccountId('fee_income', currency),
          amount: fee.fee,
          currency,
          code: TRANSFER_CODES.send_fee,
          metadata: { fee_for: id },
        }
      : null;
    if (recipient.kind === 'user' && to) {
      const recipientWallets = locked.filter((w) => w.user_id === recipient.user.id && w.currency === currency);
      const cap = evaluateBalanceCap(policy, recipient.user.tier, await capBalance(deps, trx, recipientWallets), fee.net);
      if (!cap.allowed) throw new DomainError('recipient_cannot_receive', { param: 'to' });
      const send: TransferInput = {
        id: id as TransferId,
        debit_account_id: from.cashable_account,
        credit_account_id: to.cashable_account,
        amount: fee.net,
        currency,
        code: TRANSFER_CODES.send_to_person,
        flags: feeTransfer ? TransferFlags.linked : TransferFlags.none,
        metadata: { from_wallet: uuidToId(from.id, 'wal'), to_wallet: uuidToId(to.id, 'wal') },
      };
      assertPosted(await deps.ledger.createTransfersIn(trx, feeTransfer ? [send, feeTransfer] : [send]));
    } else {
      // Both in this one database transaction: the fee and the parked value commit together or not at all.
      if (feeTransfer) assertPosted(await deps.ledger.createTransfersIn(trx, [feeTransfer]));
      const parked = await deps.unclaimed!.parkForPhone(trx, {
        transferId: id as TransferId,
        fromAccount: from.cashable_account,
        phone: recipient.phone,
        amount: fee.net,
        currency,
        code: TRANSFER_CODES.send_to_person,
        senderUserId: sender.id,
        senderName: maskPhone(sender.phone!),
        metadata: { from_wallet: uuidToId(from.id, 'wal') },
      });
      assertPosted([parked]);
    }

    const now = deps.clock.now();
    const status = recipient.kind === 'user' ? 'posted' : 'unclaimed';
    const row: PersonTransferRow = {
      id,
      sender_user_id: sender.id,
      recipient_user_id: recipient.kind === 'user' ? recipient.user.id : null,
      recipient_phone: recipient.phone,
      currency,
      amount,
      fee: fee.fee,
      net: fee.net,
      note: input.note,
      status,
      policy_version: version.version,
      created_at: now,
    };
    await insertPersonTransfer(trx, row);
    await notifySend(trx, deps.clock, policy, sender, recipient, row);
    const result: SendResult = {
      id: uuidToId(id, 'txf'),
      sender_user_id: sender.id,
      recipient_phone: recipient.phone,
      amount,
      fee: fee.fee,
      net: fee.net,
      currency,
      note: input.note,
      status,
      policy_version: version.version,
      remaining: clearance.remaining,
      created_at: now,
    };
    await options.beforeCommit?.(trx, result);
    return result;
  });
}

/** The fee transfer's id follows from the send's, so a retry cannot charge twice. */
export function deriveFeeId(sendId: string): string {
  return derivedUuid(`smallchange:send-fee:${sendId}`);
}

/** Ledger results of a movement out of a user's wallet, as the API's errors. */
export function assertPosted(results: readonly string[]): void {
  if (results.every((r) => isSuccess(r as never))) return;
  if (results.includes('exceeds_credits')) throw new DomainError('insufficient_funds', { param: 'amount' });
  if (results.includes('exists_with_different_fields')) throw new DomainError('idempotency_conflict', { param: 'Idempotency-Key' });
  throw new Error(`ledger refused a wallet movement: ${results.join(', ')}`);
}

/** The sender is told; a registered recipient too (an unregistered one gets the invitation instead). */
async function notifySend(trx: Executor, clock: Clock, policy: Policy, sender: User, recipient: Recipient, row: PersonTransferRow): Promise<void> {
  const currency = row.currency;
  // assertCanSend refused a sender without a bound number, so the sender's number is known here.
  if (sender.phone) {
    await enqueue(trx, clock, {
      channel: 'sms',
      recipient: sender.phone,
      template: 'send.sent',
      lang: sender.lang,
      body: renderSms('send.sent', sender.lang, { amount: { amount: row.amount, currency }, recipient: recipient.phone }, { timeZone: policy.time_zone }),
      payload: { user_id: sender.id, transfer_id: uuidToId(row.id, 'txf') },
      dedupeKey: `send:${row.id}:sent`,
    });
  }
  if (recipient.kind !== 'user' || !sender.phone) return;
  await enqueue(trx, clock, {
    channel: 'sms',
    recipient: recipient.phone,
    template: 'send.received',
    lang: recipient.user.lang,
    body: renderSms('send.received', recipient.user.lang, { amount: { amount: row.net, currency }, sender: sender.phone }, { timeZone: policy.time_zone }),
    payload: { user_id: recipient.user.id, transfer_id: uuidToId(row.id, 'txf') },
    dedupeKey: `send:${row.id}:received`,
  });
}
