// Where the safeguarding report learns what the trust accounts hold: the bank statements that
// reconciliation stored (one run per camt.053 statement, with the bank's closing balance).
import { selectLatestRuns } from '../cashout/reconciliation/index.ts';
import { add, fromMinor, type Micros } from '../money/index.ts';
import type { SafeguardedFunds, StatementSource } from './reports.ts';

export const reconciledStatements: StatementSource = async (executor, currency, onOrBefore) => {
  const runs = await selectLatestRuns(executor, currency, onOrBefore);
  if (runs.length === 0) return null;
  const statements = runs.map((run) => ({
    account: run.accountNumber,
    statement_id: run.statementId,
    statement_date: run.statementDate,
    closing_balance: fromMinor(run.closingBalanceMinor),
  }));
  const funds: SafeguardedFunds = {
    statements,
    closing_balance: statements.reduce((sum, s) => add(sum, s.closing_balance), 0n as Micros),
    currency,
  };
  return funds;
};
