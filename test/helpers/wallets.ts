// A wallet test world: the real composition root (createTestRuntime) on a fresh database with a
// ManualClock, seen through identity's TestContext so its fixtures (registerTestUser,
// createTestStaff, createTestPartner, smsCodeFor) work unchanged, plus ways to put money in a
// wallet and to read the rows a request may have written.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { withTransaction } from '../../src/db/index.ts';
import { isSuccess, TransferFlags, type AccountId, type TransferId } from '../../src/ledger/index.ts';
import { fromMinor, type Micros } from '../../src/money/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { uuidv7 } from '../../src/shared/ids.ts';
import { systemAccountId, TRANSFER_CODES, type WalletRow } from '../../src/wallets/index.ts';
import type { WalletService } from '../../src/wallets/index.ts';
import { countRows, type TestContext } from './context.ts';
import { createTestRuntime, type TestRuntime } from './runtime.ts';
import { sealAndVerify } from './ledger.ts';

export interface WalletWorld extends TestContext {
  runtime: TestRuntime;
  app: FastifyInstance;
  wallets: WalletService;
}

/** 10:00 in Seoul on a Tuesday: far from any day or month boundary. */
export const WORLD_START = '2026-03-10T01:00:00Z';

export async function createWalletWorld(options: { clock?: ManualClock } = {}): Promise<WalletWorld> {
  const clock = options.clock ?? new ManualClock(WORLD_START);
  const runtime = await createTestRuntime({ clock });
  await runtime.app.ready();
  const wallets = runtime.ctx.services.wallets;
  await wallets.ensureSystemAccounts('KRW');
  return {
    runtime,
    app: runtime.app,
    wallets,
    ctx: runtime.ctx,
    database: runtime.database,
    clock,
    identity: runtime.ctx.services.identity,
    simulators: runtime.simulators.identity!,
    close: () => runtime.close(),
  };
}

export const won = (n: number | bigint): Micros => fromMinor(BigInt(n));

/** The user's main wallet (opened if needed). */
export async function mainWallet(world: WalletWorld, userId: string): Promise<WalletRow> {
  return withTransaction(world.database.db, (trx) => world.wallets.core.openMainWallet(trx, userId, 'KRW'));
}

/**
 * Puts value in a wallet as a partner credit would land (code `credit`, metadata.source), from
 * the operator's bank-deposits account. A test fixture standing in for the credits module.
 */
export async function fund(
  world: WalletWorld,
  userId: string,
  amount: Micros,
  options: { class?: 'cashable' | 'spend_only' | 'held_over_cap'; source?: string; description?: string; pending?: boolean; wallet?: WalletRow } = {},
): Promise<string> {
  const wallet = options.wallet ?? (await mainWallet(world, userId));
  const cls = options.class ?? 'cashable';
  const account = (cls === 'cashable' ? wallet.cashable_account : cls === 'spend_only' ? wallet.spend_only_account : wallet.held_account) as AccountId;
  const id = uuidv7() as TransferId;
  const result = await world.ctx.ledger.createTransfer({
    id,
    debit_account_id: systemAccountId('bank_deposits', 'KRW'),
    credit_account_id: account,
    amount,
    currency: 'KRW',
    code: TRANSFER_CODES.credit,
    flags: options.pending ? TransferFlags.pending : TransferFlags.none,
    metadata: { source: options.source ?? (cls === 'spend_only' ? 'carrier_billing' : 'task_earning'), ...(options.description ? { description: options.description } : {}) },
  });
  if (!isSuccess(result)) throw new Error(`fund: ${result}`);
  return id;
}

/** Tables a wallet request may write: "bad input writes nothing" compares these before and after. */
export const WRITTEN_TABLES = [
  'ledger_transfers',
  'ledger_accounts',
  'wallets',
  'person_transfers',
  'self_limit_changes',
  'idempotency_keys',
  'outbox_messages',
  'otp_challenges',
] as const;

export async function rowCounts(world: WalletWorld): Promise<Record<string, number>> {
  return countRows(world.database, WRITTEN_TABLES);
}

export async function expectLedgerVerifies(world: WalletWorld): Promise<void> {
  const report = await sealAndVerify(world.ctx.ledger, world.database.db);
  if (report.problems.length > 0) throw new Error(`ledger does not verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
}

/** SMS bodies sent to a number, oldest first. */
export async function smsTo(world: WalletWorld, phone: string): Promise<{ template: string; body: string }[]> {
  const { rows } = await sql<{ template: string; body: string }>`
    SELECT template, body FROM outbox_messages WHERE channel = 'sms' AND recipient = ${phone} ORDER BY created_at, id`.execute(world.database.db);
  return rows;
}
