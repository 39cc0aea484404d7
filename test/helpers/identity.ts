// Identity fixtures for any module's tests: registered users with a session, staff of each role,
// partners with API keys, and the codes the SMS outbox holds.
import { sql } from 'kysely';
import type { StaffRole } from '../../src/api/auth.ts';
import { withTransaction, type Executor } from '../../src/db/index.ts';
import { pinWeakness, tryNormalizePhone, type Carrier, type PartnerScope, type User } from '../../src/identity/index.ts';
import type { TestContext } from './context.ts';

/** The code in the SMS sent for a challenge (read from the outbox, as a demo user would). */
export async function smsCodeFor(executor: Executor, challengeId: string): Promise<string> {
  const rows = await sql<{ body: string }>`
    SELECT body FROM outbox_messages WHERE channel = 'sms' AND payload->>'challenge_id' = ${challengeId}`.execute(executor);
  const body = rows.rows[0]?.body;
  const code = body ? /\b(\d{6})\b/.exec(body)?.[1] : undefined;
  if (!code) throw new Error(`no SMS code was sent for challenge ${challengeId}`);
  return code;
}

export interface TestUser {
  user: User;
  token: string;
  phone: string;
  pin: string;
  deviceId: string;
}

let sequence = 0;

/** A fresh, valid Korean mobile number per call (some 010 ranges are unassigned: those are skipped). */
export function nextPhone(): string {
  for (;;) {
    sequence += 1;
    const candidate = `+8210${String(2000_0000 + ((process.pid * 7919 + sequence * 104_729) % 8000_0000)).padStart(8, '0')}`;
    if (tryNormalizePhone(candidate) === candidate) return candidate;
  }
}

export async function registerTestUser(
  tc: TestContext,
  options: { phone?: string; pin?: string; carrier?: Carrier; lang?: 'ko' | 'en'; deviceId?: string } = {},
): Promise<TestUser> {
  const phone = options.phone ?? nextPhone();
  // The default PIN could share digits with a random number; pick another then.
  const pin = options.pin ?? (pinWeakness('480273', { phone }) ? '739418' : '480273');
  const deviceId = options.deviceId ?? `device-${phone.slice(-8)}`;
  const registration = await withTransaction(tc.database.db, (trx) => tc.identity.startRegistration(trx, { phone, carrier: options.carrier ?? 'SKT', lang: options.lang ?? 'ko' }));
  const code = await smsCodeFor(tc.database.db, registration.id);
  const signedIn = await tc.identity.completeRegistration({ registrationId: registration.id, code, pin, deviceId });
  return { user: signedIn.user, token: signedIn.token, phone: registration.phone, pin, deviceId };
}

export interface TestStaff {
  staffId: string;
  token: string;
  email: string;
  password: string;
}

export async function createTestStaff(tc: TestContext, role: StaffRole, options: { email?: string; password?: string } = {}): Promise<TestStaff> {
  const email = options.email ?? `${role}.${++sequence}@staff.test`;
  const password = options.password ?? 'correct horse battery staple';
  const staff = await withTransaction(tc.database.db, (trx) => tc.identity.createStaff(trx, { system: 'test' }, { email, name: `Test ${role}`, role, password }));
  const login = await tc.identity.staffLogin(email, password);
  return { staffId: staff.id, token: login.token, email, password };
}

export async function createTestPartner(tc: TestContext, scopes: PartnerScope[], name = 'Test partner'): Promise<{ partnerId: string; keyId: string; apiKey: string }> {
  return withTransaction(tc.database.db, async (trx) => {
    const partner = await tc.identity.createPartner(trx, { system: 'test' }, name);
    const key = await tc.identity.createApiKey(trx, { system: 'test' }, partner.id, scopes);
    return { partnerId: partner.id, keyId: key.key.id, apiKey: key.secret };
  });
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
