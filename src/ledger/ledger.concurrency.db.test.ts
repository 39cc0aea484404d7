// Concurrency on real PostgreSQL: many connections, row locks, group commit and idempotency
// under contention. PGlite has one connection, so these say they are skipped there.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryStats, withTransaction, type Database } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import { systemClock } from '../shared/clock.ts';
import { openTestDatabase, postgresOnly } from '../../test/helpers/db.ts';
import { sealAndVerify } from '../../test/helpers/ledger.ts';
import { AccountFlags, createLedger, type AccountId, type Ledger, type TransferId, type TransferInput } from './index.ts';

const pgOnly = postgresOnly('ledger concurrency needs PostgreSQL (many connections)');
const m = (n: bigint) => n as Micros;

describe.skipIf(pgOnly.skip)(pgOnly.note, () => {
  let database: Database;
  let ledger: Ledger;

  beforeAll(async () => {
    database = await openTestDatabase({ poolSize: 70 });
    ledger = createLedger(database.db, systemClock, { groupCommit: { committers: 4 } });
  });
  afterAll(async () => {
    const report = await sealAndVerify(ledger, database.db);
    expect(report.problems).toEqual([]);
    await ledger.close();
    await database.close();
  });

  async function fundedWallet(units: bigint): Promise<{ wallet: AccountId; sink: AccountId }> {
    const source = randomUUID() as AccountId;
    const wallet = randomUUID() as AccountId;
    const sink = randomUUID() as AccountId;
    await ledger.createAccounts([
      { id: source, currency: 'KRW', code: 1 },
      { id: wallet, currency: 'KRW', code: 2, flags: AccountFlags.debits_must_not_exceed_credits },
      { id: sink, currency: 'KRW', code: 3 },
    ]);
    expect(await ledger.createTransfer({ id: randomUUID() as TransferId, debit_account_id: source, credit_account_id: wallet, amount: m(units), currency: 'KRW', code: 1 })).toBe('ok');
    return { wallet, sink };
  }

  const drain = (wallet: AccountId, sink: AccountId): TransferInput => ({
    id: randomUUID() as TransferId, debit_account_id: wallet, credit_account_id: sink, amount: m(7n), currency: 'KRW', code: 2,
  });

  it('64 callers through group commit drain an account that has money for exactly N transfers', async () => {
    const N = 100;
    const { wallet, sink } = await fundedWallet(7n * BigInt(N));
    const callers = Array.from({ length: 64 }, async () => {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await ledger.createTransfer(drain(wallet, sink)));
      return results;
    });
    const results = (await Promise.all(callers)).flat();
    expect(results.filter((r) => r === 'ok')).toHaveLength(N);
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'exceeds_credits')).toBe(true);
    const [balance] = await ledger.getBalances([wallet]);
    expect(balance!.posted).toBe(0n);
  });

  it('64 separate database transactions race on one account: exactly N succeed, never below zero', async () => {
    const N = 40;
    const { wallet, sink } = await fundedWallet(7n * BigInt(N));
    const results = await Promise.all(
      Array.from({ length: 64 * 2 }, () => withTransaction(database.db, (trx) => ledger.createTransfersIn(trx, [drain(wallet, sink)]))),
    );
    expect(results.flat().filter((r) => r === 'ok')).toHaveLength(N);
    const [account] = await ledger.lookupAccounts([wallet]);
    expect(account!.debits_posted).toBe(account!.credits_posted);
  });

  it('32 callers moving money among 1,000 accounts finish without deadlock, invariants intact', async () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID() as AccountId);
    const flagged = new Set(ids.filter((_, i) => i % 2 === 0));
    expect(new Set(await ledger.createAccounts(ids.map((id) => ({ id, currency: 'KRW', code: 4, flags: flagged.has(id) ? AccountFlags.debits_must_not_exceed_credits : 0 }))))).toEqual(new Set(['ok']));
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const deadlocksBefore = retryStats.deadlocks;
    const callers = Array.from({ length: 32 }, async (_, caller) => {
      for (let i = 0; i < 25; i++) {
        const batch: TransferInput[] = Array.from({ length: 20 }, () => {
          let credit = pick();
          const debit = pick();
          while (credit === debit) credit = pick();
          return { id: randomUUID() as TransferId, debit_account_id: debit, credit_account_id: credit, amount: m(BigInt(1 + Math.floor(Math.random() * 50))), currency: 'KRW', code: 5 };
        });
        // Half the callers go through group commit, half hold their own transactions.
        if (caller % 2 === 0) await ledger.createTransfers(batch);
        else await withTransaction(database.db, (trx) => ledger.createTransfersIn(trx, batch));
      }
    });
    await Promise.all(callers);
    // Locks are always taken in account-id order, so no deadlock ever needed the retry.
    expect(retryStats.deadlocks - deadlocksBefore).toBe(0);
    const accounts = await ledger.lookupAccounts(ids);
    let debits = 0n;
    let credits = 0n;
    for (const a of accounts) {
      debits += a.debits_posted;
      credits += a.credits_posted;
      if (flagged.has(a.id)) expect(a.debits_posted).toBeLessThanOrEqual(a.credits_posted);
    }
    expect(debits).toBe(credits);
  });

  it('the same transfer id sent concurrently has exactly one effect', async () => {
    const { wallet, sink } = await fundedWallet(1000n);
    const once = drain(wallet, sink);
    const viaTransactions = Array.from({ length: 16 }, () => withTransaction(database.db, (trx) => ledger.createTransfersIn(trx, [once])));
    const viaGroupCommit = Array.from({ length: 16 }, () => ledger.createTransfer(once));
    const other = createLedger(database.db, systemClock);
    const viaSecondProcess = Array.from({ length: 16 }, () => other.createTransfer(once));
    const results = [...(await Promise.all(viaTransactions)).flat(), ...(await Promise.all(viaGroupCommit)), ...(await Promise.all(viaSecondProcess))];
    await other.close();
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'exists')).toHaveLength(47);
    const [balance] = await ledger.getBalances([sink]);
    expect(balance!.posted).toBe(7n);
  });

  it('two-phase: concurrent post and void of one reservation resolve it exactly once', async () => {
    const { wallet, sink } = await fundedWallet(100n);
    const hold = { ...drain(wallet, sink), flags: 2 };
    expect(await ledger.createTransfer(hold)).toBe('ok');
    const attempts = Array.from({ length: 20 }, (_, i) =>
      withTransaction(database.db, (trx) =>
        ledger.createTransfersIn(trx, [{ id: randomUUID() as TransferId, pending_id: hold.id, currency: 'KRW', code: 0, flags: i % 2 ? 4 : 8 }]),
      ),
    );
    const results = (await Promise.all(attempts)).flat();
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'pending_transfer_already_posted' || r === 'pending_transfer_already_voided')).toBe(true);
  });
});
