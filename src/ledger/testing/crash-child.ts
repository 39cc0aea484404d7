// Child process for the crash test: applies a stream of batches through group commit and prints
// "ack <k>" the moment batch k is acknowledged. The parent kills it with SIGKILL at random.
// Batch k always has the same ids and content, so a restarted child that re-sends it gets `exists`.
import { createHash } from 'node:crypto';
import { openDatabase } from '../../db/index.ts';
import type { Micros } from '../../money/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { createLedger } from '../ledger.ts';
import { TransferFlags, type AccountId, type TransferId, type TransferInput } from '../types.ts';

export const BATCH_SIZE = 10;

export function crashId(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function crashAccounts(count: number): AccountId[] {
  return Array.from({ length: count }, (_, i) => crashId(`crash-account:${i}`) as AccountId);
}

export function crashBatch(k: number, accounts: AccountId[]): TransferInput[] {
  return Array.from({ length: BATCH_SIZE }, (_, i) => {
    const debit = accounts[(k * 7 + i) % accounts.length]!;
    const credit = accounts[(k * 7 + i * 3 + 1) % accounts.length]!;
    return {
      id: crashId(`crash-transfer:${k}:${i}`) as TransferId,
      debit_account_id: debit,
      credit_account_id: credit === debit ? accounts[(accounts.indexOf(debit) + 1) % accounts.length]! : credit,
      amount: BigInt(1 + ((k + i) % 97)) as Micros,
      currency: 'KRW',
      code: 7,
      // The whole batch is one linked chain: it must land whole or not at all.
      flags: i < BATCH_SIZE - 1 ? TransferFlags.linked : 0,
      metadata: { batch: k },
    };
  });
}

async function main(): Promise<void> {
  const url = process.env.CRASH_DATABASE_URL!;
  const start = parseInt(process.env.CRASH_START ?? '0', 10);
  const database = await openDatabase({ url, poolSize: 8 });
  const ledger = createLedger(database.db, systemClock, { groupCommit: { committers: 3 } });
  const accounts = crashAccounts(50);
  const writers = 6;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let k = start + w; ; k += writers) {
        const results = await ledger.createTransfers(crashBatch(k, accounts));
        if (results.every((r) => r === 'ok' || r === 'exists')) process.stdout.write(`ack ${k}\n`);
        else process.stdout.write(`nack ${k} ${results.join(',')}\n`);
      }
    }),
  );
}

if (process.argv[1]?.endsWith('crash-child.ts')) await main();
