// `smallchange ussd`: the terminal handset against a server listening on a real port.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextPhone } from '../helpers/identity.ts';
import { runCli } from '../helpers/cli.ts';
import { createUssdTestContext, TEST_GATEWAY_SECRET, type UssdTestContext } from '../helpers/ussd.ts';

describe('smallchange ussd', () => {
  let tc: UssdTestContext;
  let url: string;
  beforeAll(async () => {
    tc = await createUssdTestContext();
    await tc.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(tc.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await tc.closeAll();
  });

  it('registers a new number and checks the balance, screen by screen, until END', async () => {
    const phone = nextPhone();
    const national = `0${phone.slice(3)}`;
    const result = await runCli(['ussd', '--phone', national, '--url', url, '--secret', TEST_GATEWAY_SECRET, '--network', '45008'], {}, {
      // Main menu: 11 Language (on its second page; any option's number works on either), then 9 Call me back.
      input: ['2', '1', '480273', '480273', '1', '00', '11', '1', '9', '4'].join('\n') + '\n',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain(`dialling *123# from ${phone}`);
    expect(out).toContain('│ 1 한국어\n│ 2 English\n');
    expect(out).toContain('│ Your wallet is open.');
    expect(out).toContain('│ Available: KRW 0');
    expect(out).toContain('│ 언어를 바꿨습니다.');
    expect(out).toMatch(/│ 010-\*\*\*\*-\d{4}로 전화드립니다\. 접수 [0-9A-Z]{6}/);
    expect(out).toContain('(dialog ended)');
    expect((await tc.database.db.selectFrom('users').select(['lang', 'carrier']).where('phone', '=', phone).executeTakeFirstOrThrow())).toEqual({ lang: 'ko', carrier: 'KT' });
  });

  it('closing the input leaves the dialog; exit 0', async () => {
    const result = await runCli(['ussd', '--phone', nextPhone(), '--url', url, '--secret', TEST_GATEWAY_SECRET], {}, { input: '' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(input closed');
  });

  it('a wrong secret is a refusal (exit 1); a bad number or URL is a usage error (exit 2)', async () => {
    const refused = await runCli(['ussd', '--phone', nextPhone(), '--url', url, '--secret', 'not-the-gateway-secret'], {}, { input: '' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/answered 401/);
    expect((await runCli(['ussd', '--phone', '12', '--url', url], {})).code).toBe(2);
    expect((await runCli(['ussd', '--phone', nextPhone(), '--url', 'not a url'], {})).code).toBe(2);
    expect((await runCli(['ussd', '--url', url], {})).code).toBe(2);
  });

  it('an unreachable server is exit 1', async () => {
    const result = await runCli(['ussd', '--phone', nextPhone(), '--url', 'http://127.0.0.1:9', '--secret', TEST_GATEWAY_SECRET], {}, { input: '' });
    expect(result.code).toBe(1);
  });
});
