// The agent cash-out code over USSD, end to end on the real composition root (src/runtime.ts wires
// the feature): whole dialogs through POST /ussd as a gateway sends them — amount → the agent
// channel's quote (fee, net) → PIN (a wrong one counted) → the SMS step-up code → the 8-digit code
// and its expiry — then an agent's counter redeems that code and the cash-out settles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fund, idem, makePerson, makeShop, openAgentWorld, won, wire, type AgentWorld, type Person, type Shop } from '../../test/helpers/agents.ts';
import { bearer, smsCodeFor } from '../../test/helpers/identity.ts';
import { Dialer } from '../../test/helpers/ussd.ts';
import { fitsOneMessage } from './gsm.ts';

/** The runtime's default gateway secret (config USSD_GATEWAY_SECRETS). */
const GATEWAY_SECRET = 'demo-ussd-gateway-secret-change-me';

let world: AgentWorld;
let shop: Shop;
beforeAll(async () => {
  world = await openAgentWorld();
  shop = await makeShop(world, { cash: won(2_000_000) });
});
afterAll(async () => world?.close());

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

const dialer = (phone: string) => new MeasuredDialer(world.rt.app, phone, { secret: GATEWAY_SECRET });

function optionOf(screen: string, label: string): string {
  const line = screen.replace(/^(CON|END) /, '').split('\n').find((l) => l.includes(` ${label}`));
  if (!line) throw new Error(`no "${label}" in:\n${screen}`);
  return line.split(' ')[0]!;
}

async function setLang(person: Person, lang: 'en' | 'ko'): Promise<void> {
  await world.rt.database.db.updateTable('users').set({ lang }).where('id', '=', person.user.id).execute();
}

async function cashoutsOf(person: Person) {
  return world.rt.database.db.selectFrom('cashouts').selectAll().where('user_id', '=', person.user.id).orderBy('created_at').execute();
}

async function pinFailures(person: Person): Promise<number> {
  await world.rt.ctx.services.identity.settle();
  const row = await world.rt.database.db.selectFrom('users').select('pin_failures').where('id', '=', person.user.id).executeTakeFirstOrThrow();
  return row.pin_failures;
}

async function challengeOf(d: Dialer): Promise<string> {
  const row = await world.rt.database.db.selectFrom('ussd_sessions').select('data').where('id', '=', d.sessionId).executeTakeFirstOrThrow();
  return (row.data as Record<string, unknown>)['agent.challenge'] as string;
}

/** Confirms with the PIN, answering the SMS step-up code when the policy asks for one; the END screen. */
async function confirmWithPin(d: Dialer, pin: string): Promise<string> {
  const afterPin = await d.send(pin);
  if (!afterPin.startsWith('CON ') || !afterPin.includes('SMS') && !afterPin.includes('문자')) return afterPin;
  return d.send(await smsCodeFor(world.rt.database.db, await challengeOf(d)));
}

const redeem = (code: string, amount: string) =>
  world.rt.app.inject({ method: 'POST', url: '/v1/agent/withdrawals', headers: { ...bearer(shop.counter.token), ...idem() }, payload: { code, amount: wire(amount) } });

describe('agent cash-out code over USSD', () => {
  it('amount → quote with fee and net → wrong PIN (counted) → PIN → code; an agent pays it out', async () => {
    const person = await makePerson(world);
    await fund(world, person, won(50_000));
    const d = dialer(person.phone);
    const menu = await d.dial();
    expect(await d.send(optionOf(menu, 'Agent cash-out code'))).toBe('CON Cash at an agent\n1 All cashable balance\n2 Enter an amount\n0 Back 00 Menu');
    expect(await d.send('2')).toBe('CON Amount (numbers only):\n0 Back 00 Menu');
    expect(await d.send('12.5')).toMatch(/^CON Enter an amount in numbers/);
    const quote = await d.send('10000');
    const fee = /Fee: KRW ([\d,]+)/.exec(quote)?.[1]?.replace(/,/g, '');
    const net = /You get: KRW ([\d,]+)/.exec(quote)?.[1]?.replace(/,/g, '');
    expect(quote).toMatch(/^CON Cash at an agent\nAmount: KRW 10,000\nFee: KRW [\d,]+\nYou get: KRW [\d,]+\n(An SMS code follows the PIN\.\n)?PIN to confirm:\n0 Back 00 Menu$/);
    expect(BigInt(fee!) + BigInt(net!)).toBe(10_000n);
    expect(await d.send('12345')).toMatch(/^CON A PIN is 6 digits\./);
    const wrong = person.pin === '000001' ? '000002' : '000001';
    expect(await d.send(wrong)).toMatch(/^CON Wrong PIN\. \d+ wrong PINs lock it for \d+ min\.\nCash at an agent/);
    expect(await pinFailures(person)).toBe(1);
    expect(await cashoutsOf(person)).toEqual([]);

    const done = await confirmWithPin(d, person.pin);
    expect(done).toMatch(/^END Code \d{8}: an agent pays you KRW [\d,]+\. Valid until \d\d-\d\d \d\d:\d\d\. Also sent by SMS\.$/);
    const code = /Code (\d{8})/.exec(done)![1]!;
    const [row] = await cashoutsOf(person);
    expect(row).toMatchObject({ channel: 'agent', origin: 'user', payout: won(BigInt(net!)), fee: won(BigInt(fee!)) });
    // The same code by SMS; neither the PIN nor the code in what was stored of the dialog.
    const sms = await world.rt.database.db.selectFrom('outbox_messages').select('body').where('recipient', '=', person.phone).where('template', '=', 'agent.code').execute();
    expect(sms.map((s) => s.body).join('\n')).toContain(code);
    const stored = JSON.stringify(await world.rt.database.db.selectFrom('ussd_sessions').selectAll().where('id', '=', d.sessionId).execute());
    expect(stored).not.toContain(person.pin);
    expect(stored).not.toContain(code);
    // A gateway retry of the last request gets the stored screen: the code is not at rest anywhere.
    expect(await d.retry()).toMatch(/^END Your code was sent by SMS: an agent pays you KRW [\d,]+\. Valid until /);

    // The shop's counter redeems the code from the dialog through the agent service.
    const paid = await redeem(code, net!);
    expect(paid.statusCode, paid.body).toBeLessThan(300);
    const after = await world.rt.database.db.selectFrom('cashouts').select('state').where('id', '=', row!.id).executeTakeFirstOrThrow();
    expect(after.state).toBe('settled');
    // Single use.
    expect((await redeem(code, net!)).json().error.code).toBe('withdrawal_code_used');
  });

  it('ko: "all" quotes the whole cashable balance and gives a code that fits a Korean screen', async () => {
    const person = await makePerson(world);
    await setLang(person, 'ko');
    await fund(world, person, won(30_000));
    const d = dialer(person.phone);
    const menu = await d.dial();
    expect(await d.send(optionOf(menu, '대리점 출금 코드'))).toBe('CON 대리점 현금 출금\n1 출금 가능액 전부\n2 금액 입력\n0 이전 00 처음');
    const quote = await d.send('1');
    expect(quote).toMatch(/^CON 대리점 현금 출금\n금액 30,000원\n수수료 [\d,]+원\n받는 돈 [\d,]+원\n/);
    const done = await confirmWithPin(d, person.pin);
    expect(done).toMatch(/^END 출금 코드 \d{8}: 대리점에서 .+ 받기\. \d\d-\d\d \d\d:\d\d까지 유효\. 문자로도 보냄$/);
    expect(await cashoutsOf(person)).toHaveLength(1);
  });

  it('not enough balance: the service refuses on the amount screen and nothing is reserved', async () => {
    const person = await makePerson(world);
    await fund(world, person, won(3_000));
    const d = dialer(person.phone);
    const menu = await d.dial();
    await d.send(optionOf(menu, 'Agent cash-out code'));
    await d.send('2');
    const refused = await d.send('10000');
    expect(refused).toMatch(/^CON .+\nAmount \(numbers only\):\n0 Back 00 Menu$/);
    expect(refused).not.toContain('PIN');
    expect(await cashoutsOf(person)).toEqual([]);
    const quotes = await world.rt.database.db.selectFrom('cashout_quotes').select('id').where('user_id', '=', person.user.id).execute();
    expect(quotes).toEqual([]);
  });
});
