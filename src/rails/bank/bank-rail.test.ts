import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors.ts';
import { instruction, OPERATOR_ACCOUNT, openBankWorld, type BankWorld } from '../../../test/helpers/rails-bank.ts';
import { createBankRail } from './bank-rail.ts';
import { bankDirectories, ensureBankDirectories, listFiles, listIncomingFiles, writeFileAtomic } from './files.ts';
import { createFileJournal, type BankRailStore } from './journal.ts';
import { PAYOUT_ITEMS_MAX } from './pain001.ts';
import { buildPain002 } from './pain002.ts';

let world: BankWorld | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function open(): Promise<BankWorld> {
  world = await openBankWorld();
  return world;
}

const journalPath = (w: BankWorld) => join(w.dataDir, 'bank', 'journal.ndjson');

describe('bank rail adapter', () => {
  it('is safe to submit twice: the same batch is not sent again, a ref is never paid twice', async () => {
    const w = await open();
    const request = { batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(0), instruction(1)] };
    expect((await w.rail.submit(request)).map((r) => r.state)).toEqual(['pending', 'pending']);
    await w.bank.processOutgoing();
    expect((await w.rail.submit(request)).map((r) => r.state)).toEqual(['pending', 'pending']);
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual([]);
    await w.bank.flushAnswers();
    await w.ingest();
    // The same cash-out in a later batch: the rail answers with what it knows, and sends nothing.
    const again = await w.rail.submit({ batchId: 'bat_2', executionDate: '2026-01-16', items: [instruction(0)] });
    expect(again).toMatchObject([{ ref: instruction(0).ref, state: 'accepted' }]);
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual([]);
  });

  it('refuses to reuse a batch id for other items, and writes nothing', async () => {
    const w = await open();
    await w.rail.submit({ batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(0)] });
    await w.bank.processOutgoing();
    await expect(w.rail.submit({ batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(5)] })).rejects.toThrow(/already submitted/);
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual([]);
  });

  it('refuses bad items one by one, sending the good ones; all bad sends nothing', async () => {
    const w = await open();
    const results = await w.rail.submit({
      batchId: 'bat_1',
      executionDate: '2026-01-15',
      items: [
        instruction(0, { destination: { bankCode: '999', accountNumber: '110123456789' } }),
        instruction(1),
        instruction(1),
        instruction(2, { amountMinor: 0n }),
        instruction(3, { currency: 'USD' }),
        instruction(4, { payeeName: '\n' }),
      ],
    });
    expect(results.map((r) => (r.state === 'rejected' ? r.reasonCode : r.state))).toEqual([
      'invalid_bank_code', 'pending', 'invalid_payout_batch', 'invalid_payout_batch', 'invalid_payout_batch', 'invalid_payout_batch',
    ]);
    expect(results.filter((r) => r.state === 'rejected').every((r) => r.state === 'rejected' && r.local === true)).toBe(true);
    const [processed] = await w.bank.processOutgoing();
    expect(processed).toMatchObject({ accepted: 1, rejected: 0 });

    const none = await w.rail.submit({ batchId: 'bat_2', executionDate: '2026-01-15', items: [instruction(9, { destination: { bankCode: '088', accountNumber: 'x' } })] });
    expect(none.map((r) => r.state)).toEqual(['rejected']);
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual([]);
    expect(await w.rail.status([instruction(9).ref])).toEqual([{ ref: instruction(9).ref, state: 'unknown' }]);
  });

  it('refuses a request larger than one file may carry', async () => {
    const w = await open();
    const items = Array.from({ length: PAYOUT_ITEMS_MAX + 1 }, () => instruction(0));
    const error = await w.rail.submit({ batchId: 'bat_big', executionDate: '2026-01-15', items }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_payout_batch');
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual([]);
  });

  it('after a crash between writing the file and recording it, a retry sends the batch once', async () => {
    const w = await open();
    const journal = createFileJournal(journalPath(w));
    let failures = 1;
    const crashing: BankRailStore = {
      ...journal,
      async recordSubmission(batchId, refs, at) {
        if (failures-- > 0) throw new Error('power cut');
        return journal.recordSubmission(batchId, refs, at);
      },
    };
    const rail = createBankRail({ dataDir: w.dataDir, clock: w.clock, debtor: OPERATOR_ACCOUNT, store: crashing });
    const request = { batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(0)] };
    await expect(rail.submit(request)).rejects.toThrow('power cut');
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual(['pain001_bat_1.xml']);
    w.clock.advance(1000);
    expect((await rail.submit(request)).map((r) => r.state)).toEqual(['pending']);
    expect(await listFiles(bankDirectories(w.dataDir).outgoing)).toEqual(['pain001_bat_1.xml']);
    expect(await w.bank.processOutgoing()).toHaveLength(1);
  });

  it('delivers at least once: when the consumer fails, the file stays and comes again', async () => {
    const w = await open();
    await w.rail.submit({ batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(0)] });
    await w.bank.processOutgoing();
    await w.bank.flushAnswers();
    await expect(w.rail.ingest(async () => {
      throw new Error('database down');
    })).rejects.toThrow('database down');
    expect(await listIncomingFiles(w.dataDir)).toHaveLength(1);
    expect(await w.rail.status([instruction(0).ref])).toMatchObject([{ state: 'pending' }]);
    expect((await w.ingest()).applied).toHaveLength(1);
    expect(await listIncomingFiles(w.dataDir)).toEqual([]);
    expect(await w.rail.status([instruction(0).ref])).toMatchObject([{ state: 'accepted' }]);
  });

  it('runs one ingest at a time: concurrent calls never read a file twice', async () => {
    const w = await open();
    await w.rail.submit({ batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(0)] });
    await w.bank.processOutgoing();
    await w.bank.flushAnswers();
    const [first, second] = await Promise.all([w.ingest(), w.ingest()]);
    expect([...(first?.applied ?? []), ...(second?.applied ?? [])]).toHaveLength(1);
    expect(w.applied).toHaveLength(1);
  });

  it('applies a whole-file answer without item lines to every item of the file', async () => {
    const w = await open();
    await w.rail.submit({ batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(0), instruction(1)] });
    const { incoming } = await ensureBankDirectories(w.dataDir);
    await writeFileAtomic(incoming, 'whole.xml', buildPain002({ messageId: 'KB-1', createdAt: w.clock.now(), originalMessageId: 'bat_1', groupStatusCode: 'ACSP', items: [] }));
    await w.ingest();
    expect((await w.rail.status([instruction(0).ref, instruction(1).ref])).map((r) => r.state)).toEqual(['accepted', 'accepted']);
    expect(w.applied[0]?.updates).toHaveLength(2);
  });

  it('remembers across a restart, and ignores a half-written last journal line', async () => {
    const w = await open();
    await w.rail.submit({ batchId: 'bat_1', executionDate: '2026-01-15', items: [instruction(0)] });
    await w.bank.processOutgoing();
    await w.bank.flushAnswers();
    await w.ingest();
    await appendFile(journalPath(w), '{"t":"message","key":"pain.002.001.11:X","at":"2026-01-15T0');
    const restarted = createBankRail({ dataDir: w.dataDir, clock: w.clock, debtor: OPERATOR_ACCOUNT, store: createFileJournal(journalPath(w)) });
    expect(await restarted.status([instruction(0).ref])).toMatchObject([{ state: 'accepted', railReference: expect.stringMatching(/^SIM/) }]);
    expect(await readFile(journalPath(w), 'utf8')).toMatch(/\}\n$/);
    await restarted.submit({ batchId: 'bat_2', executionDate: '2026-01-15', items: [instruction(1)] });
    const again = createBankRail({ dataDir: w.dataDir, clock: w.clock, debtor: OPERATOR_ACCOUNT, store: createFileJournal(journalPath(w)) });
    expect((await again.status([instruction(0).ref, instruction(1).ref])).map((r) => r.state)).toEqual(['accepted', 'pending']);
    expect(await readdir(bankDirectories(w.dataDir).processed)).toHaveLength(1);
  });
});
