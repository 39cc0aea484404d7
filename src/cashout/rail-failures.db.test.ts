// Every failure the bank simulator can produce, driven through the real files: rejections with
// ISO reason codes, answers that never come (the payment made, or the file lost), answers sent
// twice, answers out of order, answers that do not validate, returns days later — and crashes of
// our own between steps. After each: every unit of the user's money is either paid exactly once
// (the bank's own books agree with our clearing account) or back in the wallet, nothing stays
// reserved, and the ledger verifies.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BankSimulator, type BankSimulatorOptions } from '../rails/index.ts';
import { systemAccountId } from '../wallets/index.ts';
import { uuidToId } from '../shared/ids.ts';
import { withTransaction } from '../db/index.ts';
import { sealAndVerify } from '../../test/helpers/ledger.ts';
import { bearer } from '../../test/helpers/identity.ts';
import {
  balancesOf, bankRound, cashOut, cotUuid, openCashoutWorld, openHolds, OPERATOR, postQuote, readyPerson, stateOf, won, wire, HOUR_MS,
  type CashoutWorld, type Person,
} from '../../test/helpers/cashout.ts';
import { createBatch } from './channels.ts';
import { cashoutTransferId, reserveTransfers, postTransfers } from './ledger-plan.ts';
import { ledgerRefOf, runLedgerStep } from './transitions.ts';
import { selectCashout } from './cashouts.sql.ts';
import { selectQuote } from './quotes.sql.ts';
import { idToUuid } from '../shared/ids.ts';

let world: CashoutWorld;
const OPENING_MINOR = 1_000_000_000n;

beforeAll(async () => {
  world = await openCashoutWorld({ timings: { stuck_ms: 60_000, answer_wait_ms: 30 * 60_000 } });
});
afterAll(async () => {
  await world.close();
});

/** A new simulator over the same bank (its books persist in the data dir), behaving as asked. */
async function rebank(options: Partial<BankSimulatorOptions>): Promise<void> {
  await world.bank.stop();
  world.bank = new BankSimulator({ dataDir: world.dataDir, clock: world.clock, account: OPERATOR, latency_ms: 0, rejectionRate: 0, statementAtLocal: null, seed: 11, ...options });
}

async function balanceOf(account: string) {
  const [b] = await world.ledger.getBalances([account as never]);
  return b!;
}

/**
 * The money, three ways: our bank clearing account, fee income, and the bank's own books. Paid
 * exactly once means: what the bank paid out = the payouts we settled = what our clearing holds.
 * Everything not paid is either still reserved by a live cash-out or back in its wallet.
 */
async function checkMoney(): Promise<void> {
  const { rows } = await sql<{ state: string; payout: bigint; fee: bigint; n: bigint; channel: string }>`
    SELECT state, channel, sum(payout)::int8 AS payout, sum(fee)::int8 AS fee, count(*) AS n FROM cashouts GROUP BY state, channel`.execute(world.tc.database.db);
  const sum = (pick: (r: (typeof rows)[number]) => boolean, field: 'payout' | 'fee') => rows.filter(pick).reduce((s, r) => s + r[field], 0n);
  const live = new Set(['reserved', 'screening', 'held_for_review', 'submitted']);
  const clearing = await balanceOf(systemAccountId('bank_clearing', 'KRW'));
  const fees = await balanceOf(systemAccountId('fee_income', 'KRW'));
  expect(clearing.posted).toBe(sum((r) => r.state === 'settled' && r.channel === 'bank', 'payout'));
  expect(clearing.pending_in).toBe(sum((r) => live.has(r.state) && r.channel === 'bank', 'payout'));
  expect(fees.posted).toBe(sum((r) => r.state === 'settled', 'fee'));
  expect(fees.pending_in).toBe(sum((r) => live.has(r.state), 'fee'));
  const bankPaidMinor = OPENING_MINOR - (await world.bank.balanceMinor());
  expect(won(bankPaidMinor)).toBe(sum((r) => r.state === 'settled' && r.channel === 'bank', 'payout'));
  const { rows: holds } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM ledger_holds`.execute(world.tc.database.db);
  const { rows: liveLegs } = await sql<{ n: bigint }>`
    SELECT coalesce(sum(CASE WHEN fee > 0 THEN 2 ELSE 1 END), 0)::int8 AS n FROM cashouts WHERE state IN ('reserved', 'screening', 'held_for_review', 'submitted')`.execute(world.tc.database.db);
  expect(holds[0]!.n).toBe(liveLegs[0]!.n);
  const report = await sealAndVerify(world.ledger, world.tc.database.db);
  expect(report.problems).toEqual([]);
}

/** A funded person's wallet after the dust settles: posted = funded − what was paid (payout + fee). */
async function expectWallet(person: Person, funded: bigint, paidDebits: bigint): Promise<void> {
  const balance = await balancesOf(world, person);
  expect(balance.cashable.posted).toBe(funded - paidDebits);
  expect(balance.cashable.held).toBe(0n);
  expect(await openHolds(world, person)).toBe(0);
}

async function viewOf(person: Person, cot: string, lang: 'ko' | 'en' = 'ko') {
  return (await world.app.inject({ method: 'GET', url: `/v1/cashouts/${cot}`, headers: { ...bearer(person.token), 'accept-language': lang } })).json();
}

async function smsTemplates(person: Person): Promise<string[]> {
  const { rows } = await sql<{ template: string }>`
    SELECT template FROM outbox_messages WHERE recipient = ${person.phone} AND template LIKE 'cashout.%' ORDER BY created_at, template`.execute(world.tc.database.db);
  return rows.map((r) => r.template);
}

describe('the bank rejects', () => {
  test('closed account (AC04) and random rejections with reason codes: money back, reason in the person\'s words', async () => {
    await rebank({ rejectionRate: 0.5, rejectionReasons: { AC01: 1, AM04: 1, BE01: 1, MS03: 1 } });
    const people = await Promise.all(Array.from({ length: 6 }, () => readyPerson(world, won(20_000))));
    const closed = await readyPerson(world, won(20_000));
    await rebank({ rejectionRate: 0.5, rejectionReasons: { AC01: 1, AM04: 1, BE01: 1, MS03: 1 }, closedAccounts: [closed.accountNumber] });
    const cashouts = [];
    for (const p of [...people, closed]) cashouts.push({ person: p, c: await cashOut(world, p, wire(10_000)) });
    await world.service.runBankBatch();
    const round = await bankRound(world);
    expect(round.updates.settled + round.updates.failed).toBe(7);
    expect(round.updates.failed).toBeGreaterThan(0);
    for (const { person, c } of cashouts) {
      const view = await viewOf(person, c.id);
      expect(['settled', 'failed']).toContain(view.state);
      if (view.state === 'failed') {
        expect(view.reason.code).toMatch(/^(AC01|AC04|AC06|AG01|AM04|BE01|MS03)$/);
        expect(view.reason.message).toMatch(/[가-힣]/);
        await expectWallet(person, won(20_000), 0n);
        expect(await smsTemplates(person)).toEqual(['cashout.failed', 'cashout.submitted']);
      } else {
        await expectWallet(person, won(20_000), won(10_000));
      }
    }
    expect((await viewOf(closed, cashouts.at(-1)!.c.id, 'en')).reason).toEqual({ code: 'AC04', message: 'The account is closed.' });
    await checkMoney();
  });
});

describe('answers that do not come', () => {
  test('no answer but paid: recovery waits; the statement settles it', async () => {
    await rebank({ missingAnswerRate: 1 });
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(10_000));
    await world.service.runBankBatch();
    await bankRound(world);
    expect(await stateOf(world, c.id)).toBe('submitted');
    world.clock.advance(HOUR_MS);
    const recovery = await world.service.runRecovery();
    expect(recovery.stillWaiting).toBe(1);
    expect(await stateOf(world, c.id)).toBe('submitted');
    await world.bank.writeStatement('2026-01-13');
    const statement = await world.service.ingestBank();
    expect(statement.updates.settled).toBe(1);
    expect(await stateOf(world, c.id)).toBe('settled');
    await expectWallet(person, won(30_000), won(10_000));
    await checkMoney();
  });

  test('the file was lost (no answer, no payment): after a later statement shows nothing, recovery gives the money back', async () => {
    await rebank({ lostFileRate: 1 });
    world.clock.set('2026-01-14T00:30:00Z'); // Wednesday 09:30 in Seoul
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(10_000));
    await world.service.runBankBatch();
    await bankRound(world);
    world.clock.advance(HOUR_MS);
    expect((await world.service.runRecovery()).stillWaiting).toBe(1);
    await world.bank.writeStatement('2026-01-14');
    await world.service.ingestBank();
    world.clock.set('2026-01-15T10:00:00Z'); // Thursday evening
    await world.bank.writeStatement('2026-01-15');
    await world.service.ingestBank();
    expect(await stateOf(world, c.id)).toBe('submitted');
    world.clock.advance(HOUR_MS);
    const recovery = await world.service.runRecovery();
    expect(recovery.failedUnanswered).toBe(1);
    const view = await viewOf(person, c.id, 'en');
    expect(view).toMatchObject({ state: 'failed', reason: { code: 'no_answer' } });
    await expectWallet(person, won(30_000), 0n);
    await checkMoney();
  });
});

describe('answers that come wrong', () => {
  test('every answer twice: settled once, one SMS, the duplicate file consumed harmlessly', async () => {
    await rebank({ duplicateRate: 1 });
    world.clock.set('2026-01-16T00:30:00Z');
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(10_000));
    await world.service.runBankBatch();
    const round = await bankRound(world);
    expect(round.duplicates).toHaveLength(1);
    expect(round.updates.settled).toBe(1);
    expect(await stateOf(world, c.id)).toBe('settled');
    expect(await smsTemplates(person)).toEqual(['cashout.settled', 'cashout.submitted']);
    // The same answer applied again by another path changes nothing.
    const again = await world.service.applyRailUpdates([{ ref: c.id, state: 'accepted', at: world.clock.now() }], 'test');
    expect(again).toMatchObject({ settled: 0, conflicts: 0 });
    const contradiction = await world.service.applyRailUpdates([{ ref: c.id, state: 'rejected', at: world.clock.now(), reasonCode: 'AC01', reasonText: 'late' }], 'test');
    expect(contradiction).toMatchObject({ failed: 0, conflicts: 1 });
    expect(await stateOf(world, c.id)).toBe('settled');
    await expectWallet(person, won(30_000), won(10_000));
    await checkMoney();
  });

  test('pending first, final later, written out of order: a stale pending never undoes the final answer', async () => {
    await rebank({ pendingRate: 1, outOfOrder: true, rejectionRate: 0 });
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(10_000));
    await world.service.runBankBatch();
    const round = await bankRound(world);
    expect(round.applied.length).toBe(2);
    expect(await stateOf(world, c.id)).toBe('settled');
    await checkMoney();
  });

  test('an answer that does not validate is rejected whole and changes nothing; the statement settles what was paid', async () => {
    await rebank({ invalidAnswerRate: 1 });
    world.clock.set('2026-01-19T00:30:00Z'); // Monday
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(10_000));
    await world.service.runBankBatch();
    const round = await bankRound(world);
    expect(round.rejected).toHaveLength(1);
    expect(round.rejected[0]!.errors.length).toBeGreaterThan(0);
    expect((await readdir(join(world.dataDir, 'bank', 'incoming', 'rejected'))).some((name) => name.endsWith('.errors.txt'))).toBe(true);
    expect(await stateOf(world, c.id)).toBe('submitted');
    await world.bank.writeStatement('2026-01-19');
    await world.service.ingestBank();
    expect(await stateOf(world, c.id)).toBe('settled');
    await checkMoney();
  });
});

describe('returns', () => {
  test('the payee\'s bank sends the money back: a new linked transfer returns payout and fee; markReturned is idempotent', async () => {
    await rebank({});
    world.clock.set('2026-01-20T00:30:00Z');
    const person = await readyPerson(world, won(40_000));
    await cashOut(world, person, wire(5_000));
    const c = await cashOut(world, person, wire(10_000));
    await world.service.runBankBatch();
    await bankRound(world);
    expect(await stateOf(world, c.id)).toBe('settled');
    await expectWallet(person, won(40_000), won(15_000));
    await world.bank.returnPayout(c.id, 'AC04');
    await world.bank.writeStatement('2026-01-20');
    const ingest = await world.service.ingestBank();
    expect(ingest.updates.returned).toBe(1);
    const view = await viewOf(person, c.id);
    expect(view.state).toBe('returned');
    expect(view.reason.code).toBe('AC04');
    // The whole 10,000 (9,500 payout + 500 fee) is back; the first cash-out stays paid.
    await expectWallet(person, won(40_000), won(5_000));
    expect(await world.service.markReturned(c.id, { code: 'AC04' })).toBe('already_returned');
    const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM ledger_transfers WHERE id = ${cashoutTransferId(cotUuid(c.id), 'return', 'payout')}::uuid`.execute(world.tc.database.db);
    expect(rows[0]!.n).toBe(1n);
    expect(await smsTemplates(person)).toContain('cashout.returned');
    await checkMoney();
  });
});

describe('our own crashes', () => {
  test('between reserve and record: the quote lapses and recovery voids the stray reservation', async () => {
    const person = await readyPerson(world, won(30_000));
    const quote = (await postQuote(world, person, wire(10_000))).json();
    const row = (await selectQuote(world.tc.database.db, idToUuid(quote.id, 'quo')!))!;
    // The confirm reserved, then the process died before recording the cash-out.
    const ref = ledgerRefOf({ id: row.cashout_id, currency: 'KRW', payout: row.payout, fee: row.fee, debit_account: person.wallet.cashable_account as never, clearing_account: systemAccountId('bank_clearing', 'KRW') });
    expect(await world.ledger.createTransfers(reserveTransfers(ref, 72 * 3600))).toEqual(row.fee > 0n ? ['ok', 'ok'] : ['ok']);
    expect((await balancesOf(world, person)).cashable.held).toBe(won(10_000));
    world.clock.advance(121_000);
    expect((await world.service.runRecovery()).lapsedQuotes).toBe(0);
    world.clock.advance(3 * 60_000);
    const recovery = await world.service.runRecovery();
    expect(recovery.lapsedQuotes).toBeGreaterThanOrEqual(1);
    expect(recovery.voidedStrayReservations).toBe(1);
    await expectWallet(person, won(30_000), 0n);
    expect((await selectQuote(world.tc.database.db, row.id))!.status).toBe('lapsed');
    await checkMoney();
  });

  test('after marking a batch, before the rail took it: recovery hands the same batch over again, paid once', async () => {
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(10_000));
    const batch = await createBatch(world.service.deps, 'bank', null, 100, '2026-01-20');
    expect(batch).not.toBeNull();
    world.clock.advance(2 * 60_000);
    const recovery = await world.service.runRecovery();
    expect(recovery.resubmittedBatches).toBe(1);
    // And once more, as if the first resubmission crashed after writing the file.
    await world.service.deps.rails.bank!.submit({ batchId: batch!.id, executionDate: '2026-01-20', items: [] });
    await bankRound(world);
    expect(await stateOf(world, c.id)).toBe('settled');
    await expectWallet(person, won(30_000), won(10_000));
    await checkMoney();
  });

  test('between the ledger post and the row: the answer applied again finds the post done and records it once', async () => {
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(10_000));
    await world.service.runBankBatch();
    const row = (await selectCashout(world.tc.database.db, cotUuid(c.id)))!;
    const outcomes = await runLedgerStep(world.service.deps, [row], postTransfers);
    expect(outcomes.get(row.id)!.outcome).toBe('done');
    expect(await stateOf(world, c.id)).toBe('submitted');
    await bankRound(world);
    expect(await stateOf(world, c.id)).toBe('settled');
    await expectWallet(person, won(30_000), won(10_000));
    await checkMoney();
  });

  test('a cash-out left in reserved by a crash is screened and submitted by recovery', async () => {
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(10_000));
    await withTransaction(world.tc.database.db, (trx) => sql`UPDATE cashouts SET state = 'reserved' WHERE id = ${cotUuid(c.id)}::uuid`.execute(trx));
    world.clock.advance(2 * 60_000);
    const recovery = await world.service.runRecovery();
    expect(recovery.rescreened).toBeGreaterThanOrEqual(1);
    expect(await stateOf(world, c.id)).toBe('submitted');
    await world.service.runBankBatch();
    await bankRound(world);
    expect(await stateOf(world, c.id)).toBe('settled');
    await checkMoney();
  });
});

describe('cancel', () => {
  test('until the bank has it: voided at once; after the batch: refused', async () => {
    const person = await readyPerson(world, won(30_000));
    const first = await cashOut(world, person, wire(10_000));
    const cancelled = await world.app.inject({ method: 'POST', url: `/v1/cashouts/${first.id}/cancel`, headers: bearer(person.token) });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', reason: { code: 'cancelled_by_user' } });
    await expectWallet(person, won(30_000), 0n);
    const again = await world.app.inject({ method: 'POST', url: `/v1/cashouts/${first.id}/cancel`, headers: bearer(person.token) });
    expect(again.statusCode).toBe(409);
    const second = await cashOut(world, person, wire(10_000));
    await world.service.runBankBatch();
    const late = await world.app.inject({ method: 'POST', url: `/v1/cashouts/${second.id}/cancel`, headers: { ...bearer(person.token), 'accept-language': 'ko' } });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('cashout_not_cancellable');
    await bankRound(world);
    expect(await smsTemplates(person)).toEqual(expect.arrayContaining(['cashout.cancelled', 'cashout.settled']));
    await checkMoney();
  });
});

describe('the wallet channel (a partner wallet rail behind the adapter interface)', () => {
  async function walletPerson(funded = won(30_000)) {
    const person = await readyPerson(world, funded);
    const partner = await world.tc.identity.createPartner(world.tc.database.db, { system: 'test' }, 'Toss Wallet');
    await sql`INSERT INTO cashout_destinations (id, user_id, kind, label, provider, wallet_account, status, created_at, first_payout_at)
      VALUES (${`dst_w${Date.now()}${Math.random().toString(36).slice(2, 8)}`}, ${person.user.id}, 'wallet', 'Toss Wallet', ${partner.id}, ${`kim.${person.phone.slice(-4)}`}, 'active',
              ${new Date(world.clock.now().getTime() - 48 * HOUR_MS)}, ${new Date(world.clock.now().getTime() - 48 * HOUR_MS)})`.execute(world.tc.database.db);
    const { rows } = await sql<{ id: string }>`SELECT id FROM cashout_destinations WHERE user_id = ${person.user.id} AND kind = 'wallet'`.execute(world.tc.database.db);
    return { person, destination: rows[0]!.id, partner: partner.id };
  }

  async function walletCashOut(person: Person, destination: string, amount = wire(10_000)) {
    const quote = await postQuote(world, person, amount, { channel: 'wallet', destination });
    expect(quote.statusCode, quote.body).toBe(201);
    const res = await world.app.inject({ method: 'POST', url: '/v1/cashouts', headers: { ...bearer(person.token), 'idempotency-key': quote.json().id }, payload: { quote: quote.json().id, pin: person.pin } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  }

  test('submitted at once, accepted by webhook (delivered twice): settled once, the provider told by webhook', async () => {
    const { person, destination, partner } = await walletPerson();
    const c = await walletCashOut(person, destination);
    await world.service.runWalletSubmissions();
    expect(world.walletRail.submissions.at(-1)!.items.map((i) => i.ref)).toEqual([c.id]);
    expect(await stateOf(world, c.id)).toBe('submitted');
    world.walletRail.answer({ ref: c.id, state: 'accepted', at: world.clock.now(), railReference: 'TW-1' }, { times: 2 });
    const ingest = await world.service.ingestWallet();
    expect(ingest.duplicates).toHaveLength(1);
    expect(await stateOf(world, c.id)).toBe('settled');
    await expectWallet(person, won(30_000), won(10_000));
    const { rows } = await sql<{ template: string }>`SELECT template FROM outbox_messages WHERE channel = 'webhook' AND recipient = ${partner} ORDER BY created_at`.execute(world.tc.database.db);
    expect(rows.map((r) => r.template).sort()).toEqual(['cashout.settled', 'cashout.submitted']);
    const clearing = await balanceOf(systemAccountId('wallet_clearing', 'KRW'));
    expect(clearing.posted).toBeGreaterThanOrEqual(won(10_000));
    await checkMoney();
  });

  test('rejected by the provider: failed, money back; an answer lost: recovery asks the status and settles', async () => {
    const { person, destination } = await walletPerson(won(40_000));
    const rejected = await walletCashOut(person, destination);
    const lost = await walletCashOut(person, destination, wire(5_000));
    await world.service.runWalletSubmissions();
    world.walletRail.answer({ ref: rejected.id, state: 'rejected', at: world.clock.now(), reasonCode: 'AC04', reasonText: 'closed' });
    world.walletRail.answer({ ref: lost.id, state: 'accepted', at: world.clock.now() }, { deliver: false });
    await world.service.ingestWallet();
    expect(await stateOf(world, rejected.id)).toBe('failed');
    expect(await stateOf(world, lost.id)).toBe('submitted');
    world.clock.advance(31 * 60_000);
    await world.service.runRecovery();
    expect(await stateOf(world, lost.id)).toBe('settled');
    const fee = (await viewOf(person, lost.id)).fee.amount as string;
    await expectWallet(person, won(40_000), won(5_000));
    expect(fee).toBe('0');
    await checkMoney();
  });

  test('a provider that cannot be reached: the payout stays submitted and is handed over on the next run', async () => {
    const { person, destination } = await walletPerson();
    world.walletRail.failNextSubmit = true;
    const c = await walletCashOut(person, destination);
    // The confirm hands the payout over in the background; the provider is down.
    await world.service.drain();
    expect(world.walletRail.submissions.flatMap((s) => s.items.map((i) => i.ref))).not.toContain(c.id);
    expect(await stateOf(world, c.id)).toBe('submitted');
    world.clock.advance(2 * 60_000);
    await world.service.runRecovery();
    expect(world.walletRail.submissions.at(-1)!.items.map((i) => i.ref)).toContain(c.id);
    world.walletRail.answer({ ref: c.id, state: 'accepted', at: world.clock.now() });
    await world.service.ingestWallet();
    expect(await stateOf(world, c.id)).toBe('settled');
    await checkMoney();
  });
});

describe('a first payout to a new destination', () => {
  test('asks for the code, waits out the cool-down in held_for_review, then goes; the next one asks nothing', async () => {
    const person = await readyPerson(world, won(40_000), { seasoned: false });
    await sql`UPDATE user_devices SET first_seen_at = ${new Date(world.clock.now().getTime() - 48 * HOUR_MS)} WHERE user_id = ${person.user.id}`.execute(world.tc.database.db);
    const quote = (await postQuote(world, person, wire(10_000))).json();
    expect(quote.otp_reasons).toEqual(['first_payout_to_destination']);
    const first = await world.app.inject({ method: 'POST', url: '/v1/cashouts', headers: { ...bearer(person.token), 'idempotency-key': `h-${quote.id}` }, payload: { quote: quote.id, pin: person.pin } });
    expect(first.statusCode).toBe(403);
    const challenge = first.json().error.details.challenge_id as string;
    const { smsCodeFor } = await import('../../test/helpers/identity.ts');
    const code = await smsCodeFor(world.tc.database.db, challenge);
    const held = await world.app.inject({ method: 'POST', url: '/v1/cashouts', headers: { ...bearer(person.token), 'idempotency-key': `h2-${quote.id}` }, payload: { quote: quote.id, pin: person.pin, otp: { challenge_id: challenge, code } } });
    expect(held.statusCode, held.body).toBe(201);
    expect(held.json()).toMatchObject({ state: 'held_for_review', reason: { code: 'new_destination_cooldown' } });
    expect(await smsTemplates(person)).toEqual(['cashout.reserved']);
    await world.service.runBankBatch();
    expect(await stateOf(world, held.json().id)).toBe('held_for_review');
    world.clock.advance(25 * HOUR_MS);
    await world.service.runRecovery();
    expect(await stateOf(world, held.json().id)).toBe('submitted');
    await world.service.runBankBatch();
    await bankRound(world);
    expect(await stateOf(world, held.json().id)).toBe('settled');
    const next = (await postQuote(world, person, wire(5_000))).json();
    expect(next.otp_required).toBe(false);
    await checkMoney();
  });
});

describe('receipts', () => {
  test('JSON and PDF (ko and en) for a settled cash-out; none before', async () => {
    const person = await readyPerson(world, won(30_000));
    const c = await cashOut(world, person, wire(12_345));
    const early = await world.app.inject({ method: 'GET', url: `/v1/cashouts/${c.id}/receipt`, headers: bearer(person.token) });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('receipt_not_available');
    await world.service.runBankBatch();
    await bankRound(world);
    const receipt = (await world.app.inject({ method: 'GET', url: `/v1/cashouts/${c.id}/receipt`, headers: { ...bearer(person.token), 'accept-language': 'ko' } })).json();
    expect(receipt).toMatchObject({ object: 'cashout_receipt', cashout: c.id, policy_version: 1, channel: 'bank' });
    expect(receipt.receipt_number).toMatch(/^RCT-2026-/);
    expect(receipt.destination).toMatch(/^신한은행 \*\*\*\*\d{4}$/);
    for (const lang of ['ko', 'en'] as const) {
      const pdf = await world.app.inject({ method: 'GET', url: `/v1/cashouts/${c.id}/receipt.pdf?lang=${lang}`, headers: bearer(person.token) });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.rawPayload.length).toBeGreaterThan(1000);
    }
    await checkMoney();
    expect(uuidToId(cotUuid(c.id), 'cot')).toBe(c.id);
  });
});
