import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors.ts';
import { sampleBatch, samplePayout } from '../../../test/helpers/rails-bank.ts';
import { buildCamt053 } from './camt053.ts';
import {
  bankDirectories, ensureBankDirectories, listIncomingFiles, markProcessed, markRejected, pain001FileName, readIncomingFile, writeFileAtomic, writePain001File,
} from './files.ts';
import { buildPain002 } from './pain002.ts';
import { validateXml } from './xsd.ts';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sc-bank-files-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const report = buildPain002({ messageId: 'P2-1', createdAt: new Date('2026-01-15T02:00:00Z'), originalMessageId: 'bat_1', groupStatusCode: 'ACSP', items: [{ endToEndId: 'cot_1', statusCode: 'ACSP' }] });
const statement = buildCamt053({
  messageId: 'S-1', createdAt: new Date('2026-01-15T09:00:00Z'), statementId: 'S1',
  account: { bankCode: '004', accountNumber: '12345678901234', currency: 'KRW' },
  openingBalance: { amountMinor: 100n, date: '2026-01-14' }, closingDate: '2026-01-15', entries: [],
});

describe('bank files, our side', () => {
  it('writes a pain.001 into outgoing/ whole, valid, and with no temporary file left', async () => {
    const written = await writePain001File(dataDir, sampleBatch(3));
    const { outgoing } = bankDirectories(dataDir);
    expect(written.name).toBe(pain001FileName('bat_01jh0000000000000000000000'));
    expect(await readdir(outgoing)).toEqual([written.name]);
    expect(await validateXml('pain.001.001.10', await readFile(written.path, 'utf8'))).toEqual({ ok: true });
    expect(written.bytes).toBeGreaterThan(1000);
    expect((await stat(written.path)).mode & 0o777).toBe(0o600);
  });

  it('writes nothing for a batch the bank could not take', async () => {
    await ensureBankDirectories(dataDir);
    const error = await writePain001File(dataDir, sampleBatch(1, { items: [samplePayout(0, { creditorAccountNumber: '1' })] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_account_number');
    expect(await readdir(bankDirectories(dataDir).outgoing)).toEqual([]);
  });

  it('makes file names safe from message ids', async () => {
    const written = await writePain001File(dataDir, sampleBatch(1, { messageId: 'bat:2026/01' }));
    expect(written.name).toBe('pain001_bat_2026_01.xml');
  });

  it('lists incoming files in arrival order, skipping dot-files (being written) and folders', async () => {
    const { incoming } = await ensureBankDirectories(dataDir);
    await writeFile(join(incoming, 'b.xml'), report);
    await writeFile(join(incoming, 'a.xml'), report);
    await utimes(join(incoming, 'b.xml'), new Date('2026-01-15T00:00:00Z'), new Date('2026-01-15T00:00:00Z'));
    await utimes(join(incoming, 'a.xml'), new Date('2026-01-15T00:00:01Z'), new Date('2026-01-15T00:00:01Z'));
    await writeFile(join(incoming, '.c.xml.123.tmp'), 'half');
    await mkdir(join(incoming, 'folder.xml'));
    expect(await listIncomingFiles(dataDir)).toEqual(['b.xml', 'a.xml']);
    expect(await listIncomingFiles(join(dataDir, 'nowhere'))).toEqual([]);
  });

  it('reads status reports and statements, validated, and tells which is which', async () => {
    const { incoming } = await ensureBankDirectories(dataDir);
    await writeFileAtomic(incoming, 'r.xml', `\uFEFF${report}`);
    await writeFileAtomic(incoming, 's.xml', statement);
    expect(await readIncomingFile(dataDir, 'r.xml')).toMatchObject({ ok: true, value: { kind: 'pain.002.001.11', messageId: 'P2-1', report: { items: [{ endToEndId: 'cot_1', status: 'accepted' }] } } });
    expect(await readIncomingFile(dataDir, 's.xml')).toMatchObject({ ok: true, value: { kind: 'camt.053.001.08', messageId: 'S-1' } });
  });

  it('refuses files that are not a valid pain.002 or camt.053, with the reason', async () => {
    const { incoming } = await ensureBankDirectories(dataDir);
    await writeFile(join(incoming, 'broken.xml'), report.replace('<TxSts>ACSP</TxSts>', '<TxSts>OK</TxSts><Oops/>'));
    await writeFile(join(incoming, 'other.xml'), '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"/>');
    await writeFile(join(incoming, 'text.xml'), 'hello');
    await writeFile(join(incoming, 'ours.xml'), (await readFile((await writePain001File(dataDir, sampleBatch(1))).path, 'utf8')));
    expect(await readIncomingFile(dataDir, 'broken.xml')).toMatchObject({ ok: false, errors: [expect.stringMatching(/^line \d+: .*Oops/)] });
    expect(await readIncomingFile(dataDir, 'other.xml')).toEqual({ ok: false, errors: ['camt.054.001.08 messages are not read on this rail'] });
    expect(await readIncomingFile(dataDir, 'text.xml')).toEqual({ ok: false, errors: ['the file is not a pain.002.001.11 status report or a camt.053.001.08 statement'] });
    expect(await readIncomingFile(dataDir, 'ours.xml')).toEqual({ ok: false, errors: ['pain.001.001.10 messages are not read on this rail'] });
  });

  it('moves processed and rejected files out of incoming/, never overwriting, with the errors beside', async () => {
    const dirs = await ensureBankDirectories(dataDir);
    await writeFile(join(dirs.incoming, 'x.xml'), report);
    expect(await markProcessed(dataDir, 'x.xml')).toBe('x.xml');
    await writeFile(join(dirs.incoming, 'x.xml'), report);
    expect(await markProcessed(dataDir, 'x.xml')).toBe('x.1.xml');
    await writeFile(join(dirs.incoming, 'y.xml'), 'junk');
    expect(await markRejected(dataDir, 'y.xml', ['line 1: bad', 'line 2: worse'])).toBe('y.xml');
    expect(await listIncomingFiles(dataDir)).toEqual([]);
    expect((await readdir(dirs.processed)).sort()).toEqual(['x.1.xml', 'x.xml']);
    expect((await readdir(dirs.rejected)).sort()).toEqual(['y.xml', 'y.xml.errors.txt']);
    expect(await readFile(join(dirs.rejected, 'y.xml.errors.txt'), 'utf8')).toBe('line 1: bad\nline 2: worse\n');
  });
});
