// The gateway's `text` carries PINs: no log line and no stored row may hold it. Logs are captured
// at info level (request logging on) through a whole dialog that types PINs, and a request that
// smuggles the text into the URL.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { nextPhone, registerTestUser, smsCodeFor } from '../../test/helpers/identity.ts';
import type { Micros } from '../money/index.ts';
import { createUssdTestContext, Dialer, TEST_GATEWAY_SECRET, type UssdTestContext } from '../../test/helpers/ussd.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let tc: UssdTestContext;
beforeAll(async () => {
  tc = await createUssdTestContext({ logDestination: sink });
});
afterAll(async () => {
  await tc.closeAll();
});

test('PINs and the text field appear in no log line and no session row', async () => {
  const pins = ['480273', '692047', '735190'];
  const d = new Dialer(tc.app, nextPhone());
  await d.dial();
  for (const input of ['2', '1', pins[0]!, pins[0]!, '2', pins[0]!, pins[1]!, pins[1]!]) await d.send(input);
  const u = await registerTestUser(tc, { lang: 'en' });
  const e = new Dialer(tc.app, u.phone);
  await e.dial();
  await e.send('1');
  await e.send(pins[2]!); // a wrong PIN
  await e.send(u.pin);
  // A cash-out: the PIN on the quote, then the SMS code; neither may be logged or stored.
  await tc.credit(u.user.id, 20_000_0000n as Micros);
  await tc.addWalletDestination(u.user.id);
  const c = new Dialer(tc.app, u.phone);
  const menu = await c.dial();
  const cashout = /^(\d+) Cash out$/m.exec(menu.slice(4))![1]!;
  for (const input of [cashout, '1', '2', '5000']) await c.send(input);
  expect(await c.send(u.pin)).toContain('Code from the SMS:');
  const session = await tc.database.db.selectFrom('ussd_sessions').select('data').where('id', '=', c.sessionId).executeTakeFirstOrThrow();
  const code = await smsCodeFor(tc.database.db, (session.data as Record<string, string>)['cashout.challenge']!);
  expect(await c.send(code)).toMatch(/^END Cash-out cot_/);

  const smuggled = await tc.app.inject({
    method: 'POST',
    url: `/ussd?text=1*${pins[2]}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-ussd-gateway-secret': TEST_GATEWAY_SECRET },
    payload: new URLSearchParams({ sessionId: 'log-test', serviceCode: '*123#', phoneNumber: u.phone, text: `1*${u.pin}` }).toString(),
  });
  expect(smuggled.statusCode).toBe(200);
  // A request without the gateway secret is refused and logged — without its body.
  await tc.app.inject({ method: 'POST', url: '/ussd', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `text=1*${u.pin}` });

  const log = lines.join('\n');
  expect(lines.filter((line) => line.includes('"url":"/ussd')).length).toBeGreaterThan(10);
  expect(log).toContain('/ussd?[redacted]');
  for (const secret of [...pins, u.pin, TEST_GATEWAY_SECRET]) expect(log, secret).not.toContain(secret);
  expect(log).not.toMatch(/"text":"[^[]/);
  // The code is random: look for it as a number of its own, not inside a timestamp's digits.
  expect(log).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));

  const rows = await tc.database.db.selectFrom('ussd_sessions').selectAll().execute();
  const stored = JSON.stringify(rows);
  for (const pin of [...pins, u.pin]) expect(stored, pin).not.toContain(pin);
  expect(stored).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
});
