// A payments world for API tests: the whole product from the real composition root (createTestRuntime)
// on a fresh database with a ManualClock, and fixtures — admin staff, merchants with their partner
// key (merchant:operate), users with funded wallets (cashable and spend-only), and row counts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { withTransaction } from '../../src/db/index.ts';
import { isSuccess, type AccountId, type TransferId } from '../../src/ledger/index.ts';
import { fromMinor, type Micros } from '../../src/money/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { derivedUuid } from '../../src/shared/ids.ts';
import { systemAccountId, TRANSFER_CODES, Wallets, type WalletRow } from '../../src/wallets/index.ts';
import type { TestContext } from './context.ts';
import { bearer, createTestPartner, createTestStaff, registerTestUser, type TestStaff, type TestUser } from './identity.ts';
import { sealAndVerify } from './ledger.ts';
import { createTestRuntime, type TestRuntime } from './runtime.ts';

/** Tuesday 13 January 2026, 10:00 in Seoul. */
export const PAY_START = '2026-01-13T01:00:00Z';
export const won = (n: bigint | number) => fromMinor(BigInt(n));
export const krw = (n: bigint | number | string) => ({ amount: String(n), currency: 'KRW' as const });

export interface PaymentsWorld {
  rt: TestRuntime;
  clock: ManualClock;
  /** The identity fixtures' view of the runtime (registerTestUser and friends take it). */
  tc: TestContext;
  wallets: Wallets;
  admin: TestStaff;
  inject: TestRuntime['app']['inject'];
  dataDir: string;
  close(): Promise<void>;
}

export async function openPaymentsWorld(options: { env?: Record<string, string> } = {}): Promise<PaymentsWorld> {
  const clock = new ManualClock(PAY_START);
  // The bank rail writes its files (settlement pain.001) under DATA_DIR: a temp dir per world.
  const dataDir = await mkdtemp(join(tmpdir(), 'sc-payments-'));
  const rt = await createTestRuntime({ clock, env: { DATA_DIR: dataDir, ...options.env } });
  const tc = { ctx: rt.ctx, database: rt.database, clock, identity: rt.ctx.services.identity, simulators: rt.simulators.identity } as unknown as TestContext;
  const wallets = new Wallets(rt.database.db, rt.ctx.ledger, clock);
  const admin = await createTestStaff(tc, 'admin');
  return {
    rt, clock, tc, wallets, admin, dataDir,
    inject: rt.app.inject.bind(rt.app) as TestRuntime['app']['inject'],
    async close() {
      const report = await sealAndVerify(rt.ctx.ledger, rt.database.db);
      expect(report.problems).toEqual([]);
      await rt.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestMerchant {
  id: string;
  code: string;
  qr: string;
  apiKey: string;
  partnerId: string;
}

let merchantSequence = 0;

export async function makeMerchant(world: PaymentsWorld, options: { name?: string; code?: string } = {}): Promise<TestMerchant> {
  const code = options.code ?? `SHOP${String(process.pid % 1000).padStart(3, '0')}${String(++merchantSequence).padStart(3, '0')}`;
  const partner = await createTestPartner(world.tc, ['merchant:operate'], `${code} systems`);
  const res = await world.inject({
    method: 'POST', url: '/v1/merchants', headers: bearer(world.admin.token),
    payload: { name: options.name ?? `카페 ${code}`, code, partner: partner.partnerId, settlement_account: { bank_code: '088', account_number: `110${String(merchantSequence).padStart(9, '0')}`, holder_name: '(주)카페' } },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, code, qr: res.json().qr_payload, apiKey: partner.apiKey, partnerId: partner.partnerId };
}

export interface Payer extends TestUser {
  wallet: WalletRow;
}

export async function makePayer(world: PaymentsWorld, funds: { cashable?: number; spendOnly?: number } = {}, options: { lang?: 'ko' | 'en' } = {}): Promise<Payer> {
  const u = await registerTestUser(world.tc, { lang: options.lang ?? 'ko' });
  const wallet = await withTransaction(world.rt.database.db, (trx) => world.wallets.openMainWallet(trx, u.user.id, 'KRW'));
  const payer = { ...u, wallet };
  await fund(world, payer, { ...(funds.cashable ? { cashable: won(funds.cashable) } : {}), ...(funds.spendOnly ? { spendOnly: won(funds.spendOnly) } : {}) });
  return payer;
}

let fundSequence = 0;

/** Credits the wallet (cashable and/or spend-only) from the operator's bank deposits, as a partner credit would. */
export async function fund(world: PaymentsWorld, payer: Payer, amounts: { cashable?: Micros; spendOnly?: Micros }): Promise<void> {
  const from = systemAccountId('bank_deposits', 'KRW');
  const transfers = [
    ...(amounts.cashable ? [{ account: payer.wallet.cashable_account, amount: amounts.cashable }] : []),
    ...(amounts.spendOnly ? [{ account: payer.wallet.spend_only_account!, amount: amounts.spendOnly }] : []),
  ].map(({ account, amount }) => ({
    id: derivedUuid(`test:payments-fund:${process.pid}:${++fundSequence}`) as TransferId,
    debit_account_id: from,
    credit_account_id: account as AccountId,
    amount,
    currency: 'KRW' as const,
    code: TRANSFER_CODES.credit,
  }));
  if (transfers.length === 0) return;
  const results = await world.rt.ctx.ledger.createTransfers(transfers);
  expect(results.every(isSuccess)).toBe(true);
}

export async function balancesOf(world: PaymentsWorld, payer: Payer): Promise<{ cashable: Micros; spend_only: Micros }> {
  const [b] = await world.wallets.balances([payer.wallet]);
  return { cashable: b!.cashable.available, spend_only: b!.spend_only.available };
}

let keySequence = 0;
export const newKey = () => `pay-key-${process.pid}-${++keySequence}`;

export async function pay(world: PaymentsWorld, payer: Payer, payload: Record<string, unknown>, key = newKey()): Promise<LightMyRequestResponse> {
  return world.inject({ method: 'POST', url: '/v1/payments', headers: { ...bearer(payer.token), 'idempotency-key': key }, payload });
}

export async function refund(world: PaymentsWorld, merchant: TestMerchant, paymentId: string, payload: Record<string, unknown>, key = newKey()): Promise<LightMyRequestResponse> {
  return world.inject({ method: 'POST', url: `/v1/merchant/payments/${paymentId}/refunds`, headers: { ...bearer(merchant.apiKey), 'idempotency-key': key }, payload });
}

const COUNTED = ['merchants', 'merchant_payments', 'merchant_refunds', 'vouchers', 'voucher_redemptions', 'subscription_mandates', 'subscription_charges', 'merchant_settlements', 'ledger_transfers', 'outbox_messages', 'idempotency_keys'] as const;

/** Rows in the tables a refused request must not touch. */
export async function rowCounts(world: PaymentsWorld): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED) {
    const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(world.rt.database.db);
    counts[table] = Number(rows[0]!.n);
  }
  return counts;
}

/** The error's code and param, for compact assertions. */
export function errorOf(res: LightMyRequestResponse): { status: number; code: string; param?: string } {
  const body = res.json() as { error?: { code: string; param?: string } };
  return { status: res.statusCode, code: body.error?.code ?? '(none)', ...(body.error?.param !== undefined ? { param: body.error.param } : {}) };
}
