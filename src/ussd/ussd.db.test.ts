// Whole USSD dialogs through POST /ussd, sent as a gateway sends them: registration, balance,
// PIN change, freeze and fraud, call back, navigation, timeouts, retries, bad input, gateway
// authentication. Every reply is text/plain CON/END and 200 — never a 5xx for anything typed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { countRows } from '../../test/helpers/context.ts';
import { nextPhone, registerTestUser, type TestUser } from '../../test/helpers/identity.ts';
import { createUssdTestContext, Dialer, gatewayPost, TEST_GATEWAY_SECRET, type UssdTestContext } from '../../test/helpers/ussd.ts';
import type { Micros } from '../money/index.ts';
import { SESSION_IDLE_SECONDS } from './engine.ts';

let tc: UssdTestContext;
beforeAll(async () => {
  tc = await createUssdTestContext();
});
afterAll(async () => {
  await tc.closeAll();
});

const krw = (won: bigint, micros = 0n) => (won * 10_000n + micros) as Micros;
const dialer = (phone: string, options: ConstructorParameters<typeof Dialer>[2] = {}) => new Dialer(tc.app, phone, options);

async function userRow(phone: string) {
  return tc.database.db.selectFrom('users').selectAll().where('phone', '=', phone).executeTakeFirst();
}

async function smsTemplates(phone: string): Promise<string[]> {
  const rows = await tc.database.db.selectFrom('outbox_messages').select('template').where('recipient', '=', phone).orderBy('created_at').execute();
  return rows.map((r) => r.template);
}

/** The main menu's option number for a label ("3" for "Freeze / report fraud"). */
function optionOf(screen: string, label: string): string {
  const line = screen.split('\n').find((l) => l.endsWith(` ${label}`));
  if (!line) throw new Error(`no "${label}" in:\n${screen}`);
  return line.split(' ')[0]!;
}

describe('registration', () => {
  test('a new number chooses English, accepts, sets a PIN and lands in the main menu at tier 0 — no SMS code', async () => {
    const phone = nextPhone();
    const d = dialer(phone, { networkCode: '45008' });
    const before = await countRows(tc.database, ['otp_challenges']);
    expect(await d.dial()).toBe('CON smallchange\n1 한국어\n2 English');
    expect(await d.send('2')).toMatch(/^CON Open a wallet\nBasic tier: balance up to KRW 500,000\. .*\nPolicy: https:\/\/sc\.example\/policy\?lang=en\n1 Accept\n2 Read summary\n0 Back 00 Menu$/);
    expect(await d.send('1')).toBe('CON Choose a 6-digit PIN:\n0 Back 00 Menu');
    expect(await d.send('123456')).toBe('CON Too easy to guess. Avoid runs, repeats, dates, phone digits.\nChoose a 6-digit PIN:\n0 Back 00 Menu');
    expect(await d.send('1234')).toMatch(/^CON A PIN is 6 digits\.\nChoose a 6-digit PIN:/);
    expect(await d.send('480273')).toBe('CON Enter the PIN again:\n0 Back 00 Menu');
    expect(await d.send('480274')).toBe('CON The PINs did not match. Try again.\nChoose a 6-digit PIN:\n0 Back 00 Menu');
    expect(await userRow(phone)).toBeUndefined();
    await d.send('480273');
    const menu = await d.send('480273');
    expect(menu).toMatch(/^CON Your wallet is open\.\nsmallchange\n1 Balance\n/);
    const row = await userRow(phone);
    expect(row).toMatchObject({ tier: 0, lang: 'en', carrier: 'KT', status: 'active' });
    expect(await countRows(tc.database, ['otp_challenges'])).toEqual(before);
    expect(await smsTemplates(phone)).toEqual(['account.welcome']);
    await expect(tc.identity.verifyPin(tc.database.db, row!.id, '480273')).resolves.toBeTruthy();
  });

  test('in Korean, reading the policy summary first and coming back to accept', async () => {
    const phone = nextPhone();
    const d = dialer(phone, { networkCode: '45006' });
    await d.dial();
    // The choices are on the first page of the Korean terms screen.
    expect(await d.send('1')).toMatch(/^CON 지갑 만들기\n.+\n1 동의\n2 요약 보기\n0 이전 00 처음$/);
    expect(await d.send('2')).toMatch(/^CON 수수료·권리\n기본 \(휴대폰 인증\): 잔액 한도 500,000원\n99 다음/);
    expect(await d.send('0')).toMatch(/^CON 지갑 만들기\n/);
    await d.send('1');
    await d.send('692047');
    expect(await d.send('692047')).toMatch(/^CON 지갑이 열렸습니다\.\n스몰체인지\n1 잔액/);
    expect(await userRow(phone)).toMatchObject({ lang: 'ko', carrier: 'LGU' });
  });

  test('00 during registration goes back to the language choice; nothing is created', async () => {
    const phone = nextPhone();
    const d = dialer(phone);
    await d.dial();
    await d.send('2');
    await d.send('1');
    expect(await d.send('00')).toBe('CON smallchange\n1 한국어\n2 English');
    expect(await userRow(phone)).toBeUndefined();
  });
});

describe('registered callers', () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await registerTestUser(tc, { lang: 'en' });
    await tc.credit(u.user.id, krw(12_345n, 350n));
    await tc.credit(u.user.id, krw(2_000n), 'spend_only');
  });

  test('balance asks for the PIN once per dialog and shows the cashable / spend-only split with dust', async () => {
    const d = dialer(u.phone);
    const menu = await d.dial();
    expect(menu).toMatch(/^CON smallchange\n1 Balance\n/);
    expect(await d.send('1')).toBe('CON Enter your PIN:\n0 Back 00 Menu');
    expect(await d.send(u.pin)).toBe('CON Balance\nAvailable: KRW 14,345.035\nCashable: KRW 12,345.035\nSpend only: KRW 2,000\n0 Back 00 Menu');
    expect(await d.send('0')).toBe(menu);
    expect(await d.send('1')).toMatch(/^CON Balance\n/);
  });

  test('last transactions: the five newest, newest first, each with date, signed amount and what it was', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    for (let i = 1; i <= 7; i++) {
      await tc.credit(v.user.id, krw(BigInt(i * 100)));
      tc.clock.advance(60_000);
    }
    const d = dialer(v.phone);
    await d.send(optionOf(await d.dial(), 'Last transactions'));
    const screen = await d.send(v.pin);
    const lines = screen.split('\n');
    expect(lines[0]).toBe('CON Last transactions (KRW)');
    expect(lines.slice(1, 6)).toEqual(['+700', '+600', '+500', '+400', '+300'].map((amount) => expect.stringMatching(new RegExp(`^\\d\\d-\\d\\d \\${amount} Rewards$`))));
    expect(lines).toHaveLength(7);
    const empty = await registerTestUser(tc, { lang: 'ko' });
    const e = dialer(empty.phone);
    await e.send(optionOf(await e.dial(), '최근 거래'));
    expect(await e.send(empty.pin)).toBe('CON 최근 거래\n거래가 없습니다.\n0 이전 00 처음');
  });

  test('my limits: see them, lower the daily cash-out cap at once; raising is refused without sending a code', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    expect(await d.send(optionOf(await d.dial(), 'My limits'))).toBe('CON My limits\n1 Cash-out\n2 Spending\n3 Sending\n0 Back 00 Menu');
    expect(await d.send('1')).toBe(
      'CON Cash-out\nDaily KRW 200,000, used KRW 0, left KRW 200,000\nMonthly KRW 500,000, used KRW 0, left KRW 500,000\n1 Lower daily limit\n2 Lower monthly limit\n0 Back 00 Menu',
    );
    expect(await d.send('1')).toBe('CON Now: KRW 200,000\nNew limit (numbers only):\n0 Back 00 Menu');
    const challenges = await countRows(tc.database, ['otp_challenges']);
    expect(await d.send('300000')).toMatch(/^CON Enter less than KRW 200,000\. Raise limits in the app\.\n/);
    expect(await d.send('12.5')).toMatch(/^CON Enter an amount in numbers/);
    expect(await d.send('50000')).toBe('END Cash-out limit, daily: KRW 50,000. It applies now.');
    expect(await countRows(tc.database, ['otp_challenges'])).toEqual(challenges);
    const view = await tc.wallets.limits(v.user.id);
    expect(view.limits.cash_out.daily).toMatchObject({ self_cap: krw(50_000n), effective_cap: krw(50_000n) });
    const again = dialer(v.phone);
    await again.send(optionOf(await again.dial(), 'My limits'));
    expect(await again.send('1')).toContain('Daily KRW 50,000, used KRW 0, left KRW 50,000');
  });

  test('a dial string (*123*1#) arrives with its input in the first request', async () => {
    const d = dialer(u.phone);
    expect(await d.dial('1')).toBe('CON Enter your PIN:\n0 Back 00 Menu');
  });

  test('change PIN: current, new, again — then the new PIN works and the old one does not', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    const menu = await d.dial();
    expect(await d.send(optionOf(menu, 'Change PIN'))).toBe('CON Current PIN:\n0 Back 00 Menu');
    expect(await d.send(v.pin)).toBe('CON New 6-digit PIN:\n0 Back 00 Menu');
    expect(await d.send('111111')).toMatch(/^CON Too easy to guess/);
    expect(await d.send('692047')).toBe('CON New PIN again:\n0 Back 00 Menu');
    expect(await d.send('692048')).toBe('CON The PINs did not match. Try again.\nNew 6-digit PIN:\n0 Back 00 Menu');
    await d.send('692047');
    expect(await d.send('692047')).toBe('END Your PIN is changed. Sign in to the app again.');
    await expect(tc.identity.verifyPin(tc.database.db, v.user.id, '692047')).resolves.toBeTruthy();
    await expect(tc.identity.verifyPin(tc.database.db, v.user.id, v.pin)).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await smsTemplates(v.phone)).toContain('security.pin_changed');
  });

  test('change PIN with a wrong current PIN: back to the first entry, counted toward the lockout, nothing changed', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    await d.send(optionOf(await d.dial(), 'Change PIN'));
    await d.send('000001');
    await d.send('692047');
    expect(await d.send('692047')).toBe('CON Wrong PIN. 5 wrong PINs lock it for 30 min.\nCurrent PIN:\n0 Back 00 Menu');
    await tc.identity.settle();
    expect((await userRow(v.phone))!.pin_failures).toBe(1);
    await expect(tc.identity.verifyPin(tc.database.db, v.user.id, v.pin)).resolves.toBeTruthy();
    // 0 from here goes to the menu the flow started from, not into the half-done flow.
    expect(await d.send('0')).toMatch(/^CON smallchange\n/);
  });

  test('five wrong PINs lock the account (SMS sent); then even the right PIN is refused the same way', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    await d.dial();
    await d.send('1');
    for (let i = 0; i < 5; i++) expect(await d.send(`00000${i + 1}`)).toBe('CON Wrong PIN. 5 wrong PINs lock it for 30 min.\nEnter your PIN:\n0 Back 00 Menu');
    await tc.identity.settle();
    const row = await userRow(v.phone);
    expect(row!.locked_until!.getTime()).toBe(tc.clock.now().getTime() + 30 * 60_000);
    expect(await smsTemplates(v.phone)).toContain('security.locked');
    expect(await d.send(v.pin)).toMatch(/^CON Wrong PIN\./);
    expect(await d.send('12')).toMatch(/^CON A PIN is 6 digits\./);
  });

  test('freeze now: no PIN, the account is frozen by its owner over USSD, SMS sent', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    const freeze = await d.send(optionOf(await d.dial(), 'Freeze / report fraud'));
    expect(freeze).toBe('CON Freeze account\nWhile frozen, no money leaves your account. Lift it in the app with PIN and SMS code.\n1 Freeze now\n2 Report fraud and freeze\n0 Back 00 Menu');
    expect(await d.send('1')).toBe('END Your account is frozen. No money can leave it.');
    expect(await userRow(v.phone)).toMatchObject({ frozen_by: 'self', frozen_reason: 'self:ussd' });
    expect(await smsTemplates(v.phone)).toContain('account.frozen');
    const again = dialer(v.phone);
    expect(await again.send(optionOf(await again.dial(), 'Freeze / report fraud'))).toMatch(/^CON Freeze account\nYour account is frozen now\.\n1 Report fraud and freeze\n/);
  });

  test('report fraud: frozen, and a call-back marked fraud in the support queue with the reference told', async () => {
    const v = await registerTestUser(tc, { lang: 'ko' });
    const d = dialer(v.phone);
    await d.send(optionOf(await d.dial(), '정지·사기 신고'));
    const done = await d.send('2');
    const [, ref] = /접수 ([0-9A-Z]{6})$/.exec(done) ?? [];
    expect(done).toMatch(/^END 정지했습니다\. 010-\*\*\*\*-\d{4}로 전화드립니다\. 접수 [0-9A-Z]{6}$/);
    const request = await tc.support.openRequestOf(tc.database.db, v.user.id);
    expect(request).toMatchObject({ topic: 'fraud', channel: 'ussd', phone: v.phone, reference: ref });
    expect((await userRow(v.phone))!.frozen_by).toBe('self');
  });

  test('call me back: a topic, a reference; the next dialog says it was asked', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    expect(await d.send(optionOf(await d.dial(), 'Call me back'))).toBe('CON Call me back about\n1 A cash-out\n2 A transaction\n3 My account or PIN\n4 Something else\n0 Back 00 Menu');
    expect(await d.send('9')).toMatch(/^CON Not an option\. Choose a number\.\nCall me back about\n/);
    const done = await d.send('3');
    expect(done).toMatch(/^END Support will call 010-\*\*\*\*-\d{4}\. Ref [0-9A-Z]{6}$/);
    expect(await tc.support.openRequestOf(tc.database.db, v.user.id)).toMatchObject({ topic: 'account' });
    const again = dialer(v.phone);
    expect(await again.send(optionOf(await again.dial(), 'Call me back'))).toMatch(/^CON You asked on \d\d-\d\d \d\d:\d\d \(ref [0-9A-Z]{6}\)\. Support will call you\.\n0 Back 00 Menu$/);
    expect(await again.send('1')).toMatch(/^CON Not an option/);
    expect((await tc.database.db.selectFrom('callback_requests').select('id').where('user_id', '=', v.user.id).execute()).length).toBe(1);
  });

  test('language: switching to Korean is kept for the next dialog', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    await d.dial();
    // The main menu's last entry is on its second page.
    expect(await d.send(optionOf((await d.send('99')).slice('CON '.length), 'Language'))).toBe('CON Language\n1 한국어\n2 English\n0 Back 00 Menu');
    expect(await d.send('1')).toMatch(/^CON 언어를 바꿨습니다\.\n스몰체인지\n/);
    expect((await userRow(v.phone))!.lang).toBe('ko');
  });

  test('navigation: 99 pages on, 0 pages back then leaves, 00 goes to the menu from anywhere', async () => {
    const d = dialer(u.phone);
    const menu = await d.dial();
    const first = await d.send(optionOf(menu, 'Fees and rights'));
    expect(first).toContain('99 More');
    const second = await d.send('99');
    expect(second).not.toBe(first);
    expect(await d.send('0')).toBe(first);
    expect(await d.send('0')).toBe(menu);
    await d.send('1');
    expect(await d.send('00')).toBe(menu);
    expect(await d.send('0')).toBe(menu);
  });

  test('bad input: letters, unknown numbers, empty answers, stars and very long answers get a clear screen', async () => {
    const d = dialer(u.phone);
    const menu = await d.dial();
    const body = menu.slice('CON '.length);
    // The main menu flows onto a second page (99); 0 pages back to the first.
    expect(await d.send('99')).toBe('CON 11 Language\n0 Back');
    expect(await d.send('0')).toBe(menu);
    for (const input of ['abc', '42', '', '1*2', '-1', '１', ' ', 'x'.repeat(500)]) {
      const reply = await d.send(input);
      expect(reply, JSON.stringify(input)).toMatch(/^CON Not an option\. Choose a number\.\nsmallchange\n1 Balance\n/);
      for (const line of reply.split('\n').slice(1).filter((l) => !/^99 /.test(l))) expect(body.split('\n'), JSON.stringify(input)).toContain(line);
    }
    expect(await d.send('1')).toBe('CON Enter your PIN:\n0 Back 00 Menu');
    expect(await d.send('12ab56')).toBe('CON A PIN is 6 digits.\nEnter your PIN:\n0 Back 00 Menu');
  });

  test('a gateway retry gets the same answer and does not count a wrong PIN twice', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    await d.dial();
    await d.send('1');
    const wrong = await d.send('000001');
    expect(await d.retry()).toBe(wrong);
    await tc.identity.settle();
    expect((await userRow(v.phone))!.pin_failures).toBe(1);
  });

  test('an idle dialog times out; its later requests keep getting the timeout', async () => {
    const d = dialer(u.phone);
    await d.dial();
    tc.clock.advance((SESSION_IDLE_SECONDS + 1) * 1000);
    expect(await d.send('1')).toBe('END Your session timed out. Please dial again.');
    expect(await d.send('1')).toBe('END Your session timed out. Please dial again.');
    const row = await tc.database.db.selectFrom('ussd_sessions').select(['status', 'ended_at']).where('id', '=', d.sessionId).executeTakeFirstOrThrow();
    expect(row.status).toBe('timed_out');
    // Just inside the limit is fine.
    const e = dialer(u.phone);
    await e.dial();
    tc.clock.advance(SESSION_IDLE_SECONDS * 1000);
    expect(await e.send('1')).toMatch(/^CON /);
  });

  test("the idle timeout is the policy's: a version with 60 seconds ends a dialog idle for 61", async () => {
    const current = await tc.policy.inForce();
    expect(current.policy.ussd.session_idle_seconds).toBe(SESSION_IDLE_SECONDS);
    await tc.policy.publish({ yaml: current.yaml.replace('session_idle_seconds: 180', 'session_idle_seconds: 60'), staffId: null });
    try {
      const d = dialer(u.phone);
      await d.dial();
      tc.clock.advance(59_000);
      expect(await d.send('1')).toMatch(/^CON /);
      tc.clock.advance(61_000);
      expect(await d.send('0')).toBe('END Your session timed out. Please dial again.');
    } finally {
      await tc.policy.publish({ yaml: current.yaml, staffId: null });
    }
  });

  test('the sweep times out idle dialogs and forgets old ended ones', async () => {
    const d = dialer(u.phone);
    await d.dial();
    tc.clock.advance((SESSION_IDLE_SECONDS + 1) * 1000);
    const swept = await tc.ussd.sweep();
    expect(swept.timedOut).toBeGreaterThan(0);
    expect((await tc.database.db.selectFrom('ussd_sessions').select('status').where('id', '=', d.sessionId).executeTakeFirstOrThrow()).status).toBe('timed_out');
    tc.clock.advance(25 * 3_600_000);
    await tc.ussd.sweep();
    expect(await tc.database.db.selectFrom('ussd_sessions').select('id').where('id', '=', d.sessionId).executeTakeFirst()).toBeUndefined();
  });

  test('after END the session is over; a request that does not continue the dialog ends it', async () => {
    const v = await registerTestUser(tc, { lang: 'en' });
    const d = dialer(v.phone);
    await d.send(optionOf(await d.dial(), 'Freeze / report fraud'));
    await d.send('1');
    expect(await d.send('1')).toBe('END This session has ended. Please dial again.');
    const e = dialer(v.phone);
    await e.dial();
    await e.send('1');
    expect((await e.raw('77')).body).toBe('END This session has ended. Please dial again.');
  });

  test("another phone cannot use someone's session id", async () => {
    const d = dialer(u.phone);
    await d.dial();
    await d.send('1');
    const intruder = dialer(nextPhone(), { sessionId: d.sessionId });
    expect((await intruder.raw('1*480273')).body).toMatch(/^END /);
    const row = await tc.database.db.selectFrom('ussd_sessions').select(['phone', 'node']).where('id', '=', d.sessionId).executeTakeFirstOrThrow();
    expect(row).toEqual({ phone: u.phone, node: 'pin.view' });
  });
});

describe('the gateway', () => {
  const form = (over: Record<string, string> = {}) => ({ sessionId: `ATUid_${Math.random()}`, serviceCode: '*123#', phoneNumber: nextPhone(), networkCode: '45005', text: '', ...over });

  test('without the shared secret, or with a wrong one: 401, nothing written', async () => {
    const before = await countRows(tc.database, ['ussd_sessions', 'users']);
    for (const secret of [null, '', 'wrong-secret-of-enough-length', `${TEST_GATEWAY_SECRET}x`]) {
      const response = await gatewayPost(tc.app, form(), secret);
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body).error.code).toBe('unauthenticated');
    }
    expect(await countRows(tc.database, ['ussd_sessions', 'users'])).toEqual(before);
  });

  test('malformed requests get 400 with an END text, nothing written', async () => {
    const before = await countRows(tc.database, ['ussd_sessions', 'users']);
    const cases: Record<string, string>[] = [
      { ...form(), sessionId: '' },
      { ...form(), phoneNumber: '12345' },
      { ...form(), phoneNumber: '+8221234567' }, // a landline
      { ...form(), serviceCode: '' },
      { ...form(), text: '1'.repeat(2001) },
      { ...form(), sessionId: 's'.repeat(129) },
    ];
    const { phoneNumber: _drop, ...noPhone } = form();
    cases.push(noPhone);
    for (const body of cases) {
      const response = await gatewayPost(tc.app, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.contentType).toMatch(/^text\/plain/);
      expect(response.body).toMatch(/^END /);
    }
    const json = await tc.app.inject({ method: 'POST', url: '/ussd', headers: { 'content-type': 'application/json', 'x-ussd-gateway-secret': TEST_GATEWAY_SECRET }, payload: '{"sessionId":' });
    expect(json.statusCode).toBe(400);
    expect(await countRows(tc.database, ['ussd_sessions', 'users'])).toEqual(before);
  });

  test('an unescaped + in the phone number (decoded as a space) is understood', async () => {
    const phone = nextPhone();
    const response = await tc.app.inject({
      method: 'POST',
      url: '/ussd',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-ussd-gateway-secret': TEST_GATEWAY_SECRET },
      payload: `sessionId=plus-test&serviceCode=*123%23&phoneNumber=${phone}&networkCode=45005&text=`,
    });
    expect(response.statusCode).toBe(200);
    const row = await tc.database.db.selectFrom('ussd_sessions').select('phone').where('id', '=', 'plus-test').executeTakeFirstOrThrow();
    expect(row.phone).toBe(phone);
  });

  test('extra fields from a gateway are ignored', async () => {
    const response = await gatewayPost(tc.app, { ...form(), hopCount: '1', carrierName: 'SKT' });
    expect(response.status).toBe(200);
    expect(response.body).toMatch(/^CON smallchange/);
  });
});
