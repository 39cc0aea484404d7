// An agent's statement for one day (operator time zone): every float movement and commission,
// with the opening and closing float. Built from agent_transactions, which every use case that
// moves a float writes in the same transaction as the postings — so the statement and the ledger
// agree; the closing float is checked against the ledger's balance when the day is today.
import { sql } from 'kysely';
import { toWire, type CurrencyCode, type Micros } from '../money/index.ts';
import { localDayWindow, zonedInstant } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { selectAgentTransactions } from './agents.sql.ts';
import type { AgentDeps } from './deps.ts';
import type { AgentRow, AgentTransactionRow } from './tables.ts';
import './errors.ts';

export interface AgentStatement {
  agent: AgentRow;
  date: string;
  opening_float: Micros;
  closing_float: Micros;
  float_in: Micros;
  float_out: Micros;
  commission: Micros;
  lines: AgentTransactionRow[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function agentStatement(deps: AgentDeps, agent: AgentRow, date: string): Promise<AgentStatement> {
  if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new DomainError('invalid_statement_date', { param: 'date' });
  const policy = (await deps.policy.inForce()).policy;
  const from = zonedInstant(date, 0, policy.time_zone);
  const to = localDayWindow(new Date(from.getTime() + 12 * 3_600_000), policy.time_zone).end;
  const { rows } = await sql<{ total: string | null }>`
    SELECT sum(float_delta)::text AS total FROM agent_transactions WHERE agent_id = ${agent.id} AND at < ${from}`.execute(deps.db);
  const opening = BigInt(rows[0]?.total ?? '0') as Micros;
  const lines = await selectAgentTransactions(deps.db, agent.id, from, to);
  let floatIn = 0n;
  let floatOut = 0n;
  let commission = 0n;
  for (const line of lines) {
    if (line.float_delta > 0n) floatIn += line.float_delta;
    else floatOut -= line.float_delta;
    commission += line.commission;
  }
  return {
    agent, date, opening_float: opening, closing_float: (opening + floatIn - floatOut) as Micros,
    float_in: floatIn as Micros, float_out: floatOut as Micros, commission: commission as Micros, lines,
  };
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function statementCsv(statement: AgentStatement): string {
  const money = (amount: bigint, currency: CurrencyCode) => toWire({ amount: amount as Micros, currency }).amount;
  const header = ['at', 'kind', 'float_delta', 'commission', 'currency', 'reference', 'receipt'];
  const lines = statement.lines.map((line) =>
    [line.at.toISOString(), line.kind, money(line.float_delta, line.currency), money(line.commission, line.currency), line.currency, line.reference, line.receipt ?? ''].map(csvField).join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
