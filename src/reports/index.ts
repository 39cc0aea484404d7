// The reports' public face: operator reports read from the ledger by the chart of accounts.
export {
  reportDay, eMoneyAt, safeguardingReport, dailyReport, agentsReport, transferCodeName, E_MONEY_ACCOUNTS,
  type ReportDay, type EMoney, type SafeguardedFunds, type TrustStatement, type StatementSource, type SafeguardingReport, type DailyReport, type AgentsReport, type AgentLine,
} from './reports.ts';
export { REPORT_ERRORS } from './errors.ts';
export { reconciledStatements } from './statements.ts';
