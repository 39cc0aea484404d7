// Every way a person can be refused: each answers its own 4xx code with a message in the
// person's language, and reserves and writes nothing (ledger holds, transfers and cash-out rows
// are counted before and after).
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorSpec } from '../shared/errors.ts';
import { uuidToId } from '../shared/ids.ts';
import { countRows } from '../../test/helpers/context.ts';
import { bearer, smsCodeFor } from '../../test/helpers/identity.ts';
import {
  addBankDestination, fund, makePerson, openCashoutWorld, openHolds, postConfirm, postQuote, readyPerson, won, wire, HOUR_MS, type CashoutWorld, type Person,
} from '../../test/helpers/cashout.ts';

let world: CashoutWorld;
let person: Person;
beforeAll(async () => {
  world = await openCashoutWorld();
  person = await readyPerson(world, won(50_000));
});
afterAll(async () => {
  await world.close();
});

const TABLES = ['cashouts', 'cashout_events', 'ledger_transfers', 'ledger_holds', 'cashout_destinations', 'cashout_auto_sweeps'] as const;
const ko = { 'accept-language': 'ko-KR' };

async function counts() {
  return countRows(world.tc.database, TABLES);
}

/** The refusal: status, code, and the catalogue's Korean words. */
function expectRefused(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  const error = res.json().error;
  expect(error.code).toBe(code);
  const spec = errorSpec(code);
  if (spec) expect(error.message).toBe(spec.ko);
}

async function refusedWithNothingWritten(who: Person, request: () => Promise<LightMyRequestResponse>, status: number, code: string): Promise<LightMyRequestResponse> {
  const before = await counts();
  const holds = await openHolds(world, who);
  const res = await request();
  expectRefused(res, status, code);
  expect(await counts()).toEqual(before);
  expect(await openHolds(world, who)).toBe(holds);
  return res;
}

function quoteAs(who: Person, payload: Record<string, unknown>) {
  return world.app.inject({ method: 'POST', url: '/v1/cashouts/quotes', headers: { ...bearer(who.token), ...ko }, payload });
}

function base(who: Person): Record<string, unknown> {
  return { wallet: uuidToId(who.wallet.id, 'wal'), amount: wire(10_000), channel: 'bank', destination: who.destination };
}

async function freshQuote(who: Person, amount = wire(10_000)): Promise<string> {
  const res = await postQuote(world, who, amount);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

function confirmAs(who: Person, payload: Record<string, unknown>, key: string | null = `bad-${Math.random()}`) {
  return world.app.inject({
    method: 'POST', url: '/v1/cashouts',
    headers: { ...bearer(who.token), ...ko, ...(key === null ? {} : { 'idempotency-key': key }) },
    payload,
  });
}

describe('quote: malformed input', () => {
  const cases: [string, (b: Record<string, unknown>) => Record<string, unknown>, string][] = [
    ['missing amount', ({ amount: _a, ...rest }) => rest, 'missing_field'],
    ['unknown field', (b) => ({ ...b, tip: 1 }), 'unknown_field'],
    ['amount as a number', (b) => ({ ...b, amount: 10000 }), 'invalid_amount'],
    ['amount with too many decimals', (b) => ({ ...b, amount: wire('10.00001') }), 'invalid_amount'],
    ['negative amount', (b) => ({ ...b, amount: wire('-5') }), 'invalid_amount'],
    ['zero amount', (b) => ({ ...b, amount: wire('0') }), 'invalid_amount'],
    ['amount in another currency', (b) => ({ ...b, amount: { amount: '10', currency: 'USD' } }), 'currency_not_supported'],
    ['a channel that does not exist', (b) => ({ ...b, channel: 'carrier_pigeon' }), 'channel_not_available'],
    ['a wallet that is not yours', (b) => ({ ...b, wallet: 'wal_01h455vb4pex5vsknk084sn02q' }), 'wallet_not_found'],
    ['an unknown destination', (b) => ({ ...b, destination: 'dst_01h455vb4pex5vsknk084sn02q' }), 'destination_not_found'],
    ['a bank destination on the wallet channel', (b) => ({ ...b, channel: 'wallet' }), 'destination_channel_mismatch'],
  ];
  for (const [label, change, code] of cases) {
    test(label, async () => {
      const status = code === 'wallet_not_found' || code === 'destination_not_found' ? 404 : 400;
      await refusedWithNothingWritten(person, () => quoteAs(person, change(base(person))), status, code);
    });
  }
});

describe('quote: refusals of the policy and the balance', () => {
  test('below the payout threshold (minimum cash-out 1,000 won)', async () => {
    const res = await refusedWithNothingWritten(person, () => quoteAs(person, { ...base(person), amount: wire(999) }), 400, 'below_payout_threshold');
    expect(res.json().error.details.minimum).toEqual(wire(1_000));
  });

  test('more than the cashable balance', async () => {
    await refusedWithNothingWritten(person, () => quoteAs(person, { ...base(person), amount: wire(60_000) }), 400, 'insufficient_funds');
  });

  test('a balance that only spend_only value covers', async () => {
    const spender = await readyPerson(world, won(2_000), { spendOnly: won(80_000) });
    await refusedWithNothingWritten(spender, () => quoteAs(spender, { ...base(spender), amount: wire(30_000) }), 400, 'spend_only_not_transferable');
  });

  test('"all" of a wallet that holds only spend_only value', async () => {
    const spender = await readyPerson(world, 0n as never, { spendOnly: won(80_000) });
    await refusedWithNothingWritten(spender, () => quoteAs(spender, { ...base(spender), amount: 'all' }), 400, 'spend_only_not_transferable');
  });

  test('above the per-transaction maximum of the tier', async () => {
    const rich = await readyPerson(world, won(1_500_000));
    await refusedWithNothingWritten(rich, () => quoteAs(rich, { ...base(rich), amount: wire(1_200_000) }), 400, 'above_maximum');
  });

  test('above the daily cash-out limit', async () => {
    const rich = await readyPerson(world, won(1_500_000));
    for (let i = 0; i < 3; i++) {
      const q = await freshQuote(rich, wire(300_000));
      expect((await postConfirm(world, rich, q)).statusCode).toBe(201);
    }
    const res = await refusedWithNothingWritten(rich, () => quoteAs(rich, { ...base(rich), amount: wire(200_000) }), 400, 'limit_exceeded');
    expect(res.json().error.details).toMatchObject({ period: 'day', scope: 'tier', limit: wire(1_000_000), max_amount: wire(100_000) });
  });

  test('a frozen account', async () => {
    const frozen = await readyPerson(world, won(20_000));
    const quote = await freshQuote(frozen);
    expect((await world.app.inject({ method: 'POST', url: '/v1/me/freeze', headers: bearer(frozen.token) })).statusCode).toBe(200);
    await refusedWithNothingWritten(frozen, () => quoteAs(frozen, base(frozen)), 403, 'account_frozen');
    await refusedWithNothingWritten(frozen, () => confirmAs(frozen, { quote, pin: frozen.pin }), 403, 'account_frozen');
  });

  test('the hold after a PIN reset', async () => {
    const reset = await readyPerson(world, won(20_000));
    const quote = await freshQuote(reset);
    await sql`UPDATE users SET payout_hold_until = ${new Date(world.clock.now().getTime() + 24 * HOUR_MS)} WHERE id = ${reset.user.id}`.execute(world.tc.database.db);
    await refusedWithNothingWritten(reset, () => quoteAs(reset, base(reset)), 403, 'payout_hold');
    await refusedWithNothingWritten(reset, () => confirmAs(reset, { quote, pin: reset.pin }), 403, 'payout_hold');
  });
});

describe('confirm: refusals', () => {
  test('no Idempotency-Key', async () => {
    const quote = await freshQuote(person);
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote, pin: person.pin }, null), 400, 'idempotency_key_required');
  });

  test('malformed body: PIN not six digits, missing quote, unknown field, bad OTP code', async () => {
    const quote = await freshQuote(person);
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote, pin: '12ab56' }), 400, 'invalid_pin_format');
    await refusedWithNothingWritten(person, () => confirmAs(person, { pin: person.pin }), 400, 'missing_field');
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote, pin: person.pin, amount: 5 }), 400, 'unknown_field');
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote, pin: person.pin, otp: { challenge_id: 'otp_x', code: '12' } }), 400, 'invalid_otp_format');
  });

  test('a quote that does not exist, or is someone else\'s', async () => {
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote: 'quo_01h455vb4pex5vsknk084sn02q', pin: person.pin }), 404, 'quote_not_found');
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote: 'not-a-quote', pin: person.pin }), 404, 'quote_not_found');
    const other = await readyPerson(world, won(20_000));
    const theirs = await freshQuote(other);
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote: theirs, pin: person.pin }), 404, 'quote_not_found');
  });

  test('an expired quote', async () => {
    const quote = await freshQuote(person);
    world.clock.advance(121_000);
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote, pin: person.pin }), 409, 'quote_expired');
  });

  test('a quote already used', async () => {
    const quote = await freshQuote(person, wire(2_000));
    expect((await confirmAs(person, { quote, pin: person.pin })).statusCode).toBe(201);
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote, pin: person.pin }), 409, 'quote_used');
  });

  test('an Idempotency-Key reused for another quote; the same request again is answered as before', async () => {
    const first = await freshQuote(person, wire(2_000));
    const key = `reuse-${Date.now()}`;
    const created = await confirmAs(person, { quote: first, pin: person.pin }, key);
    expect(created.statusCode).toBe(201);
    const again = await confirmAs(person, { quote: first, pin: person.pin }, key);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(created.json().id);
    const second = await freshQuote(person, wire(2_000));
    await refusedWithNothingWritten(person, () => confirmAs(person, { quote: second, pin: person.pin }, key), 409, 'idempotency_conflict');
  });

  test('a wrong PIN is refused, counts toward the lockout, and the lock refuses the right PIN too', async () => {
    const guessed = await readyPerson(world, won(20_000));
    const quote = await freshQuote(guessed);
    const wrong = guessed.pin === '111111' ? '222222' : '111111';
    for (let i = 1; i <= 4; i++) {
      await refusedWithNothingWritten(guessed, () => confirmAs(guessed, { quote, pin: wrong }), 401, 'invalid_credentials');
      const { rows } = await sql<{ pin_failures: number }>`SELECT pin_failures FROM users WHERE id = ${guessed.user.id}`.execute(world.tc.database.db);
      expect(rows[0]!.pin_failures).toBe(i);
    }
    await refusedWithNothingWritten(guessed, () => confirmAs(guessed, { quote, pin: wrong }), 401, 'invalid_credentials');
    const { rows } = await sql<{ locked_until: Date | null }>`SELECT locked_until FROM users WHERE id = ${guessed.user.id}`.execute(world.tc.database.db);
    expect(rows[0]!.locked_until).not.toBeNull();
    await refusedWithNothingWritten(guessed, () => confirmAs(guessed, { quote, pin: guessed.pin }), 401, 'invalid_credentials');
  });

  test('a first payout to a new destination without its code: 403 otp_required with a challenge, nothing reserved', async () => {
    const fresh = await makePerson(world);
    await addBankDestination(world, fresh);
    await fund(world, fresh, { cashable: won(20_000) });
    const quote = (await postQuote(world, fresh, wire(10_000))).json();
    expect(quote.otp_required).toBe(true);
    expect(quote.otp_reasons).toEqual(expect.arrayContaining(['first_payout_to_destination']));
    const res = await refusedWithNothingWritten(fresh, () => confirmAs(fresh, { quote: quote.id, pin: fresh.pin }), 403, 'otp_required');
    const challenge = res.json().error.details.challenge_id as string;
    expect(challenge).toMatch(/^otp_/);
    const code = await smsCodeFor(world.tc.database.db, challenge);
    const wrongCode = code === '000000' ? '000001' : '000000';
    await refusedWithNothingWritten(fresh, () => confirmAs(fresh, { quote: quote.id, pin: fresh.pin, otp: { challenge_id: challenge, code: wrongCode } }), 400, 'otp_invalid');
  });
});

describe('destinations: refusals', () => {
  test('a bank account identity has not verified as the person\'s', async () => {
    const unverified = await makePerson(world, { verifyBank: false });
    await refusedWithNothingWritten(
      unverified,
      () => world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: { ...bearer(unverified.token), ...ko }, payload: { kind: 'bank', bank_code: unverified.bankCode, account_number: unverified.accountNumber } }),
      409,
      'destination_not_verified',
    );
  });

  test('a bank code that is not a Korean bank, and an account number of the wrong length', async () => {
    const add = (payload: Record<string, unknown>) => world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: { ...bearer(person.token), ...ko }, payload });
    await refusedWithNothingWritten(person, () => add({ kind: 'bank', bank_code: '999', account_number: '11012345678' }), 400, 'invalid_bank_code');
    await refusedWithNothingWritten(person, () => add({ kind: 'bank', bank_code: '090', account_number: '123' }), 400, 'invalid_account_number');
    await refusedWithNothingWritten(person, () => add({ kind: 'wallet', provider: 'ptn_01h455vb4pex5vsknk084sn02q', account: 'kim.minjun' }), 404, 'wallet_provider_not_found');
    await refusedWithNothingWritten(person, () => add({ kind: 'wallet', provider: 'ptn_01h455vb4pex5vsknk084sn02q', account: 'a b' }), 400, 'invalid_wallet_account');
    await refusedWithNothingWritten(person, () => add({ kind: 'paypal', account: 'x' }), 400, 'invalid_request');
  });

  test('adding a destination without the step-up code sends one and writes no destination', async () => {
    const other = await makePerson(world);
    const res = await refusedWithNothingWritten(
      other,
      () => world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: { ...bearer(other.token), ...ko }, payload: { kind: 'bank', bank_code: other.bankCode, account_number: other.accountNumber } }),
      403,
      'otp_required',
    );
    expect(res.json().error.details.challenge_id).toMatch(/^otp_/);
  });

  test('a removed destination can no longer be quoted or confirmed', async () => {
    const leaving = await readyPerson(world, won(20_000));
    const quote = await freshQuote(leaving);
    const removed = await world.app.inject({ method: 'DELETE', url: `/v1/me/destinations/${leaving.destination}`, headers: bearer(leaving.token) });
    expect(removed.statusCode).toBe(200);
    await refusedWithNothingWritten(leaving, () => quoteAs(leaving, base(leaving)), 404, 'destination_not_found');
    await refusedWithNothingWritten(leaving, () => confirmAs(leaving, { quote, pin: leaving.pin }), 404, 'destination_not_found');
  });
});

describe('without a session', () => {
  test('every route answers 401', async () => {
    for (const [method, url] of [['POST', '/v1/cashouts/quotes'], ['POST', '/v1/cashouts'], ['GET', '/v1/cashouts'], ['GET', '/v1/me/destinations'], ['PUT', '/v1/me/auto-sweep']] as const) {
      const res = await world.app.inject({ method, url, payload: method === 'GET' ? undefined : {} });
      expect(res.statusCode, url).toBe(401);
    }
  });
});
