// The wallets module's public face.
export * from './chart.ts';
export { WALLET_ERRORS } from './errors.ts';
export { WALLET_FEATURE_ERRORS } from './feature-errors.ts';
export { Wallets, walletIdOf, walletUuid, type WalletBalances, type ClassBalance, type WalletId } from './wallets.ts';
export type { WalletRow } from './wallets.sql.ts';
// The gate every money-moving service calls before the ledger, and what it reads (outgoing.ts).
export { checkOutgoing, usageOf, type OutgoingClearance, type OutgoingDeps, type OutgoingRequest } from './outgoing.ts';
export { measureUsage, measureAllUsage, LIMIT_KIND_CODES, type UsageReport } from './usage.ts';
export { effectiveSelfLimits, type SelfLimitRequest } from './self-limits.ts';
export { ENTRY_TYPES, entryTypeOf, type EntryType, type HistoryEntry, type HistoryFilter } from './history.ts';
export { WalletService, type WalletServiceOptions } from './service.ts';
export { walletRoutes } from './routes.ts';
export * from './credits/index.ts';
