// The one way value leaves a user's wallet in this module: a linked chain of ledger transfers from
// the wallet's class accounts, in the policy's spend order, to a merchant's receivable or to the
// voucher liability — both or neither. Nothing here can credit a person or a payout account: the
// credit side is chosen by the caller among those two kinds only (SpendTarget).
//
// Call inside the caller's transaction: checkOutgoing locks the user's wallet rows, so the
// balances read here cannot change before the transfers are written.
import type { Executor } from '../db/index.ts';
import { isSuccess, TransferFlags, type AccountId, type TransferId, type TransferInput } from '../ledger/index.ts';
import { ZERO, type CurrencyCode, type Micros } from '../money/index.ts';
import type { KycTier, PolicyVersion } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid } from '../shared/ids.ts';
import { checkOutgoing, systemAccountId, TRANSFER_CODES, type OutgoingClearance, type WalletRow } from '../wallets/index.ts';
import type { PaymentsDeps } from './deps.ts';
import { splitBySpendOrder, type ClassSplit } from './funding.ts';
import type { MerchantRow } from './tables.ts';

/** Where spent value may go: a merchant, or the voucher liability (which only ever pays merchants). */
export type SpendTarget = { kind: 'merchant'; merchant: MerchantRow } | { kind: 'voucher'; currency: CurrencyCode };

export type SpendCode = 'merchant_payment' | 'subscription_charge' | 'voucher_purchase';

export interface SpendRequest {
  userId: string;
  tier: KycTier;
  amount: Micros;
  currency: CurrencyCode;
  target: SpendTarget;
  code: SpendCode;
  /** The transfer ids derive from it: a retry under the same id cannot move money twice. */
  idBase: string;
  metadata: Record<string, unknown>;
}

export interface SpendResult {
  wallet: WalletRow;
  split: ClassSplit;
  clearance: OutgoingClearance;
  policy: PolicyVersion;
  transferIds: TransferId[];
}

function creditAccountOf(target: SpendTarget): AccountId {
  return target.kind === 'merchant' ? target.merchant.receivable_account : systemAccountId('voucher_liability', target.currency);
}

export function spendTransferId(idBase: string, cls: keyof ClassSplit): TransferId {
  return derivedUuid(`smallchange:spend:${idBase}:${cls}`) as TransferId;
}

/** Ledger results of a movement, as the API's errors (`exceeds_credits` means the debit side was short). */
export function assertPosted(results: readonly string[], short: { code: string; param: string } = { code: 'insufficient_funds', param: 'amount' }): void {
  if (results.every((r) => isSuccess(r as never))) return;
  if (results.includes('exceeds_credits')) throw new DomainError(short.code, { param: short.param });
  if (results.includes('exists_with_different_fields')) throw new DomainError('idempotency_conflict', { param: 'Idempotency-Key' });
  throw new Error(`ledger refused a payments movement: ${results.join(', ')}`);
}

export async function spendFromWallet(trx: Executor, deps: PaymentsDeps, request: SpendRequest): Promise<SpendResult> {
  const wallet = await deps.wallets.openMainWallet(trx, request.userId, request.currency);
  // The version in force judges the whole spend: its limits, its spend order, its number on the record.
  const version = await deps.policy.inForce();
  // Tier limits and the person's own spend caps; locks their wallet rows for this transaction.
  const clearance = await checkOutgoing(trx, { policy: { inForce: async () => version }, clock: deps.clock }, { userId: request.userId, tier: request.tier, kind: 'spend', amount: request.amount });
  const [balance] = await deps.wallets.balances([wallet], trx);
  const available: ClassSplit = { spend_only: balance?.spend_only.available ?? ZERO, cashable: balance?.cashable.available ?? ZERO };
  const split = splitBySpendOrder(version.policy.payments.spend_order, available, request.amount);
  if (!split) throw new DomainError('insufficient_funds', { param: 'amount' });

  const credit = creditAccountOf(request.target);
  const legs: { cls: keyof ClassSplit; account: AccountId; amount: Micros }[] = [];
  if (split.spend_only > ZERO) legs.push({ cls: 'spend_only', account: wallet.spend_only_account!, amount: split.spend_only });
  if (split.cashable > ZERO) legs.push({ cls: 'cashable', account: wallet.cashable_account, amount: split.cashable });
  const transfers: TransferInput[] = legs.map((leg, i) => ({
    id: spendTransferId(request.idBase, leg.cls),
    debit_account_id: leg.account,
    credit_account_id: credit,
    amount: leg.amount,
    currency: request.currency,
    code: TRANSFER_CODES[request.code],
    // A chain: every leg but the last links to the next, so the payment is whole or absent.
    flags: i < legs.length - 1 ? TransferFlags.linked : TransferFlags.none,
    metadata: { ...request.metadata, class: leg.cls },
  }));
  assertPosted(await deps.ledger.createTransfersIn(trx, transfers));
  return { wallet, split, clearance, policy: version, transferIds: transfers.map((t) => t.id) };
}
