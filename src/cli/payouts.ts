// `smallchange payouts run`: every waiting bank payout goes out now as a pain.001 batch, whatever
// the schedule says. Against a running server (--server, with a staff token holding payouts:run)
// it asks the server, which is the only way while the server has the embedded database open;
// otherwise it assembles the product on the database itself and runs the batch in this process.
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { createRuntime } from '../runtime.ts';

interface BatchLine {
  batch: string;
  items: number;
  refused: number;
  execution_date?: string;
  executionDate?: string;
}

function print(batches: BatchLine[]): void {
  if (batches.length === 0) {
    process.stdout.write('payouts: nothing waiting for a batch\n');
    return;
  }
  for (const b of batches) {
    process.stdout.write(`payouts: batch ${b.batch} — ${b.items} payouts for ${b.execution_date ?? b.executionDate}, ${b.refused} refused before sending\n`);
  }
}

export function registerPayouts(program: Command): void {
  const payouts = program.command('payouts').description('bank and wallet payouts');
  payouts
    .command('run')
    .description('send every waiting bank payout now as a pain.001 file into DATA_DIR/bank/outgoing/')
    .option('--server <url>', 'ask a running server (e.g. http://127.0.0.1:3000) instead of opening the database')
    .option('--token <token>', 'staff session token with payouts:run (with --server)')
    .action(async (options: { server?: string; token?: string }) => {
      if (options.server) {
        const response = await fetch(new URL('/v1/admin/payouts/run', options.server), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
          body: JSON.stringify({ channel: 'bank' }),
        });
        const body = (await response.json()) as { data?: BatchLine[]; error?: { code: string; message: string } };
        if (!response.ok || !body.data) {
          process.stderr.write(`payouts: the server refused: ${body.error?.code ?? response.status} ${body.error?.message ?? ''}\n`);
          process.exitCode = 1;
          return;
        }
        print(body.data);
        return;
      }
      const runtime = await createRuntime(loadConfig(), { background: false });
      try {
        print(await runtime.ctx.services.cashout.runBankBatch());
      } finally {
        await runtime.close();
      }
    });
}
