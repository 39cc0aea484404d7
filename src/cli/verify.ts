// `smallchange verify`: the auditor's offline check of the journal (DESIGN §3).
import type { Command } from 'commander';
import { createLedger, verifyLedger } from '../ledger/index.ts';
import { systemClock } from '../shared/clock.ts';
import { openCliDatabase } from './database.ts';
import { EXIT, setExitStatus } from './exit.ts';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('recompute every block hash and account total; exit 1 naming the first mismatch')
    .option('--seal', 'seal committed transfers into blocks first (when no server is running)')
    .option('--json', 'print the report as JSON')
    .action(async (options: { seal?: boolean; json?: boolean }) => {
      const { database } = await openCliDatabase();
      try {
        if (options.seal) {
          const ledger = createLedger(database.db, systemClock);
          await ledger.sealBlocks();
          await ledger.close();
        }
        const started = performance.now();
        const report = await verifyLedger(database.db);
        const seconds = ((performance.now() - started) / 1000).toFixed(2);
        if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else {
          process.stdout.write(
            `journal: ${report.blocks} blocks, ${report.transfers_sealed} sealed transfers, ${report.transfers_unsealed} not yet sealed, ${report.accounts} accounts (${seconds}s)\n`,
          );
          if (report.ok) process.stdout.write('verify: OK — every hash links, every total matches its entries, the ledger sums to zero\n');
          else process.stdout.write(`verify: FAILED\n${report.problems.map((p) => `  - ${p}`).join('\n')}\n`);
        }
        setExitStatus(report.ok ? EXIT.ok : EXIT.problem);
      } finally {
        await database.close();
      }
    });
}
