// Idempotency-Key for every POST that moves money (DESIGN §5, Stripe's convention), generic so
// that sends, own-wallet moves, cash-outs and payments share it.
//
//   const outcome = await runIdempotent(db, clock, { scope: scopeOf(principal), key: idempotencyKeyOf(request),
//     route: 'POST /v1/transfers', body: request.body }, async (claim) => {
//       return withTransaction(db, async (trx) => {
//         …move the money…
//         const response = { status: 201, body: wire };
//         await completeIdempotencyKey(trx, clock, claim, response);   // commits with the postings
//         return response;
//       });
//     });
//   return sendIdempotent(reply, outcome);
//
// Rules: the same key and the same request (route + body, secrets left out) answers the stored
// response again; the same key with another request is 409 idempotency_conflict; while the first
// is running, 409 idempotency_in_progress. Only a completed request is stored: a request that
// failed wrote nothing (its transaction rolled back), so its key is released and a retry runs
// afresh — which is what a client retrying after "insufficient funds" or "otp_required" needs.
// A holder that died leaves its key locked for LOCK_TTL_MS, after which a retry takes it over;
// callers derive their ledger transfer ids from the key, so even a takeover racing a slow first
// attempt cannot move money twice (the ledger answers `exists`).
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { DB, Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { defineErrors, DomainError } from '../shared/errors.ts';
import type { Principal } from './auth.ts';

declare module '../db/schema.ts' {
  interface DB {
    idempotency_keys: {
      scope: string;
      key: string;
      request_hash: string;
      status: 'in_progress' | 'completed';
      attempt: string;
      locked_at: Date;
      response_status: number | null;
      response_body: unknown;
      created_at: Date;
      completed_at: Date | null;
    };
  }
}

export const IDEMPOTENCY_ERRORS = defineErrors({
  invalid_idempotency_key: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The Idempotency-Key header must be 1–255 visible ASCII characters (a UUID is a good choice).',
    ko: 'Idempotency-Key 헤더는 1~255자의 ASCII 문자여야 합니다(UUID를 권장합니다).',
  },
});

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** A key held this long by an attempt that never finished may be taken over by a retry. */
export const LOCK_TTL_MS = 60_000;
/** Fields never hashed nor stored: the step-up proof and PINs (DESIGN §5). */
export const SECRET_FIELDS: readonly string[] = ['pin', 'current_pin', 'new_pin', 'otp', 'code', 'challenge_id'];
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

export interface IdempotentRequest {
  /** Whose key it is: keys of different callers never meet (see scopeOf). */
  scope: string;
  key: string;
  /** Method and route pattern, e.g. "POST /v1/transfers": a key reused on another route conflicts. */
  route: string;
  /** The parsed body (and anything else that defines the request, e.g. path params). */
  body: unknown;
  /** Defaults to SECRET_FIELDS. */
  secretFields?: readonly string[];
}

export interface StoredResponse {
  status: number;
  /** JSON only (amounts are already wire strings): it is stored as jsonb and replayed as is. */
  body: unknown;
}

export interface IdempotencyClaim {
  readonly scope: string;
  readonly key: string;
  readonly attempt: string;
  completed: boolean;
}

export type IdempotentOutcome = StoredResponse & { replayed: boolean };

/** The caller's scope: a user's keys, a partner's keys and a staff member's keys are separate spaces. */
export function scopeOf(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.userId}`;
    case 'staff':
      return `staff:${principal.staffId}`;
    case 'partner':
      return `partner:${principal.partnerId}`;
  }
}

/** The Idempotency-Key header: required (400 idempotency_key_required) and well-formed. */
export function idempotencyKeyOf(request: FastifyRequest): string {
  const value = request.headers[IDEMPOTENCY_HEADER];
  if (value === undefined || value === '') throw new DomainError('idempotency_key_required', { param: 'Idempotency-Key' });
  if (typeof value !== 'string' || !KEY_PATTERN.test(value)) throw new DomainError('invalid_idempotency_key', { param: 'Idempotency-Key' });
  return value;
}

/** A copy without the secret fields, at any depth. */
export function withoutSecrets(value: unknown, secretFields: readonly string[] = SECRET_FIELDS): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item, secretFields));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    if (!secretFields.includes(name)) out[name] = withoutSecrets(field, secretFields);
  }
  return out;
}

/** JSON with sorted keys (bigints as decimal strings), so equal requests hash equally. */
function canonical(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function requestHash(request: Pick<IdempotentRequest, 'route' | 'body' | 'secretFields'>): string {
  const fingerprint = { route: request.route, body: withoutSecrets(request.body, request.secretFields) };
  return createHash('sha256').update(canonical(fingerprint)).digest('hex');
}

interface KeyRow {
  request_hash: string;
  status: 'in_progress' | 'completed';
  attempt: string;
  locked_at: Date;
  response_status: number | null;
  response_body: unknown;
}

/**
 * Takes the key for this attempt, or says what to answer instead. Owns its (short) transaction,
 * so a concurrent attempt sees the key at once; call it before opening the money transaction.
 */
export async function claimIdempotencyKey(
  db: Kysely<DB>,
  clock: Clock,
  request: IdempotentRequest,
  options: { lockTtlMs?: number } = {},
): Promise<{ kind: 'claimed'; claim: IdempotencyClaim } | { kind: 'replay'; response: StoredResponse }> {
  const hash = requestHash(request);
  const lockTtlMs = options.lockTtlMs ?? LOCK_TTL_MS;
  // A key released between our insert and our read is simply claimed on the next round.
  for (let round = 0; round < 3; round++) {
    const attempt = randomUUID();
    const outcome = await withTransaction(db, async (trx) => {
      const now = clock.now();
      const inserted = await sql<{ key: string }>`
        INSERT INTO idempotency_keys (scope, key, request_hash, status, attempt, locked_at, created_at)
        VALUES (${request.scope}, ${request.key}, ${hash}, 'in_progress', ${attempt}, ${now}, ${now})
        ON CONFLICT (scope, key) DO NOTHING RETURNING key`.execute(trx);
      const claimed = { kind: 'claimed' as const, claim: { scope: request.scope, key: request.key, attempt, completed: false } };
      if (inserted.rows.length === 1) return claimed;

      const { rows } = await sql<KeyRow>`
        SELECT request_hash, status, attempt, locked_at, response_status, response_body
        FROM idempotency_keys WHERE scope = ${request.scope} AND key = ${request.key} FOR UPDATE`.execute(trx);
      const row = rows[0];
      if (!row) return null;
      if (row.request_hash !== hash) throw new DomainError('idempotency_conflict', { param: 'Idempotency-Key' });
      if (row.status === 'completed') return { kind: 'replay' as const, response: { status: row.response_status!, body: row.response_body } };
      if (now.getTime() - row.locked_at.getTime() < lockTtlMs) throw new DomainError('idempotency_in_progress', { param: 'Idempotency-Key' });
      // The holder gave no sign of life for the lock's lifetime: this attempt takes over.
      await sql`UPDATE idempotency_keys SET attempt = ${attempt}, locked_at = ${now}
                WHERE scope = ${request.scope} AND key = ${request.key}`.execute(trx);
      return claimed;
    });
    if (outcome) return outcome;
  }
  throw new DomainError('idempotency_in_progress', { param: 'Idempotency-Key' });
}

/**
 * Stores the response; call it inside the transaction that moves the money, so that the record
 * and the postings commit together. Throws if another attempt took the key over meanwhile.
 */
export async function completeIdempotencyKey(executor: Executor, clock: Clock, claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
  const body = JSON.stringify(withoutSecrets(response.body));
  const { rows } = await sql<{ key: string }>`
    UPDATE idempotency_keys
    SET status = 'completed', response_status = ${response.status}, response_body = ${body}::jsonb, completed_at = ${clock.now()}
    WHERE scope = ${claim.scope} AND key = ${claim.key} AND attempt = ${claim.attempt} AND status = 'in_progress'
    RETURNING key`.execute(executor);
  if (rows.length !== 1) throw new DomainError('idempotency_in_progress', { param: 'Idempotency-Key' });
  claim.completed = true;
}

/** Frees the key after a failed attempt (nothing was written), unless another attempt holds it now. */
export async function releaseIdempotencyKey(executor: Executor, claim: IdempotencyClaim): Promise<void> {
  await sql`DELETE FROM idempotency_keys
            WHERE scope = ${claim.scope} AND key = ${claim.key} AND attempt = ${claim.attempt} AND status = 'in_progress'`.execute(executor);
}

/**
 * Claim → work → complete, or the stored answer. `work` should call completeIdempotencyKey in its
 * own transaction; if it did not, the response is stored afterwards. When `work` throws, the key
 * is released and the error goes on.
 */
export async function runIdempotent(
  db: Kysely<DB>,
  clock: Clock,
  request: IdempotentRequest,
  work: (claim: IdempotencyClaim) => Promise<StoredResponse>,
  options: { lockTtlMs?: number } = {},
): Promise<IdempotentOutcome> {
  const started = await claimIdempotencyKey(db, clock, request, options);
  if (started.kind === 'replay') return { ...started.response, replayed: true };
  const { claim } = started;
  let response: StoredResponse;
  try {
    response = await work(claim);
    if (!claim.completed) await completeIdempotencyKey(db, clock, claim, response);
  } catch (error) {
    if (!claim.completed) await releaseIdempotencyKey(db, claim).catch(() => undefined);
    throw error;
  }
  return { ...response, replayed: false };
}

/** Sends an outcome; a replay says so in the Idempotent-Replayed header. */
export function sendIdempotent(reply: FastifyReply, outcome: IdempotentOutcome): FastifyReply {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(outcome.status).send(outcome.body);
}

/** Deletes completed records older than `before` (clients may reuse such keys); returns how many. */
export async function pruneIdempotencyKeys(executor: Executor, before: Date, limit = 10_000): Promise<number> {
  const { rows } = await sql<{ key: string }>`
    DELETE FROM idempotency_keys WHERE (scope, key) IN (
      SELECT scope, key FROM idempotency_keys WHERE created_at < ${before} AND status = 'completed' LIMIT ${limit})
    RETURNING key`.execute(executor);
  return rows.length;
}
