// The bank simulator end to end through the file system: our rail writes pain.001 files, the
// simulated bank answers, our rail ingests — including every way the bank can misbehave.
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/clock.ts';
import { instruction, OPERATOR_ACCOUNT, openBankWorld, type BankWorld } from '../../../test/helpers/rails-bank.ts';
import type { ItemResult } from '../types.ts';
import { bankDirectories, listFiles, listIncomingFiles } from './files.ts';
import { BankSimulator, type BankSimulatorOptions } from './simulator.ts';

let world: BankWorld | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function open(options: Partial<BankSimulatorOptions> = {}): Promise<BankWorld> {
  world = await openBankWorld(options);
  return world;
}

function states(results: readonly ItemResult[]): string[] {
  return results.map((r) => (r.state === 'rejected' || r.state === 'returned' ? `${r.state}:${r.reasonCode}` : r.state));
}

const refs = (count: number) => Array.from({ length: count }, (_, i) => instruction(i).ref);

async function submitAndAnswer(w: BankWorld, count: number, batchId = 'bat_1') {
  const submitted = await w.rail.submit({ batchId, executionDate: '2026-01-15', items: Array.from({ length: count }, (_, i) => instruction(i)) });
  const processed = await w.bank.processOutgoing();
  const answers = await w.bank.flushAnswers();
  return { submitted, processed, answers };
}

describe('bank simulator, end to end through the file system', () => {
  it('answers a batch: accepted, rejected per item with ISO reasons, booked and stated', async () => {
    const w = await open({ closedAccounts: ['1002-123-456789'] });
    const submitted = await w.rail.submit({
      batchId: 'bat_1',
      executionDate: '2026-01-15',
      items: [instruction(0), instruction(1), instruction(2), instruction(3), instruction(4, { destination: { bankCode: '088', accountNumber: '12' } })],
    });
    expect(states(submitted)).toEqual(['pending', 'pending', 'pending', 'pending', 'rejected:invalid_account_number']);
    expect(submitted[4]).toMatchObject({ local: true });
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual(['pain001_bat_1.xml']);

    const processed = await w.bank.processOutgoing();
    expect(processed).toEqual([{ name: 'pain001_bat_1.xml', messageId: 'bat_1', outcome: 'answered', accepted: 3, rejected: 1 }]);
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual([]);
    expect(await w.bank.flushAnswers()).toHaveLength(1);

    const report = await w.ingest();
    expect(report).toMatchObject({ applied: [expect.stringMatching(/^pain002_bat_1_/)], duplicates: [], rejected: [] });
    expect(w.applied[0]).toMatchObject({ kind: 'pain.002.001.11', report: { originalMessageId: 'bat_1', groupStatus: 'partially_accepted' } });
    expect(states(await w.rail.status([...refs(4), 'cot_never']))).toEqual(['accepted', 'accepted', 'rejected:AC04', 'accepted', 'unknown']);

    const paid = [0, 1, 3].reduce((sum, i) => sum + instruction(i).amountMinor, 0n);
    expect(await w.bank.balanceMinor()).toBe(1_000_000_000n - paid);
    w.clock.advance(8 * 3600_000); // 18:00 in Seoul
    expect(await w.bank.writeStatement('2026-01-15')).toEqual([expect.stringMatching(/^camt053_2026-01-15_/)]);
    await w.ingest();
    const statement = w.applied[1];
    if (statement?.kind !== 'camt.053.001.08') throw new Error('expected a statement');
    const [stmt] = statement.statement.statements;
    expect(stmt?.openingBalance.amountMinor).toBe(1_000_000_000n);
    expect(stmt?.closingBalance.amountMinor).toBe(1_000_000_000n - paid);
    expect(stmt?.entries.map((e) => [e.kind, e.endToEndId, e.amountMinor])).toEqual([0, 1, 3].map((i) => ['payout', instruction(i).ref, instruction(i).amountMinor]));
    const [first] = await w.rail.status([instruction(0).ref]);
    expect(first).toMatchObject({ state: 'accepted', settledOn: '2026-01-15', railReference: stmt?.entries[0]?.bankReference });
    expect(await listIncomingFiles(w.dataDir)).toEqual([]);
    expect((await readdir(bankDirectories(w.dataDir).processed)).length).toBe(2);
  });

  it('sends a duplicate answer: the second copy is recognised and not applied again', async () => {
    const w = await open({ duplicateRate: 1 });
    const { answers } = await submitAndAnswer(w, 2);
    expect(answers).toHaveLength(2);
    const report = await w.ingest();
    expect(report.applied).toHaveLength(1);
    expect(report.duplicates).toHaveLength(1);
    expect(w.applied).toHaveLength(1);
    expect(states(await w.rail.status(refs(2)))).toEqual(['accepted', 'accepted']);
  });

  it('answers "pending" first and the final status later; out of order, the stale "pending" comes last and changes nothing', async () => {
    for (const outOfOrder of [false, true]) {
      const w = await open({ pendingRate: 1, outOfOrder });
      const { answers } = await submitAndAnswer(w, 2);
      expect(answers).toHaveLength(2);
      await w.ingest();
      const seen = w.applied.map((batch) => batch.updates.map((u) => u.state).join(','));
      expect(seen).toEqual(outOfOrder ? ['accepted,accepted', 'pending,pending'] : ['pending,pending', 'accepted,accepted']);
      expect(states(await w.rail.status(refs(2)))).toEqual(['accepted', 'accepted']);
      await w.close();
      world = undefined;
    }
  });

  it('writes answers for several files newest first when out of order', async () => {
    const w = await open({ outOfOrder: true });
    await w.rail.submit({ batchId: 'bat_a', executionDate: '2026-01-15', items: [instruction(0)] });
    await w.rail.submit({ batchId: 'bat_b', executionDate: '2026-01-15', items: [instruction(1)] });
    await w.bank.processOutgoing();
    const written = await w.bank.flushAnswers();
    expect(written.map((name) => name.slice(0, 13))).toEqual(['pain002_bat_b', 'pain002_bat_a']);
  });

  it('never answers a file (timeout): the items stay pending, and the statement shows they were paid', async () => {
    const w = await open({ missingAnswerRate: 1 });
    const { processed, answers } = await submitAndAnswer(w, 2);
    expect(processed[0]?.outcome).toBe('answered');
    expect(answers).toEqual([]);
    expect(await w.ingest()).toEqual({ applied: [], duplicates: [], rejected: [] });
    expect(states(await w.rail.status(refs(2)))).toEqual(['pending', 'pending']);
    await w.bank.writeStatement('2026-01-15');
    await w.ingest();
    expect(await w.rail.status(refs(2))).toMatchObject([{ state: 'accepted', settledOn: '2026-01-15' }, { state: 'accepted', settledOn: '2026-01-15' }]);
  });

  it('loses a file whole: no answer, no payment, nothing on the statement', async () => {
    const w = await open({ lostFileRate: 1 });
    const { processed } = await submitAndAnswer(w, 2);
    expect(processed[0]).toMatchObject({ outcome: 'lost' });
    expect(await w.bank.balanceMinor()).toBe(1_000_000_000n);
    await w.bank.writeStatement('2026-01-15');
    await w.ingest();
    expect(w.applied).toHaveLength(1);
    expect(w.applied[0]?.updates).toEqual([]);
    expect(states(await w.rail.status(refs(2)))).toEqual(['pending', 'pending']);
  });

  it('sends an answer that does not validate: it is refused whole, with the schema error, and changes nothing', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const w = await open({ invalidAnswerRate: 1, seed });
      await submitAndAnswer(w, 2);
      const report = await w.ingest();
      expect(report.applied).toEqual([]);
      expect(report.rejected).toHaveLength(1);
      expect(report.rejected[0]?.errors[0]).toMatch(/^line \d+: /);
      expect(w.applied).toEqual([]);
      const rejectedDir = bankDirectories(w.dataDir).rejected;
      const files = (await readdir(rejectedDir)).sort();
      expect(files).toHaveLength(2);
      expect(await readFile(join(rejectedDir, files.find((f) => f.endsWith('.errors.txt')) ?? ''), 'utf8')).toMatch(/^line \d+: /);
      expect(states(await w.rail.status(refs(2)))).toEqual(['pending', 'pending']);
      await w.close();
      world = undefined;
    }
  });

  it('refuses a pain.001 that does not validate (FF01) and one sent twice (DU01), which changes nothing', async () => {
    const w = await open();
    await w.rail.submit({ batchId: 'bat_bad', executionDate: '2026-01-15', items: [instruction(0), instruction(1)] });
    const outgoing = bankDirectories(w.dataDir).outgoing;
    const path = join(outgoing, 'pain001_bat_bad.xml');
    await writeFile(path, (await readFile(path, 'utf8')).replace('<PmtMtd>TRF</PmtMtd>', '<PmtMtd>CASH</PmtMtd>'));
    expect(await w.bank.processOutgoing()).toMatchObject([{ outcome: 'file_rejected', messageId: 'bat_bad' }]);
    await w.bank.flushAnswers();
    await w.ingest();
    expect(w.applied[0]).toMatchObject({ report: { groupStatus: 'rejected', groupReason: { code: 'FF01', text: expect.stringMatching(/PmtMtd/) } } });
    expect(states(await w.rail.status(refs(2)))).toEqual(['rejected:FF01', 'rejected:FF01']);

    await w.rail.submit({ batchId: 'bat_good', executionDate: '2026-01-15', items: [instruction(2)] });
    const sent = join(outgoing, 'pain001_bat_good.xml');
    const copy = join(w.dataDir, 'copy.xml');
    await copyFile(sent, copy);
    await w.bank.processOutgoing();
    await w.bank.flushAnswers();
    await w.ingest();
    await copyFile(copy, sent); // our transfer job sends the same file again
    expect(await w.bank.processOutgoing()).toMatchObject([{ outcome: 'file_rejected', messageId: 'bat_good' }]);
    await w.bank.flushAnswers();
    await w.ingest();
    expect(w.applied.at(-1)).toMatchObject({ report: { groupReason: { code: 'DU01' } }, updates: [] });
    expect(states(await w.rail.status([instruction(2).ref]))).toEqual(['accepted']);
  });

  it('refuses payouts beyond the balance at the bank with AM04, and draws random rejections deterministically per seed', async () => {
    const w = await open({ openingBalanceMinor: 2_010n });
    await submitAndAnswer(w, 3); // 1000 + 1007 fit; 1014 does not
    await w.ingest();
    expect(states(await w.rail.status(refs(3)))).toEqual(['accepted', 'accepted', 'rejected:AM04']);
    await w.close();

    const outcomes: string[][] = [];
    for (const seed of [11, 11, 12]) {
      world = await openBankWorld({ seed, rejectionRate: 0.5 });
      await submitAndAnswer(world, 40);
      await world.ingest();
      outcomes.push(states(await world.rail.status(refs(40))));
      await world.close();
    }
    world = undefined;
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).not.toEqual(outcomes[2]);
    const rejected = outcomes[0]?.filter((s) => s.startsWith('rejected:')) ?? [];
    expect(rejected.length).toBeGreaterThan(5);
    expect(rejected.length).toBeLessThan(35);
    for (const state of rejected) expect(['AC01', 'AC04', 'AC06', 'AG01', 'AM04', 'BE01', 'MS03']).toContain(state.slice('rejected:'.length));
  });

  it('sends payouts back days later: a return entry with its reason on a later statement', async () => {
    const w = await open({ returnRate: 1, returnAfterDays: 2 });
    await submitAndAnswer(w, 2);
    await w.ingest();
    await w.bank.writeStatement('2026-01-15');
    w.clock.advance(2 * 86_400_000);
    expect(await w.bank.writeStatement('2026-01-17')).toHaveLength(1);
    await w.ingest();
    const results = await w.rail.status(refs(2));
    expect(results.map((r) => r.state)).toEqual(['returned', 'returned']);
    expect(results[0]).toMatchObject({ returnedOn: '2026-01-17', amountMinor: instruction(0).amountMinor });
    expect(['AC04', 'AC06', 'MD07', 'MS02']).toContain((results[0] as { reasonCode: string }).reasonCode);
    expect(await w.bank.balanceMinor()).toBe(1_000_000_000n);
    const last = w.applied.at(-1);
    if (last?.kind !== 'camt.053.001.08') throw new Error('expected a statement');
    expect(last.statement.statements[0]?.entries.map((e) => e.kind)).toEqual(['return', 'return']);
  });

  it('returns a payout on request, books deposits, and catches up statements for days not yet stated', async () => {
    const w = await open();
    await submitAndAnswer(w, 1);
    await w.bank.deposit(50_000n, '스몰체인지 운영자금');
    w.clock.advance(86_400_000);
    await w.bank.returnPayout(instruction(0).ref, 'MD07');
    await expect(w.bank.returnPayout(instruction(0).ref)).rejects.toThrow(/already returned/);
    await expect(w.bank.returnPayout('cot_unknown')).rejects.toThrow(/never paid/);
    const written = await w.bank.writeStatement('2026-01-16');
    expect(written.map((n) => n.slice(0, 18))).toEqual(['camt053_2026-01-15', 'camt053_2026-01-16']);
    await expect(w.bank.writeStatement('2026-01-16')).rejects.toThrow(/already written/);
    await expect(w.bank.writeStatement('2026-01-30')).rejects.toThrow(RangeError);
    await w.ingest();
    const [day15, day16] = w.applied.flatMap((b) => (b.kind === 'camt.053.001.08' ? b.statement.statements : []));
    expect(day15?.entries.map((e) => e.kind)).toEqual(['payout', 'deposit']);
    expect(day16?.entries.map((e) => [e.kind, e.returnReason?.code])).toEqual([['return', 'MD07']]);
    expect(day16?.openingBalance.amountMinor).toBe(day15?.closingBalance.amountMinor);
    expect(day16?.closingBalance.amountMinor).toBe(1_000_050_000n);
    expect(states(await w.rail.status([instruction(0).ref]))).toEqual(['returned:MD07']);
  });

  it('keeps its books across a restart: an answer owed is still written', async () => {
    const w = await open({ latency_ms: 5_000 });
    await w.rail.submit({ batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(0)] });
    await w.bank.processOutgoing();
    expect(await w.bank.flushAnswers()).toEqual([]);
    const restarted = w.restartBank();
    expect(await restarted.pendingAnswers()).toBe(1);
    w.clock.advance(5_000);
    expect(await restarted.flushAnswers()).toHaveLength(1);
    expect(await restarted.balanceMinor()).toBe(1_000_000_000n - instruction(0).amountMinor);
  });

  it('refuses a file debiting an account that is not the operator’s (AC02)', async () => {
    const w = await open({ account: { ...OPERATOR_ACCOUNT, accountNumber: '99999999999999' } });
    await submitAndAnswer(w, 1);
    await w.ingest();
    expect(states(await w.rail.status(refs(1)))).toEqual(['rejected:AC02']);
  });

  it('runs by itself once started, and stops', async () => {
    const w = await open({ clock: systemClock, poll_ms: 20, latency_ms: 10 });
    const rail = w.rail;
    w.bank.start();
    await rail.submit({ batchId: 'bat_timer', executionDate: '2026-01-15', items: [instruction(0)] });
    for (let i = 0; i < 200 && (await listIncomingFiles(w.dataDir)).length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    await w.bank.stop();
    expect(await listIncomingFiles(w.dataDir)).toHaveLength(1);
  });

  it('writes the day’s statement by itself after the configured local time on a weekday', async () => {
    const w = await open({ statementAtLocal: '18:00' });
    await submitAndAnswer(w, 1);
    await w.bank.step();
    expect((await listIncomingFiles(w.dataDir)).filter((n) => n.startsWith('camt053'))).toEqual([]);
    w.clock.set('2026-01-15T09:00:00Z'); // 18:00 in Seoul
    await w.bank.step();
    await w.bank.step();
    expect((await listIncomingFiles(w.dataDir)).filter((n) => n.startsWith('camt053'))).toHaveLength(1);
    w.clock.set('2026-01-17T09:00:00Z'); // a Saturday: no statement
    await w.bank.step();
    expect((await listIncomingFiles(w.dataDir)).filter((n) => n.startsWith('camt053'))).toHaveLength(1);
  });

  it('refuses nonsense configuration', () => {
    expect(() => new BankSimulator({ dataDir: '/tmp/x', clock: systemClock, account: OPERATOR_ACCOUNT, rejectionRate: 1.5 })).toThrow(RangeError);
    expect(() => new BankSimulator({ dataDir: '/tmp/x', clock: systemClock, account: OPERATOR_ACCOUNT, duplicateRate: -0.1 })).toThrow(RangeError);
  });
});
