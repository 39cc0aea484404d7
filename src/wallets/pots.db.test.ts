// Balances, named wallets (pots) and moves between one's own wallets through the API.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, registerTestUser, type TestUser } from '../../test/helpers/identity.ts';
import { createWalletWorld, expectLedgerVerifies, fund, mainWallet, rowCounts, won, type WalletWorld } from '../../test/helpers/wallets.ts';
import { withTransaction } from '../db/index.ts';
import { micros } from '../money/index.ts';
import { uuidToId } from '../shared/ids.ts';
import { POTS_PER_USER_MAX } from './pots.ts';

let world: WalletWorld;
let keys = 0;
const krw = (amount: string) => ({ amount, currency: 'KRW' });

beforeAll(async () => {
  world = await createWalletWorld();
});
afterAll(async () => world?.close());
// Every scenario leaves a ledger that verifies: chain, totals, and a zero sum.
afterEach(async () => expectLedgerVerifies(world));

const get = (user: TestUser, url: string) => world.app.inject({ method: 'GET', url, headers: bearer(user.token) });
const openPot = (user: TestUser, name: unknown) => world.app.inject({ method: 'POST', url: '/v1/wallets', headers: bearer(user.token), payload: { name } });
const move = (user: TestUser, body: Record<string, unknown>, key = `move-${++keys}`) =>
  world.app.inject({ method: 'POST', url: '/v1/wallets/moves', headers: { ...bearer(user.token), 'idempotency-key': key }, payload: body });

describe('GET /v1/wallets', () => {
  it('opens the main wallet on first use and shows balances by class, held value and dust', async () => {
    const alice = await registerTestUser(world);
    const empty = await get(alice, '/v1/wallets');
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json().data).toHaveLength(1);
    const id = empty.json().data[0].id as string;
    expect(empty.json().data[0]).toMatchObject({ object: 'wallet', name: 'main', kind: 'main', currency: 'KRW' });
    await fund(world, alice.user.id, micros(won(1_234) + 5_678n));
    await fund(world, alice.user.id, won(2_000), { class: 'spend_only' });
    await fund(world, alice.user.id, won(300), { pending: true });
    await fund(world, alice.user.id, won(50), { class: 'held_over_cap' });
    const one = await get(alice, `/v1/wallets/${id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().balances).toEqual({
      cashable: { posted: krw('1234.5678'), available: krw('1234.5678'), held: krw('0'), clearing: krw('300') },
      spend_only: { posted: krw('2000'), available: krw('2000'), held: krw('0'), clearing: krw('0') },
      held_over_cap: krw('50'),
      total_available: krw('3234.5678'),
      dust: krw('0.5678'),
    });
    expect((await get(alice, '/v1/wallets')).json().data[0]).toEqual(one.json());
  });

  it('answers 404 for another person\'s wallet and for ids that are not wallets', async () => {
    const alice = await registerTestUser(world);
    const bob = await registerTestUser(world);
    const bobWallet = uuidToId((await mainWallet(world, bob.user.id)).id, 'wal');
    for (const id of [bobWallet, 'wal_01h455vb4pex5vsknk084sn02q', 'usr_01h455vb4pex5vsknk084sn02q', 'x'.repeat(64)]) {
      const response = await get(alice, `/v1/wallets/${id}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'wallet_not_found', param: 'wallet' });
    }
    expect((await get(alice, `/v1/wallets/${'x'.repeat(65)}`)).json().error.code).toBe('invalid_request');
  });
});

describe('POST /v1/wallets', () => {
  it('opens a cashable-only pot with a unique name', async () => {
    const alice = await registerTestUser(world);
    const created = await openPot(alice, '  Savings 저축 ');
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ object: 'wallet', kind: 'pot', name: 'Savings 저축', balances: { cashable: { posted: krw('0') } } });
    const list = (await get(alice, '/v1/wallets')).json().data;
    expect(list.map((w: { kind: string }) => w.kind)).toEqual(['main', 'pot']);
    const before = await rowCounts(world);
    const again = await openPot(alice, 'savings 저축');
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'wallet_name_taken', param: 'name' });
    for (const name of ['main', 'MAIN', '', '   ', 'a'.repeat(41), 'line\nbreak']) {
      const bad = await openPot(alice, name);
      expect(bad.statusCode, name).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'invalid_wallet_name', param: 'name' });
    }
    expect(await rowCounts(world)).toEqual(before);
  });

  it(`stops at ${POTS_PER_USER_MAX} pots`, async () => {
    const alice = await registerTestUser(world);
    for (let i = 0; i < POTS_PER_USER_MAX; i++) expect((await openPot(alice, `Pot ${i}`)).statusCode).toBe(201);
    const before = await rowCounts(world);
    const more = await openPot(alice, 'One more');
    expect(more.statusCode).toBe(409);
    expect(more.json().error.code).toBe('wallets_limit_reached');
    expect(await rowCounts(world)).toEqual(before);
  });
});

describe('POST /v1/wallets/moves', () => {
  it('moves cashable money between my wallets, idempotently, without a PIN, even while frozen, outside every limit', async () => {
    const alice = await registerTestUser(world);
    await fund(world, alice.user.id, won(10_000));
    await fund(world, alice.user.id, won(5_000), { class: 'spend_only' });
    const main = uuidToId((await mainWallet(world, alice.user.id)).id, 'wal');
    const pot = (await openPot(alice, 'Trip')).json().id as string;
    const body = { from: main, to: pot, amount: krw('4000') };
    const moved = await move(alice, body, 'move-fixed');
    expect(moved.statusCode, moved.body).toBe(201);
    expect(moved.json()).toMatchObject({ object: 'wallet_move', from: main, to: pot, amount: krw('4000') });
    const replay = await move(alice, body, 'move-fixed');
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(moved.json());
    expect((await move(alice, { ...body, amount: krw('1') }, 'move-fixed')).json().error.code).toBe('idempotency_conflict');

    await withTransaction(world.database.db, (trx) => world.identity.freezeSelf(trx, alice.user.id, 'app'));
    const back = await move(alice, { from: pot, to: main, amount: krw('1000') });
    expect(back.statusCode, back.body).toBe(201);
    expect((await get(alice, `/v1/wallets/${pot}`)).json().balances.cashable.posted).toEqual(krw('3000'));
    expect((await get(alice, `/v1/wallets/${main}`)).json().balances.cashable.posted).toEqual(krw('7000'));
    expect((await world.wallets.usage(alice.user.id, 'send')).all_today).toEqual({ sum: 0n, count: 0 });
    await expectLedgerVerifies(world);
  });

  it('refuses spend-only value, short balances, the same wallet, other people\'s wallets and other currencies, writing nothing', async () => {
    const alice = await registerTestUser(world);
    const bob = await registerTestUser(world);
    await fund(world, alice.user.id, won(1_000));
    await fund(world, alice.user.id, won(5_000), { class: 'spend_only' });
    const main = uuidToId((await mainWallet(world, alice.user.id)).id, 'wal');
    const pot = (await openPot(alice, 'Jar')).json().id as string;
    const bobs = uuidToId((await mainWallet(world, bob.user.id)).id, 'wal');
    const before = await rowCounts(world);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ from: main, to: pot, amount: krw('3000') }, 'spend_only_not_transferable', 'amount'],
      [{ from: main, to: pot, amount: krw('9000') }, 'insufficient_funds', 'amount'],
      [{ from: pot, to: main, amount: krw('1') }, 'insufficient_funds', 'amount'],
      [{ from: main, to: main, amount: krw('1') }, 'same_wallet', 'to'],
      [{ from: main, to: bobs, amount: krw('1') }, 'wallet_not_found', 'to'],
      [{ from: bobs, to: main, amount: krw('1') }, 'wallet_not_found', 'from'],
      [{ from: 'wal_nope', to: main, amount: krw('1') }, 'wallet_not_found', 'from'],
      [{ from: main, to: pot, amount: { amount: '1', currency: 'USD' } }, 'currency_mismatch', 'amount.currency'],
    ];
    for (const [body, code, param] of cases) {
      const response = await move(alice, body);
      expect(response.statusCode, code).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, code).toBeLessThan(500);
      expect(response.json().error, code).toMatchObject({ code, param });
    }
    expect(await rowCounts(world)).toEqual(before);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM idempotency_keys WHERE scope = ${`user:${alice.user.id}`}`.execute(world.database.db);
    expect(rows[0]!.n).toBe(0);
  });
});
