// The cash-out module's public face (issue 5): binding quotes, the cash-out state machine with
// reserve → screen → submit → settle | fail | return, payout batches to the bank rail and the
// partner-wallet rail, recovery, receipts, destinations and auto-sweep.
//
// Wiring (src/runtime.ts): createCashout(...) → { service, bankSimulator }; ctx.services.cashout =
// service; register cashoutRoutes; service.start() and bankSimulator?.start() when background
// jobs run. Migration 0050_cashout.sql belongs to this module.
export { CASHOUT_ERRORS, type CashoutErrorCode } from './errors.ts';
export { CashoutService, DEFAULT_INTERVALS, type CashoutView, type JobIntervals } from './service.ts';
export { createCashout, DEMO_DEBTOR, type CreateCashoutOptions } from './setup.ts';
export { cashoutRoutes } from './routes.ts';
export { atmRoutes } from './atm-routes.ts';
export { CASHOUT_STATES, TRANSITIONS, FINAL_STATES, canTransition, isFinal, ledgerEffectOf, type CashoutState, type LedgerEffect } from './states.ts';
export { WalletLimits, type OutgoingLimits, type LimitContext } from './limits.ts';
export { PolicyScreening, type ScreeningStep, type ScreeningContext, type ScreeningDecision, type ScreeningSubject } from './screening.ts';
export { defaultStatementHandler, type StatementHandler, type StatementBatch } from './jobs.ts';
export type { AppliedUpdates } from './rail-updates.ts';
export type { PayoutOwner } from './payout-owners.ts';
export type { BatchReport } from './channels.ts';
export type { RecoveryReport } from './recovery.ts';
export type { SweepOutcome } from './auto-sweep.ts';
export type { CashoutDeps, CashoutRails, CashoutTimings, IdentityPort, WalletDestination, WalletRail } from './deps.ts';
export { CASH_CHANNELS, isCashChannel, type CashoutRow, type CashChannel, type DestinationRow, type PickupCodeRow, type QuoteRow, type PayoutChannel } from './tables.ts';
export { assertRedeemable, CODE_FAILURES_PER_HOUR_DEFAULT, type AtmAuthorization, type IssuedCode, type SettlePickup } from './pickup.ts';
export type { CashoutLedgerRef } from './ledger-plan.ts';
export type { TransitionedRow } from './cashouts.sql.ts';
export { cashoutOut, cashoutWire } from './wire.ts';
export { destinationDisplay } from './destinations.ts';
export { cashoutTransferId } from './ledger-plan.ts';
export type { OtpProof } from './step-up.ts';
