// Lockout: 5 wrong PINs lock for 30 minutes; while locked even the right PIN gets the same
// invalid_credentials; the owner is told by SMS; support or time unlock it. Wrong PINs typed inside
// another module's transaction count too.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withTransaction } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { registerTestUser } from '../../test/helpers/identity.ts';
import { createIdentity } from './setup.ts';
import { DEFAULT_IDENTITY_POLICY } from './policy.ts';

let tc: TestContext;
beforeAll(async () => {
  tc = await createTestContext();
});
afterAll(async () => {
  await tc.close();
});

async function attempt(userId: string, pin: string): Promise<string> {
  try {
    await tc.identity.verifyPin(tc.database.db, userId, pin);
    return 'ok';
  } catch (error) {
    return (error as DomainError).code;
  }
}

async function smsTemplates(phone: string): Promise<string[]> {
  const rows = await tc.database.db.selectFrom('outbox_messages').select('template').where('recipient', '=', phone).orderBy('created_at').execute();
  return rows.map((r) => r.template);
}

describe('PIN lockout', () => {
  test('5 wrong → locked 30 min; right PIN refused with the same error; SMS; unlocks by time', async () => {
    const u = await registerTestUser(tc);
    for (let i = 1; i <= 4; i++) expect(await attempt(u.user.id, '000001')).toBe('invalid_credentials');
    expect((await tc.identity.getUser(tc.database.db, u.user.id)).pinFailures).toBe(4);
    expect(await attempt(u.user.id, '000001')).toBe('invalid_credentials');
    const locked = await tc.identity.getUser(tc.database.db, u.user.id);
    expect(locked.lockedUntil?.toISOString()).toBe(new Date(tc.clock.now().getTime() + 30 * 60_000).toISOString());
    expect(await smsTemplates(u.phone)).toContain('security.locked');

    // The right PIN, while locked: the same answer as a wrong one.
    expect(await attempt(u.user.id, u.pin)).toBe('invalid_credentials');
    tc.clock.advance(29 * 60_000);
    expect(await attempt(u.user.id, u.pin)).toBe('invalid_credentials');
    tc.clock.advance(60_000 + 1);
    expect(await attempt(u.user.id, u.pin)).toBe('ok');
    const after = await tc.identity.getUser(tc.database.db, u.user.id);
    expect(after.pinFailures).toBe(0);
    expect(after.lockedUntil).toBeNull();
  });

  test('a right PIN resets the count', async () => {
    const u = await registerTestUser(tc);
    for (let i = 0; i < 4; i++) await attempt(u.user.id, '000001');
    expect(await attempt(u.user.id, u.pin)).toBe('ok');
    for (let i = 0; i < 4; i++) expect(await attempt(u.user.id, '000001')).toBe('invalid_credentials');
    expect((await tc.identity.getUser(tc.database.db, u.user.id)).lockedUntil).toBeNull();
  });

  test('login on a locked account answers exactly like a wrong PIN', async () => {
    const u = await registerTestUser(tc);
    for (let i = 0; i < 5; i++) await attempt(u.user.id, '000001');
    const wrong = await tc.identity.login({ phone: u.phone, pin: '000002', deviceId: u.deviceId }).catch((e: DomainError) => e);
    const right = await tc.identity.login({ phone: u.phone, pin: u.pin, deviceId: u.deviceId }).catch((e: DomainError) => e);
    const unknown = await tc.identity.login({ phone: '+821099990000', pin: u.pin, deviceId: u.deviceId }).catch((e: DomainError) => e);
    for (const error of [wrong, right, unknown]) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('invalid_credentials');
      expect((error as DomainError).message).toBe((wrong as DomainError).message);
    }
  });

  test('wrong PINs inside a caller transaction that rolls back still count', async () => {
    const u = await registerTestUser(tc);
    for (let i = 0; i < 5; i++) {
      const outcome = await withTransaction(tc.database.db, async (trx) => {
        await tc.identity.verifyPin(trx, u.user.id, '000001');
        return 'ok';
      }).catch((e: DomainError) => e.code);
      expect(outcome).toBe('invalid_credentials');
      await tc.identity.settle();
    }
    const user = await tc.identity.getUser(tc.database.db, u.user.id);
    expect(user.lockedUntil).not.toBeNull();
    expect(await attempt(u.user.id, u.pin)).toBe('invalid_credentials');
  });

  test('support unlocks; the unlock is audited and the person told', async () => {
    const u = await registerTestUser(tc);
    for (let i = 0; i < 5; i++) await attempt(u.user.id, '000001');
    await withTransaction(tc.database.db, (trx) => tc.identity.unlockUser(trx, { staffId: 'stf_test' }, u.user.id, 'caller verified by phone'));
    expect(await attempt(u.user.id, u.pin)).toBe('ok');
    const audit = await tc.identity.listAudit(tc.database.db, { targetId: u.user.id, limit: 10 });
    expect(audit.data.map((e) => e.action)).toEqual(expect.arrayContaining(['user.locked', 'user.unlocked']));
    expect(await smsTemplates(u.phone)).toContain('security.unlocked');
    await expect(withTransaction(tc.database.db, (trx) => tc.identity.unlockUser(trx, { staffId: 'stf_test' }, u.user.id, 'again'))).rejects.toMatchObject({ code: 'not_locked' });
  });

  test('the policy numbers are read on every use', async () => {
    let policy = { ...DEFAULT_IDENTITY_POLICY, pin_lockout_attempts: 2, pin_lockout_minutes: 5 };
    const { service } = createIdentity({ db: tc.database.db, clock: tc.clock, logger: tc.ctx.logger, config: { ...tc.ctx.config, SIMULATORS: 'on' }, policy: () => policy });
    const u = await registerTestUser(tc);
    const code = (pin: string) => service.verifyPin(tc.database.db, u.user.id, pin).then(() => 'ok', (e: DomainError) => e.code);
    await code('000001');
    await code('000001');
    expect((await service.getUser(tc.database.db, u.user.id)).lockedUntil?.getTime()).toBe(tc.clock.now().getTime() + 5 * 60_000);
    tc.clock.advance(5 * 60_000 + 1);
    policy = { ...policy, pin_lockout_attempts: 3 };
    await code('000001');
    await code('000001');
    expect((await service.getUser(tc.database.db, u.user.id)).lockedUntil).toBeNull();
  });
});

describe('PIN storage and key rotation', () => {
  test('the PIN is stored only as a keyed hash with its key version', async () => {
    const u = await registerTestUser(tc);
    const row = await tc.database.db.selectFrom('users').select(['pin_hash', 'pin_salt', 'pin_key_version']).where('id', '=', u.user.id).executeTakeFirstOrThrow();
    expect(row.pin_key_version).toBe(1);
    expect(row.pin_hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = await sql<{ t: string }>`SELECT row_to_json(users)::text AS t FROM users WHERE id = ${u.user.id}`.execute(tc.database.db);
    expect(dump.rows[0]!.t).not.toContain(u.pin);
  });

  test('a login with an older key version re-hashes under the newest key', async () => {
    const u = await registerTestUser(tc);
    const rotated = createIdentity({
      db: tc.database.db,
      clock: tc.clock,
      logger: tc.ctx.logger,
      config: { ...tc.ctx.config, SIMULATORS: 'on', PIN_KEYS: [...tc.ctx.config.PIN_KEYS, '2:the-second-pin-pepper-0002'] },
    }).service;
    const before = await tc.database.db.selectFrom('users').select(['pin_hash', 'pin_key_version']).where('id', '=', u.user.id).executeTakeFirstOrThrow();
    const result = await rotated.login({ phone: u.phone, pin: u.pin, deviceId: u.deviceId });
    expect(result.status).toBe('active');
    const after = await tc.database.db.selectFrom('users').select(['pin_hash', 'pin_key_version']).where('id', '=', u.user.id).executeTakeFirstOrThrow();
    expect(before.pin_key_version).toBe(1);
    expect(after.pin_key_version).toBe(2);
    expect(after.pin_hash).not.toBe(before.pin_hash);
    // The old service (key 1 only) can no longer check it; the new one can.
    await expect(tc.identity.verifyPin(tc.database.db, u.user.id, u.pin)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(rotated.verifyPin(tc.database.db, u.user.id, u.pin)).resolves.toMatchObject({ id: u.user.id });
  });
});
