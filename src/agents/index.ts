// The agents module's public face (issue 6): registered shops with a float and a commission
// account, cash-out at an agent (withdrawal codes issued by cash-out's `agent` channel), cash-in,
// liquidity (low-float alerts, finance-approved rebalancing), nearby agents, daily statements.
//
// Wiring (src/runtime.ts): ctx.services.agents = new AgentService({ db, clock, logger, ledger,
// policy, identity, wallets, cashout }); register agentRoutes. Migration 0070_agents.sql.
export { AGENT_ERRORS, type AgentErrorCode } from './errors.ts';
export { AgentService } from './service.ts';
export { agentRoutes } from './routes.ts';
export { agentAccountId, type AgentDeps } from './deps.ts';
export { distanceMetres, isOpenAt, parseOpeningHours } from './hours.ts';
export { statementCsv, type AgentStatement } from './statement.ts';
export type { AgentRow, AgentTransactionRow, CashInRow, OpeningHours, RebalanceRow } from './tables.ts';
