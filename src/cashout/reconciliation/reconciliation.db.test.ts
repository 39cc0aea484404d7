// Reconciliation on a real ledger, with statements written by rails-bank's camt.053 writer:
// what matches, what does not on either side, amount mismatches, returns, invalid files and
// re-runs — and after each, the ledger verifies.
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/db.ts';
import { sealAndVerify } from '../../../test/helpers/ledger.ts';
import { instruction, openBankWorld } from '../../../test/helpers/rails-bank.ts';
import { CLEARING, DEPOSITS, depositEntry, feeEntry, openPayoutWorld, payoutEntry, returnEntry, type PayoutWorld } from '../../../test/helpers/reconciliation.ts';
import type { Database } from '../../db/index.ts';
import { fromMinor, micros, toMinorFloor } from '../../money/index.ts';
import { addDays } from '../../policy/index.ts';
import { ManualClock } from '../../shared/clock.ts';
import { DomainError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { BankUpdateBatch } from '../../rails/index.ts';
import { ReconciliationService, type ReturnNotice } from './service.ts';

let database: Database;
let clock: ManualClock;
let world: PayoutWorld;
let service: ReconciliationService;
let returns: Array<[string, ReturnNotice]>;
let refuseReturns: boolean;
// One database for the file (a fresh PGlite costs seconds): each test lives 30 days after the
// previous one, and a 5-day look-back keeps earlier tests' payouts out of its statements.
let testIndex = 0;
let DAY1 = '';
let DAY2 = '';

beforeAll(async () => {
  database = await openTestDatabase();
  clock = new ManualClock('2026-01-15T01:00:00Z');
  world = await openPayoutWorld(database, clock);
  service = new ReconciliationService({
    db: database.db,
    ledger: world.ledger,
    clock,
    timeZone: 'Asia/Seoul',
    lookback_days: 5,
    onReturned: async (cashoutId, notice) => {
      if (refuseReturns) throw new Error('cash-out is busy');
      returns.push([cashoutId, notice]);
    },
  });
});

beforeEach(async () => {
  DAY1 = addDays('2026-01-15', 30 * testIndex);
  DAY2 = addDays(DAY1, 1);
  testIndex += 1;
  clock.set(`${DAY1}T01:00:00Z`); // 10:00 in Seoul
  returns = [];
  refuseReturns = false;
  // Reconciliation's own tables start empty for each test; the ledger keeps its history.
  await database.db.deleteFrom('finance_tasks').execute();
  await database.db.deleteFrom('reconciliation_items').execute();
  await database.db.deleteFrom('reconciliation_runs').execute();
  world.bankBalanceMinor = await bookBalanceMinor();
  clearingAtStart = (await balances()).clearing;
});

afterEach(async () => {
  const report = await sealAndVerify(world.ledger, database.db);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
});

afterAll(async () => {
  await world.close();
  await database.close();
});

const cli = { source: 'cli' as const, actor: { kind: 'system' as const, name: 'test' } };

async function counts() {
  const { rows } = await sql<{ runs: number; items: number; tasks: number; transfers: number }>`
    SELECT (SELECT count(*)::int FROM reconciliation_runs) AS runs, (SELECT count(*)::int FROM reconciliation_items) AS items,
           (SELECT count(*)::int FROM finance_tasks) AS tasks, (SELECT count(*)::int FROM ledger_transfers) AS transfers`.execute(database.db);
  return rows[0]!;
}

async function balances() {
  const [clearing, deposits] = await world.ledger.getBalances([CLEARING, DEPOSITS]);
  return { clearing: clearing!.posted, book: -deposits!.posted };
}

/** The trust account in our books, in whole won: where this test's bank statements open. */
async function bookBalanceMinor(): Promise<bigint> {
  return toMinorFloor(micros((await balances()).book));
}

/** bank_clearing now, less what it held when the test began. */
let clearingAtStart = 0n;
async function clearingDelta(): Promise<bigint> {
  return (await balances()).clearing - clearingAtStart;
}

async function openTasks() {
  return (await service.listTasks({ status: 'open', limit: 100 })).data.map((t) => [t.kind, t.reference]).sort();
}

describe('matching a statement', () => {
  it('matches every payout, empties the clearing account, and agrees with the closing balance', async () => {
    const a = await world.settle(10_000n);
    const b = await world.settle(25_000n, { singlePosting: true });
    const c = await world.settle(7_300n);
    expect(await clearingDelta()).toBe(fromMinor(42_300n));
    const opening = world.bankBalanceMinor;
    const xml = world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1), payoutEntry(b, 25_000n, DAY1), payoutEntry(c, 7_300n, DAY1)]);

    const result = await service.reconcileXml(xml, cli);
    expect(result.statements).toHaveLength(1);
    const { run, created } = result.statements[0]!;
    expect(created).toBe(true);
    expect(run).toMatchObject({ statementDate: DAY1, counts: { matched: 3, unmatched_ours: 0, unmatched_bank: 0, amount_mismatch: 0, returned: 0 } });
    expect(run.clearingBalance).toBe(clearingAtStart);
    expect(await clearingDelta()).toBe(0n);
    expect(run.closingBalanceMinor).toBe(opening - 42_300n);
    // Our books and the bank agree: the trust account's balance in bank_deposits is the closing balance.
    expect(run.bookBalance).toBe(fromMinor(run.closingBalanceMinor));
    expect((await balances()).book).toBe(fromMinor(opening - 42_300n));
    expect(await openTasks()).toEqual([]);

    const view = await service.getReconciliation(DAY1);
    expect(view.items.matched.map((i) => i.cashoutId)).toEqual([a, b, c]);
    const posted = await world.ledger.lookupTransfers(view.items.matched.map((i) => i.postedTransferId!) as never);
    const order = [a, b, c];
    posted.sort((x, y) => order.indexOf(String(x.metadata?.cashout)) - order.indexOf(String(y.metadata?.cashout)));
    expect(posted.map((t) => [t.debit_account_id, t.credit_account_id, t.amount, t.metadata?.cashout])).toEqual([
      [CLEARING, DEPOSITS, fromMinor(10_000n), a],
      [CLEARING, DEPOSITS, fromMinor(25_000n), b],
      [CLEARING, DEPOSITS, fromMinor(7_300n), c],
    ]);
  });

  it('lists what is missing on each side, opens one task per item, and closes ours when it turns up', async () => {
    const a = await world.settle(10_000n);
    const b = await world.settle(20_000n);
    const stranger = 'cot_01kstranger0000000000000000';
    const xml = world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1), payoutEntry(stranger, 5_000n, DAY1), depositEntry(1_000_000n, DAY1), feeEntry(500n, DAY1)]);
    // Settled after the day's end in Seoul: not expected on this statement.
    clock.set(`${DAY1}T16:00:00Z`);
    const late = await world.settle(3_000n);

    const [first] = (await service.reconcileXml(xml, cli)).statements;
    expect(first!.run.counts).toEqual({ matched: 1, unmatched_ours: 1, unmatched_bank: 3, amount_mismatch: 0, returned: 0 });
    const view = await service.getReconciliation(DAY1);
    expect(view.items.unmatched_ours.map((i) => [i.cashoutId, i.ourAmount])).toEqual([[b, fromMinor(20_000n)]]);
    expect(view.items.unmatched_bank.map((i) => [i.entryKind, i.cashoutId, i.bankAmount])).toEqual([
      ['payout', stranger, fromMinor(5_000n)],
      ['deposit', null, fromMinor(1_000_000n)],
      ['fee', null, fromMinor(500n)],
    ]);
    const bankRefs = view.items.unmatched_bank.filter((i) => i.cashoutId === null).map((i) => i.bankReference!);
    expect(await openTasks()).toEqual([['unmatched_bank', stranger], ['unmatched_bank', bankRefs[0]], ['unmatched_bank', bankRefs[1]], ['unmatched_ours', b]].sort());
    // b and the late payout are still in clearing.
    expect(first!.run.clearingBalance - clearingAtStart).toBe(fromMinor(23_000n));

    // The next day's statement shows b (and the late one): both matched, b's task closed by the system.
    clock.set(`${DAY2}T09:00:00Z`);
    const [second] = (await service.reconcileXml(world.statement(DAY2, [payoutEntry(b, 20_000n, DAY2), payoutEntry(late, 3_000n, DAY2)]), cli)).statements;
    expect(second!.run.counts).toMatchObject({ matched: 2, unmatched_ours: 0 });
    expect(second!.run.clearingBalance).toBe(clearingAtStart);
    const closed = (await service.listTasks({ status: 'resolved', limit: 10 })).data;
    expect(closed.map((t) => [t.kind, t.reference, t.resolvedBy])).toEqual([['unmatched_ours', b, 'system']]);
    expect(closed[0]!.resolution).toContain(`STMT-1234-${DAY2}`);
    expect((await openTasks()).map(([kind]) => kind)).toEqual(['unmatched_bank', 'unmatched_bank', 'unmatched_bank']);
  });

  it('does not open a second task for a payout still missing on the next statement', async () => {
    const a = await world.settle(10_000n);
    await service.reconcileXml(world.statement(DAY1, []), cli);
    clock.set(`${DAY2}T09:00:00Z`);
    const [second] = (await service.reconcileXml(world.statement(DAY2, []), cli)).statements;
    expect(second!.run.counts.unmatched_ours).toBe(1);
    expect(await openTasks()).toEqual([['unmatched_ours', a]]);
  });

  it('reports an amount mismatch, posts nothing for it, and keeps our amount in clearing', async () => {
    const a = await world.settle(10_000n);
    const before = await balances();
    const [outcome] = (await service.reconcileXml(world.statement(DAY1, [payoutEntry(a, 9_000n, DAY1)]), cli)).statements;
    expect(outcome!.run.counts).toEqual({ matched: 0, unmatched_ours: 0, unmatched_bank: 0, amount_mismatch: 1, returned: 0 });
    const [item] = (await service.getReconciliation(DAY1)).items.amount_mismatch;
    expect(item).toMatchObject({ cashoutId: a, ourAmount: fromMinor(10_000n), bankAmount: fromMinor(9_000n), postedTransferId: null });
    expect(await balances()).toEqual(before);
    expect(await openTasks()).toEqual([['amount_mismatch', a]]);
    // A bank sighting, even a wrong one, is not "missing on the bank's side" the next day.
    clock.set(`${DAY2}T09:00:00Z`);
    const [next] = (await service.reconcileXml(world.statement(DAY2, []), cli)).statements;
    expect(next!.run.counts.unmatched_ours).toBe(0);
  });

  it('treats a payout seen again on a later statement as an unmatched bank item, posting nothing', async () => {
    const a = await world.settle(10_000n);
    await service.reconcileXml(world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1)]), cli);
    const before = await counts();
    clock.set(`${DAY2}T09:00:00Z`);
    const [again] = (await service.reconcileXml(world.statement(DAY2, [payoutEntry(a, 10_000n, DAY2)]), cli)).statements;
    expect(again!.run.counts).toMatchObject({ matched: 0, unmatched_bank: 1 });
    expect((await counts()).transfers).toBe(before.transfers);
    expect((await service.getReconciliation(DAY2)).items.unmatched_bank[0]?.detail).toContain('already confirmed');
  });
});

describe('returns', () => {
  it('brings the money back into clearing and tells the cash-out module once', async () => {
    const a = await world.settle(10_000n);
    await service.reconcileXml(world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1)]), cli);
    clock.set(`${DAY2}T09:00:00Z`);
    const xml = world.statement(DAY2, [returnEntry(a, 10_000n, DAY2, 'AC04')]);
    const result = await service.reconcileXml(xml, cli);
    expect(result.statements[0]!.run.counts).toMatchObject({ returned: 1, unmatched_bank: 0 });
    expect(result.returnsApplied).toBe(1);
    expect(returns).toEqual([[a, expect.objectContaining({ code: 'AC04', text: 'The account is closed.', returnedOn: DAY2, amountMinor: 10_000n })]]);
    // The money sits in bank_clearing until the cash-out module credits the user from there.
    expect(await clearingDelta()).toBe(fromMinor(10_000n));
    const [item] = (await service.getReconciliation(DAY2)).items.returned;
    expect(item).toMatchObject({ cashoutId: a, returnReason: { code: 'AC04' } });
    expect(item!.returnAppliedAt).not.toBeNull();
    const [posting] = await world.ledger.lookupTransfers([item!.postedTransferId!] as never);
    expect(posting).toMatchObject({ debit_account_id: DEPOSITS, credit_account_id: CLEARING, amount: fromMinor(10_000n) });

    // Re-running the statement tells nobody again.
    await service.reconcileXml(xml, cli);
    expect(returns).toHaveLength(1);
  });

  it('keeps a return the cash-out module refused, with a task, and hands it over on a later run', async () => {
    const a = await world.settle(10_000n);
    refuseReturns = true;
    const xml = world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1), returnEntry(a, 10_000n, DAY1, 'MS02')]);
    const result = await service.reconcileXml(xml, cli);
    expect(result).toMatchObject({ returnsApplied: 0, returnsFailed: 1 });
    expect(await openTasks()).toEqual([['return_not_applied', a]]);
    const [item] = (await service.getReconciliation(DAY1)).items.returned;
    expect(item).toMatchObject({ returnAppliedAt: null, returnError: 'cash-out is busy' });

    refuseReturns = false;
    const again = await service.reconcileXml(xml, cli);
    expect(again).toMatchObject({ returnsApplied: 1, returnsFailed: 0 });
    expect(again.statements[0]!.created).toBe(false);
    expect(returns.map(([id, notice]) => [id, notice.code])).toEqual([[a, 'MS02']]);
  });

  it('does not take a return for a payout we never settled', async () => {
    const before = await counts();
    const [outcome] = (await service.reconcileXml(world.statement(DAY1, [returnEntry('cot_01knever000000000000000000', 5_000n, DAY1)]), cli)).statements;
    expect(outcome!.run.counts).toMatchObject({ returned: 0, unmatched_bank: 1 });
    expect(returns).toEqual([]);
    expect((await counts()).transfers).toBe(before.transfers);
  });
});

describe('invalid files change nothing', () => {
  async function refused(xml: string): Promise<DomainError> {
    const before = await counts();
    const error = await service.reconcileXml(xml, cli).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_statement');
    expect(await counts()).toEqual(before);
    return error as DomainError;
  }

  it('refuses a statement that breaks the ISO 20022 schema, naming the schema error', async () => {
    const a = await world.settle(10_000n);
    const xml = world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1)]).replace('<CdtDbtInd>DBIT</CdtDbtInd>', '<CdtDbtInd>DEBIT</CdtDbtInd>');
    const error = await refused(xml);
    const errors = (error.details.data?.errors ?? []) as string[];
    expect(errors.join('\n')).toMatch(/CdtDbtInd/);
    expect(error.message).toMatch(/CdtDbtInd/);
    expect(await clearingDelta()).toBe(fromMinor(10_000n));
  });

  it('refuses text that is not XML, and an ISO message of another kind', async () => {
    await refused('this is not a statement');
    await refused('');
    await refused('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.11"><CstmrPmtStsRpt/></Document>');
  });

  it('refuses a statement whose entries do not add up to its closing balance', async () => {
    const a = await world.settle(10_000n);
    const xml = world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1)]);
    const closing = (world.bankBalanceMinor).toString();
    await refused(xml.replace(`<Amt Ccy="KRW">${closing}</Amt>`, `<Amt Ccy="KRW">${closing}1</Amt>`));
  });
});

describe('re-running', () => {
  it('changes nothing when the same statement comes again, even re-indented', async () => {
    const a = await world.settle(10_000n);
    const b = await world.settle(20_000n);
    const xml = world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1), depositEntry(5_000n, DAY1)]);
    const first = await service.reconcileXml(xml, cli);
    const after = await counts();
    const tasks = await openTasks();
    const second = await service.reconcileXml(xml.replace(/>\s*</g, '>\n  <'), cli);
    expect(second.statements.map((s) => [s.created, s.run.id])).toEqual([[false, first.statements[0]!.run.id]]);
    expect(await counts()).toEqual(after);
    expect(await openTasks()).toEqual(tasks);
    expect(tasks).toContainEqual(['unmatched_ours', b]);
  });

  it('refuses the same statement id with other content, changing nothing', async () => {
    const a = await world.settle(10_000n);
    await service.reconcileXml(world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1)]), cli);
    const before = await counts();
    const changed = world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1), feeEntry(100n, DAY1)], { opening: world.bankBalanceMinor + 10_000n });
    await expect(service.reconcileXml(changed, cli)).rejects.toMatchObject({ code: 'statement_conflict' });
    expect(await counts()).toEqual(before);
  });

  it('reconciles a file for the CLI, the same way', async () => {
    const a = await world.settle(10_000n);
    const dir = await mkdtemp(join(tmpdir(), 'sc-reconcile-'));
    try {
      const path = join(dir, 'camt053.xml');
      await writeFile(path, world.statement(DAY1, [payoutEntry(a, 10_000n, DAY1)]), 'utf8');
      const result = await service.reconcileFile(path);
      expect(result.statements[0]!.run).toMatchObject({ source: 'cli', createdBy: 'system:cli', counts: { matched: 1 } });
      expect((await service.reconcileFile(path)).statements[0]!.created).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('with the bank rail', () => {
  it("reconciles the bank simulator's end-of-day statement as the bank rail's ingest hands it over", async () => {
    const bank = await openBankWorld({ openingBalanceMinor: 100_000_000n });
    try {
      bank.clock.set(`${DAY1}T01:00:00Z`);
      const items = [0, 1, 2, 3].map((i) => instruction(i, { ref: newId('cot') }));
      // Settled in our ledger as the cash-out module does when the bank accepts them.
      const ids: string[] = [];
      for (const item of items) ids.push(await world.settle(item.amountMinor));
      const sent = items.map((item, i) => ({ ...item, ref: ids[i]! }));
      await bank.rail.submit({ batchId: newId('bat'), executionDate: DAY1, items: sent });
      await bank.bank.processOutgoing();
      await bank.bank.flushAnswers();
      await bank.bank.writeStatement(DAY1);
      await bank.ingest();
      const statement = bank.applied.find((batch): batch is Extract<BankUpdateBatch, { kind: 'camt.053.001.08' }> => batch.kind === 'camt.053.001.08');
      expect(statement).toBeDefined();

      const result = await service.reconcileStatements(statement!.statement, { source: 'ingest', actor: { kind: 'system', name: 'bank-rail' } });
      expect(result.statements[0]!.run).toMatchObject({ source: 'ingest', counts: { matched: 4, unmatched_ours: 0, unmatched_bank: 0, amount_mismatch: 0 } });
      expect(await clearingDelta()).toBe(0n);
    } finally {
      await bank.close();
    }
  });
});
