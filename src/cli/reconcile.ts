// `smallchange reconcile <camt.053 file>`: finance's end-of-day step from a terminal. The file is
// validated against the ISO 20022 schema first (an invalid one changes nothing); the same file
// twice changes nothing. Exit 0 when everything matched, 1 when something needs finance (or the
// file was refused).
import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { formatAmount, fromMinor } from '../money/index.ts';
import { createRuntime } from '../runtime.ts';
import { DomainError } from '../shared/errors.ts';
import { EXIT, setExitStatus } from './exit.ts';

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description('match a camt.053.001.08 bank statement against our settled payouts; exit 1 when anything is unmatched')
    .argument('<file>', 'the camt.053 XML file')
    .option('--json', 'print the runs as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const config = loadConfig();
      if (!config.DATABASE_URL) mkdirSync(config.DATA_DIR, { recursive: true });
      const runtime = await createRuntime({ ...config, LOG_LEVEL: 'error' }, { background: false });
      let exitCode: number = EXIT.problem;
      try {
        const result = await runtime.ctx.services.reconciliation.reconcileFile(file);
        const runs = result.statements.map(({ run, created }) => ({ created, ...run }));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(runs, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`);
        } else {
          for (const { run, created } of result.statements) {
            const money = (minor: bigint) => `${formatAmount(fromMinor(minor), run.currency)} ${run.currency}`;
            process.stdout.write(
              `${created ? 'reconciled' : 'already reconciled'} ${run.statementId} (${run.statementDate}, account ${run.accountNumber}) as ${run.id}\n` +
                `  matched ${run.counts.matched}, unmatched ours ${run.counts.unmatched_ours}, unmatched bank ${run.counts.unmatched_bank}, ` +
                `amount mismatches ${run.counts.amount_mismatch}, returned ${run.counts.returned}\n` +
                `  closing balance ${money(run.closingBalanceMinor)}, in our books ${formatAmount(run.bookBalance, run.currency)} ${run.currency}, ` +
                `bank clearing ${formatAmount(run.clearingBalance, run.currency)} ${run.currency}\n`,
            );
          }
          if (result.returnsFailed > 0) process.stdout.write(`  ${result.returnsFailed} return(s) not yet taken by the cash-out module (finance task opened)\n`);
        }
        const open = result.statements.some(({ run }) => run.counts.unmatched_ours + run.counts.unmatched_bank + run.counts.amount_mismatch > 0);
        exitCode = open || result.returnsFailed > 0 ? EXIT.problem : EXIT.ok;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const errors = (error.details.data?.errors as string[] | undefined) ?? [];
        process.stderr.write(`reconcile: ${error.code}: ${error.message}\n${errors.slice(0, 10).map((e) => `  - ${e}\n`).join('')}`);
      } finally {
        await runtime.close();
      }
      setExitStatus(exitCode);
    });
}
