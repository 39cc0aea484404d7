// Concurrency on PostgreSQL: redemptions of one voucher racing each other never take more than its
// face value, and refunds of one payment racing each other never exceed what was paid.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresOnly } from '../../test/helpers/db.ts';
import { bearer } from '../../test/helpers/identity.ts';
import { krw, makeMerchant, makePayer, newKey, openPaymentsWorld, pay, refund, won, type PaymentsWorld } from '../../test/helpers/payments.ts';
import { idToUuid } from '../shared/ids.ts';
import { TRANSFER_CODES } from '../wallets/index.ts';

const pg = postgresOnly('concurrent voucher redemptions and refunds');
let world: PaymentsWorld;

beforeAll(async () => {
  if (pg.skip) return;
  world = await openPaymentsWorld();
});
afterAll(async () => {
  if (!pg.skip) await world.close();
});

describe.skipIf(pg.skip)(pg.note, () => {
  test('20 merchants-side redemptions of 3,000 at once on a 10,000 voucher: three win, the rest are refused, value never exceeds face', async () => {
    const shops = [await makeMerchant(world), await makeMerchant(world)];
    const payer = await makePayer(world, { spendOnly: 10_000 });
    const bought = await world.inject({
      method: 'POST', url: '/v1/vouchers', headers: { ...bearer(payer.token), 'idempotency-key': newKey() },
      payload: { amount: krw(10_000), merchants: shops.map((s) => s.code), pin: payer.pin },
    });
    expect(bought.statusCode, bought.body).toBe(201);
    const { code, pin, id } = bought.json();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => world.inject({
      method: 'POST', url: '/v1/merchant/vouchers/redemptions', headers: { ...bearer(shops[i % 2]!.apiKey), 'idempotency-key': `race-${i}-${newKey()}` },
      payload: { code, pin, amount: krw(3_000) },
    })));
    const ok = results.filter((r) => r.statusCode === 201);
    expect(ok).toHaveLength(3);
    for (const r of results.filter((x) => x.statusCode !== 201)) expect(r.json().error.code, r.body).toBe('voucher_insufficient_value');
    const voucherUuid = idToUuid(id, 'vch')!;
    const { rows } = await sql<{ remaining: string; redeemed: string; posted: string }>`
      SELECT v.remaining::text,
             (SELECT coalesce(sum(amount), 0)::text FROM voucher_redemptions WHERE voucher_id = v.id) AS redeemed,
             (SELECT coalesce(sum(amount), 0)::text FROM ledger_transfers WHERE code = ${TRANSFER_CODES.voucher_redemption} AND metadata->>'voucher' = ${id}) AS posted
      FROM vouchers v WHERE v.id = ${voucherUuid}`.execute(world.rt.database.db);
    expect(rows[0]).toEqual({ remaining: String(won(1_000)), redeemed: String(won(9_000)), posted: String(won(9_000)) });
  });

  test('10 refunds of 1,000 at once on a 5,000 payment: five win, the rest are refused, never above what was paid', async () => {
    const shop = await makeMerchant(world);
    const payer = await makePayer(world, { cashable: 2_000, spendOnly: 3_000 });
    const paid = (await pay(world, payer, { merchant: shop.code, amount: krw(5_000) })).json();
    const results = await Promise.all(Array.from({ length: 10 }, () => refund(world, shop, paid.id, { amount: krw(1_000) })));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(5);
    for (const r of results.filter((x) => x.statusCode !== 201)) expect(r.json().error.code, r.body).toBe('refund_exceeds_payment');
    const after = (await world.inject({ method: 'GET', url: `/v1/payments/${paid.id}`, headers: bearer(payer.token) })).json();
    expect(after).toMatchObject({ status: 'refunded', refunded: krw('5000') });
    const [b] = await world.wallets.balances([payer.wallet]);
    expect({ cashable: b!.cashable.available, spend_only: b!.spend_only.available }).toEqual({ cashable: won(2_000), spend_only: won(3_000) });
  });
});
