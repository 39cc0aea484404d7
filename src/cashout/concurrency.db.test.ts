// Concurrency on PostgreSQL (PGlite has one connection, so nothing runs at once there): many
// confirmations from one wallet never overdraw it, and one quote confirmed many times at once
// pays once.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresOnly } from '../../test/helpers/db.ts';
import { bearer } from '../../test/helpers/identity.ts';
import { balancesOf, openCashoutWorld, openHolds, postQuote, readyPerson, won, wire, type CashoutWorld } from '../../test/helpers/cashout.ts';

const pg = postgresOnly('concurrent confirmations');
let world: CashoutWorld;

beforeAll(async () => {
  if (pg.skip) return;
  world = await openCashoutWorld();
});
afterAll(async () => {
  if (!pg.skip) await world.close();
});

function confirm(token: string, quote: string, pin: string, key: string) {
  return world.app.inject({ method: 'POST', url: '/v1/cashouts', headers: { ...bearer(token), 'idempotency-key': key }, payload: { quote, pin } });
}

describe.skipIf(pg.skip)(pg.note, () => {
  test('50 parallel confirmations from one wallet that covers 20 of them: never overdrawn, the rest refused with nothing reserved', async () => {
    const person = await readyPerson(world, won(200_000));
    const quotes: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await postQuote(world, person, wire(10_000));
      expect(res.statusCode, res.body).toBe(201);
      quotes.push(res.json().id);
    }
    const results = await Promise.all(quotes.map((q, i) => confirm(person.token, q, person.pin, `par-${i}`)));
    const ok = results.filter((r) => r.statusCode === 201);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(ok.length).toBeLessThanOrEqual(20);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.json().error.code, r.body).toBe('insufficient_funds');
    const balance = await balancesOf(world, person);
    expect(balance.cashable.available).toBeGreaterThanOrEqual(0n);
    expect(balance.cashable.held).toBe(won(10_000) * BigInt(ok.length));
    expect(balance.cashable.posted).toBe(won(200_000));
    expect(await openHolds(world, person)).toBe(ok.length);
    const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM cashouts WHERE user_id = ${person.user.id}`.execute(world.tc.database.db);
    expect(Number(rows[0]!.n)).toBe(ok.length);
    // 200,000 covers exactly 20 free cash-outs of 10,000: every refusal was the balance, not a race.
    expect(ok.length).toBe(20);
  });

  test('the same quote confirmed 10 times at once pays once', async () => {
    const person = await readyPerson(world, won(100_000));
    const quote = (await postQuote(world, person, wire(30_000))).json().id as string;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => confirm(person.token, quote, person.pin, `same-${i}`)));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const r of results) {
      if (r.statusCode === 201 || r.statusCode === 200) expect(r.json().id).toBe(results.find((x) => x.statusCode === 201)!.json().id);
      else expect(r.json().error.code).toBe('quote_used');
    }
    const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM cashouts WHERE user_id = ${person.user.id}`.execute(world.tc.database.db);
    expect(rows[0]!.n).toBe(1n);
    expect(await openHolds(world, person)).toBe(1);
    expect((await balancesOf(world, person)).cashable.held).toBe(won(30_000));
  });
});
