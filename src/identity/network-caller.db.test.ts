// Registration and PIN change for a caller the network authenticated (USSD): no SMS code, the
// same PIN rules, the lockout, the audit and the SMS notices.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestContext, countRows, type TestContext } from '../../test/helpers/context.ts';
import { nextPhone, registerTestUser } from '../../test/helpers/identity.ts';
import { DomainError } from '../shared/errors.ts';

let tc: TestContext;
beforeAll(async () => {
  tc = await createTestContext();
});
afterAll(async () => {
  await tc.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

const TABLES = ['users', 'audit_log', 'outbox_messages', 'otp_challenges'];

describe('registerNetworkCaller', () => {
  test('opens a tier-0 account with the PIN, no code sent, audited with the channel, welcome SMS', async () => {
    const phone = nextPhone();
    const before = await countRows(tc.database, ['otp_challenges']);
    const user = await tc.identity.registerNetworkCaller({ phone, carrier: 'KT', lang: 'en', pin: '480273', channel: 'ussd' });
    expect(user).toMatchObject({ phone, carrier: 'KT', lang: 'en', tier: 0, status: 'active' });
    expect(await countRows(tc.database, ['otp_challenges'])).toEqual(before);
    await expect(tc.identity.verifyPin(tc.database.db, user.id, '480273')).resolves.toMatchObject({ id: user.id });
    const audit = await tc.database.db.selectFrom('audit_log').select(['action', 'after']).where('target_id', '=', user.id).execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'user.registered', after: expect.objectContaining({ channel: 'ussd', tier: 0 }) })]);
    const sms = await tc.database.db.selectFrom('outbox_messages').select('template').where('recipient', '=', phone).execute();
    expect(sms.map((m) => m.template)).toEqual(['account.welcome']);
  });

  test('a weak PIN, a bad number or a number already registered writes nothing', async () => {
    const taken = await registerTestUser(tc);
    const before = await countRows(tc.database, TABLES);
    expect(await codeOf(tc.identity.registerNetworkCaller({ phone: nextPhone(), carrier: 'SKT', lang: 'ko', pin: '123456', channel: 'ussd' }))).toBe('weak_pin');
    expect(await codeOf(tc.identity.registerNetworkCaller({ phone: nextPhone(), carrier: 'SKT', lang: 'ko', pin: '12345', channel: 'ussd' }))).toBe('invalid_pin_format');
    expect(await codeOf(tc.identity.registerNetworkCaller({ phone: '12', carrier: 'SKT', lang: 'ko', pin: '480273', channel: 'ussd' }))).toBe('invalid_phone_number');
    expect(await codeOf(tc.identity.registerNetworkCaller({ phone: taken.phone, carrier: 'SKT', lang: 'ko', pin: '480273', channel: 'ussd' }))).toBe('phone_already_registered');
    expect(await countRows(tc.database, TABLES)).toEqual(before);
  });
});

describe('changePinNetworkCaller', () => {
  test('the current PIN and a new one change it, sign out app sessions, audit and tell by SMS', async () => {
    const u = await registerTestUser(tc);
    expect(await tc.identity.listSessions(tc.database.db, u.user.id)).toHaveLength(1);
    const changed = await tc.identity.changePinNetworkCaller(u.user.id, { currentPin: u.pin, newPin: '692047', channel: 'ussd' });
    expect(changed.id).toBe(u.user.id);
    await expect(tc.identity.verifyPin(tc.database.db, u.user.id, '692047')).resolves.toBeTruthy();
    expect(await codeOf(tc.identity.verifyPin(tc.database.db, u.user.id, u.pin))).toBe('invalid_credentials');
    expect(await tc.identity.listSessions(tc.database.db, u.user.id)).toHaveLength(0);
    const sms = await tc.database.db.selectFrom('outbox_messages').select('template').where('recipient', '=', u.phone).execute();
    expect(sms.map((m) => m.template)).toContain('security.pin_changed');
  });

  test('a wrong current PIN counts toward the lockout and changes nothing', async () => {
    const u = await registerTestUser(tc);
    expect(await codeOf(tc.identity.changePinNetworkCaller(u.user.id, { currentPin: '000001', newPin: '692047', channel: 'ussd' }))).toBe('invalid_credentials');
    await tc.identity.settle();
    expect((await tc.identity.getUser(tc.database.db, u.user.id)).pinFailures).toBe(1);
    await expect(tc.identity.verifyPin(tc.database.db, u.user.id, u.pin)).resolves.toBeTruthy();
  });

  test('same PIN and weak PIN are refused; the weak check comes before the current PIN is tried', async () => {
    const u = await registerTestUser(tc);
    expect(await codeOf(tc.identity.changePinNetworkCaller(u.user.id, { currentPin: u.pin, newPin: u.pin, channel: 'ussd' }))).toBe('same_pin');
    expect(await codeOf(tc.identity.changePinNetworkCaller(u.user.id, { currentPin: '000001', newPin: '111111', channel: 'ussd' }))).toBe('weak_pin');
    expect((await tc.identity.getUser(tc.database.db, u.user.id)).pinFailures).toBe(0);
  });
});
