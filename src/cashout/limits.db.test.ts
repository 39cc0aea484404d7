// The cash-out honours the wallets' one limit gate: the person's own caps (set in the app, at
// an agent or on USSD) bind a cash-out exactly as they bind a send, counting cash-outs in flight
// from the ledger — and a confirmed cash-out is never counted against itself.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withTransaction } from '../db/index.ts';
import { applySelfLimitChanges, planSelfLimitChanges } from '../wallets/self-limits.ts';
import { selectEffectiveChanges, selectWaitingChanges } from '../wallets/self-limits.sql.ts';
import { openCashoutWorld, postConfirm, postQuote, readyPerson, won, wire, type CashoutWorld, type Person } from '../../test/helpers/cashout.ts';

let world: CashoutWorld;
beforeAll(async () => {
  world = await openCashoutWorld();
});
afterAll(async () => {
  await world.close();
});

/** Lowers the person's own daily cash-out cap (a lowering applies at once). */
async function capDailyCashOut(person: Person, cap: bigint) {
  const policy = (await world.policy.inForce()).policy;
  await withTransaction(world.tc.database.db, async (trx) => {
    const at = world.clock.now();
    const planned = planSelfLimitChanges(
      policy, await selectEffectiveChanges(trx, person.user.id, at), await selectWaitingChanges(trx, person.user.id, at),
      [{ kind: 'cash_out', period: 'daily', cap: won(cap) }], at,
    );
    expect(planned.every((c) => !c.raising)).toBe(true);
    await applySelfLimitChanges(trx, world.clock, { userId: person.user.id, phone: person.phone, lang: 'en' }, policy, planned);
  });
}

describe('cash-out limits', () => {
  test('an own daily cap refuses a larger quote, lets one up to the cap through, then counts it while in flight', async () => {
    const person = await readyPerson(world, won(50_000));
    await capDailyCashOut(person, 10_000n);

    const tooMuch = await postQuote(world, person, wire(20_000));
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().error).toMatchObject({ code: 'self_limit_exceeded', param: 'amount', details: { period: 'day', scope: 'self' } });

    // Exactly the cap: the confirm must not count its own reservation.
    const quote = await postQuote(world, person, wire(10_000));
    expect(quote.statusCode, quote.body).toBe(201);
    // The quote shows what the person's own cap leaves today.
    expect(quote.json().limits_after.day).toEqual(wire(0));
    const confirmed = await postConfirm(world, person, quote.json().id);
    expect(confirmed.statusCode, confirmed.body).toBe(201);

    // The submitted cash-out (reserved, not yet settled) uses the whole cap.
    const more = await postQuote(world, person, wire(5_000));
    expect(more.statusCode).toBe(400);
    expect(more.json().error.code).toBe('self_limit_exceeded');
  });

  test('a cap lowered between quote and confirm refuses the confirm and reserves nothing', async () => {
    const person = await readyPerson(world, won(50_000));
    const quote = await postQuote(world, person, wire(20_000));
    expect(quote.statusCode, quote.body).toBe(201);
    await capDailyCashOut(person, 10_000n);
    const confirmed = await postConfirm(world, person, quote.json().id);
    expect(confirmed.statusCode).toBe(400);
    expect(confirmed.json().error.code).toBe('self_limit_exceeded');
    const [balance] = await world.wallets.balances([person.wallet]);
    expect(balance!.cashable.available).toBe(won(50_000));
  });
});
