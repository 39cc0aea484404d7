// Operator reports for a day in the operator's time zone, read from the ledger by the chart of
// accounts (src/wallets/chart.ts):
//   daily         money in circulation at the day's open and close, and every movement of the day by kind
//   agents        each cash agent's float and commission at the close, and the day's agent movements
//   safeguarding  customer e-money at the close (user wallets, unclaimed credits, outstanding
//                 vouchers) against the safeguarded funds in the trust bank account per the latest
//                 bank statement, flagging any shortfall
import type { Executor } from '../db/index.ts';
import { add, sub, type CurrencyCode, type Micros } from '../money/index.ts';
import { addDays, parseLocalDate, zonedInstant, type LocalDate } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { ACCOUNT_CODES, TRANSFER_CODES } from '../wallets/index.ts';
import './errors.ts';
import { flowsByOwner, flowsByTransferCode, netCreditsByAccount, netCreditsByCode, openPendingInto } from './ledger-reads.sql.ts';

export interface ReportDay {
  date: LocalDate;
  time_zone: string;
  /** [start, end) as UTC instants. */
  start: Date;
  end: Date;
}

/** The local day `date` (YYYY-MM-DD) in `timeZone`; throws invalid_report_date. */
export function reportDay(date: string, timeZone: string): ReportDay {
  try {
    parseLocalDate(date);
  } catch {
    throw new DomainError('invalid_report_date', { param: 'date' });
  }
  return { date, time_zone: timeZone, start: zonedInstant(date, 0, timeZone), end: zonedInstant(addDays(date, 1), 0, timeZone) };
}

/** What the operator owes its customers in e-money (credit-normal accounts). */
export const E_MONEY_ACCOUNTS = ['user_cashable', 'user_spend_only', 'user_held_over_cap', 'unclaimed_suspense', 'voucher_liability'] as const;
type EMoneyAccount = (typeof E_MONEY_ACCOUNTS)[number];

const USER_ACCOUNTS = [ACCOUNT_CODES.user_cashable, ACCOUNT_CODES.user_spend_only, ACCOUNT_CODES.user_held_over_cap];

export interface EMoney {
  by_account: Record<EMoneyAccount, Micros>;
  total: Micros;
}

export async function eMoneyAt(executor: Executor, currency: CurrencyCode, at: Date): Promise<EMoney> {
  const nets = await netCreditsByCode(executor, E_MONEY_ACCOUNTS.map((name) => ACCOUNT_CODES[name]), currency, at);
  const byAccount = {} as Record<EMoneyAccount, Micros>;
  let total = 0n as Micros;
  for (const name of E_MONEY_ACCOUNTS) {
    byAccount[name] = nets.get(ACCOUNT_CODES[name]) ?? (0n as Micros);
    total = add(total, byAccount[name]);
  }
  return { by_account: byAccount, total };
}

// ---- Safeguarding ---------------------------------------------------------------------------------

/** One trust account's balance as its bank last stated it. */
export interface TrustStatement {
  account: string;
  statement_id: string;
  /** The statement's closing-balance date. */
  statement_date: LocalDate;
  closing_balance: Micros;
}

/** The safeguarded funds: every trust account's latest statement, summed. */
export interface SafeguardedFunds {
  statements: TrustStatement[];
  closing_balance: Micros;
  currency: CurrencyCode;
}

/** The latest bank statement of each trust account closing on or before `date`; null when there is none. */
export type StatementSource = (executor: Executor, currency: CurrencyCode, onOrBefore: LocalDate) => Promise<SafeguardedFunds | null>;

export interface SafeguardingReport {
  report: 'safeguarding';
  day: ReportDay;
  currency: CurrencyCode;
  e_money: EMoney;
  /** Partner credits still in their clearance period: not yet e-money, shown for context. */
  in_clearance: Micros;
  /** Partners' prefunded balances: their money, held for credits not yet made. */
  partner_prefunding: Micros;
  safeguarded: SafeguardedFunds | null;
  /** safeguarded − e-money; null without a statement. */
  surplus: Micros | null;
  /** True when the funds fall short of the e-money, or no statement proves them. */
  shortfall: boolean;
  problems: string[];
}

export async function safeguardingReport(executor: Executor, input: { day: ReportDay; currency: CurrencyCode; statements: StatementSource }): Promise<SafeguardingReport> {
  const { day, currency } = input;
  const eMoney = await eMoneyAt(executor, currency, day.end);
  const inClearance = await openPendingInto(executor, USER_ACCOUNTS, currency, day.end);
  const prefunding = (await netCreditsByCode(executor, [ACCOUNT_CODES.partner_prefund], currency, day.end)).get(ACCOUNT_CODES.partner_prefund) ?? (0n as Micros);
  const safeguarded = await input.statements(executor, currency, day.date);
  const problems: string[] = [];
  let surplus: Micros | null = null;
  if (!safeguarded) {
    problems.push(`no bank statement of the trust account closes on or before ${day.date}: the safeguarded funds are not proven`);
  } else {
    surplus = sub(safeguarded.closing_balance, eMoney.total);
    if (surplus < 0n) problems.push(`shortfall: the trust account holds less than the customers' e-money`);
    for (const statement of safeguarded.statements) {
      if (statement.statement_date < day.date) problems.push(`the latest statement of account ${statement.account} closes on ${statement.statement_date}, before ${day.date}`);
    }
  }
  return {
    report: 'safeguarding',
    day,
    currency,
    e_money: eMoney,
    in_clearance: inClearance,
    partner_prefunding: prefunding,
    safeguarded,
    surplus,
    shortfall: safeguarded === null || (surplus !== null && surplus < 0n),
    problems,
  };
}

// ---- Daily ----------------------------------------------------------------------------------------

const TRANSFER_NAMES = new Map<number, string>(Object.entries(TRANSFER_CODES).map(([name, code]) => [code, name]));

export function transferCodeName(code: number): string {
  return TRANSFER_NAMES.get(code) ?? `code_${code}`;
}

export interface DailyReport {
  report: 'daily';
  day: ReportDay;
  currency: CurrencyCode;
  e_money_open: EMoney;
  e_money_close: EMoney;
  e_money_change: Micros;
  fee_income: Micros;
  in_clearance_close: Micros;
  movements: { kind: string; code: number; count: number; sum: Micros }[];
}

export async function dailyReport(executor: Executor, input: { day: ReportDay; currency: CurrencyCode }): Promise<DailyReport> {
  const { day, currency } = input;
  const [open, close] = [await eMoneyAt(executor, currency, day.start), await eMoneyAt(executor, currency, day.end)];
  const fees = await netCreditsByCode(executor, [ACCOUNT_CODES.fee_income], currency, day.end);
  const feesBefore = await netCreditsByCode(executor, [ACCOUNT_CODES.fee_income], currency, day.start);
  const flows = await flowsByTransferCode(executor, currency, day.start, day.end);
  return {
    report: 'daily',
    day,
    currency,
    e_money_open: open,
    e_money_close: close,
    e_money_change: sub(close.total, open.total),
    fee_income: sub(fees.get(ACCOUNT_CODES.fee_income) ?? (0n as Micros), feesBefore.get(ACCOUNT_CODES.fee_income) ?? (0n as Micros)),
    in_clearance_close: await openPendingInto(executor, USER_ACCOUNTS, currency, day.end),
    movements: flows.map((f) => ({ kind: transferCodeName(f.code), ...f })),
  };
}

// ---- Agents ----------------------------------------------------------------------------------------

export interface AgentLine {
  agent: string;
  float: Micros;
  commission_balance: Micros;
  low_float: boolean;
  cash_in: { count: number; sum: Micros };
  cash_out: { count: number; sum: Micros };
  commission_earned: Micros;
}

export interface AgentsReport {
  report: 'agents';
  day: ReportDay;
  currency: CurrencyCode;
  low_float_threshold: Micros;
  agents: AgentLine[];
  totals: { float: Micros; commission_balance: Micros; cash_in: Micros; cash_out: Micros; commission_earned: Micros };
}

export async function agentsReport(executor: Executor, input: { day: ReportDay; currency: CurrencyCode; lowFloat: Micros }): Promise<AgentsReport> {
  const { day, currency } = input;
  const balances = await netCreditsByAccount(executor, [ACCOUNT_CODES.agent_float, ACCOUNT_CODES.agent_commission], currency, day.end);
  // Cash-in at a shop moves value out of its float to the person; a cash-out at a shop into it.
  const cashIn = await flowsByOwner(executor, currency, [TRANSFER_CODES.agent_cash_in], 'debit', [ACCOUNT_CODES.agent_float], day.start, day.end);
  const cashOut = await flowsByOwner(executor, currency, [TRANSFER_CODES.cashout], 'credit', [ACCOUNT_CODES.agent_float], day.start, day.end);
  const earned = await flowsByOwner(executor, currency, [TRANSFER_CODES.agent_commission], 'credit', [ACCOUNT_CODES.agent_commission], day.start, day.end);
  const agents = new Map<string, AgentLine>();
  const line = (owner: string | null): AgentLine => {
    const agent = owner ?? '(no owner)';
    let found = agents.get(agent);
    if (!found) {
      const zero = 0n as Micros;
      found = { agent, float: zero, commission_balance: zero, low_float: false, cash_in: { count: 0, sum: zero }, cash_out: { count: 0, sum: zero }, commission_earned: zero };
      agents.set(agent, found);
    }
    return found;
  };
  for (const b of balances) {
    const l = line(b.owner);
    if (b.code === ACCOUNT_CODES.agent_float) l.float = add(l.float, b.net);
    else l.commission_balance = add(l.commission_balance, b.net);
  }
  for (const f of cashIn) line(f.owner).cash_in = { count: f.count, sum: f.sum };
  for (const f of cashOut) line(f.owner).cash_out = { count: f.count, sum: f.sum };
  for (const f of earned) line(f.owner).commission_earned = f.sum;
  const list = [...agents.values()].sort((a, b) => a.agent.localeCompare(b.agent));
  for (const l of list) l.low_float = l.float < input.lowFloat;
  const sum = (pick: (l: AgentLine) => Micros) => list.reduce((acc, l) => add(acc, pick(l)), 0n as Micros);
  return {
    report: 'agents',
    day,
    currency,
    low_float_threshold: input.lowFloat,
    agents: list,
    totals: {
      float: sum((l) => l.float),
      commission_balance: sum((l) => l.commission_balance),
      cash_in: sum((l) => l.cash_in.sum),
      cash_out: sum((l) => l.cash_out.sum),
      commission_earned: sum((l) => l.commission_earned),
    },
  };
}
