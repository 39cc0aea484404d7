// Credit flows end to end through the API, on the real composition root: funds, funding classes,
// clearance, unclaimed value, the balance cap, reversals. The ledger verifies after each.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountId, TransferId } from '../../ledger/index.ts';
import { fromMinor, type Micros } from '../../money/index.ts';
import {
  countCreditRows, createCreditPartner, createCreditsWorld, credit, prefund, registerPerson, verifyWorld, type CreditsWorld, type TestPartner,
} from '../../../test/helpers/credits.ts';
import { nextPhone } from '../../../test/helpers/identity.ts';
import { systemAccountId, TRANSFER_CODES } from '../chart.ts';

let world: CreditsWorld;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  world = await createCreditsWorld();
});
afterAll(async () => world?.close());
afterEach(async () => {
  const report = await verifyWorld(world);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
});

const post = (partner: TestPartner, url: string, payload?: unknown) => world.app.inject({ method: 'POST', url, headers: partner.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
const get = (partner: TestPartner, url: string) => world.app.inject({ method: 'GET', url, headers: partner.headers });
const statusOf = async (partner: TestPartner, reference: string) => (await get(partner, `/v1/credits/${reference}`)).json() as { status: string; held_amount: { amount: string } | null; reversal: Record<string, { amount: string }> | null };
const balanceOf = async (partner: TestPartner) => ((await get(partner, '/v1/partner/balance')).json() as { available: { amount: string }; reserved: { amount: string } });

async function walletOf(userId: string) {
  const wallets = world.credits.deps.wallets;
  const rows = [...(await wallets.mainWallets(world.rt.database.db, [userId], 'KRW')).values()];
  const [balances] = await wallets.balances(rows);
  return { row: rows[0]!, balances: balances! };
}

/** Money leaving the wallet as a cash-out would (the cash-out module is not part of this test). */
async function spend(userId: string, amount: Micros) {
  const { row } = await walletOf(userId);
  const result = await world.rt.ctx.ledger.createTransfer({
    id: randomUUID() as TransferId, debit_account_id: row.cashable_account, credit_account_id: systemAccountId('bank_clearing', 'KRW'),
    amount, currency: 'KRW', code: TRANSFER_CODES.cashout,
  });
  expect(result).toBe('ok');
}

async function outbox(template: string) {
  const { rows } = await sql<{ recipient: string; body: string; channel: string }>`
    SELECT recipient, body, channel FROM outbox_messages WHERE template = ${template} ORDER BY created_at, id`.execute(world.rt.database.db);
  return rows;
}

const won = (n: bigint) => fromMinor(n);

describe('no money from nowhere', () => {
  it('refuses an under-funded single credit whole, and a batch item alone', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '100');
    const person = await registerPerson(world);
    const before = await countCreditRows(world);
    const single = await post(partner, '/v1/credits', credit('big-1', { phone: person.phone }, '150'));
    expect(single.statusCode).toBe(402);
    expect(single.json().error).toMatchObject({ code: 'insufficient_partner_funds', param: 'amount' });
    expect(await countCreditRows(world)).toEqual(before);
    expect((await get(partner, '/v1/credits/big-1')).statusCode).toBe(404);

    const batch = await post(partner, '/v1/credits/batch', { items: [credit('b-1', { phone: person.phone }, '50'), credit('b-2', { phone: person.phone }, '80'), credit('b-3', { phone: person.phone }, '40')] });
    expect(batch.statusCode).toBe(200);
    const results = batch.json().results as { status: string; error?: { code: string } }[];
    expect(results.map((r) => r.status)).toEqual(['posted', 'failed', 'posted']);
    expect(results[1]!.error!.code).toBe('insufficient_partner_funds');
    expect((await balanceOf(partner)).available.amount).toBe('10');
    expect((await walletOf(person.user.id)).balances.cashable.posted).toBe(won(90n));

    // Retried once the partner has paid in: the refused credit was never recorded, so it now lands.
    await prefund(world, partner.partnerId, '1000');
    expect((await post(partner, '/v1/credits', credit('big-1', { phone: person.phone }, '150'))).statusCode).toBe(201);
  });

  it('never applies half of a credit split at the cap', async () => {
    const rich = await createCreditPartner(world);
    await prefund(world, rich.partnerId, '1000000');
    const poor = await createCreditPartner(world);
    await prefund(world, poor.partnerId, '100');
    const person = await registerPerson(world);
    expect((await post(rich, '/v1/credits', credit('fill', { phone: person.phone }, '499970'))).json().status).toBe('posted');
    const before = await countCreditRows(world);
    const split = await post(poor, '/v1/credits', credit('split', { phone: person.phone }, '120'));
    expect(split.statusCode).toBe(402);
    expect(await countCreditRows(world)).toEqual(before);
    expect((await balanceOf(poor)).available.amount).toBe('100');
  });
});

describe('funding classes', () => {
  it('lands carrier-billed and promotional value in spend_only, earnings in cashable', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '10000');
    const person = await registerPerson(world);
    const response = await post(partner, '/v1/credits/batch', {
      items: [
        credit('cb', { phone: person.phone }, '300', 'carrier_billing'),
        credit('pr', { user_id: person.user.id }, '200', 'promo'),
        credit('tp', { phone: person.phone }, '0.0001', 'tip'),
      ],
    });
    expect(response.json().results.map((r: { status: string }) => r.status)).toEqual(['posted', 'posted', 'posted']);
    const { balances } = await walletOf(person.user.id);
    expect(balances.spend_only.posted).toBe(won(500n));
    expect(balances.cashable.posted).toBe(1n);
    expect(balances.cashable_dust).toBe(1n);
    expect((await get(partner, '/v1/credits/cb')).json()).toMatchObject({ funding_class: 'spend_only', source: 'carrier_billing' });
  });
});

describe('clearance', () => {
  it('holds a credit as clearing until the job posts it, then tells the partner', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '10000');
    const person = await registerPerson(world);
    const created = await post(partner, '/v1/credits', credit('task-1', { phone: person.phone }, '700', 'task_earning'));
    expect(created.json()).toMatchObject({ status: 'clearing', clears_at: new Date(world.clock.now().getTime() + DAY).toISOString() });
    let wallet = (await walletOf(person.user.id)).balances;
    expect(wallet.cashable).toMatchObject({ posted: 0n, available: 0n, clearing: won(700n) });
    expect((await balanceOf(partner))).toMatchObject({ available: { amount: '9300' }, reserved: { amount: '700' } });

    world.clock.advance(DAY - 1000);
    expect((await world.rt.creditJobs.runOnce()).cleared).toBe(0);
    expect((await statusOf(partner, 'task-1')).status).toBe('clearing');
    world.clock.advance(1000);
    expect((await world.rt.creditJobs.runOnce()).cleared).toBeGreaterThanOrEqual(1);
    expect((await statusOf(partner, 'task-1')).status).toBe('posted');
    wallet = (await walletOf(person.user.id)).balances;
    expect(wallet.cashable).toMatchObject({ posted: won(700n), available: won(700n), clearing: 0n });
    const hooks = (await outbox('credit.cleared')).filter((m) => m.recipient === partner.partnerId);
    expect(hooks).toHaveLength(1);
    expect(JSON.parse(hooks[0]!.body)).toMatchObject({ type: 'credit.cleared', data: { credits: [{ partner_reference: 'task-1', status: 'posted' }] } });

    const late = await post(partner, '/v1/credits/task-1/cancel');
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('credit_not_cancellable');
  });

  it('lets the partner cancel while clearing; the value returns and the job leaves it alone', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '1000');
    const person = await registerPerson(world);
    await post(partner, '/v1/credits', credit('task-2', { phone: person.phone }, '400', 'reward'));
    const cancelled = await post(partner, '/v1/credits/task-2/cancel');
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect((await post(partner, '/v1/credits/task-2/cancel')).json().status).toBe('cancelled');
    expect((await balanceOf(partner))).toMatchObject({ available: { amount: '1000' }, reserved: { amount: '0' } });
    world.clock.advance(2 * DAY);
    await world.rt.creditJobs.runOnce();
    expect((await statusOf(partner, 'task-2')).status).toBe('cancelled');
    expect((await walletOf(person.user.id)).balances.cashable.posted).toBe(0n);
  });
});

describe('unclaimed credits', () => {
  it('parks value for an unregistered number, invites once a day, and hands it over at registration', async () => {
    const partner = await createCreditPartner(world, ['credits:write', 'credits:read'], 'Gig app');
    await prefund(world, partner.partnerId, '10000');
    const phone = nextPhone();
    const national = `0${phone.slice(3, 5)}-${phone.slice(5, 9)}-${phone.slice(9)}`;
    expect((await post(partner, '/v1/credits', credit('u-1', { phone: national }, '300'))).json()).toMatchObject({ status: 'unclaimed', recipient: { phone } });
    expect((await post(partner, '/v1/credits', credit('u-2', { phone }, '200', 'promo'))).json().status).toBe('unclaimed');
    const invites = (await outbox('credit.unclaimed_invitation')).filter((m) => m.recipient === phone);
    expect(invites).toHaveLength(1);
    expect(invites[0]!.body).toContain('Gig app');

    const person = await registerPerson(world, { phone });
    expect((await statusOf(partner, 'u-1')).status).toBe('posted');
    expect((await statusOf(partner, 'u-2')).status).toBe('posted');
    const { balances } = await walletOf(person.user.id);
    expect(balances.cashable.posted).toBe(won(300n));
    expect(balances.spend_only.posted).toBe(won(200n));
    const claimed = (await outbox('credit.claimed')).filter((m) => m.recipient === partner.partnerId);
    expect(claimed).toHaveLength(1);
    expect(JSON.parse(claimed[0]!.body).data.credits.map((c: { partner_reference: string }) => c.partner_reference).sort()).toEqual(['u-1', 'u-2']);
    // Claiming again finds nothing.
    expect((await world.credits.claimUnclaimed(person.user.id, phone)).claimed).toBe(0);
  });

  it('claims value that was still clearing at registration once it clears', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '10000');
    const phone = nextPhone();
    expect((await post(partner, '/v1/credits', credit('uc-1', { phone }, '500', 'task_earning'))).json().status).toBe('unclaimed');
    const person = await registerPerson(world, { phone });
    expect((await statusOf(partner, 'uc-1')).status).toBe('unclaimed');
    world.clock.advance(DAY);
    const run = await world.rt.creditJobs.runOnce();
    expect(run.cleared).toBeGreaterThanOrEqual(1);
    expect(run.claimed).toBeGreaterThanOrEqual(1);
    expect((await statusOf(partner, 'uc-1')).status).toBe('posted');
    expect((await walletOf(person.user.id)).balances.cashable.posted).toBe(won(500n));
  });

  it('returns unclaimed value to the partner after the policy expiry', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '1000');
    const phone = nextPhone();
    await post(partner, '/v1/credits', credit('ret-1', { phone }, '250'));
    expect((await balanceOf(partner)).available.amount).toBe('750');
    world.clock.advance(89 * DAY);
    await world.rt.creditJobs.runOnce();
    expect((await statusOf(partner, 'ret-1')).status).toBe('unclaimed');
    world.clock.advance(DAY + 1000);
    expect((await world.rt.creditJobs.runOnce()).returned).toBeGreaterThanOrEqual(1);
    expect((await statusOf(partner, 'ret-1')).status).toBe('returned');
    expect((await balanceOf(partner)).available.amount).toBe('1000');
    expect((await outbox('credit.returned')).filter((m) => m.recipient === partner.partnerId)).toHaveLength(1);
    // Registering afterwards claims nothing: the value went back.
    const person = await registerPerson(world, { phone });
    expect((await walletOf(person.user.id)).balances.cashable.posted).toBe(0n);
  });

  it('parks a person-to-person send for an unregistered number and returns it to the sender on expiry', async () => {
    const sender = await registerPerson(world);
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '1000');
    await post(partner, '/v1/credits', credit('p2p-fund', { phone: sender.phone }, '600'));
    const { row } = await walletOf(sender.user.id);
    const phone = nextPhone();
    const result = await world.rt.database.db.transaction().execute((trx) =>
      world.credits.parkForPhone(trx, {
        transferId: randomUUID() as TransferId, fromAccount: row.cashable_account as AccountId, phone, amount: won(100n), currency: 'KRW',
        code: TRANSFER_CODES.send_to_person, senderUserId: sender.user.id, senderName: 'A friend',
      }),
    );
    expect(result).toBe('ok');
    expect((await walletOf(sender.user.id)).balances.cashable.posted).toBe(won(500n));
    expect((await outbox('credit.unclaimed_invitation')).filter((m) => m.recipient === phone)).toHaveLength(1);
    world.clock.advance(91 * DAY);
    await world.rt.creditJobs.runOnce();
    expect((await walletOf(sender.user.id)).balances.cashable.posted).toBe(won(600n));
  });
});

describe('balance cap', () => {
  it('holds the excess, tells the person, and releases in order as room appears', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '10000000');
    const person = await registerPerson(world);
    const first = (await post(partner, '/v1/credits', credit('cap-1', { phone: person.phone }, '600000'))).json();
    expect(first).toMatchObject({ status: 'held_over_cap', held_amount: { amount: '100000' } });
    const second = (await post(partner, '/v1/credits', credit('cap-2', { phone: person.phone }, '50000'))).json();
    expect(second).toMatchObject({ status: 'held_over_cap', held_amount: { amount: '50000' } });
    let wallet = (await walletOf(person.user.id)).balances;
    expect(wallet.cashable.posted).toBe(won(500_000n));
    expect(wallet.held_over_cap).toBe(won(150_000n));
    expect((await outbox('credit.held_over_cap')).filter((m) => m.recipient === person.phone)).toHaveLength(1);

    await spend(person.user.id, won(120_000n));
    const release = await world.credits.releaseHeldCredits(person.user.id);
    expect(release).toMatchObject({ released: won(120_000n), completed: 1, remaining: won(30_000n) });
    expect((await statusOf(partner, 'cap-1')).status).toBe('posted');
    expect(await statusOf(partner, 'cap-2')).toMatchObject({ status: 'held_over_cap', held_amount: { amount: '30000' } });
    wallet = (await walletOf(person.user.id)).balances;
    expect(wallet.cashable.posted).toBe(won(500_000n));
    expect(wallet.held_over_cap).toBe(won(30_000n));
    const released = (await outbox('credit.held_released')).filter((m) => m.recipient === partner.partnerId);
    expect(released.map((m) => JSON.parse(m.body).data.credits[0].partner_reference)).toEqual(['cap-1']);

    // A tier upgrade (carrier identity check) raises the cap to 2,000,000; the sweep releases the rest.
    expect((await world.tc.identity.checkIdentity(person.user.id, { name: '홍길동', birthDate: '1990-01-31' })).tier).toBe(1);
    expect((await world.rt.creditJobs.runOnce()).released).toBe(won(30_000n));
    expect((await statusOf(partner, 'cap-2')).status).toBe('posted');
    wallet = (await walletOf(person.user.id)).balances;
    expect(wallet.cashable.posted).toBe(won(530_000n));
    expect(wallet.held_over_cap).toBe(0n);
  });
});

describe('reversal', () => {
  it('takes back only what is still in the wallet and reports the shortfall', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '10000');
    const person = await registerPerson(world);
    await post(partner, '/v1/credits', credit('rev-1', { phone: person.phone }, '1000'));
    await spend(person.user.id, won(700n));
    const reversed = await post(partner, '/v1/credits/rev-1/reversal', { reason: 'fraudulent task' });
    expect(reversed.statusCode).toBe(200);
    expect(reversed.json()).toMatchObject({
      status: 'reversed',
      reversal: { requested: { amount: '1000' }, reversed: { amount: '300' }, shortfall: { amount: '700' }, reason: 'fraudulent task' },
    });
    expect((await walletOf(person.user.id)).balances.cashable.posted).toBe(0n);
    expect((await balanceOf(partner)).available.amount).toBe('9300');
    const again = await post(partner, '/v1/credits/rev-1/reversal', { reason: 'fraudulent task' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(reversed.json());
    const other = await post(partner, '/v1/credits/rev-1/reversal', { reason: 'something else' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('idempotency_conflict');
    expect((await outbox('credit.reversed')).filter((m) => m.recipient === partner.partnerId)).toHaveLength(1);
  });

  it('takes the held part first, then the class account, for a partial amount', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '10000000');
    const person = await registerPerson(world);
    await post(partner, '/v1/credits', credit('rev-cap', { phone: person.phone }, '600000'));
    const reversed = await post(partner, '/v1/credits/rev-cap/reversal', { amount: { amount: '150000', currency: 'KRW' } });
    expect(reversed.json()).toMatchObject({ status: 'reversed', held_amount: null, reversal: { reversed: { amount: '150000' }, shortfall: { amount: '0' } } });
    const wallet = (await walletOf(person.user.id)).balances;
    expect(wallet.cashable.posted).toBe(won(450_000n));
    expect(wallet.held_over_cap).toBe(0n);
    const tooMuch = await post(partner, '/v1/credits/rev-cap/reversal', { amount: { amount: '1', currency: 'KRW' } });
    expect(tooMuch.statusCode).toBe(409);
  });

  it('refuses outside the window, while clearing, and over the amount', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '10000');
    const person = await registerPerson(world);
    await post(partner, '/v1/credits', credit('rev-old', { phone: person.phone }, '100'));
    await post(partner, '/v1/credits', credit('rev-clr', { phone: person.phone }, '100', 'task_earning'));
    await post(partner, '/v1/credits', credit('rev-amt', { phone: person.phone }, '100'));
    const before = await countCreditRows(world);
    const over = await post(partner, '/v1/credits/rev-amt/reversal', { amount: { amount: '100.0001', currency: 'KRW' } });
    expect(over.json().error).toMatchObject({ code: 'amount_exceeds_credit', param: 'amount' });
    const clearing = await post(partner, '/v1/credits/rev-clr/reversal', {});
    expect(clearing.json().error.code).toBe('credit_in_clearance');
    world.clock.advance(30 * DAY + 1000);
    const old = await post(partner, '/v1/credits/rev-old/reversal');
    expect(old.statusCode).toBe(409);
    expect(old.json().error.code).toBe('reversal_window_closed');
    const unknown = await post(partner, '/v1/credits/nothing-here/reversal');
    expect(unknown.statusCode).toBe(404);
    expect(await countCreditRows(world)).toEqual(before);
  });

  it('reverses an unclaimed credit from suspense; it is then never claimed', async () => {
    const partner = await createCreditPartner(world);
    await prefund(world, partner.partnerId, '1000');
    const phone = nextPhone();
    await post(partner, '/v1/credits', credit('rev-unc', { phone }, '400'));
    const reversed = await post(partner, '/v1/credits/rev-unc/reversal');
    expect(reversed.json()).toMatchObject({ status: 'reversed', reversal: { reversed: { amount: '400' }, shortfall: { amount: '0' } } });
    expect((await balanceOf(partner)).available.amount).toBe('1000');
    const person = await registerPerson(world, { phone });
    expect((await walletOf(person.user.id)).balances.cashable.posted).toBe(0n);
  });
});
