// The Idempotency-Key helper on a real database: replay, conflict, in-progress, takeover of a
// dead holder, release after a failure, secrets left out, scopes apart, and (PostgreSQL) one
// winner among concurrent attempts.
import type { FastifyRequest } from 'fastify';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, postgresOnly, type TestDatabase } from '../../test/helpers/db.ts';
import { ManualClock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  idempotencyKeyOf,
  LOCK_TTL_MS,
  pruneIdempotencyKeys,
  releaseIdempotencyKey,
  requestHash,
  runIdempotent,
  scopeOf,
  withoutSecrets,
} from './idempotency.ts';

let database: TestDatabase;
let clock: ManualClock;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.close());
beforeEach(async () => {
  clock = new ManualClock('2026-03-10T01:00:00Z');
  await sql`DELETE FROM idempotency_keys`.execute(database.db);
});

const request = (body: unknown, key = 'k-1', scope = 'user:usr_a', route = 'POST /v1/transfers') => ({ scope, key, route, body });

async function keyCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM idempotency_keys`.execute(database.db);
  return rows[0]!.n;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'ok';
}

describe('runIdempotent', () => {
  it('runs once, then answers the stored response for the same request', async () => {
    let runs = 0;
    const work = async () => ({ status: 201, body: { id: `txf_${++runs}`, amount: { amount: '10', currency: 'KRW' } } });
    const first = await runIdempotent(database.db, clock, request({ to: '+821012345678', amount: 10n, pin: '123456' }), work);
    const again = await runIdempotent(database.db, clock, request({ amount: 10n, to: '+821012345678', pin: '654321' }), work);
    expect(first).toEqual({ status: 201, body: { id: 'txf_1', amount: { amount: '10', currency: 'KRW' } }, replayed: false });
    expect(again).toEqual({ ...first, replayed: true });
    expect(runs).toBe(1);
  });

  it('refuses the same key with another body or on another route, and keeps scopes apart', async () => {
    const work = async () => ({ status: 201, body: { ok: true } });
    await runIdempotent(database.db, clock, request({ amount: 10n }), work);
    expect(await codeOf(runIdempotent(database.db, clock, request({ amount: 11n }), work))).toBe('idempotency_conflict');
    expect(await codeOf(runIdempotent(database.db, clock, request({ amount: 10n }, 'k-1', 'user:usr_a', 'POST /v1/wallets/moves'), work))).toBe('idempotency_conflict');
    const other = await runIdempotent(database.db, clock, request({ amount: 11n }, 'k-1', 'user:usr_b'), work);
    expect(other.replayed).toBe(false);
  });

  it('releases the key when the work fails, so a retry runs afresh', async () => {
    let attempts = 0;
    const failing = async () => {
      attempts++;
      throw new DomainError('insufficient_funds');
    };
    expect(await codeOf(runIdempotent(database.db, clock, request({ amount: 10n }), failing))).toBe('insufficient_funds');
    expect(await keyCount()).toBe(0);
    // A retry may even change the body: nothing happened under this key.
    const retried = await runIdempotent(database.db, clock, request({ amount: 5n }), async () => ({ status: 201, body: { ok: true } }));
    expect(retried.replayed).toBe(false);
    expect(attempts).toBe(1);
  });

  it('stores the response inside the caller\'s transaction when the work completes it', async () => {
    const outcome = await runIdempotent(database.db, clock, request({ amount: 1n }), async (claim) => {
      const response = { status: 201, body: { id: 'x', pin: '123456' } };
      await database.db.transaction().execute((trx) => completeIdempotencyKey(trx, clock, claim, response));
      return response;
    });
    expect(outcome.replayed).toBe(false);
    const { rows } = await sql<{ body: unknown; status: string }>`SELECT response_body AS body, status FROM idempotency_keys`.execute(database.db);
    expect(rows[0]).toEqual({ body: { id: 'x' }, status: 'completed' });
  });
});

describe('claimIdempotencyKey', () => {
  it('answers in progress while held, and lets a retry take over a holder silent for the lock time', async () => {
    const first = await claimIdempotencyKey(database.db, clock, request({ a: 1 }));
    expect(first.kind).toBe('claimed');
    expect(await codeOf(claimIdempotencyKey(database.db, clock, request({ a: 1 })))).toBe('idempotency_in_progress');
    clock.advance(LOCK_TTL_MS);
    const second = await claimIdempotencyKey(database.db, clock, request({ a: 1 }));
    expect(second.kind).toBe('claimed');
    if (first.kind !== 'claimed' || second.kind !== 'claimed') throw new Error('unreachable');
    // The first holder wakes up: it can neither complete nor release what it no longer holds.
    expect(await codeOf(completeIdempotencyKey(database.db, clock, first.claim, { status: 201, body: {} }))).toBe('idempotency_in_progress');
    await releaseIdempotencyKey(database.db, first.claim);
    expect(await keyCount()).toBe(1);
    await completeIdempotencyKey(database.db, clock, second.claim, { status: 201, body: { done: true } });
    const replay = await claimIdempotencyKey(database.db, clock, request({ a: 1 }));
    expect(replay).toEqual({ kind: 'replay', response: { status: 201, body: { done: true } } });
  });

  const pg = postgresOnly('concurrent claims need several connections');
  it.skipIf(pg.skip)(`gives a key to exactly one of many concurrent attempts — ${pg.note}`, async () => {
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { status: 201, body: { ok: true } };
    };
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => codeOf(runIdempotent(database.db, clock, request({ same: true }, 'race'), work))));
    expect(runs).toBe(1);
    expect(outcomes.every((o) => o === 'ok' || o === 'idempotency_in_progress')).toBe(true);
    expect(await keyCount()).toBe(1);
  });
});

describe('request identity', () => {
  it('leaves PINs and codes out of the hash at any depth, and ignores key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.bigInt())), fc.string(), (body, pin) => {
        const reversed = Object.fromEntries(Object.entries(body).reverse());
        const route = 'POST /x';
        const withSecret = { ...body, pin, otp: pin, nested: { code: pin } };
        const withOther = { ...reversed, pin: `${pin}0`, otp: '1', nested: { code: 'z' } };
        expect(requestHash({ route, body: withSecret })).toBe(requestHash({ route, body: withOther }));
      }),
    );
    expect(withoutSecrets({ pin: '1', a: [{ otp: '2', b: 3 }], challenge_id: 'otp_x' })).toEqual({ a: [{ b: 3 }] });
  });

  it('reads and checks the Idempotency-Key header', () => {
    const of = (value: unknown) => idempotencyKeyOf({ headers: { 'idempotency-key': value } } as unknown as FastifyRequest);
    expect(of('7c0b5e1a-1b2c-4d5e-8f90-123456789abc')).toBe('7c0b5e1a-1b2c-4d5e-8f90-123456789abc');
    expect(() => of(undefined)).toThrow(expect.objectContaining({ code: 'idempotency_key_required' }));
    expect(() => of('')).toThrow(expect.objectContaining({ code: 'idempotency_key_required' }));
    expect(() => of('with space')).toThrow(expect.objectContaining({ code: 'invalid_idempotency_key' }));
    expect(() => of('x'.repeat(256))).toThrow(expect.objectContaining({ code: 'invalid_idempotency_key' }));
    expect(() => of(['a', 'b'])).toThrow(expect.objectContaining({ code: 'invalid_idempotency_key' }));
  });

  it('scopes keys by the caller', () => {
    expect(scopeOf({ kind: 'user', userId: 'usr_1', sessionId: 's', lang: 'ko' })).toBe('user:usr_1');
    expect(scopeOf({ kind: 'partner', partnerId: 'ptn_1', keyId: 'k', scopes: [] })).toBe('partner:ptn_1');
    expect(scopeOf({ kind: 'staff', staffId: 'stf_1', role: 'finance', sessionId: 's', lang: 'en' })).toBe('staff:stf_1');
  });
});

describe('pruneIdempotencyKeys', () => {
  it('deletes completed records older than the cut-off and keeps the rest', async () => {
    await runIdempotent(database.db, clock, request({ a: 1 }, 'old'), async () => ({ status: 201, body: {} }));
    await claimIdempotencyKey(database.db, clock, request({ a: 1 }, 'old-in-progress'));
    clock.advance(86_400_000);
    await runIdempotent(database.db, clock, request({ a: 1 }, 'new'), async () => ({ status: 201, body: {} }));
    expect(await pruneIdempotencyKeys(database.db, new Date(clock.now().getTime() - 3_600_000))).toBe(1);
    const { rows } = await sql<{ key: string }>`SELECT key FROM idempotency_keys ORDER BY key`.execute(database.db);
    expect(rows.map((r) => r.key)).toEqual(['new', 'old-in-progress']);
  });
});
