// KYC tiers with the simulators: tier 1 by the carrier identity check, tier 2 by an encrypted ID
// document plus a bank account proven by a 1-won deposit, tier 3 by compliance staff.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTestApp, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { bearer, createTestStaff, registerTestUser, smsCodeFor, type TestUser } from '../../test/helpers/identity.ts';
import { createIdentity } from './setup.ts';
import { identityRoutes } from './index.ts';

let tc: TestContext;
let app: FastifyInstance;
beforeAll(async () => {
  tc = await createTestContext();
  app = await buildTestApp(tc, [identityRoutes]);
});
afterAll(async () => {
  await app.close();
  await tc.close();
});

const NAME = '홍길동';
const BIRTH = '1990-01-31';

async function tier1(options: { carrier?: 'SKT' | 'KT' } = {}): Promise<TestUser> {
  const u = await registerTestUser(tc, { carrier: options.carrier ?? 'SKT' });
  tc.simulators.identityCheck.addSubscriber(u.phone, { name: NAME, birthDate: BIRTH, carrier: options.carrier ?? 'SKT' });
  const res = await app.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(u.token), payload: { name: '홍 길동', birth_date: BIRTH } });
  expect(res.statusCode).toBe(200);
  return u;
}

async function verifyBank(u: TestUser, bankCode = '004', account = '123-456-789012') {
  const start = await app.inject({ method: 'POST', url: '/v1/me/kyc/bank-accounts', headers: bearer(u.token), payload: { bank_code: bankCode, account_number: account } });
  expect(start.statusCode).toBe(201);
  const deposit = tc.simulators.bank.depositsTo(bankCode, account.replace(/-/g, '')).at(-1)!;
  const code = /SC (\d{6})/.exec(deposit.memo)![1]!;
  return { start, code, id: start.json().bank_account.id as string };
}

describe('tier 1: carrier identity check', () => {
  test('a match records name and birth date and raises the tier', async () => {
    const u = await tier1();
    const me = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(u.token) });
    expect(me.json()).toMatchObject({ tier: 1, identity: { verified: true, name: '홍 길동', birth_date: BIRTH } });
    expect(tc.simulators.identityCheck.checks.at(-1)).toMatchObject({ phone: u.phone, carrier: 'SKT' });
  });

  test('mismatches, wrong carrier and outages are refused with their codes', async () => {
    const u = await registerTestUser(tc, { carrier: 'KT' });
    tc.simulators.identityCheck.addSubscriber(u.phone, { name: NAME, birthDate: BIRTH, carrier: 'SKT' });
    const wrongCarrier = await app.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(u.token), payload: { name: NAME, birth_date: BIRTH } });
    expect(wrongCarrier.json().error).toMatchObject({ code: 'identity_check_failed', details: { reason: 'carrier_mismatch' } });
    const v = await registerTestUser(tc);
    tc.simulators.identityCheck.addSubscriber(v.phone, { name: NAME, birthDate: BIRTH, carrier: 'SKT' });
    const wrongDate = await app.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(v.token), payload: { name: NAME, birth_date: '1990-01-30' } });
    expect(wrongDate.json().error).toMatchObject({ code: 'identity_check_failed', details: { reason: 'mismatch' } });
    tc.simulators.identityCheck.failNext('unavailable');
    const down = await app.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(v.token), payload: { name: NAME, birth_date: BIRTH } });
    expect(down.statusCode).toBe(503);
    expect(down.json().error.code).toBe('identity_check_unavailable');
    expect((await tc.identity.getUser(tc.database.db, v.user.id)).tier).toBe(0);
  });

  test('a configurable failure rate fails about that share of checks', async () => {
    const { IdentityCheckSimulator } = await import('./identity-check.ts');
    const sim = new IdentityCheckSimulator({ failureRate: 0.3, seed: 1 });
    let failed = 0;
    for (let i = 0; i < 1000; i++) if (!(await sim.check({ phone: `+8210${i}`, carrier: 'SKT', name: 'a', birthDate: BIRTH })).ok) failed++;
    expect(failed).toBeGreaterThan(230);
    expect(failed).toBeLessThan(370);
  });
});

describe('tier 2: ID document and bank account', () => {
  test('needs tier 1 first', async () => {
    const u = await registerTestUser(tc);
    const doc = await app.inject({ method: 'PUT', url: '/v1/me/kyc/id-document', headers: bearer(u.token), payload: { type: 'resident_registration', number: '900131-1234567' } });
    expect(doc.json().error.code).toBe('tier_requirements_unmet');
    const bank = await app.inject({ method: 'POST', url: '/v1/me/kyc/bank-accounts', headers: bearer(u.token), payload: { bank_code: '004', account_number: '1234567890' } });
    expect(bank.json().error.code).toBe('tier_requirements_unmet');
  });

  test('ID document is stored encrypted and shown masked; it must match the checked birth date', async () => {
    const u = await tier1();
    const mismatch = await app.inject({ method: 'PUT', url: '/v1/me/kyc/id-document', headers: bearer(u.token), payload: { type: 'resident_registration', number: '900130-1234567' } });
    expect(mismatch.json().error.code).toBe('identity_mismatch');
    const doc = await app.inject({ method: 'PUT', url: '/v1/me/kyc/id-document', headers: bearer(u.token), payload: { type: 'resident_registration', number: '900131-1234567' } });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().id_document).toMatchObject({ type: 'resident_registration', number_masked: '900131-1******' });
    expect(doc.body).not.toContain('1234567');
    const raw = await sql<{ t: string }>`SELECT row_to_json(d)::text AS t FROM user_id_documents d WHERE user_id = ${u.user.id}`.execute(tc.database.db);
    expect(raw.rows[0]!.t).not.toContain('9001311234567');
    expect(raw.rows[0]!.t).toContain('"key_version":1');
  });

  test('bank account: 1-won deposit, code typed back, tier 2 when both are on file', async () => {
    const u = await tier1();
    await app.inject({ method: 'PUT', url: '/v1/me/kyc/id-document', headers: bearer(u.token), payload: { type: 'driver_license', number: '11-12-345678-90' } });
    const { start, code, id } = await verifyBank(u);
    expect(start.json().bank_account).toMatchObject({ bank_code: '004', account_number_masked: '****9012', status: 'pending', holder_name: '홍 길동' });
    expect(tc.simulators.bank.depositsTo('004', '123456789012').at(-1)).toMatchObject({ amountWon: 1 });
    const wrong = await app.inject({ method: 'POST', url: `/v1/me/kyc/bank-accounts/${id}/confirm`, headers: bearer(u.token), payload: { code: code === '000000' ? '000001' : '000000' } });
    expect(wrong.json().error.code).toBe('otp_invalid');
    const ok = await app.inject({ method: 'POST', url: `/v1/me/kyc/bank-accounts/${id}/confirm`, headers: bearer(u.token), payload: { code } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { tier: 2 }, bank_account: { status: 'verified' } });
    const kyc = await app.inject({ method: 'GET', url: '/v1/me/kyc', headers: bearer(u.token) });
    expect(kyc.json()).toMatchObject({ tier: 2, identity_verified: true, id_document: { number_masked: '11-**-******-90' }, bank_accounts: [{ status: 'verified' }] });
    expect(await tc.identity.revealBankAccount(tc.database.db, u.user.id, id)).toEqual({ bankCode: '004', accountNumber: '123456789012', holderName: '홍 길동' });
    const again = await app.inject({ method: 'POST', url: '/v1/me/kyc/bank-accounts', headers: bearer(u.token), payload: { bank_code: '004', account_number: '123456789012' } });
    expect(again.json().error.code).toBe('bank_account_already_verified');
  });

  test('holder mismatch and bank outage', async () => {
    const u = await tier1();
    tc.simulators.bank.openAccount('088', '11122233344', '김철수');
    const mismatch = await app.inject({ method: 'POST', url: '/v1/me/kyc/bank-accounts', headers: bearer(u.token), payload: { bank_code: '088', account_number: '11122233344' } });
    expect(mismatch.json().error).toMatchObject({ code: 'bank_verification_failed', details: { reason: 'holder_mismatch' } });
    tc.simulators.bank.failNext('unavailable');
    const down = await app.inject({ method: 'POST', url: '/v1/me/kyc/bank-accounts', headers: bearer(u.token), payload: { bank_code: '088', account_number: '99988877766' } });
    expect(down.statusCode).toBe(503);
    const accounts = await tc.identity.listBankAccounts(tc.database.db, u.user.id);
    expect(accounts.map((a) => a.status)).toEqual(['failed', 'failed']);
  });
});

describe('tier 3 and staff tier changes', () => {
  test('compliance sets tier 3 only from tier 2; tiers 1–2 cannot be granted; lowering works', async () => {
    const compliance = await createTestStaff(tc, 'compliance');
    const u = await tier1();
    const early = await app.inject({ method: 'POST', url: `/v1/admin/users/${u.user.id}/tier`, headers: bearer(compliance.token), payload: { tier: 3, reason: 'EDD complete' } });
    expect(early.json().error.code).toBe('tier_requirements_unmet');
    const grant = await app.inject({ method: 'POST', url: `/v1/admin/users/${u.user.id}/tier`, headers: bearer(compliance.token), payload: { tier: 2, reason: 'looks fine' } });
    expect(grant.json().error.code).toBe('tier_requires_checks');
    await app.inject({ method: 'PUT', url: '/v1/me/kyc/id-document', headers: bearer(u.token), payload: { type: 'passport', number: 'M12345678' } });
    const { code, id } = await verifyBank(u, '020', '10020030040');
    await app.inject({ method: 'POST', url: `/v1/me/kyc/bank-accounts/${id}/confirm`, headers: bearer(u.token), payload: { code } });
    const edd = await app.inject({ method: 'POST', url: `/v1/admin/users/${u.user.id}/tier`, headers: bearer(compliance.token), payload: { tier: 3, reason: 'EDD complete: source of funds documented' } });
    expect(edd.json().tier).toBe(3);
    const lower = await app.inject({ method: 'POST', url: `/v1/admin/users/${u.user.id}/tier`, headers: bearer(compliance.token), payload: { tier: 1, reason: 'documents expired' } });
    expect(lower.json().tier).toBe(1);
    const audit = await tc.identity.listAudit(tc.database.db, { targetId: u.user.id, action: 'user.tier_changed', limit: 10 });
    expect(audit.data.map((e) => [e.actorKind, e.after?.tier])).toEqual([['staff', 1], ['staff', 3], ['system', 2], ['system', 1]]);
  });
});

describe('forgotten PIN at tier ≥ 1 repeats the identity check', () => {
  test('missing, wrong and right identity', async () => {
    const u = await tier1();
    const start = await app.inject({ method: 'POST', url: '/v1/pin-resets', payload: { phone: u.phone } });
    const code = await smsCodeFor(tc.database.db, start.json().id);
    const url = `/v1/pin-resets/${start.json().id}/complete`;
    const base = { code, new_pin: '582916', device_id: u.deviceId };
    expect((await app.inject({ method: 'POST', url, payload: base })).json().error.code).toBe('identity_check_required');
    expect((await app.inject({ method: 'POST', url, payload: { ...base, name: '김철수', birth_date: BIRTH } })).json().error.code).toBe('identity_mismatch');
    // Birth-date PINs are refused once the person is known.
    expect((await app.inject({ method: 'POST', url, payload: { ...base, new_pin: '501317', name: NAME, birth_date: BIRTH } })).json().error).toMatchObject({ code: 'weak_pin', details: { reason: 'birth_date' } });
    const checksBefore = tc.simulators.identityCheck.checks.length;
    const done = await app.inject({ method: 'POST', url, payload: { ...base, name: NAME, birth_date: BIRTH } });
    expect(done.statusCode).toBe(201);
    expect(tc.simulators.identityCheck.checks.length).toBe(checksBefore + 1);
  });

  test('identity misses use up the code’s tries', async () => {
    const u = await tier1();
    const start = await app.inject({ method: 'POST', url: '/v1/pin-resets', payload: { phone: u.phone } });
    const code = await smsCodeFor(tc.database.db, start.json().id);
    const url = `/v1/pin-resets/${start.json().id}/complete`;
    for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url, payload: { code, new_pin: '582916', device_id: u.deviceId, name: '김철수', birth_date: BIRTH } });
    const after = await app.inject({ method: 'POST', url, payload: { code, new_pin: '582916', device_id: u.deviceId, name: NAME, birth_date: BIRTH } });
    expect(after.json().error.code).toBe('otp_attempts_exceeded');
  });
});

describe('data key rotation', () => {
  test('re-encrypts ID documents and bank accounts under the newest key; both still read', async () => {
    const u = await tier1();
    await app.inject({ method: 'PUT', url: '/v1/me/kyc/id-document', headers: bearer(u.token), payload: { type: 'resident_registration', number: '9001312234567' } });
    await verifyBank(u, '081', '5556667778889');
    const rotated = createIdentity({
      db: tc.database.db,
      clock: tc.clock,
      logger: tc.ctx.logger,
      config: { ...tc.ctx.config, SIMULATORS: 'on', DATA_KEYS: [...tc.ctx.config.DATA_KEYS, '2:the-second-data-key-00002'] },
    }).service;
    let changed = 0;
    for (let n = await rotated.rotateDataKeys(2); n > 0; n = await rotated.rotateDataKeys(2)) changed += n;
    expect(changed).toBeGreaterThanOrEqual(2);
    const versions = await sql<{ v: number }>`SELECT key_version AS v FROM user_id_documents UNION SELECT key_version FROM bank_accounts`.execute(tc.database.db);
    expect(versions.rows.map((r) => r.v)).toEqual([2]);
    const accounts = await rotated.listBankAccounts(tc.database.db, u.user.id);
    expect(accounts.find((a) => a.bankCode === '081')?.maskedNumber).toBe('****8889');
    expect(await rotated.getIdDocument(tc.database.db, u.user.id)).toMatchObject({ masked: '900131-2******' });
    // The service without key 2 can no longer read them: the old key can now be retired safely.
    await expect(tc.identity.listBankAccounts(tc.database.db, u.user.id)).rejects.toThrow(/version 2/);
  });
});
