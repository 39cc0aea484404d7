// Every result code, produced by a test; plus two-phase, expiry, linked chains, queries, the
// append-only journal and tamper detection — on PGlite, or PostgreSQL with TEST_DATABASE_URL.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { openTestDatabase } from '../../test/helpers/db.ts';
import { sealAndVerify } from '../../test/helpers/ledger.ts';
import {
  ACCOUNT_RESULTS, AccountFlags, TRANSFER_RESULTS, TransferFlags, createLedger, verifyLedger,
  type AccountId, type Ledger, type TransferId, type TransferInput, type TransferResult,
} from './index.ts';

const uuid = () => randomUUID() as TransferId;
const m = (n: bigint) => n as Micros;
const NIL = '00000000-0000-0000-0000-000000000000';
const INT8_MAX = 9_223_372_036_854_775_807n;

let database: Database;
let ledger: Ledger;
const clock = new ManualClock('2026-05-01T00:00:00Z');
const produced = new Set<TransferResult>();

async function account(flags = 0, currency: 'KRW' | 'USD' = 'KRW'): Promise<AccountId> {
  const id = randomUUID() as AccountId;
  expect(await ledger.createAccounts([{ id, currency, code: 1, flags }])).toEqual(['ok']);
  return id;
}

async function run(...transfers: TransferInput[]): Promise<TransferResult[]> {
  const results = await ledger.createTransfers(transfers);
  for (const r of results) produced.add(r);
  return results;
}

function t(debit: AccountId, credit: AccountId, amount: bigint, extra: Partial<TransferInput> = {}): TransferInput {
  return { id: uuid(), debit_account_id: debit, credit_account_id: credit, amount: m(amount), currency: 'KRW', code: 1, ...extra };
}

beforeAll(async () => {
  database = await openTestDatabase();
  ledger = createLedger(database.db, clock);
});

afterAll(async () => {
  const report = await sealAndVerify(ledger, database.db);
  expect(report.problems).toEqual([]);
  expect(report.transfers_unsealed).toBe(0);
  await ledger.close();
  await database.close();
});

describe('result codes', () => {
  it('validates the shape of a transfer before looking anything up', async () => {
    const a = await account();
    const b = await account();
    expect(await run(t(a, b, 1n, { flags: TransferFlags.pending | TransferFlags.post_pending }))).toEqual(['flags_are_mutually_exclusive']);
    expect(await run(t(a, b, 1n, { id: 'not-a-uuid' as TransferId }))).toEqual(['invalid_field']);
    expect(await run(t(a, b, -1n))).toEqual(['invalid_field']);
    expect(await run(t(a, b, INT8_MAX + 1n))).toEqual(['invalid_field']);
    expect(await run(t(a, b, 1n, { flags: 1 << 9 }))).toEqual(['invalid_field']);
    expect(await run(t(a, b, 1n, { code: 70_000 }))).toEqual(['invalid_field']);
    expect(await run(t(a, b, 1n, { metadata: { blob: 'x'.repeat(5000) } }))).toEqual(['invalid_field']);
    expect(await run(t(a, b, 1n, { id: NIL as TransferId }))).toEqual(['id_must_not_be_zero']);
    expect(await run(t(NIL as AccountId, b, 1n))).toEqual(['debit_account_id_must_not_be_zero']);
    expect(await run(t(a, NIL as AccountId, 1n))).toEqual(['credit_account_id_must_not_be_zero']);
    expect(await run(t(a, a, 1n))).toEqual(['accounts_must_be_different']);
    expect(await run(t(a, b, 1n, { pending_id: uuid() }))).toEqual(['pending_id_must_be_zero']);
    expect(await run(t(a, b, 1n, { timeout_s: 5 }))).toEqual(['timeout_reserved_for_pending_transfer']);
    expect(await run(t(a, b, 0n))).toEqual(['amount_must_not_be_zero']);
    expect(await run(t(a, b, 1n, { code: 0 }))).toEqual(['code_must_not_be_zero']);
    const post = { id: uuid(), currency: 'KRW' as const, code: 0, flags: TransferFlags.post_pending };
    expect(await run({ ...post })).toEqual(['pending_id_must_not_be_zero']);
    expect(await run({ ...post, pending_id: post.id })).toEqual(['pending_id_must_be_different']);
    expect(await run({ ...post, pending_id: uuid(), timeout_s: 3 })).toEqual(['timeout_reserved_for_pending_transfer']);
    expect(await run({ ...post, pending_id: uuid(), debit_account_id: NIL as AccountId })).toEqual(['debit_account_id_must_not_be_zero']);
    expect(await run({ ...post, pending_id: uuid(), credit_account_id: NIL as AccountId })).toEqual(['credit_account_id_must_not_be_zero']);
    expect(await run({ ...post, pending_id: uuid(), debit_account_id: a, credit_account_id: a })).toEqual(['accounts_must_be_different']);
  });

  it('answers a replay with exists, and a reused id with exists_with_different_fields', async () => {
    const a = await account();
    const b = await account();
    const first = t(a, b, 10n, { metadata: { ref: 'r1', n: 1 } });
    expect(await run(first)).toEqual(['ok']);
    expect(await run({ ...first, metadata: { n: 1, ref: 'r1' } })).toEqual(['exists']);
    expect(await run({ ...first, amount: m(11n) })).toEqual(['exists_with_different_fields']);
    expect(await run({ ...first, metadata: { ref: 'r2' } })).toEqual(['exists_with_different_fields']);
    // The same id twice in one batch: the second is a replay of the first.
    const twice = t(a, b, 3n);
    expect(await run(twice, twice, { ...twice, amount: m(4n) })).toEqual(['ok', 'exists', 'exists_with_different_fields']);
    const [balance] = await ledger.getBalances([b]);
    expect(balance!.posted).toBe(13n);
  });

  it('checks accounts: existence, currency, closed', async () => {
    const a = await account();
    const usd = await account(0, 'USD');
    const closed = await account(AccountFlags.closed);
    expect(await run(t(randomUUID() as AccountId, a, 1n))).toEqual(['debit_account_not_found']);
    expect(await run(t(a, randomUUID() as AccountId, 1n))).toEqual(['credit_account_not_found']);
    expect(await run(t(a, usd, 1n))).toEqual(['accounts_must_have_the_same_currency']);
    const b = await account();
    expect(await run(t(a, b, 1n, { currency: 'USD' }))).toEqual(['transfer_must_have_the_same_currency_as_accounts']);
    expect(await run(t(closed, a, 1n))).toEqual(['debit_account_closed']);
    expect(await run(t(a, closed, 1n))).toEqual(['credit_account_closed']);
  });

  it('enforces balance flags and int8 overflow', async () => {
    const source = await account();
    const wallet = await account(AccountFlags.debits_must_not_exceed_credits);
    const other = await account();
    expect(await run(t(source, wallet, 100n))).toEqual(['ok']);
    expect(await run(t(wallet, other, 101n))).toEqual(['exceeds_credits']);
    expect(await run(t(wallet, other, 100n))).toEqual(['ok']);
    expect(await run(t(wallet, other, 1n))).toEqual(['exceeds_credits']);

    const capped = await account(AccountFlags.credits_must_not_exceed_debits);
    expect(await run(t(source, capped, 1n))).toEqual(['exceeds_debits']);
    expect(await run(t(capped, source, 5n), t(source, capped, 5n))).toEqual(['ok', 'ok']);

    const big = await account();
    const sink = await account();
    expect(await run(t(big, sink, INT8_MAX))).toEqual(['ok']);
    expect(await run(t(big, other, 1n))).toEqual(['overflows_debits']);
    expect(await run(t(other, sink, 1n))).toEqual(['overflows_credits']);
  });
});

describe('two-phase transfers', () => {
  it('reserves, posts partially, voids, and refuses a second resolution', async () => {
    const source = await account();
    const wallet = await account(AccountFlags.debits_must_not_exceed_credits);
    const payout = await account();
    await run(t(source, wallet, 100n));

    const hold = t(wallet, payout, 60n, { flags: TransferFlags.pending, timeout_s: 300 });
    expect(await run(hold)).toEqual(['ok']);
    let [w] = await ledger.getBalances([wallet]);
    expect([w!.posted, w!.pending_out, w!.available]).toEqual([100n, 60n, 40n]);
    expect(await run(t(wallet, payout, 41n))).toEqual(['exceeds_credits']);

    const post = (extra: Partial<TransferInput> = {}): TransferInput => ({ id: uuid(), pending_id: hold.id, currency: 'KRW', code: 0, flags: TransferFlags.post_pending, ...extra });
    expect(await run(post({ amount: m(61n) }))).toEqual(['exceeds_pending_transfer_amount']);
    expect(await run(post({ debit_account_id: payout }))).toEqual(['pending_transfer_has_different_debit_account_id']);
    expect(await run(post({ credit_account_id: source }))).toEqual(['pending_transfer_has_different_credit_account_id']);
    expect(await run(post({ currency: 'USD' }))).toEqual(['pending_transfer_has_different_currency']);
    expect(await run(post({ code: 9 }))).toEqual(['pending_transfer_has_different_code']);
    expect(await run(post({ pending_id: uuid() }))).toEqual(['pending_transfer_not_found']);
    const plain = t(source, wallet, 1n);
    await run(plain);
    expect(await run(post({ pending_id: plain.id }))).toEqual(['pending_transfer_not_pending']);
    expect(await run({ id: uuid(), pending_id: hold.id, currency: 'KRW', code: 0, flags: TransferFlags.void_pending, amount: m(5n) })).toEqual(['pending_transfer_has_different_amount']);

    expect(await run(post({ amount: m(45n) }))).toEqual(['ok']);
    [w] = await ledger.getBalances([wallet]);
    expect([w!.posted, w!.pending_out, w!.available]).toEqual([56n, 0n, 56n]);
    expect(await run(post())).toEqual(['pending_transfer_already_posted']);

    const hold2 = t(wallet, payout, 10n, { flags: TransferFlags.pending });
    await run(hold2);
    expect(await run({ id: uuid(), pending_id: hold2.id, currency: 'KRW', code: 0, flags: TransferFlags.void_pending })).toEqual(['ok']);
    expect(await run({ id: uuid(), pending_id: hold2.id, currency: 'KRW', code: 0, flags: TransferFlags.void_pending })).toEqual(['pending_transfer_already_voided']);
    [w] = await ledger.getBalances([wallet]);
    expect(w!.available).toBe(56n);
  });

  it('lets a timed-out reservation lapse: it stops counting at once and the expiry job voids it', async () => {
    const source = await account();
    const wallet = await account(AccountFlags.debits_must_not_exceed_credits);
    const payout = await account();
    await run(t(source, wallet, 50n));
    const hold = t(wallet, payout, 50n, { flags: TransferFlags.pending, timeout_s: 120 });
    expect(await run(hold)).toEqual(['ok']);
    clock.advance(121_000);
    let [w] = await ledger.getBalances([wallet]);
    expect(w!.available).toBe(50n); // lapsed, though not voided yet
    expect(await run({ id: uuid(), pending_id: hold.id, currency: 'KRW', code: 0, flags: TransferFlags.post_pending })).toEqual(['pending_transfer_expired']);
    // Spending the released money works even before the job ran: the batch voids the hold first.
    expect(await run(t(wallet, payout, 50n))).toEqual(['ok']);
    [w] = await ledger.getBalances([wallet]);
    expect([w!.posted, w!.pending_out]).toEqual([0n, 0n]);
    expect(await ledger.expirePending()).toBe(0);

    const hold2 = t(source, payout, 7n, { flags: TransferFlags.pending, timeout_s: 1 });
    await run(hold2);
    clock.advance(2000);
    expect(await ledger.expirePending()).toBe(1);
    expect(await run({ id: uuid(), pending_id: hold2.id, currency: 'KRW', code: 0, flags: TransferFlags.void_pending })).toEqual(['pending_transfer_expired']);
  });
});

describe('linked chains', () => {
  it('succeed or fail together, and a chain cannot be left open', async () => {
    const source = await account();
    const wallet = await account(AccountFlags.debits_must_not_exceed_credits);
    const fees = await account();
    await run(t(source, wallet, 10n));
    const results = await run(
      t(wallet, source, 8n, { flags: TransferFlags.linked }),
      t(wallet, fees, 3n), // 8 + 3 > 10: the pair fails
      t(wallet, fees, 2n),
    );
    expect(results).toEqual(['linked_event_failed', 'exceeds_credits', 'ok']);
    expect((await ledger.getBalances([wallet]))[0]!.posted).toBe(8n);
    expect(await run(t(wallet, fees, 1n, { flags: TransferFlags.linked }))).toEqual(['linked_event_chain_open']);
    // Concurrent callers' chains are merged by the group committer but never joined.
    const [a, b] = await Promise.all([
      ledger.createTransfers([t(source, fees, 1n, { flags: TransferFlags.linked })]),
      ledger.createTransfers([t(source, fees, 1n)]),
    ]);
    expect(a).toEqual(['linked_event_chain_open']);
    expect(b).toEqual(['ok']);
  });
});

describe('accounts', () => {
  it('creates idempotently and reports every account result code', async () => {
    const id = randomUUID() as AccountId;
    const results = await ledger.createAccounts([
      { id, currency: 'KRW', code: 5 },
      { id, currency: 'KRW', code: 5 },
      { id, currency: 'KRW', code: 6 },
      { id: randomUUID() as AccountId, currency: 'KRW', code: 1, flags: AccountFlags.debits_must_not_exceed_credits | AccountFlags.credits_must_not_exceed_debits },
      { id: NIL as AccountId, currency: 'KRW', code: 1 },
      { id: randomUUID() as AccountId, currency: 'KRW', code: 0 },
      { id: randomUUID() as AccountId, currency: 'XXX' as 'KRW', code: 1 },
    ]);
    expect(results).toEqual(['ok', 'exists', 'exists_with_different_fields', 'flags_are_mutually_exclusive', 'id_must_not_be_zero', 'code_must_not_be_zero', 'invalid_field']);
    expect(new Set(results)).toEqual(new Set(ACCOUNT_RESULTS));
    expect(await ledger.createAccounts([{ id, currency: 'KRW', code: 5 }])).toEqual(['exists']);
  });
});

describe('queries', () => {
  it('lists an account entries newest first with a cursor', async () => {
    const a = await account();
    const b = await account();
    for (let i = 1; i <= 7; i++) {
      await run(t(a, b, BigInt(i)));
      clock.advance(1000);
    }
    const seen: bigint[] = [];
    let after: string | null = null;
    do {
      const page = await ledger.listEntries(b, { limit: 3, after });
      seen.push(...page.entries.map((e) => e.transfer.amount));
      expect(page.entries.every((e) => e.direction === 'credit')).toBe(true);
      after = page.next_cursor;
    } while (after);
    expect(seen).toEqual([7n, 6n, 5n, 4n, 3n, 2n, 1n]);
    const [found] = await ledger.lookupTransfers([(await ledger.listEntries(a, { limit: 1 })).entries[0]!.transfer.id]);
    expect(found!.amount).toBe(7n);
  });
});

describe('the journal', () => {
  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    const a = await account();
    const b = await account();
    await run(t(a, b, 1n));
    await expect(sql`UPDATE ledger_transfers SET amount = amount + 1`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM ledger_transfers`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE ledger_transfers`.execute(database.db)).rejects.toThrow(/append-only/);
    // Refused as statements: even one that matches no row (and whether or not a block is sealed yet).
    await expect(sql`DELETE FROM ledger_transfers WHERE false`.execute(database.db)).rejects.toThrow(/append-only/);
    await ledger.sealBlocks();
    await expect(sql`DELETE FROM ledger_blocks`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE ledger_blocks SET transfers = transfers WHERE false`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('verify names the block whose transfers were tampered with, and the account whose totals drifted', async () => {
    const scratch = await openTestDatabase();
    const l = createLedger(scratch.db, clock);
    try {
      const a = randomUUID() as AccountId;
      const b = randomUUID() as AccountId;
      await l.createAccounts([{ id: a, currency: 'KRW', code: 1 }, { id: b, currency: 'KRW', code: 1 }]);
      for (let i = 0; i < 3; i++) await l.createTransfers([t(a, b, 10n)]);
      const clean = await sealAndVerify(l, scratch.db);
      expect(clean.ok && clean.blocks === 3 && clean.transfers_unsealed === 0).toBe(true);
      // An attacker with database rights disables the guard and rewrites history.
      await scratch.exec(`ALTER TABLE ledger_transfers DISABLE TRIGGER ledger_transfers_append_only;
        UPDATE ledger_transfers SET amount = 11 WHERE id = (SELECT id FROM ledger_transfers ORDER BY tx_id DESC LIMIT 1);`);
      const report = await verifyLedger(scratch.db);
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatch(/^block 3 .*hash does not match/);
      expect(report.problems.join('\n')).toMatch(new RegExp(`account ${b}: totals do not match`));
    } finally {
      await l.close();
      await scratch.close();
    }
  });
});

describe('coverage of the result list', () => {
  it('every documented transfer result code was produced by a test above', () => {
    const missing = TRANSFER_RESULTS.filter((code) => !produced.has(code) && code !== 'linked_event_failed' && code !== 'linked_event_chain_open');
    expect(missing).toEqual([]);
    expect(produced.has('linked_event_failed') && produced.has('linked_event_chain_open')).toBe(true);
  });
});
