// Reconciliation's public face: a camt.053 statement matched against our settled payouts and the
// bank clearing account. The cash-out module's index may re-export from here.
//
// Wiring (src/runtime.ts):
//   const reconciliation = new ReconciliationService({ db, ledger, clock, logger, timeZone,
//     onReturned: (cashoutId, reason) => cashout.markReturned(cashoutId, reason),
//     audit: (trx, entry) => identity.recordAudit(trx, entry) });
//   ctx.services.reconciliation = reconciliation;  areas: [reconciliationRoutes, …]
// Migration 0061 belongs to this sub-module.
export { ReconciliationService, STATEMENT_BYTES_MAX, type OnReturned, type ReconcileResult, type ReconciliationServiceOptions, type ReconciliationView, type ReturnNotice } from './service.ts';
export { reconciliationRoutes, STATEMENT_UPLOAD_BYTES_MAX } from './routes.ts';
export { RECONCILIATION_ERRORS, type ReconciliationErrorCode } from './errors.ts';
export { matchEntries, unmatchedOurs, type ItemOutcome, type MatchItem, type OurPayout } from './match.ts';
export { statementHash, type AuditRecorder, type RunActor, type RunContext, type StatementOutcome } from './reconcile.ts';
export { selectLatestRuns } from './reconciliation.sql.ts';
export { FINANCE_TASK_KINDS, type FinanceTask, type FinanceTaskKind, type ItemRow, type RunRow, type StatedDeposit } from './reconciliation.sql.ts';
