// Rebalancing through the bank, end to end with the bank simulator. Withdrawals: finance approves →
// the float is reserved and the item goes out in a pain.001 → the bank accepts one (posted into
// bank_clearing, then matched on the camt.053 by its rbl_ id) and rejects the other (AC04: the
// float is whole again, the reason on the request, an SMS to the shop); a later return of the paid
// one puts it back in the float once. Top-ups: approved only against a deposit the bank stated on
// a reconciled statement — the same amount, once — and the deposit's finance task closes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveBankAccount, idem, makeShop, openAgentWorld, statedDeposit, topUp, won, wire, type AgentWorld, type Shop } from '../../test/helpers/agents.ts';
import { bearer, createTestStaff } from '../../test/helpers/identity.ts';
import { DEMO_DEBTOR } from '../cashout/index.ts';
import { bankDirectories, BankSimulator, type RailUpdate } from '../rails/index.ts';
import { systemAccountId } from '../wallets/index.ts';
import { agentAccountId } from './deps.ts';

let world: AgentWorld;
beforeAll(async () => {
  world = await openAgentWorld();
});
afterAll(async () => world?.close()); // seals the ledger and verifies it: no problems

const balance = async (account: string) => (await world.rt.ctx.ledger.getBalances([account as never]))[0]!;
const float = async (shop: Shop) => (await balance(agentAccountId(shop.id, 'float'))).available;
const clearing = () => balance(systemAccountId('bank_clearing', 'KRW'));

async function ask(shop: Shop, direction: 'top_up' | 'withdrawal', amountWon: number): Promise<string> {
  const r = await world.rt.app.inject({ method: 'POST', url: '/v1/agent/rebalances', headers: bearer(shop.counter.token), payload: { direction, amount: wire(amountWon) } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

async function approve(id: string, payload: Record<string, unknown> = {}, token = world.finance.token) {
  return world.rt.app.inject({ method: 'POST', url: `/v1/admin/agent-rebalances/${id}/approve`, headers: { ...bearer(token), ...idem() }, payload });
}

async function rebalance(id: string) {
  const r = await world.rt.app.inject({ method: 'GET', url: `/v1/admin/agent-rebalances?limit=200`, headers: bearer(world.finance.token) });
  expect(r.statusCode, r.body).toBe(200);
  return (r.json().data as Array<Record<string, unknown>>).find((row) => row.id === id)!;
}

const smsTo = async (phone: string, template: string) =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM outbox_messages WHERE recipient = ${phone} AND template = ${template}`.execute(world.rt.database.db)).rows[0]!.n);
const ownerPhone = async (shop: Shop) => (await sql<{ phone: string }>`SELECT phone FROM agents WHERE id = ${shop.id}`.execute(world.rt.database.db)).rows[0]!.phone;
const counts = async () =>
  (await sql<{ t: string; r: string; a: string }>`SELECT (SELECT count(*) FROM ledger_transfers) AS t, (SELECT count(*) FROM agent_rebalances) AS r, (SELECT count(*) FROM agent_transactions) AS a`.execute(world.rt.database.db)).rows[0];

describe('float withdrawals through the bank rail', () => {
  it('accepted → settled and matched on the statement; rejected → float back with the reason and an SMS; returned → float back once', async () => {
    const paid = await makeShop(world, { name: 'Paid shop', float: won(1_000_000) });
    const closed = await makeShop(world, { name: 'Closed-account shop', float: won(1_000_000) });
    await giveBankAccount(world, paid);
    const closedAccount = await giveBankAccount(world, closed);
    const bank = new BankSimulator({ dataDir: world.dataDir, clock: world.clock, account: DEMO_DEBTOR, latency_ms: 0, rejectionRate: 0, statementAtLocal: null, seed: 5, closedAccounts: [closedAccount.accountNumber] });
    const before = await clearing();

    const paidId = await ask(paid, 'withdrawal', 300_000);
    const closedId = await ask(closed, 'withdrawal', 200_000);
    for (const id of [paidId, closedId]) {
      const r = await approve(id);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ status: 'approved', failure: null });
      expect(r.json().batch_id).toMatch(/^bat_/);
    }
    // Reserved, not yet paid: the floats are spent, bank_clearing holds it as pending.
    expect(await float(paid)).toBe(won(700_000));
    expect(await float(closed)).toBe(won(800_000));
    expect((await clearing()).posted).toBe(before.posted);
    // A second submit round finds nothing new to hand over.
    expect((await world.rt.ctx.services.agents.submitWithdrawals()).submitted).toBe(0);

    await bank.processOutgoing();
    await bank.flushAnswers();
    const ingest = await world.rt.ctx.services.cashout.ingestBank();
    expect(ingest.updates).toMatchObject({ settled: 1, failed: 1, unknown: 0, conflicts: 0 });
    expect(await rebalance(paidId)).toMatchObject({ status: 'settled', failure: null });
    expect(await rebalance(closedId)).toMatchObject({ status: 'failed', failure: { code: 'AC04', message: 'The account is closed.' } });
    expect(await float(paid)).toBe(won(700_000));
    expect(await float(closed)).toBe(won(1_000_000));
    const after = await clearing();
    expect(after.posted - before.posted).toBe(won(300_000));
    expect(after.available).toBe(after.posted);
    expect(await smsTo(await ownerPhone(closed), 'agent.withdrawal_failed')).toBe(1);
    expect(await smsTo(await ownerPhone(paid), 'agent.withdrawal_failed')).toBe(0);

    // The same answers again, and a contradiction: nothing books.
    const snapshot = await counts();
    const at = world.clock.now();
    const again: RailUpdate[] = [{ ref: paidId, state: 'accepted', at }, { ref: closedId, state: 'rejected', at, reasonCode: 'AC04', reasonText: 'closed' }];
    expect(await world.rt.ctx.services.cashout.applyRailUpdates(again, 'test')).toMatchObject({ settled: 0, failed: 0, conflicts: 0, unknown: 0 });
    expect(await world.rt.ctx.services.cashout.applyRailUpdates([{ ref: closedId, state: 'accepted', at }], 'test')).toMatchObject({ settled: 0, conflicts: 1 });
    expect(await counts()).toEqual(snapshot);
    expect(await float(closed)).toBe(won(1_000_000));

    // The day's camt.053: the paid withdrawal is matched by its rbl_ id (clearing → deposits), not flagged.
    const [statementFile] = await bank.writeStatement('2026-01-13');
    const xml = await readFile(join(bankDirectories(world.dataDir).incoming, statementFile!), 'utf8');
    const result = await world.rt.ctx.services.reconciliation.reconcileXml(xml, { source: 'api', actor: { kind: 'system', name: 'test' } });
    const runId = result.statements[0]!.run.id;
    const items = (await sql<{ cashout_id: string | null; outcome: string }>`SELECT cashout_id, outcome FROM reconciliation_items WHERE run_id = ${runId}`.execute(world.rt.database.db)).rows;
    expect(items).toContainEqual({ cashout_id: paidId, outcome: 'matched' });
    expect(items.filter((i) => i.cashout_id === paidId || i.cashout_id === closedId).map((i) => i.outcome)).toEqual(['matched']);
    expect((await clearing()).posted).toBe(before.posted);

    // The next day the payee bank sends it back: reconciliation hands it to agents, the float is whole.
    world.clock.advance(86_400_000);
    // Yesterday's sessions expired: new logins for the tests that follow.
    world.finance = await createTestStaff(world.tc, 'finance');
    world.admin = await createTestStaff(world.tc, 'admin');
    await bank.returnPayout(paidId, 'AC04');
    const [returnFile] = await bank.writeStatement('2026-01-14');
    const returnXml = await readFile(join(bankDirectories(world.dataDir).incoming, returnFile!), 'utf8');
    await world.rt.ctx.services.reconciliation.reconcileXml(returnXml, { source: 'api', actor: { kind: 'system', name: 'test' } });
    expect(await rebalance(paidId)).toMatchObject({ status: 'returned', failure: { code: 'AC04' } });
    expect(await float(paid)).toBe(won(1_000_000));
    expect((await clearing()).posted).toBe(before.posted);
    expect(await smsTo(await ownerPhone(paid), 'agent.withdrawal_returned')).toBe(1);
    const afterReturn = await counts();
    expect(await world.rt.ctx.services.agents.markRebalanceReturned(paidId, { code: 'AC04' })).toBe('already_returned');
    expect((await world.rt.ctx.services.cashout.ingestBank()).updates).toMatchObject({ returned: 0, conflicts: 0, unknown: 0 });
    expect(await counts()).toEqual(afterReturn);
    expect(await float(paid)).toBe(won(1_000_000));
    await bank.stop();
  });

  it('refuses a withdrawal above the float and an approval twice, changing nothing', async () => {
    const shop = await makeShop(world, { float: won(100_000) });
    await giveBankAccount(world, shop);
    const tooBig = await ask(shop, 'withdrawal', 150_000);
    const snapshot = await counts();
    const refused = await approve(tooBig);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('agent_float_too_low');
    expect(await counts()).toEqual(snapshot);
    expect(await float(shop)).toBe(won(100_000));
    const fine = await ask(shop, 'withdrawal', 50_000);
    expect((await approve(fine)).statusCode).toBe(200);
    const twice = await approve(fine);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('rebalance_already_decided');
    expect(await float(shop)).toBe(won(50_000));
  });
});

describe('float top-ups against the bank\'s deposits', () => {
  it('needs a stated deposit of the same amount, used once; its finance task closes', async () => {
    const shop = await makeShop(world, { cash: won(500_000) });
    const id = await ask(shop, 'top_up', 100_000);
    const snapshot = await counts();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{}, 400, 'deposit_required'],
      [{ deposit: 'NO-SUCH-DEPOSIT' }, 404, 'deposit_not_found'],
      [{ bank_reference: 'TYPED-BY-STAFF' }, 400, 'unknown_field'],
      [{ deposit: '' }, 400, 'string_too_short'],
    ];
    const short = await statedDeposit(world, won(90_000));
    for (const [payload, status, code] of cases) {
      const r = await approve(id, payload);
      expect(r.statusCode, JSON.stringify([payload, r.body])).toBe(status);
      if (code !== 'string_too_short') expect(r.json().error.code, JSON.stringify(payload)).toBe(code);
    }
    const mismatch = await approve(id, { deposit: short });
    expect(mismatch.statusCode).toBe(409);
    expect(mismatch.json().error).toMatchObject({ code: 'deposit_amount_mismatch', param: 'deposit' });
    expect(await counts()).toEqual(snapshot);
    expect(await float(shop)).toBe(0n);

    const deposit = await statedDeposit(world, won(100_000));
    const task = async () => (await sql<{ status: string; resolved_by: string | null }>`SELECT status, resolved_by FROM finance_tasks WHERE kind = 'unmatched_bank' AND reference = ${deposit}`.execute(world.rt.database.db)).rows;
    expect((await task()).map((t) => t.status)).toEqual(['open']);
    const ok = await approve(id, { deposit });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'approved', bank_reference: deposit });
    expect(await float(shop)).toBe(won(100_000));
    expect(await task()).toEqual([{ status: 'resolved', resolved_by: `staff:${world.finance.staffId}` }]);
    // Cash left the drawer for the bank.
    const me = await world.rt.app.inject({ method: 'GET', url: '/v1/agent/me', headers: bearer(shop.counter.token) });
    expect(me.json().cash_on_hand).toEqual(wire(400_000));

    // The same deposit cannot top up a second request.
    const second = await ask(shop, 'top_up', 100_000);
    const before = await counts();
    const reused = await approve(second, { deposit });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('deposit_already_used');
    expect(await counts()).toEqual(before);
    expect(await float(shop)).toBe(won(100_000));
    // The helper path (request → stated deposit → approve) still works for the next one.
    await topUp(world, shop.id, won(20_000));
    expect(await float(shop)).toBe(won(120_000));
  });
});

describe('one deposit, two approvals at once', () => {
  it('tops up one float only (on PostgreSQL truly concurrent: the unique index decides)', async () => {
    const a = await makeShop(world, { name: 'Shop A' });
    const b = await makeShop(world, { name: 'Shop B' });
    const [ida, idb] = [await ask(a, 'top_up', 70_000), await ask(b, 'top_up', 70_000)];
    const deposit = await statedDeposit(world, won(70_000));
    const results = await Promise.all([approve(ida, { deposit }), approve(idb, { deposit })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)!.json().error.code).toBe('deposit_already_used');
    expect((await float(a)) + (await float(b))).toBe(won(70_000));
  });
});

describe('the agent\'s bank account', () => {
  it('must be one of the owner\'s verified accounts, and is shown masked', async () => {
    const shop = await makeShop(world);
    const other = await makeShop(world, { name: 'Other shop' });
    const { accountNumber, bankAccountId } = await giveBankAccount(world, other);
    for (const bank_account of [bankAccountId, 'dst_01h455vb4pex5vsknk084sn02q']) {
      const r = await world.rt.app.inject({ method: 'PUT', url: `/v1/admin/agents/${shop.id}/bank-account`, headers: bearer(world.admin.token), payload: { bank_account } });
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'agent_bank_account_not_eligible', param: 'bank_account' });
    }
    const finance = await world.rt.app.inject({ method: 'PUT', url: `/v1/admin/agents/${other.id}/bank-account`, headers: bearer(world.finance.token), payload: { bank_account: bankAccountId } });
    expect(finance.statusCode).toBe(403);
    const view = await world.rt.app.inject({ method: 'GET', url: `/v1/admin/agents/${other.id}`, headers: bearer(world.admin.token) });
    expect(view.json().bank_account).toEqual({ id: bankAccountId, bank_code: '088', number: `****${accountNumber.slice(-4)}`, holder: '김하늘' });
    expect(view.body).not.toContain(accountNumber);
    const me = await world.rt.app.inject({ method: 'GET', url: '/v1/agent/me', headers: bearer(other.counter.token) });
    expect(me.json().bank_account.number).toBe(`****${accountNumber.slice(-4)}`);
    expect(me.body).not.toContain(accountNumber);
    const shopView = await world.rt.app.inject({ method: 'GET', url: `/v1/admin/agents/${shop.id}`, headers: bearer(world.admin.token) });
    expect(shopView.json().bank_account).toBeNull();
    const audit = (await sql<{ action: string }>`SELECT action FROM audit_log WHERE target_id = ${other.id}`.execute(world.rt.database.db)).rows;
    expect(audit.map((a) => a.action)).toContain('agent.bank_account_set');
  });
});
