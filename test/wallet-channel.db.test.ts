// The partner-wallet channel through the real composition root: a saved wallet destination is
// quoted and confirmed, and the wallet rail hands the payout to the provider under the provider's
// handle for the account — the two modules agree on the payee.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../src/db/index.ts';
import { WalletProviderSimulator } from '../src/rails/index.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { createTestRuntime, type TestRuntime } from './helpers/runtime.ts';
import type { TestContext } from './helpers/context.ts';
import { bearer, registerTestUser, smsCodeFor } from './helpers/identity.ts';
import { sealAndVerify } from './helpers/ledger.ts';
import { derivedUuid, uuidToId } from '../src/shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../src/wallets/index.ts';
import { isSuccess, type AccountId, type TransferId } from '../src/ledger/index.ts';
import type { Micros } from '../src/money/index.ts';

const API_KEY = 'test-wallet-api-key-0123456789';
const SECRET = 'whsec_c21hbGxjaGFuZ2UtZGVtby13YWxsZXQtc2VjcmV0ISE=';

describe('partner wallet cash-out through the runtime', () => {
  let rt: TestRuntime;
  let provider: WalletProviderSimulator;
  let dataDir: string;
  const clock = new ManualClock('2026-01-13T02:30:00Z');

  beforeAll(async () => {
    provider = new WalletProviderSimulator({ clock, apiKey: API_KEY, webhookSecret: SECRET, webhookUrl: null, port: 0, latency_ms: 0, rejectionRate: 0 });
    const { url } = await provider.start();
    dataDir = await mkdtemp(join(tmpdir(), 'sc-wallet-channel-'));
    rt = await createTestRuntime({ clock, env: { DATA_DIR: dataDir, WALLET_API_URL: url, WALLET_API_KEY: API_KEY, WALLET_WEBHOOK_SECRET: SECRET } });
  });
  afterAll(async () => {
    const report = await sealAndVerify(rt.ctx.ledger, rt.database.db);
    expect(report.problems).toEqual([]);
    await rt.close();
    await provider.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('quotes, confirms and hands the payout to the provider as @handle', async () => {
    const tc = { ctx: rt.ctx, database: rt.database, clock, identity: rt.ctx.services.identity, simulators: rt.simulators.identity!, close: async () => undefined } as TestContext;
    const partner = await withTransaction(rt.database.db, (trx) => rt.ctx.services.identity.createPartner(trx, { system: 'test' }, 'PayBox wallet'));
    const u = await registerTestUser(tc, { lang: 'en' });
    tc.simulators.identityCheck.addSubscriber(u.phone, { name: '김민준', birthDate: '1990-01-31', carrier: 'SKT' });
    expect((await rt.app.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(u.token), payload: { name: '김민준', birth_date: '1990-01-31' } })).statusCode).toBe(200);
    const wallet = await withTransaction(rt.database.db, (trx) => rt.ctx.services.wallets.core.openMainWallet(trx, u.user.id, 'KRW'));
    const [funded] = await rt.ctx.ledger.createTransfers([{
      id: derivedUuid(`test:wallet-channel:${process.pid}`) as TransferId, debit_account_id: systemAccountId('bank_deposits', 'KRW'),
      credit_account_id: wallet.cashable_account as AccountId, amount: 50_000_0000n as Micros, currency: 'KRW', code: TRANSFER_CODES.credit,
    }]);
    expect(isSuccess(funded!)).toBe(true);

    const payload = { kind: 'wallet', provider: partner.id, account: 'Minjun.Kim' };
    const first = await rt.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(u.token), payload });
    expect(first.statusCode, first.body).toBe(403);
    const challengeId = first.json().error.details.challenge_id as string;
    const saved = await rt.app.inject({
      method: 'POST', url: '/v1/me/destinations', headers: bearer(u.token),
      payload: { ...payload, otp: { challenge_id: challengeId, code: await smsCodeFor(rt.database.db, challengeId) } },
    });
    expect(saved.statusCode, saved.body).toBe(201);

    const quote = await rt.app.inject({
      method: 'POST', url: '/v1/cashouts/quotes', headers: bearer(u.token),
      payload: { wallet: uuidToId(wallet.id, 'wal'), amount: { amount: '20000', currency: 'KRW' }, channel: 'wallet', destination: saved.json().id },
    });
    expect(quote.statusCode, quote.body).toBe(201);
    const confirm = async (otp?: { challenge_id: string; code: string }) => rt.app.inject({
      method: 'POST', url: '/v1/cashouts', headers: { ...bearer(u.token), 'idempotency-key': `wallet-channel-${otp ? 2 : 1}` },
      payload: { quote: quote.json().id, pin: u.pin, ...(otp ? { otp } : {}) },
    });
    let confirmed = await confirm();
    if (confirmed.statusCode === 403) {
      const id = confirmed.json().error.details.challenge_id as string;
      confirmed = await confirm({ challenge_id: id, code: await smsCodeFor(rt.database.db, id) });
    }
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    expect(confirmed.json()).toMatchObject({ channel: 'wallet' });

    // A first payout to a new destination waits out its cool-down; after it, the rail takes it.
    clock.advance(25 * 3_600_000);
    await rt.ctx.services.cashout.runRecovery();
    const [submitted] = await rt.ctx.services.cashout.runWalletSubmissions();
    expect(submitted).toMatchObject({ channel: 'wallet', items: 1, refused: 0 });
    expect(provider.payouts()).toHaveLength(1);
    expect(provider.payouts()[0]).toMatchObject({ recipient: '@minjun.kim', amount: '20000', currency: 'KRW' });
  });
});
