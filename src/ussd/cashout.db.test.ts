// Cash-out over USSD, whole dialogs through POST /ussd as a gateway sends them, against the real
// cash-out service (quote + confirm), bank rail and bank simulator: people with identity-checked
// accounts and a bank account proved with the 1-won deposit. Every reply is measured against the
// one-message limit in both languages.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bankRound, balancesOf, fund, makePerson, openCashoutWorld, readyPerson, stateOf, won, type CashoutWorld, type Person } from '../../test/helpers/cashout.ts';
import { smsCodeFor } from '../../test/helpers/identity.ts';
import { attachUssd, Dialer } from '../../test/helpers/ussd.ts';
import type { FastifyInstance } from 'fastify';
import { fitsOneMessage } from './gsm.ts';

let world: CashoutWorld;
let app: FastifyInstance;
beforeAll(async () => {
  world = await openCashoutWorld();
  ({ app } = await attachUssd(world));
});
afterAll(async () => {
  await app.close();
  await world.close();
});

/** A dialer whose every reply must fit one USSD message. */
class MeasuredDialer extends Dialer {
  override async send(input: string): Promise<string> {
    return measured(await super.send(input));
  }
  override async dial(...shortcut: string[]): Promise<string> {
    return measured(await super.dial(...shortcut));
  }
}

function measured(reply: string): string {
  expect(fitsOneMessage(reply.slice(4)), reply).toBe(true);
  return reply;
}

const dialer = (phone: string) => new MeasuredDialer(app, phone);

function optionOf(screen: string, label: string): string {
  const line = screen.replace(/^(CON|END) /, '').split('\n').find((l) => l.endsWith(` ${label}`) || l.includes(` ${label}`));
  if (!line) throw new Error(`no "${label}" in:\n${screen}`);
  return line.split(' ')[0]!;
}

/** Dials and opens the cash-out menu (paging the main menu on if it must). */
async function openCashout(d: Dialer, label: string): Promise<string> {
  const menu = await d.dial();
  return d.send(optionOf(menu, label));
}

async function challengeOf(d: Dialer): Promise<string> {
  const row = await world.tc.database.db.selectFrom('ussd_sessions').select('data').where('id', '=', d.sessionId).executeTakeFirstOrThrow();
  return (row.data as Record<string, unknown>)['cashout.challenge'] as string;
}

async function cashoutsOf(person: Person) {
  return world.tc.database.db.selectFrom('cashouts').selectAll().where('user_id', '=', person.user.id).orderBy('created_at').execute();
}

async function pinFailures(person: Person): Promise<number> {
  await world.tc.identity.settle();
  const row = await world.tc.database.db.selectFrom('users').select('pin_failures').where('id', '=', person.user.id).executeTakeFirstOrThrow();
  return row.pin_failures;
}

/** Publishes the policy in force with the new-device step-up rule off (and back with `restore`). */
async function withoutNewDeviceRule(): Promise<() => Promise<void>> {
  const current = await world.policy.inForce();
  await world.policy.publish({ yaml: current.yaml.replace('new_device: true', 'new_device: false'), staffId: null });
  return async () => {
    await world.policy.publish({ yaml: current.yaml, staffId: null });
  };
}

describe('cash out over USSD', () => {
  test('bank: destination, amount, quote, wrong PIN (counted), right PIN, SMS code, result — then paid with a receipt', async () => {
    const person = await readyPerson(world, won(50_000), { lang: 'en' });
    const d = dialer(person.phone);
    const where = await openCashout(d, 'Cash out');
    expect(where).toMatch(/^CON Cash out to\n1 Bank: Shinhan Bank \*\*\*\*\d{4}\n0 Back 00 Menu$/);
    expect(await d.send('1')).toMatch(/^CON To Shinhan Bank \*\*\*\*\d{4}\n1 All cashable balance\n2 Enter an amount\n0 Back 00 Menu$/);
    expect(await d.send('2')).toBe('CON Amount (numbers only):\n0 Back 00 Menu');
    expect(await d.send('10.5')).toMatch(/^CON Enter an amount in numbers/);
    const quote = await d.send('10000');
    // The first bank payout of the month is free (policy: free_allowance_per_month 1).
    expect(quote).toMatch(/^CON To Shinhan Bank \*\*\*\*\d{4}\nAmount: KRW 10,000\nFee: KRW 0\nYou get: KRW 10,000\nArrives by \d\d-\d\d \d\d:\d\d\nAn SMS code follows the PIN\.\nPIN to confirm:\n0 Back 00 Menu$/);
    expect(await d.send('12345')).toMatch(/^CON A PIN is 6 digits\.\nTo Shinhan Bank/);
    expect(await d.send('000001')).toMatch(/^CON Wrong PIN\. 5 wrong PINs lock it for 30 min\.\nTo Shinhan Bank/);
    expect(await pinFailures(person)).toBe(1);
    expect(await cashoutsOf(person)).toEqual([]);
    expect(await d.send(person.pin)).toBe('CON We sent you a code by SMS.\nCode from the SMS:\n0 Back 00 Menu');
    const code = await smsCodeFor(world.tc.database.db, await challengeOf(d));
    expect(await d.send('12')).toMatch(/^CON The code is 6 digits\./);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await d.send(wrong)).toBe('CON Wrong code. Check the SMS.\nCode from the SMS:\n0 Back 00 Menu');
    expect(await cashoutsOf(person)).toEqual([]);
    const done = await d.send(code);
    const [cot] = /cot_[0-9a-z]{26}/.exec(done) ?? [];
    expect(done).toMatch(/^END Cash-out cot_[0-9a-z]{26}: KRW 10,000 to Shinhan Bank \*\*\*\*\d{4} by \d\d-\d\d \d\d:\d\d\. Receipt no\. by SMS when paid\.$/);
    const rows = await cashoutsOf(person);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'bank', payout: won(10_000), fee: won(0), origin: 'user' });
    expect((await balancesOf(world, person)).cashable.available).toBe(won(40_000));
    // The PIN and the code are nowhere in what was stored of the dialog.
    const stored = JSON.stringify(await world.tc.database.db.selectFrom('ussd_sessions').selectAll().where('id', '=', d.sessionId).execute());
    expect(stored).not.toContain(person.pin);
    expect(stored).not.toContain(code);
    // The bank pays; the person gets the receipt number by SMS.
    await world.service.runBankBatch();
    await bankRound(world);
    expect(await stateOf(world, cot!)).toBe('settled');
    const receipt = await world.tc.database.db.selectFrom('cashouts').select('receipt_number').where('user_id', '=', person.user.id).executeTakeFirstOrThrow();
    const sms = await world.tc.database.db.selectFrom('outbox_messages').select('body').where('recipient', '=', person.phone).where('template', '=', 'cashout.settled').execute();
    expect(sms.map((s) => s.body).join('\n')).toContain(receipt.receipt_number!);
  });

  test('without a step-up rule in play the PIN is the last step; "all" pays the whole won and the dust stays', async () => {
    const restore = await withoutNewDeviceRule();
    try {
      const person = await readyPerson(world, (won(12_345) + 350n) as ReturnType<typeof won>, { lang: 'en' });
      const d = dialer(person.phone);
      await openCashout(d, 'Cash out');
      await d.send('1');
      const quote = await d.send('1');
      expect(quote).toMatch(/^CON To Shinhan Bank \*\*\*\*\d{4}\nAmount: KRW 12,345\.035\nFee: KRW 0\nYou get: KRW 12,345\nStays in wallet: KRW 0\.035\nArrives by \d\d-\d\d \d\d:\d\d\nPIN to confirm:\n0 Back 00 Menu$/);
      // A gateway retry of the confirming request: the same answer, one cash-out.
      const done = await d.send(person.pin);
      expect(done).toMatch(/^END Cash-out cot_[0-9a-z]{26}: KRW 12,345 to Shinhan Bank/);
      expect(await d.retry()).toBe(done);
      expect(await cashoutsOf(person)).toHaveLength(1);
      expect((await balancesOf(world, person)).cashable.available).toBe(350n);
      // A second one this month pays the bank fee.
      await fund(world, person, { cashable: won(10_000) });
      const e = dialer(person.phone);
      await openCashout(e, 'Cash out');
      await e.send('1');
      await e.send('2');
      expect(await e.send('5000')).toMatch(/\nAmount: KRW 5,000\nFee: KRW 500\nYou get: KRW 4,500\n/);
    } finally {
      await restore();
    }
  });

  test('a destination saved moments ago: the cash-out waits out the cool-down, and the dialog says until when', async () => {
    const person = await readyPerson(world, won(30_000), { lang: 'en', seasoned: false });
    const d = dialer(person.phone);
    await openCashout(d, 'Cash out');
    await d.send('1');
    await d.send('2');
    await d.send('10000');
    await d.send(person.pin);
    const done = await d.send(await smsCodeFor(world.tc.database.db, await challengeOf(d)));
    expect(done).toMatch(/^END Cash-out cot_[0-9a-z]{26} \(KRW 10,000\) waits for a safety check until \d\d-\d\d \d\d:\d\d\. We will send an SMS\.$/);
    const [row] = await cashoutsOf(person);
    expect(row).toMatchObject({ state: 'held_for_review' });
    expect(row!.hold_until!.getTime()).toBeGreaterThan(world.clock.now().getTime());
  });

  test('in Korean, every screen within 80 characters, pages where it must', async () => {
    const restore = await withoutNewDeviceRule();
    try {
      const person = await readyPerson(world, won(30_000), { lang: 'ko' });
      const d = dialer(person.phone);
      expect(await openCashout(d, '출금')).toMatch(/^CON 출금할 곳\n1 은행: 신한은행 \*\*\*\*\d{4}\n0 이전 00 처음$/);
      expect(await d.send('1')).toMatch(/^CON 받는 곳 신한은행 \*\*\*\*\d{4}\n1 출금 가능액 전부\n2 금액 입력\n/);
      await d.send('2');
      const quote = await d.send('20000');
      expect(quote).toMatch(/^CON 받는 곳 신한은행 \*\*\*\*\d{4}\n금액 20,000원\n수수료 0원\n받는 돈 20,000원\n/);
      expect(await d.send(person.pin)).toMatch(/^(CON|END) 출금 cot_[0-9a-z]{26}: 신한은행 \*\*\*\*\d{4}로 20,000원/);
      expect(await cashoutsOf(person)).toHaveLength(1);
    } finally {
      await restore();
    }
  });

  test("refusals come from the cash-out service in the person's words, and nothing is reserved", async () => {
    const person = await readyPerson(world, won(3_000), { lang: 'en', spendOnly: won(20_000) });
    const d = dialer(person.phone);
    await openCashout(d, 'Cash out');
    await d.send('1');
    await d.send('2');
    // Only spend-only value would cover it: it can never be cashed out.
    expect(await d.send('10000')).toMatch(/^CON Value bought on a phone bill or given as a promotion can be spent at merchants but never cashed out or sent\.\nAmount \(numbers only\):/);
    expect(await d.send('999999999')).toMatch(/^CON The balance is not enough for this\.\n/);
    expect(await d.send('500')).toMatch(/^CON The amount paid out would be below the minimum cash-out/);
    expect(await cashoutsOf(person)).toEqual([]);
    // 0 goes back to the amount choice, 00 to the main menu.
    expect(await d.send('0')).toMatch(/^CON To Shinhan Bank/);
    expect(await d.send('00')).toMatch(/^CON smallchange\n1 Balance\n/);
  });

  test('a frozen account is told so at the quote; no cash-out', async () => {
    const person = await readyPerson(world, won(20_000), { lang: 'en' });
    await world.tc.identity.freezeSelf(world.tc.database.db, person.user.id, 'app');
    const d = dialer(person.phone);
    await openCashout(d, 'Cash out');
    await d.send('1');
    const refused = await d.send('1');
    expect(refused).toMatch(/^CON .*frozen/i);
    expect(await cashoutsOf(person)).toEqual([]);
  });

  test('no saved, verified destination: told where to add one', async () => {
    const person = await makePerson(world, { lang: 'en', verifyBank: false });
    const d = dialer(person.phone);
    expect(await openCashout(d, 'Cash out')).toBe('CON Cash out to\nNo verified bank account or wallet is saved. Add one in the app or on the web.\n0 Back 00 Menu');
    expect(await d.send('1')).toMatch(/^CON Not an option/);
  });

  test('a quote that expires before the PIN: back to the amount choice, nothing confirmed', async () => {
    const person = await readyPerson(world, won(20_000), { lang: 'en' });
    const d = dialer(person.phone);
    await openCashout(d, 'Cash out');
    await d.send('1');
    await d.send('1');
    const { policy } = await world.policy.inForce();
    world.clock.advance((policy.cashout.quote_validity_seconds + 1) * 1000);
    expect(await d.send(person.pin)).toMatch(/^CON The quote expired\. Choose again\.\nTo Shinhan Bank \*\*\*\*\d{4}\n1 All cashable balance/);
    expect(await cashoutsOf(person)).toEqual([]);
    expect(await pinFailures(person)).toBe(0);
  });

  test('five wrong PINs at the quote lock the account, like everywhere else', async () => {
    const person = await readyPerson(world, won(20_000), { lang: 'en' });
    const d = dialer(person.phone);
    await openCashout(d, 'Cash out');
    await d.send('1');
    await d.send('1');
    for (let i = 1; i <= 5; i++) expect(await d.send(`00000${i}`)).toMatch(/^CON Wrong PIN\./);
    await world.tc.identity.settle();
    const row = await world.tc.database.db.selectFrom('users').select('locked_until').where('id', '=', person.user.id).executeTakeFirstOrThrow();
    expect(row.locked_until).not.toBeNull();
    expect(await d.send(person.pin)).toMatch(/^CON Wrong PIN\./);
    expect(await cashoutsOf(person)).toEqual([]);
    // A wrong PIN is refused before the step-up: no code was sent.
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM otp_challenges WHERE user_id = ${person.user.id} AND action = 'cashout.create'`.execute(world.tc.database.db);
    expect(rows[0]!.n).toBe(0);
  });

});
