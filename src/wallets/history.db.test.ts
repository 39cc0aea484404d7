// Wallet history through the API: every entry with its type, direction, class, status, source,
// counterparty and fee; filters; cursor pagination; the CSV export.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestPartner, registerTestUser, type TestUser } from '../../test/helpers/identity.ts';
import { createWalletWorld, expectLedgerVerifies, fund, mainWallet, rowCounts, won, type WalletWorld } from '../../test/helpers/wallets.ts';
import { withTransaction } from '../db/index.ts';
import { isSuccess, TransferFlags, type TransferId, type TransferInput } from '../ledger/index.ts';
import { uuidToId, uuidv7 } from '../shared/ids.ts';
import { CSV_BOM } from './history-csv.ts';
import { systemAccountId, TRANSFER_CODES } from './chart.ts';
import type { WalletRow } from './wallets.sql.ts';

let world: WalletWorld;
let alice: TestUser;
let bob: TestUser;
let wallet: WalletRow;
let walletId: string;
const ids: Record<string, string> = {};
const krw = (amount: string) => ({ amount, currency: 'KRW' });

async function post(transfer: Omit<TransferInput, 'id' | 'currency'>): Promise<string> {
  const id = uuidv7();
  const result = await world.ctx.ledger.createTransfer({ id: id as TransferId, currency: 'KRW', ...transfer });
  if (!isSuccess(result)) throw new Error(result);
  world.clock.advance(60_000);
  return id;
}

function history(query = '', user: TestUser = alice, id = walletId) {
  return world.app.inject({ method: 'GET', url: `/v1/wallets/${id}/history${query}`, headers: bearer(user.token) });
}

beforeAll(async () => {
  world = await createWalletWorld();
  alice = await registerTestUser(world, { lang: 'en' });
  bob = await registerTestUser(world);
  wallet = await mainWallet(world, alice.user.id);
  walletId = uuidToId(wallet.id, 'wal');
  const partner = await createTestPartner(world, ['credits:write'], 'Quiz App');
  const prefund = await withTransaction(world.database.db, (trx) => world.wallets.core.partnerAccount(trx, partner.partnerId, 'KRW'));
  const bank = systemAccountId('bank_deposits', 'KRW');
  await post({ debit_account_id: bank, credit_account_id: prefund, amount: won(1_000_000), code: TRANSFER_CODES.partner_prefunding });

  // 2026-03-10, Seoul: credits from the partner — a tip, a task earning still clearing, a reward later reversed.
  ids.tip = await post({ debit_account_id: prefund, credit_account_id: wallet.cashable_account, amount: won(3_000), code: TRANSFER_CODES.credit, metadata: { source: 'tip', description: 'Thanks, "great" answer' } });
  ids.clearing = await post({ debit_account_id: prefund, credit_account_id: wallet.cashable_account, amount: won(700), code: TRANSFER_CODES.credit, flags: TransferFlags.pending, metadata: { source: 'task_earning' } });
  ids.reward = await post({ debit_account_id: prefund, credit_account_id: wallet.cashable_account, amount: won(1_000), code: TRANSFER_CODES.credit, metadata: { source: 'reward' } });
  ids.reversal = await post({ debit_account_id: wallet.cashable_account, credit_account_id: prefund, amount: won(1_000), code: TRANSFER_CODES.credit_reversal, metadata: { credit: ids.reward } });
  ids.phoneBill = await post({ debit_account_id: bank, credit_account_id: wallet.spend_only_account!, amount: won(2_000), code: TRANSFER_CODES.credit, metadata: { source: 'carrier_billing' } });
  ids.held = await post({ debit_account_id: prefund, credit_account_id: wallet.held_account!, amount: won(500), code: TRANSFER_CODES.credit, metadata: { source: 'tip' } });

  // 2026-03-11: a cash-out in flight, one voided, and a send to Bob.
  world.clock.set('2026-03-11T02:00:00Z');
  ids.cashout = await post({ debit_account_id: wallet.cashable_account, credit_account_id: systemAccountId('bank_clearing', 'KRW'), amount: won(400), code: TRANSFER_CODES.cashout, flags: TransferFlags.pending });
  ids.voided = await post({ debit_account_id: wallet.cashable_account, credit_account_id: systemAccountId('bank_clearing', 'KRW'), amount: won(300), code: TRANSFER_CODES.cashout, flags: TransferFlags.pending });
  await post({ pending_id: ids.voided as TransferId, code: 0, flags: TransferFlags.void_pending });
  ids.paidOut = await post({ debit_account_id: wallet.cashable_account, credit_account_id: systemAccountId('bank_clearing', 'KRW'), amount: won(100), code: TRANSFER_CODES.cashout });
  ids.returned = await post({
    debit_account_id: systemAccountId('bank_clearing', 'KRW'), credit_account_id: wallet.cashable_account, amount: won(100), code: TRANSFER_CODES.cashout_return,
    metadata: { reverses: uuidToId(ids.paidOut, 'txf') },
  });
  const sent = await world.app.inject({
    method: 'POST', url: '/v1/transfers', headers: { ...bearer(alice.token), 'idempotency-key': 'history-send-1' },
    payload: { to: bob.phone, amount: krw('250'), note: 'coffee, "large"', pin: alice.pin },
  });
  if (sent.statusCode !== 201) throw new Error(sent.body);
  ids.send = sent.json().id;
  world.clock.advance(60_000);

  // 2026-03-12: Bob sends back; Alice moves some to a pot.
  world.clock.set('2026-03-12T02:00:00Z');
  await fund(world, bob.user.id, won(1_000));
  const back = await world.app.inject({
    method: 'POST', url: '/v1/transfers', headers: { ...bearer(bob.token), 'idempotency-key': 'history-send-2' },
    payload: { to: alice.phone, amount: krw('100'), pin: bob.pin },
  });
  if (back.statusCode !== 201) throw new Error(back.body);
  ids.received = back.json().id;
  world.clock.advance(60_000);
  const pot = await world.app.inject({ method: 'POST', url: '/v1/wallets', headers: bearer(alice.token), payload: { name: 'Savings' } });
  ids.pot = pot.json().id;
  const move = await world.app.inject({
    method: 'POST', url: '/v1/wallets/moves', headers: { ...bearer(alice.token), 'idempotency-key': 'history-move-1' },
    payload: { from: walletId, to: ids.pot, amount: krw('200') },
  });
  if (move.statusCode !== 201) throw new Error(move.body);
  ids.move = move.json().id;
});
afterAll(async () => world?.close());
// Every scenario leaves a ledger that verifies: chain, totals, and a zero sum.
afterEach(async () => expectLedgerVerifies(world));

const txf = (uuid: string) => (uuid.startsWith('txf_') ? uuid : uuidToId(uuid, 'txf'));

describe('GET /v1/wallets/:wallet/history', () => {
  it('lists every entry of the wallet\'s class accounts, newest first, as the wallet sees it', async () => {
    const response = await history();
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    expect(page.has_more).toBe(false);
    const byId = new Map(page.data.map((e: { id: string }) => [e.id, e]));
    expect(page.data.map((e: { id: string }) => e.id)).toEqual(
      ['move', 'received', 'send', 'returned', 'paidOut', 'voided', 'cashout', 'held', 'phoneBill', 'reversal', 'reward', 'clearing', 'tip'].map((k) => txf(ids[k]!)),
    );
    expect(byId.get(txf(ids.tip!))).toMatchObject({
      object: 'wallet_entry', type: 'credit', direction: 'in', class: 'cashable', status: 'posted', amount: krw('3000'), source: 'tip',
      description: 'Thanks, "great" answer', counterparty: { kind: 'partner', name: 'Quiz App' }, fee: null,
    });
    expect(byId.get(txf(ids.clearing!))).toMatchObject({ status: 'clearing', source: 'task_earning' });
    expect(byId.get(txf(ids.reward!))).toMatchObject({ status: 'reversed' });
    expect(byId.get(txf(ids.reversal!))).toMatchObject({ type: 'credit_reversal', direction: 'out', status: 'posted' });
    expect(byId.get(txf(ids.phoneBill!))).toMatchObject({ class: 'spend_only', source: 'carrier_billing', counterparty: { kind: 'operator', name: 'bank_deposits' } });
    expect(byId.get(txf(ids.held!))).toMatchObject({ class: 'held_over_cap', status: 'held' });
    expect(byId.get(txf(ids.cashout!))).toMatchObject({ type: 'cashout', direction: 'out', status: 'pending' });
    expect(byId.get(txf(ids.voided!))).toMatchObject({ status: 'voided' });
    expect(byId.get(txf(ids.paidOut!))).toMatchObject({ type: 'cashout', direction: 'out', status: 'reversed' });
    expect(byId.get(txf(ids.returned!))).toMatchObject({ type: 'cashout_return', direction: 'in', status: 'posted', counterparty: { kind: 'operator', name: 'bank_clearing' } });
    expect(byId.get(ids.send)).toMatchObject({ type: 'send', direction: 'out', amount: krw('250'), note: 'coffee, "large"', counterparty: { kind: 'person', phone: expect.stringContaining('****') } });
    expect(byId.get(ids.received)).toMatchObject({ type: 'send', direction: 'in', amount: krw('100') });
    expect(byId.get(ids.move)).toMatchObject({ type: 'move', direction: 'out', counterparty: { kind: 'own_wallet', id: ids.pot, name: 'Savings' } });
    await expectLedgerVerifies(world);
  });

  it('filters by type, source and local dates', async () => {
    const ofType = await history('?type=credit');
    expect(ofType.json().data.map((e: { id: string }) => e.id)).toEqual(['held', 'phoneBill', 'reward', 'clearing', 'tip'].map((k) => txf(ids[k]!)));
    const twoTypes = await history('?type=send,move');
    expect(twoTypes.json().data).toHaveLength(3);
    const tips = await history('?source=tip');
    expect(tips.json().data.map((e: { id: string }) => e.id)).toEqual([txf(ids.held!), txf(ids.tip!)]);
    // The 11th in Seoul only: inclusive local dates.
    const day = await history('?from=2026-03-11&to=2026-03-11');
    expect(day.json().data.map((e: { id: string }) => e.id)).toEqual([ids.send, txf(ids.returned!), txf(ids.paidOut!), txf(ids.voided!), txf(ids.cashout!)]);
    const instant = await history(`?from=${encodeURIComponent('2026-03-12T11:00:00+09:00')}`);
    expect(instant.json().data.map((e: { id: string }) => e.id)).toEqual([ids.move, ids.received]);
    expect((await history('?type=other')).json().data).toEqual([]);
  });

  it('pages with limit and starting_after through every entry once', async () => {
    const seen: string[] = [];
    let after = '';
    for (let round = 0; round < 10; round++) {
      const page = (await history(`?limit=3${after ? `&starting_after=${after}` : ''}`)).json();
      seen.push(...page.data.map((e: { id: string }) => e.id));
      if (!page.has_more) break;
      after = page.data[page.data.length - 1].id;
    }
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
    expect(seen).toEqual((await history()).json().data.map((e: { id: string }) => e.id));
  });

  it('refuses bad filters, foreign cursors and other people\'s wallets, writing nothing', async () => {
    const before = await rowCounts(world);
    const bobWallet = uuidToId((await mainWallet(world, bob.user.id)).id, 'wal');
    const cases: [string, string, string, number][] = [
      ['?type=gift', 'invalid_history_type', 'type', 400],
      ['?source=lottery', 'invalid_source', 'source', 400],
      ['?from=2026-02-30', 'invalid_date', 'from', 400],
      ['?to=yesterday', 'invalid_date', 'to', 400],
      ['?from=2026-03-12&to=2026-03-11', 'invalid_date_range', 'from', 400],
      ['?limit=0', 'invalid_request', 'limit', 400],
      ['?limit=101', 'invalid_request', 'limit', 400],
      ['?limit=ten', 'invalid_type', 'limit', 400],
      ['?colour=red', 'unknown_field', 'colour', 400],
      [`?starting_after=${txf(uuidv7())}`, 'invalid_cursor', 'starting_after', 400],
      ['?starting_after=wal_nope', 'invalid_cursor', 'starting_after', 400],
    ];
    for (const [query, code, param, status] of cases) {
      const response = await history(query);
      expect(response.statusCode, query).toBe(status);
      expect(response.json().error, query).toMatchObject({ code, param });
    }
    // Bob's entry is not a cursor into Alice's wallet; Bob's wallet is not Alice's to read.
    const bobsEntry = (await history('?type=credit', bob, bobWallet)).json().data[0].id;
    expect((await history(`?starting_after=${bobsEntry}`)).json().error.code).toBe('invalid_cursor');
    for (const id of [bobWallet, 'wal_01h455vb4pex5vsknk084sn02q', 'not-an-id']) {
      const response = await history('', alice, id);
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'wallet_not_found', param: 'wallet' });
      expect((await world.app.inject({ method: 'GET', url: `/v1/wallets/${id}/history.csv`, headers: bearer(alice.token) })).statusCode).toBe(404);
    }
    expect(await rowCounts(world)).toEqual(before);
  });
});

describe('GET /v1/wallets/:wallet/history.csv', () => {
  it('streams the same entries as UTF-8 CSV with a BOM, signed decimal amounts and local times', async () => {
    const response = await world.app.inject({ method: 'GET', url: `/v1/wallets/${walletId}/history.csv`, headers: bearer(alice.token) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain('attachment');
    expect(response.body.startsWith(CSV_BOM)).toBe(true);
    const lines = response.body.slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('id,created_at,local_time,type,direction,class,status,amount,currency,fee,source,counterparty,description,note');
    expect(lines).toHaveLength(14);
    const tip = lines.find((l) => l.startsWith(txf(ids.tip!)))!;
    expect(tip).toContain(',2026-03-10 10:01:00,credit,in,cashable,posted,3000,KRW,,tip,Quiz App,"Thanks, ""great"" answer",');
    const send = lines.find((l) => l.startsWith(ids.send!))!;
    expect(send).toContain(',send,out,cashable,posted,-250,KRW,');
    expect(send.endsWith(',"coffee, ""large"""')).toBe(true);
    const filtered = await world.app.inject({ method: 'GET', url: `/v1/wallets/${walletId}/history.csv?type=credit&from=2026-03-10&to=2026-03-10`, headers: bearer(alice.token) });
    expect(filtered.body.slice(1).split('\r\n').filter(Boolean)).toHaveLength(6);
    const bad = await world.app.inject({ method: 'GET', url: `/v1/wallets/${walletId}/history.csv?limit=5`, headers: bearer(alice.token) });
    expect(bad.json().error).toMatchObject({ code: 'unknown_field', param: 'limit' });
  });
});
