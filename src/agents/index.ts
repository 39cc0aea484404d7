// The agents module's public face (issue 6): registered shops with a float and a commission
// account, cash-out at an agent (withdrawal codes issued by cash-out's `agent` channel), cash-in,
// liquidity (low-float alerts, finance-approved rebalancing), nearby agents, daily statements.
//
// Wiring (src/runtime.ts): ctx.services.agents = new AgentService({ db, clock, logger, ledger,
// policy, identity, wallets, cashout, bankRail, deposits: reconciliation }); register agentRoutes;
// cashout.registerPayoutOwner(agents.rebalanceAnswers) (the bank's answers for rbl_ withdrawals);
// reconciliation's onReturned hands rbl_ returns to agents.markRebalanceReturned; the timer
// agents.submitWithdrawals() retries hand-overs. Migrations 0070_agents.sql, 0100_agents_bank_rail.sql.
export { AGENT_ERRORS, type AgentErrorCode } from './errors.ts';
export { AgentService } from './service.ts';
export { agentRoutes } from './routes.ts';
export { agentAccountId, type AgentDeps, type AgentDepositsPort } from './deps.ts';
export { agentDepositStatement } from './demo.ts';
export { maskPersonName } from './mask-name.ts';
export { REBALANCE_REF_PREFIX, type AppliedRebalanceAnswers } from './rebalance-bank.ts';
export { distanceMetres, isOpenAt, parseOpeningHours } from './hours.ts';
export { statementCsv, type AgentStatement } from './statement.ts';
export type { AgentRow, AgentTransactionRow, CashInRow, OpeningHours, RebalanceRow, RebalanceStatus } from './tables.ts';
