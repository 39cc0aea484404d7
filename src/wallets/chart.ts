// The chart of accounts: what each ledger `code` means in smallchange. The ledger itself knows
// none of this (DESIGN §3); every module that moves money names its accounts and reasons here,
// so that a statement, a report or an auditor can read the journal.
import type { CurrencyCode } from '../money/index.ts';
import { AccountFlags, type AccountId, type AccountInput } from '../ledger/index.ts';
import { derivedUuid } from '../shared/ids.ts';

/** Kinds of ledger account (`ledger_accounts.code`). */
export const ACCOUNT_CODES = {
  /** A user's value that may be spent, sent and cashed out. */
  user_cashable: 1000,
  /** A user's value that may only be spent at merchants (carrier billing, promotions). */
  user_spend_only: 1001,
  /** Credits parked because they would take the wallet over its tier's balance cap. */
  user_held_over_cap: 1003,
  /** A partner's prefunded balance: every credit it sends comes out of here. */
  partner_prefund: 2000,
  agent_float: 2100,
  agent_commission: 2101,
  merchant_receivable: 2200,
  /** Credits to phone numbers with no account yet, waiting to be claimed or returned. */
  unclaimed_suspense: 3000,
  fee_income: 3100,
  bank_clearing: 3200,
  wallet_clearing: 3201,
  atm_settlement: 3202,
  /** Cash-outs waiting for an agent to pay them (reserved to here; posted on to the agent's float). */
  agent_clearing: 3203,
  voucher_liability: 3300,
  /** The operator's safeguarding (trust) bank account as seen from the ledger: money in the real world. */
  bank_deposits: 9000,
} as const;

export type AccountCode = keyof typeof ACCOUNT_CODES;

/** Reasons money moves (`ledger_transfers.code`). */
export const TRANSFER_CODES = {
  partner_prefunding: 100,
  credit: 200,
  credit_reversal: 202,
  credit_unclaimed_claim: 204,
  credit_unclaimed_return: 205,
  over_cap_release: 207,
  send_to_person: 300,
  own_wallet_move: 301,
  /** The fee of a send; its metadata.fee_for names the send's transfer. */
  send_fee: 302,
  cashout: 400,
  cashout_fee: 401,
  cashout_return: 402,
  agent_cash_in: 500,
  agent_commission: 501,
  agent_rebalance: 502,
  /** A cash-out paid by an agent: agent clearing → the agent's float (the agent handed over cash). */
  agent_cash_out: 503,
  merchant_payment: 600,
  merchant_refund: 601,
  merchant_settlement: 602,
  voucher_purchase: 700,
  voucher_redemption: 701,
  subscription_charge: 800,
} as const;

export type TransferCode = keyof typeof TRANSFER_CODES;

/** Operator-wide accounts, one per currency; their ids are derived from their names. */
export const SYSTEM_ACCOUNTS = ['unclaimed_suspense', 'fee_income', 'bank_clearing', 'wallet_clearing', 'atm_settlement', 'agent_clearing', 'voucher_liability', 'bank_deposits'] as const;
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[number];

export function systemAccountId(name: SystemAccount, currency: CurrencyCode): AccountId {
  return derivedUuid(`smallchange:system:${name}:${currency}`) as AccountId;
}

/**
 * Which accounts may not go negative. `bank_deposits` mirrors the real bank account from our side:
 * a deposit is a debit to it, so it is the one account whose balance runs negative by design.
 * Clearing and settlement accounts are credited by payouts and debited when the bank confirms.
 */
export function systemAccountInput(name: SystemAccount, currency: CurrencyCode): AccountInput {
  return {
    id: systemAccountId(name, currency),
    currency,
    code: ACCOUNT_CODES[name],
    flags: name === 'unclaimed_suspense' || name === 'voucher_liability' ? AccountFlags.debits_must_not_exceed_credits : AccountFlags.none,
    owner: `system:${name}`,
  };
}
