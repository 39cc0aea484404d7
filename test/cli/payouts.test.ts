// `smallchange payouts run`: the waiting bank payouts leave now as one pain.001 file, against a
// real database (a PGlite data dir, or PostgreSQL in the PG pass). The cash-out is made the way a
// person makes it — identity check, bank account proved by the 1-won deposit, destination saved
// with an SMS code, quote, confirm with PIN and code — by the product in this process; the command
// then runs as an operator runs it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/index.ts';
import { withTransaction } from '../../src/db/index.ts';
import { isSuccess, type AccountId, type TransferId } from '../../src/ledger/index.ts';
import type { Micros } from '../../src/money/index.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { DomainError } from '../../src/shared/errors.ts';
import { derivedUuid, uuidToId } from '../../src/shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../../src/wallets/index.ts';
import { DEMO_USER, seedDemoWorld } from '../../src/demo/seed.ts';
import { runCli } from '../helpers/cli.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { smsCodeFor } from '../helpers/identity.ts';

describe('smallchange payouts run', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let pgDatabase: TestDatabase | null = null;

  async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
    const config = { ...configSchema.parse({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO: 'off', DATA_DIR: dir }), ...(pgDatabase ? { DATABASE_URL: pgDatabase.url } : {}) };
    const runtime = await createRuntime(config, { background: false });
    try {
      return await work(runtime);
    } finally {
      await runtime.close();
    }
  }

  /** Runs `attempt` without a code; when the service asks for one, answers with the SMS code. */
  async function withCode<T>(runtime: Runtime, attempt: (otp: { challengeId: string; code: string } | null) => Promise<T>): Promise<T> {
    try {
      return await attempt(null);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'otp_required') throw error;
      const challengeId = error.details.data!.challenge_id as string;
      return attempt({ challengeId, code: await smsCodeFor(runtime.ctx.database.db, challengeId) });
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sc-payouts-'));
    pgDatabase = process.env.TEST_DATABASE_URL ? await openTestDatabase() : null;
    env = { DATABASE_URL: pgDatabase?.url, DATA_DIR: dir, DEMO: 'off' };
  });
  afterAll(async () => {
    await pgDatabase?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('nothing waiting: says so, exit 0, no file', { timeout: 180_000 }, async () => {
    const result = await runCli(['payouts', 'run'], env, { timeoutMs: 170_000 });
    expect(result.stdout).toBe('payouts: nothing waiting for a batch\n');
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'bank', 'outgoing')) ? readdirSync(join(dir, 'bank', 'outgoing')) : []).toEqual([]);
  });

  it('a confirmed bank cash-out leaves in a pain.001 file; a second run finds nothing', { timeout: 300_000 }, async () => {
    const cashoutId = await withRuntime(async (runtime) => {
      const { ctx } = runtime;
      // The demo's first person: tier 2, a bank account proved with the 1-won deposit, which they
      // save as a payout destination with the SMS code (no history: this policy starts now).
      await seedDemoWorld(ctx, runtime.simulators.identity!, { users: 1, historyDays: 0 });
      const user = await ctx.services.identity.resolveRecipientByPhone(ctx.database.db, DEMO_USER.phone);
      const [account] = (await ctx.services.identity.listBankAccounts(ctx.database.db, user!.id)).filter((a) => a.status === 'verified');
      const { bankCode, accountNumber } = await ctx.services.identity.revealBankAccount(ctx.database.db, user!.id, account!.id);
      await withCode(runtime, (otp) => ctx.services.cashout.addDestination(user!.id, { kind: 'bank', bankCode, accountNumber }, otp));
      const [destination] = await ctx.services.cashout.listDestinations(user!.id);
      expect(destination).toMatchObject({ kind: 'bank', status: 'active' });
      // Past the new-destination cool-down (as if saved two days ago).
      await sql`UPDATE cashout_destinations SET created_at = ${new Date(Date.now() - 48 * 3_600_000)} WHERE id = ${destination!.id}`.execute(ctx.database.db);
      const wallet = await withTransaction(ctx.database.db, (trx) => ctx.services.wallets.core.openMainWallet(trx, user!.id, 'KRW'));
      const results = await ctx.ledger.createTransfers([{
        id: derivedUuid('test:payouts:fund') as TransferId, debit_account_id: systemAccountId('bank_deposits', 'KRW'), credit_account_id: wallet.cashable_account as AccountId,
        amount: 50_000_0000n as Micros, currency: 'KRW', code: TRANSFER_CODES.credit,
      }]);
      expect(results.every(isSuccess)).toBe(true);
      const quote = await ctx.services.cashout.quote({ userId: user!.id, wallet: uuidToId(wallet.id, 'wal'), amount: 20_000_0000n as Micros, channel: 'bank', destination: destination!.id, origin: 'user', deviceId: null });
      const view = await withCode(runtime, (otp) =>
        ctx.services.cashout.confirm({ userId: user!.id, quote: uuidToId(quote.id, 'quo'), pin: DEMO_USER.pin, otp, deviceId: null, idempotencyKey: 'cli-payouts-test', origin: 'user' }, 'en'),
      );
      expect(view.row.state).toBe('submitted');
      return view.row.id;
    });

    const run = await runCli(['payouts', 'run'], env, { timeoutMs: 170_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^payouts: batch \S+ — 1 payouts for \d{4}-\d\d-\d\d, 0 refused before sending\n$/);
    expect(run.code).toBe(0);
    const files = readdirSync(join(dir, 'bank', 'outgoing'));
    expect(files).toHaveLength(1);
    const xml = readFileSync(join(dir, 'bank', 'outgoing', files[0]!), 'utf8');
    expect(xml).toContain('pain.001');
    expect(xml).toContain('<InstdAmt Ccy="KRW">20000</InstdAmt>');

    const batched = await withRuntime(async (runtime) =>
      runtime.ctx.database.db.selectFrom('cashouts').select(['state', 'batch_id']).where('id', '=', cashoutId).executeTakeFirstOrThrow(),
    );
    expect(batched.batch_id).not.toBeNull();

    const again = await runCli(['payouts', 'run'], env, { timeoutMs: 170_000 });
    expect(again.stdout).toBe('payouts: nothing waiting for a batch\n');
    expect(again.code).toBe(0);
    expect(readdirSync(join(dir, 'bank', 'outgoing'))).toHaveLength(1);
  });
});
