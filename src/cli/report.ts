// `smallchange report <daily|agents|safeguarding> --date YYYY-MM-DD`: operator reports for a day
// in the operator's time zone, read from the ledger (src/reports). `safeguarding` exits 1 when the
// safeguarded funds fall short of the customers' e-money or no bank statement proves them.
import type { Command } from 'commander';
import type { Database } from '../db/index.ts';
import { formatAmount, type CurrencyCode, type Micros } from '../money/index.ts';
import { PolicyService, toLocalDate } from '../policy/index.ts';
import { agentsReport, dailyReport, reconciledStatements, reportDay, safeguardingReport, type AgentsReport, type DailyReport, type SafeguardingReport } from '../reports/index.ts';
import { systemClock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { openCliDatabase } from './database.ts';
import { EXIT, setExitStatus } from './exit.ts';

const KINDS = ['daily', 'agents', 'safeguarding'] as const;
type Kind = (typeof KINDS)[number];

/** Amounts in JSON as decimal strings in major units, as on the wire. */
function jsonOf(report: unknown, currency: CurrencyCode): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? formatAmount(value as Micros, currency) : value), 2);
}

function grouped(amount: Micros, currency: CurrencyCode): string {
  const [whole = '0', fraction] = formatAmount(amount, currency).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`;
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(40)} ${value.padStart(22)}`;
}

function printDaily(r: DailyReport): string[] {
  const m = (a: Micros) => grouped(a, r.currency);
  return [
    `daily report ${r.day.date} (${r.day.time_zone}), ${r.currency}`,
    row('e-money at open', m(r.e_money_open.total)),
    row('e-money at close', m(r.e_money_close.total)),
    row('change', m(r.e_money_change)),
    row('fee income (net of commissions)', m(r.fee_income)),
    row('credits in clearance at close', m(r.in_clearance_close)),
    'movements:',
    ...(r.movements.length ? r.movements.map((x) => row(`${x.kind} ×${x.count}`, m(x.sum))) : ['  (none)']),
  ];
}

function printAgents(r: AgentsReport): string[] {
  const m = (a: Micros) => grouped(a, r.currency);
  return [
    `agents report ${r.day.date} (${r.day.time_zone}), ${r.currency}; low float below ${m(r.low_float_threshold)}`,
    `  ${'agent'.padEnd(30)} ${'float'.padStart(16)} ${'commission'.padStart(12)} ${'cash-in'.padStart(16)} ${'cash-out'.padStart(16)}`,
    ...r.agents.map((a) => `  ${a.agent.padEnd(30)} ${m(a.float).padStart(16)} ${m(a.commission_balance).padStart(12)} ${`${a.cash_in.count}× ${m(a.cash_in.sum)}`.padStart(16)} ${`${a.cash_out.count}× ${m(a.cash_out.sum)}`.padStart(16)}${a.low_float ? '  LOW FLOAT' : ''}`),
    `  ${'total'.padEnd(30)} ${m(r.totals.float).padStart(16)} ${m(r.totals.commission_balance).padStart(12)} ${m(r.totals.cash_in).padStart(16)} ${m(r.totals.cash_out).padStart(16)}`,
  ];
}

function printSafeguarding(r: SafeguardingReport): string[] {
  const m = (a: Micros) => grouped(a, r.currency);
  return [
    `safeguarding report ${r.day.date} (${r.day.time_zone}), ${r.currency}`,
    'customer e-money at close:',
    ...Object.entries(r.e_money.by_account).map(([name, amount]) => row(name, m(amount))),
    row('total e-money', m(r.e_money.total)),
    row('(credits in clearance, not e-money)', m(r.in_clearance)),
    row('(partner prefunding)', m(r.partner_prefunding)),
    ...(r.safeguarded
      ? [
          ...r.safeguarded.statements.map((s) => row(`trust account ${s.account} (${s.statement_id}, ${s.statement_date})`, m(s.closing_balance))),
          row('safeguarded funds', m(r.safeguarded.closing_balance)),
        ]
      : ['  trust account: no bank statement on or before this date']),
    ...(r.surplus !== null ? [row(r.surplus < 0n ? 'SHORTFALL' : 'surplus', m(r.surplus))] : []),
    r.shortfall ? 'safeguarding: NOT MET' : 'safeguarding: met',
    ...r.problems.map((p) => `  - ${p}`),
  ];
}

async function settings(database: Database, fallbackZone: string): Promise<{ timeZone: string; currency: CurrencyCode; lowFloat: Micros }> {
  try {
    const { policy } = await new PolicyService(database.db, systemClock).inForce();
    return { timeZone: policy.time_zone, currency: policy.currency, lowFloat: policy.agents.float.low_alert };
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'policy_not_in_force') throw error;
    // A database no server has started on: no policy yet, and nothing in the ledger either.
    return { timeZone: fallbackZone, currency: 'KRW', lowFloat: 0n as Micros };
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('operator reports for a day in the operator time zone: daily (movements), agents (floats), safeguarding (e-money vs the trust account)')
    .argument('<kind>', KINDS.join(' | '))
    .option('--date <YYYY-MM-DD>', 'the local day (default: yesterday in the operator time zone)')
    .option('--json', 'print the report as JSON (amounts as decimal strings)')
    .addHelpText('after', '\nExit codes: 0 done, 1 safeguarding not met (shortfall or no statement), 2 usage.')
    .action(async (kind: string, options: { date?: string; json?: boolean }) => {
      if (!(KINDS as readonly string[]).includes(kind)) {
        process.stderr.write(`smallchange report: the kind is one of ${KINDS.join(', ')}\n`);
        setExitStatus(EXIT.usage);
        return;
      }
      const { config, database } = await openCliDatabase();
      try {
        const { timeZone, currency, lowFloat } = await settings(database, config.OPERATOR_TIME_ZONE);
        let day;
        try {
          day = reportDay(options.date ?? toLocalDate(new Date(systemClock.now().getTime() - 86_400_000), timeZone), timeZone);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          process.stderr.write(`smallchange report: --date is a calendar date written YYYY-MM-DD\n`);
          setExitStatus(EXIT.usage);
          return;
        }
        const report = await run(kind as Kind, database, { day, currency, lowFloat });
        process.stdout.write(options.json ? `${jsonOf(report, currency)}\n` : `${lines(report).join('\n')}\n`);
        if (report.report === 'safeguarding' && report.shortfall) setExitStatus(EXIT.problem);
      } finally {
        await database.close();
      }
    });
}

async function run(kind: Kind, database: Database, input: { day: ReturnType<typeof reportDay>; currency: CurrencyCode; lowFloat: Micros }) {
  if (kind === 'daily') return dailyReport(database.db, input);
  if (kind === 'agents') return agentsReport(database.db, input);
  return safeguardingReport(database.db, { ...input, statements: reconciledStatements });
}

function lines(report: DailyReport | AgentsReport | SafeguardingReport): string[] {
  if (report.report === 'daily') return printDaily(report);
  if (report.report === 'agents') return printAgents(report);
  return printSafeguarding(report);
}
