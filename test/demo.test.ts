// The demo world seeds through the real services: people reach their tiers through the real
// checks, every wallet exists, the partner key authenticates, and the ledger verifies.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoWorld, DEMO_USER } from '../src/demo/seed.ts';
import { verifyLedger } from '../src/ledger/index.ts';
import { TRANSFER_CODES } from '../src/wallets/index.ts';
import { createTestRuntime, type TestRuntime } from './helpers/runtime.ts';

describe('demo world', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ env: { DEMO: 'on' } });
  });
  afterAll(async () => rt.close());

  it('seeds staff, partners and people across tiers, each with a wallet', { timeout: 300_000 }, async () => {
    const result = await seedDemoWorld(rt.ctx, rt.simulators.identity!, { users: 30, historyDays: 40 });
    expect(result.users).toBe(30);
    // History: credits from every partner over the days, the demo user's monthly cash-out
    // settled by the bank with a receipt number, and this morning's waiting for the batch.
    expect(result.history).toMatchObject({ destinations: expect.any(Number), sweeps: expect.any(Number) });
    const sources = await sql<{ source: string; days: number }>`
      SELECT metadata->>'source' AS source, count(DISTINCT date_trunc('day', ts))::int4 AS days
      FROM ledger_transfers WHERE code = ${TRANSFER_CODES.credit} GROUP BY 1`.execute(rt.database.db);
    expect(sources.rows.map((r) => r.source)).toEqual(expect.arrayContaining(['reward', 'task_earning', 'tip', 'carrier_billing']));
    expect(Math.max(...sources.rows.map((r) => r.days))).toBeGreaterThan(30);
    const demoUser = await sql<{ state: string; receipt_number: string | null; created_at: Date }>`
      SELECT c.state, c.receipt_number, c.created_at FROM cashouts c JOIN users u ON u.id = c.user_id WHERE u.phone = ${DEMO_USER.phone} ORDER BY c.created_at`.execute(rt.database.db);
    expect(demoUser.rows.map((r) => r.state)).toEqual([expect.stringMatching(/^(settled|failed)$/), 'submitted']);
    if (demoUser.rows[0]!.state === 'settled') expect(demoUser.rows[0]!.receipt_number).toMatch(/\S/);
    expect(Date.now() - demoUser.rows[0]!.created_at.getTime()).toBeGreaterThan(10 * 86_400_000);
    const tiers = await sql<{ tier: number; n: number }>`SELECT tier::int4 AS tier, count(*)::int4 AS n FROM users GROUP BY 1 ORDER BY 1`.execute(rt.database.db);
    expect(tiers.rows.map((r) => r.tier)).toEqual(expect.arrayContaining([0, 1, 2]));
    const wallets = await sql<{ n: number }>`SELECT count(*)::int4 AS n FROM wallets WHERE kind = 'main'`.execute(rt.database.db);
    expect(wallets.rows[0]!.n).toBe(30);

    const me = await rt.app.inject({ method: 'POST', url: '/v1/sessions', payload: { phone: '010-2026-0001', pin: DEMO_USER.pin, device_id: 'demo-device-260001' } });
    expect(me.statusCode, me.body).toBe(201);

    const partnerCall = await rt.app.inject({ method: 'GET', url: '/v1/admin/users', headers: { authorization: `Bearer ${result.credentials.partner.api_key}` } });
    expect(partnerCall.statusCode).toBe(403); // authenticated as a partner, not staff

    const staff = result.credentials.staff.find((s) => s.role === 'support')!;
    const login = await rt.app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: staff.email, password: staff.password } });
    expect(login.statusCode, login.body).toBe(201);

    // Cash agents with float approved by finance, run by the demo agent login.
    const agents = await sql<{ n: number }>`SELECT count(*)::int4 AS n FROM agents`.execute(rt.database.db);
    expect(agents.rows[0]!.n).toBeGreaterThanOrEqual(1);
    const agentStaff = result.credentials.staff.find((s) => s.role === 'agent')!;
    const counter = await rt.app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: agentStaff.email, password: agentStaff.password } });
    const shop = await rt.app.inject({ method: 'GET', url: '/v1/agent/me', headers: { authorization: `Bearer ${counter.json().token}` } });
    expect(shop.statusCode, shop.body).toBe(200);
    expect(shop.json().float).toEqual({ amount: '2000000', currency: 'KRW' });

    // Spending: three merchants with settlement accounts; people paid them (spend-only value
    // first), the coffee chain may have refunded; the demo user holds a gift card and an active
    // monthly subscription charged each month; the merchants' settlements went through the bank.
    expect(result.history!.spending).toMatchObject({ merchants: 3, vouchers: 1 });
    const merchants = await sql<{ code: string; settlement_account: string }>`SELECT code, settlement_account FROM merchants ORDER BY code`.execute(rt.database.db);
    expect(merchants.rows.map((r) => r.code)).toEqual(['BEANBREW', 'HARU24', 'TOONLAB']);
    expect(merchants.rows.every((r) => /^\d{10,14}$/.test(r.settlement_account))).toBe(true);
    const paid = await sql<{ n: number; spend_only: number; merchants: number }>`
      SELECT count(*)::int4 AS n, count(*) FILTER (WHERE spend_only_amount > 0)::int4 AS spend_only, count(DISTINCT merchant_id)::int4 AS merchants
      FROM merchant_payments WHERE source = 'payment'`.execute(rt.database.db);
    expect(paid.rows[0]!.n).toBe(result.history!.spending.payments);
    expect(paid.rows[0]!.n).toBeGreaterThan(10);
    expect(paid.rows[0]!.merchants).toBe(3);
    expect(paid.rows[0]!.spend_only).toBeGreaterThan(0);
    const mandate = await sql<{ status: string; period: string; charges: number; code: string }>`
      SELECT s.status, s.period, s.charges, m.code FROM subscription_mandates s JOIN users u ON u.id = s.user_id JOIN merchants m ON m.id = s.merchant_id
      WHERE u.phone = ${DEMO_USER.phone}`.execute(rt.database.db);
    expect(mandate.rows).toEqual([{ status: 'active', period: 'monthly', charges: expect.any(Number), code: 'TOONLAB' }]);
    expect(mandate.rows[0]!.charges).toBeGreaterThanOrEqual(1); // from day 3, monthly
    const charged = await sql<{ n: number }>`SELECT count(*)::int4 AS n FROM merchant_payments WHERE source = 'subscription'`.execute(rt.database.db);
    expect(charged.rows[0]!.n).toBe(mandate.rows[0]!.charges);
    const voucher = await sql<{ n: number }>`SELECT count(*)::int4 AS n FROM vouchers v JOIN users u ON u.id = v.buyer_user_id WHERE u.phone = ${DEMO_USER.phone}`.execute(rt.database.db);
    expect(voucher.rows[0]!.n).toBe(1);
    const settled = await sql<{ state: string }>`SELECT state FROM merchant_settlements`.execute(rt.database.db);
    expect(settled.rows.length).toBe(result.history!.spending.settlements);
    expect(settled.rows.every((r) => r.state === 'settled' || r.state === 'failed')).toBe(true); // the bank answered each

    expect((await verifyLedger(rt.database.db)).problems).toEqual([]);
  });
});
