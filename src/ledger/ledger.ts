// The ledger's use cases: createLedger() wires the group committer, the sealer and the expiry
// job around the batch logic. Everything product-specific lives elsewhere.
import { sql, type Kysely } from 'kysely';
import type { DB, Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import { type Micros } from '../money/index.ts';
import type { Clock } from '../shared/clock.ts';
import { applyBatch, expiryId } from './batch.ts';
import { sealBlocks } from './chain.ts';
import { canonicalJson } from './canonical.ts';
import { LedgerError, type AccountResult } from './errors.ts';
import { GroupCommitter, type GroupCommitOptions } from './group-commit.ts';
import type { Ledger } from './ledger-api.ts';
import { insertAccounts, selectAccounts, selectDueHolds, selectEntries, selectExpiredHoldTotals, selectTransfers } from './ledger.sql.ts';
import { AccountFlags, TransferFlags, type AccountId, type AccountInput, type Balance, type EntriesPage, type TransferId, type TransferInput } from './types.ts';
import { isCurrencyCode } from '../money/index.ts';

/** The most transfers one call may carry (a partner's batch of 10,000 credits fits whole). */
export const TRANSFERS_PER_CALL_MAX = 10_000;
const UNIQUE_RETRIES_MAX = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface LedgerOptions {
  groupCommit?: Partial<GroupCommitOptions>;
  /** Seal blocks and expire holds on timers (the server); tests call them directly. */
  background?: boolean;
  sealIntervalMs?: number;
  expiryIntervalMs?: number;
  onError?: (error: unknown, where: string) => void;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/**
 * One of the batch's ids is already in the journal (a replay, or a concurrent batch inserted it
 * first), or a concurrent batch resolved one of its pendings: replan with the journal consulted
 * first, so the replay is answered `exists`.
 */
async function withUniqueRetry<T>(work: (precheck: boolean) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work(attempt > 0);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= UNIQUE_RETRIES_MAX) throw error;
    }
  }
}

function checkCallSize(transfers: TransferInput[]): void {
  if (transfers.length > TRANSFERS_PER_CALL_MAX) {
    throw new LedgerError(`a call carries at most ${TRANSFERS_PER_CALL_MAX} transfers (got ${transfers.length})`);
  }
}

function validateAccount(a: AccountInput): AccountResult | null {
  const flags = a.flags ?? 0;
  if ((flags & AccountFlags.debits_must_not_exceed_credits) !== 0 && (flags & AccountFlags.credits_must_not_exceed_debits) !== 0) {
    return 'flags_are_mutually_exclusive';
  }
  const known = AccountFlags.debits_must_not_exceed_credits | AccountFlags.credits_must_not_exceed_debits | AccountFlags.closed;
  if (typeof a.id !== 'string' || !UUID.test(a.id) || !isCurrencyCode(a.currency) || !Number.isInteger(flags) || (flags & ~known) !== 0) {
    return 'invalid_field';
  }
  if (a.id === '00000000-0000-0000-0000-000000000000') return 'id_must_not_be_zero';
  if (!Number.isInteger(a.code) || a.code < 0 || a.code > 65535) return 'invalid_field';
  if (a.code === 0) return 'code_must_not_be_zero';
  return null;
}

export function createLedger(db: Kysely<DB>, clock: Clock, options: LedgerOptions = {}): Ledger {
  const runBatch = (transfers: TransferInput[], segments: number[]) =>
    withUniqueRetry((precheck) => withTransaction(db, (trx) => applyBatch(trx, transfers, clock.now(), segments, precheck)));

  const committer = new GroupCommitter(
    async (transfers, segments) => {
      const results = await runBatch(transfers, segments);
      scheduleSeal();
      return results;
    },
    {
      windowUs: options.groupCommit?.windowUs ?? 200,
      batchMax: options.groupCommit?.batchMax ?? 1000,
      committers: options.groupCommit?.committers ?? 2,
      queueMax: options.groupCommit?.queueMax ?? 200_000,
    },
  );

  const onError = options.onError ?? (() => undefined);
  let sealTimer: NodeJS.Timeout | null = null;
  let sealing: Promise<number> | null = null;
  let closed = false;

  const sealNow = async (): Promise<number> => {
    if (sealing) return sealing;
    sealing = (async () => {
      let total = 0;
      for (;;) {
        const n = await sealBlocks(db);
        total += n;
        if (n === 0) return total;
      }
    })().finally(() => {
      sealing = null;
    });
    return sealing;
  };

  function scheduleSeal(): void {
    if (!options.background || closed || sealTimer) return;
    sealTimer = setTimeout(() => {
      sealTimer = null;
      sealNow().catch((error) => onError(error, 'seal'));
    }, options.sealIntervalMs ?? 50);
  }

  const expirePending = async (limit = 1000): Promise<number> => {
    const due = await selectDueHolds(db, clock.now(), limit);
    if (due.length === 0) return 0;
    const results = await committer.submit(
      due.map((hold) => ({
        id: expiryId(hold.pending_id),
        pending_id: hold.pending_id as TransferId,
        currency: hold.currency as TransferInput['currency'],
        code: 0,
        flags: TransferFlags.void_pending,
        metadata: { reason: 'expired' },
      })),
    );
    // 'exists': the batch itself voided the lapsed hold first (batch.ts), with this very id.
    return results.filter((r) => r === 'ok' || r === 'exists').length;
  };

  const timers: NodeJS.Timeout[] = [];
  if (options.background) {
    timers.push(setInterval(() => sealNow().catch((e) => onError(e, 'seal')), Math.max(options.sealIntervalMs ?? 50, 250) * 4));
    timers.push(setInterval(() => expirePending().catch((e) => onError(e, 'expire')), options.expiryIntervalMs ?? 1000));
    for (const timer of timers) timer.unref();
  }

  const ledger: Ledger = {
    async createAccounts(accounts, executor: Executor = db) {
      const results: AccountResult[] = accounts.map((a) => validateAccount(a) ?? 'ok');
      const valid = accounts.filter((_, i) => results[i] === 'ok');
      // Within one call, the first occurrence of an id decides; later ones compare against it.
      const firstIndex = new Map<string, number>();
      const unique: AccountInput[] = [];
      for (const a of valid) {
        if (!firstIndex.has(a.id)) {
          firstIndex.set(a.id, unique.length);
          unique.push(a);
        }
      }
      const inserted = await insertAccounts(executor, unique, clock.now());
      const existing = new Map((await selectAccounts(executor, unique.filter((a) => !inserted.has(a.id)).map((a) => a.id))).map((a) => [a.id, a]));
      const seen = new Set<string>();
      accounts.forEach((a, i) => {
        if (results[i] !== 'ok') return;
        const first = seen.has(a.id);
        seen.add(a.id);
        if (inserted.has(a.id) && !first) return;
        const stored = existing.get(a.id as AccountId) ?? unique[firstIndex.get(a.id)!]!;
        const same =
          stored.currency === a.currency && stored.code === a.code && (stored.flags ?? 0) === (a.flags ?? 0) && (stored.owner ?? null) === (a.owner ?? null);
        results[i] = same ? 'exists' : 'exists_with_different_fields';
      });
      return results;
    },

    async createTransfers(transfers) {
      checkCallSize(transfers);
      return committer.submit(transfers);
    },

    async createTransfer(transfer) {
      const [result] = await committer.submit([transfer]);
      return result!;
    },

    async createTransfersIn(trx, transfers) {
      checkCallSize(transfers);
      // The caller's transaction must survive a concurrent insert of one of our ids: the batch
      // runs under a savepoint and is replanned (then seeing `exists`) after a unique violation.
      const results = await withUniqueRetry(async (precheck) => {
        await sql`SAVEPOINT ledger_batch`.execute(trx);
        try {
          const planned = await applyBatch(trx, transfers, clock.now(), [transfers.length], precheck);
          await sql`RELEASE SAVEPOINT ledger_batch`.execute(trx);
          return planned;
        } catch (error) {
          await sql`ROLLBACK TO SAVEPOINT ledger_batch`.execute(trx);
          throw error;
        }
      });
      scheduleSeal();
      return results;
    },

    lookupAccounts: (ids, executor = db) => selectAccounts(executor, ids.filter((id) => UUID.test(id))),
    lookupTransfers: (ids, executor = db) => selectTransfers(executor, ids.filter((id) => UUID.test(id))),

    async getBalances(ids, executor = db): Promise<Balance[]> {
      const accounts = await selectAccounts(executor, ids.filter((id) => UUID.test(id)));
      const expired = await selectExpiredHoldTotals(executor, accounts.map((a) => a.id), clock.now());
      const byId = new Map(accounts.map((a) => [a.id as string, a]));
      return ids.flatMap((id) => {
        const a = byId.get(id);
        if (!a) return [];
        const lapsed = expired.get(id) ?? { out: 0n, in: 0n };
        const posted = a.credits_posted - a.debits_posted;
        const pendingOut = a.debits_pending - lapsed.out;
        return [{
          account_id: a.id,
          currency: a.currency,
          posted: posted as Micros,
          pending_out: pendingOut as Micros,
          pending_in: (a.credits_pending - lapsed.in) as Micros,
          available: (posted - pendingOut) as Micros,
        }];
      });
    },

    async listEntries(accountId, listOptions = {}, executor = db): Promise<EntriesPage> {
      const limit = Math.min(Math.max(listOptions.limit ?? 50, 1), 500);
      const after = listOptions.after ? decodeCursor(listOptions.after) : null;
      if (!UUID.test(accountId)) return { entries: [], next_cursor: null };
      const rows = await selectEntries(executor, accountId, limit + 1, after);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        entries: page.map((transfer) => ({ transfer, direction: transfer.debit_account_id === accountId ? 'debit' : 'credit' })),
        next_cursor: rows.length > limit && last ? encodeCursor(last.timestamp, last.id) : null,
      };
    },

    expirePending,
    sealBlocks: sealNow,

    async close() {
      closed = true;
      for (const timer of timers) clearInterval(timer);
      if (sealTimer) clearTimeout(sealTimer);
      await committer.close();
      if (sealing) await sealing.catch(() => 0);
    },
  };
  return Object.assign(ledger, { stats: committer.stats });
}

export function encodeCursor(ts: Date, id: string): string {
  return Buffer.from(canonicalJson({ ts: ts.toISOString(), id })).toString('base64url');
}

export function decodeCursor(cursor: string): { ts: Date; id: string } | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { ts?: unknown; id?: unknown };
    if (typeof parsed.ts !== 'string' || typeof parsed.id !== 'string' || !UUID.test(parsed.id)) return null;
    const ts = new Date(parsed.ts);
    return Number.isNaN(ts.getTime()) ? null : { ts, id: parsed.id };
  } catch {
    return null;
  }
}
