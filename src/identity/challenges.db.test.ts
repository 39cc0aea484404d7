// Step-up codes: valid ≤ 5 minutes, single use, bound to action + parameters, 3 tries, sends
// rate-limited per phone, stored hashed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withTransaction } from '../db/index.ts';
import type { DomainError } from '../shared/errors.ts';
import { createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { registerTestUser, smsCodeFor, type TestUser } from '../../test/helpers/identity.ts';
import { createIdentity } from './setup.ts';
import { DEFAULT_IDENTITY_POLICY } from './policy.ts';

let tc: TestContext;
beforeAll(async () => {
  tc = await createTestContext();
});
afterAll(async () => {
  await tc.close();
});

const params = { destination: 'dst_1', amount: 150_000_000n };

async function issue(u: TestUser, action = 'cashout.create', p: unknown = params) {
  const challenge = await withTransaction(tc.database.db, (trx) => tc.identity.issueChallenge(trx, u.user.id, action, p));
  return { challenge, code: await smsCodeFor(tc.database.db, challenge.id) };
}

async function verify(u: TestUser, challengeId: string, code: string, action = 'cashout.create', p: unknown = params): Promise<string> {
  return tc.identity.verifyChallenge(tc.database.db, challengeId, code, action, p, u.user.id).then(
    () => 'ok',
    (e: DomainError) => e.code,
  );
}

const wrong = (code: string) => String((Number.parseInt(code, 10) + 1) % 1_000_000).padStart(6, '0');

describe('step-up codes', () => {
  test('a right code verifies once; a second use is otp_used', async () => {
    const u = await registerTestUser(tc);
    const { challenge, code } = await issue(u);
    expect(challenge.expiresAt.getTime() - tc.clock.now().getTime()).toBe(300_000);
    expect(await verify(u, challenge.id, code)).toBe('ok');
    expect(await verify(u, challenge.id, code)).toBe('otp_used');
  });

  test('expires after 5 minutes', async () => {
    const u = await registerTestUser(tc);
    const { challenge, code } = await issue(u);
    tc.clock.advance(300_000);
    expect(await verify(u, challenge.id, code)).toBe('otp_expired');
  });

  test('bound to the action and every parameter', async () => {
    const u = await registerTestUser(tc);
    const { challenge, code } = await issue(u);
    expect(await verify(u, challenge.id, code, 'cashout.create', { ...params, amount: 150_000_001n })).toBe('otp_binding_mismatch');
    expect(await verify(u, challenge.id, code, 'limits.raise', params)).toBe('otp_binding_mismatch');
    expect(await verify(u, challenge.id, code, 'cashout.create', { amount: 150_000_000n, destination: 'dst_1' })).toBe('ok');
  });

  test("another user's challenge is challenge_not_found", async () => {
    const a = await registerTestUser(tc);
    const b = await registerTestUser(tc);
    const { challenge, code } = await issue(a);
    expect(await verify(b, challenge.id, code)).toBe('challenge_not_found');
    expect(await verify(a, 'otp_nope', code)).toBe('challenge_not_found');
  });

  test('3 tries: two wrong codes leave one; the third wrong kills it, even for the right code after', async () => {
    const u = await registerTestUser(tc);
    const { challenge, code } = await issue(u);
    const first = await tc.identity.verifyChallenge(tc.database.db, challenge.id, wrong(code), 'cashout.create', params, u.user.id).catch((e: DomainError) => e);
    expect(first).toMatchObject({ code: 'otp_invalid', details: { data: { attempts_left: 2 } } });
    expect(await verify(u, challenge.id, wrong(code))).toBe('otp_invalid');
    expect(await verify(u, challenge.id, wrong(code))).toBe('otp_attempts_exceeded');
    expect(await verify(u, challenge.id, code)).toBe('otp_attempts_exceeded');
  });

  test('wrong codes inside a rolled-back caller transaction still count', async () => {
    const u = await registerTestUser(tc);
    const { challenge, code } = await issue(u);
    for (let i = 0; i < 3; i++) {
      await withTransaction(tc.database.db, (trx) => tc.identity.verifyChallenge(trx, challenge.id, wrong(code), 'cashout.create', params, u.user.id)).catch(() => undefined);
      await tc.identity.settle();
    }
    expect(await verify(u, challenge.id, code)).toBe('otp_attempts_exceeded');
  });

  test('the code is stored only as a keyed hash', async () => {
    const u = await registerTestUser(tc);
    const { challenge, code } = await issue(u);
    const row = await tc.database.db.selectFrom('otp_challenges').selectAll().where('id', '=', challenge.id).executeTakeFirstOrThrow();
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(code);
    const sms = await tc.database.db.selectFrom('outbox_messages').select(['payload']).where('template', '=', 'otp.code').execute();
    expect(JSON.stringify(sms)).not.toContain(code);
  });

  test('sends are limited per phone per hour', async () => {
    const u = await registerTestUser(tc); // registration sent one code to this number
    for (let i = 0; i < 4; i++) await issue(u);
    const refused = await withTransaction(tc.database.db, (trx) => tc.identity.issueChallenge(trx, u.user.id, 'cashout.create', params)).catch((e: DomainError) => e);
    expect(refused).toMatchObject({ code: 'otp_rate_limited', status: 429 });
    tc.clock.advance(3_600_000);
    await expect(issue(u)).resolves.toBeDefined();
  });

  test('policy TTL above five minutes is capped at five', async () => {
    const { service } = createIdentity({ db: tc.database.db, clock: tc.clock, logger: tc.ctx.logger, config: { ...tc.ctx.config, SIMULATORS: 'on' }, policy: () => ({ ...DEFAULT_IDENTITY_POLICY, otp_ttl_seconds: 3600 }) });
    const u = await registerTestUser(tc);
    const challenge = await withTransaction(tc.database.db, (trx) => service.issueChallenge(trx, u.user.id, 'limits.raise', {}));
    expect(challenge.expiresAt.getTime() - tc.clock.now().getTime()).toBe(300_000);
  });

  test('requireStepUp: without a proof it sends a code and answers step_up_required', async () => {
    const u = await registerTestUser(tc);
    const error = await tc.identity.requireStepUp(u.user.id, 'transfer.send', { to: '+821011112222' }, {}).catch((e: DomainError) => e);
    expect(error).toMatchObject({ code: 'step_up_required', status: 403 });
    const challengeId = (error as DomainError).details.data!.challenge_id as string;
    const code = await smsCodeFor(tc.database.db, challengeId);
    await expect(tc.identity.requireStepUp(u.user.id, 'transfer.send', { to: '+821011112222' }, { challengeId, code })).resolves.toMatchObject({ id: challengeId });
    await expect(tc.identity.requireStepUp(u.user.id, 'transfer.send', {}, { challengeId })).rejects.toMatchObject({ code: 'missing_field', details: { param: 'code' } });
  });

  test('a user whose number was unbound cannot be sent a code', async () => {
    const u = await registerTestUser(tc);
    await tc.identity.pollCarrierEvents({ source: 'test-carrier', pull: async () => [{ externalId: `t-${u.user.id}`, type: 'number_terminated', phone: u.phone, occurredAt: tc.clock.now() }] });
    tc.clock.advance(1000);
    await expect(issue(u)).rejects.toMatchObject({ code: 'phone_unbound' });
  });
});
