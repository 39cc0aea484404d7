// Step-up codes: 6 digits, at most five minutes, single use, bound to one action and a hash of its
// parameters, a few tries, and a per-phone limit on how many are sent. The code is kept as an
// HMAC under the PIN pepper.
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { DomainError, type Lang } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { actionName } from './messages.ts';
import { HOUR_MS, OTP_TTL_SECONDS_MAX } from './policy.ts';
import { canonicalJson, newNumericCode, safeEqualHex, sha256Hex } from './secrets.ts';
import { checkSticky, type CheckOutcome } from './sticky.ts';
import type { ChallengeChannel } from './tables.ts';

export const OTP_PATTERN = /^\d{6}$/;

export interface Challenge {
  id: string;
  userId: string | null;
  phone: string | null;
  channel: ChallengeChannel;
  action: string;
  expiresAt: Date;
}

export interface IssueRequest {
  userId: string | null;
  /** Where the SMS goes (E.164); null for the bank-deposit channel. */
  phone: string | null;
  lang: Lang;
  action: string;
  params: unknown;
  channel?: ChallengeChannel;
  /** Non-secret data the flow needs at its next step. */
  context?: Record<string, unknown>;
  /** False records the challenge without sending it (a reset for a number with no account looks the same from outside). */
  deliver?: boolean;
}

/** The parameters a code is bound to; the user is part of the binding. */
export function paramsHash(action: string, params: unknown): string {
  return sha256Hex(canonicalJson({ action, params: params ?? {} }));
}

function codeHash(deps: IdentityDeps, version: number, challengeId: string, code: string): string {
  return createHmac('sha256', deps.pinKeys.key(version)).update(`otp\u0000${challengeId}\u0000${code}`).digest('hex');
}

async function assertSendAllowed(executor: Executor, deps: IdentityDeps, phone: string): Promise<void> {
  const since = new Date(deps.clock.now().getTime() - HOUR_MS);
  const row = await executor
    .selectFrom('otp_challenges')
    .select((eb) => eb.fn.countAll<string>().as('sent'))
    .where('phone', '=', phone)
    .where('channel', '=', 'sms')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(row.sent) >= deps.policy().otp_sends_per_phone_per_hour) throw new DomainError('otp_rate_limited');
}

/**
 * Creates a challenge and, for SMS, enqueues the code to the phone in the same transaction.
 * Returns the code only for the bank-deposit channel (the caller puts it in the deposit memo).
 */
export async function issueChallengeRow(executor: Executor, deps: IdentityDeps, request: IssueRequest): Promise<{ challenge: Challenge; code: string | null }> {
  const channel = request.channel ?? 'sms';
  if (channel === 'sms') {
    if (!request.phone) throw new DomainError('phone_unbound');
    await assertSendAllowed(executor, deps, request.phone);
  }
  const policy = deps.policy();
  const now = deps.clock.now();
  const ttlSeconds = Math.min(policy.otp_ttl_seconds, OTP_TTL_SECONDS_MAX);
  const id = newId('otp');
  const code = newNumericCode(6);
  const version = deps.pinKeys.newest;
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await executor
    .insertInto('otp_challenges')
    .values({
      id,
      user_id: request.userId,
      phone: request.phone,
      channel,
      action: request.action,
      params_hash: paramsHash(request.action, request.params),
      context: sql<Record<string, unknown>>`${JSON.stringify(request.context ?? {})}::jsonb`,
      code_hash: codeHash(deps, version, id, code),
      key_version: version,
      max_attempts: policy.otp_max_attempts,
      expires_at: expiresAt,
      created_at: now,
    })
    .execute();
  if (channel === 'sms' && request.deliver !== false) {
    await sendSms(executor, deps, {
      phone: request.phone!,
      lang: request.lang,
      template: 'otp.code',
      vars: { code, action: actionName(request.action, request.lang), minutes: String(Math.ceil(ttlSeconds / 60)) },
      payload: { challenge_id: id, action: request.action },
      dedupeKey: `otp:${id}`,
    });
  }
  return {
    challenge: { id, userId: request.userId, phone: request.phone, channel, action: request.action, expiresAt },
    code: channel === 'sms' ? null : code,
  };
}

export interface VerifyRequest {
  challengeId: string;
  code: string;
  action: string;
  params: unknown;
  /** The user the challenge must belong to; null for registration; undefined when the challenge names the user. */
  userId?: string | null;
  /** False checks the code without using it up (a later step consumes it). */
  consume?: boolean;
}

async function evaluateChallenge(executor: Executor, deps: IdentityDeps, request: VerifyRequest): Promise<CheckOutcome<Challenge>> {
  const row = await executor.selectFrom('otp_challenges').selectAll().where('id', '=', request.challengeId).forUpdate().executeTakeFirst();
  const fail = (code: string): CheckOutcome<Challenge> => ({
    ok: false,
    error: new DomainError(code, { param: code === 'challenge_not_found' ? 'challenge_id' : 'code' }),
  });
  if (!row || (request.userId !== undefined && row.user_id !== request.userId)) return fail('challenge_not_found');
  if (row.consumed_at) return fail('otp_used');
  if (row.expires_at.getTime() <= deps.clock.now().getTime()) return fail('otp_expired');
  if (row.attempts >= row.max_attempts) return fail('otp_attempts_exceeded');
  if (row.action !== request.action || row.params_hash !== paramsHash(request.action, request.params)) return fail('otp_binding_mismatch');
  const right = OTP_PATTERN.test(request.code) && deps.pinKeys.has(row.key_version) && safeEqualHex(codeHash(deps, row.key_version, row.id, request.code), row.code_hash);
  if (!right) {
    const attemptsLeft = Math.max(0, row.max_attempts - row.attempts - 1);
    return {
      ok: false,
      error: new DomainError(attemptsLeft === 0 ? 'otp_attempts_exceeded' : 'otp_invalid', { param: 'code', data: { attempts_left: attemptsLeft } }),
      record: (trx) => recordChallengeFailure(trx, row.id),
    };
  }
  if (request.consume !== false) {
    await executor.updateTable('otp_challenges').set({ consumed_at: deps.clock.now() }).where('id', '=', row.id).execute();
  }
  return {
    ok: true,
    value: { id: row.id, userId: row.user_id, phone: row.phone, channel: row.channel, action: row.action, expiresAt: row.expires_at },
  };
}

export async function recordChallengeFailure(executor: Executor, challengeId: string): Promise<void> {
  await executor
    .updateTable('otp_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', challengeId)
    .execute();
}

/** Verifies a code; a wrong code counts toward the challenge's tries even when the caller's transaction rolls back. */
export async function verifyChallengeCode(executor: Executor, deps: IdentityDeps, request: VerifyRequest): Promise<Challenge> {
  return checkSticky(deps.db, deps.deferred, executor, (trx) => evaluateChallenge(trx, deps, request));
}

/**
 * Uses up a challenge whose code was already checked (consume: false): succeeds once, so two
 * requests racing with the same right code get one success and one otp_used.
 */
export async function consumeCheckedChallenge(executor: Executor, deps: IdentityDeps, challengeId: string): Promise<void> {
  const now = deps.clock.now();
  const updated = await executor
    .updateTable('otp_challenges')
    .set({ consumed_at: now })
    .where('id', '=', challengeId)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw new DomainError('otp_used', { param: 'code' });
}

export async function selectChallenge(executor: Executor, challengeId: string) {
  return executor.selectFrom('otp_challenges').selectAll().where('id', '=', challengeId).executeTakeFirst();
}
