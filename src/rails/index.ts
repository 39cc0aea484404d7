// The rails' public face: the adapter contract every payout channel implements, and the bank
// transfer rail (ISO 20022 files) with its simulator. Other modules import from here only.
export * from './types.ts';
export { RAIL_ERRORS, type RailErrorCode } from './errors.ts';

export { createBankRail, type BankDestination, type BankRail, type BankRailOptions, type BankUpdateBatch } from './bank/bank-rail.ts';
export { createFileJournal, type BankRailStore } from './bank/journal.ts';
export { BankSimulator, type BankSimulatorOptions, type ProcessedFile, type SimulatedRejection, type SimulatedReturn } from './bank/simulator.ts';

export {
  KOREAN_BANKS, checkKoreanBankAccount, findKoreanBank, maskAccountNumber, normalizeAccountNumber, validateKoreanBankAccount,
  type AccountCheck, type KoreanBank,
} from './bank/korean-banks.ts';
export { describeReason, isKnownReasonCode, type KnownReasonCode, type ReasonCode } from './bank/reason-codes.ts';

export {
  PAYOUT_ITEMS_MAX, assertPayoutBatch, buildPain001, checkPayoutBatch, checkPayoutItem, parsePain001,
  type PayoutBatch, type PayoutDebtor, type PayoutItem, type PayoutProblem,
} from './bank/pain001.ts';
export { buildPain002, parsePain002, type GroupState, type ItemStatus, type StatusReport, type StatusReportInput } from './bank/pain002.ts';
export {
  buildCamt053, closingBalanceOf, parseCamt053,
  type BankStatement, type EntryKind, type StatementEntry, type StatementEntryInput, type StatementInput, type StatementMessage,
} from './bank/camt053.ts';
export { BANK_MESSAGE_KINDS, detectMessageKind, validateXml, type BankMessageKind, type XmlValidation } from './bank/xsd.ts';
export type { ParseResult } from './bank/iso-values.ts';
export {
  bankDirectories, ensureBankDirectories, listIncomingFiles, markProcessed, markRejected, readIncomingFile, writeFileAtomic, writePain001File,
  type BankDirectories, type IncomingMessage,
} from './bank/files.ts';

// The partner-wallet rail (HTTP + Standard Webhooks) and its provider simulator. Migration 0060.
export { createWalletRail, WALLET_AMOUNT_MINOR_MAX, type WalletDestination, type WalletRail, type WalletRailOptions, type WebhookReceipt } from './wallet/wallet-rail.ts';
export { WalletProviderSimulator, type SimulatedPayout, type WalletSimulatorOptions, type WebhookDelivery } from './wallet/simulator.ts';
export { walletRailRoutes } from './wallet/routes.ts';
export { WALLET_RAIL_ERRORS, type WalletRailErrorCode } from './wallet/errors.ts';
export { WALLET_HANDLE_PATTERN, WALLET_REJECT_REASONS, describeWalletReason, type WalletRejectReason } from './wallet/provider-api.ts';
export { signWebhook, verifyWebhook, WEBHOOK_TOLERANCE_S } from './wallet/webhook-signature.ts';
export type { ProviderClientOptions } from './wallet/provider-client.ts';

// The cash rails (issue 6): the one-time withdrawal code of agent and ATM cash-outs, and the
// ATM network's request signing and its in-process simulator.
export { hashWithdrawalCode, newWithdrawalCode, WITHDRAWAL_CODE_DIGITS, WITHDRAWAL_CODE_PATTERN } from './cash/withdrawal-code.ts';
export { ATM_PATHS, AtmNetworkSimulator, signAtmRequest, type AtmOutcome, type AtmResponse, type AtmSimulatorOptions, type AtmTransport } from './atm/network.ts';
