// `smallchange reconcile` as an operator runs it: a child process on its own embedded database.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCamt053 } from '../rails/index.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/smallchange.js', import.meta.url).pathname;
let dir = '';

async function smallchange(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // The embedded database in a temp dir, whatever the test run's own database is.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const env = { ...inherited, DATA_DIR: join(dir, 'data'), DEMO: 'off', LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-cli-reconcile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('smallchange reconcile', () => {
  it('refuses an invalid file with its schema error (exit 1), then reconciles a valid one, once', async () => {
    const xml = buildCamt053({
      messageId: 'CAMT-CLI-1', createdAt: new Date('2026-01-15T09:00:00Z'), statementId: 'STMT-CLI-1',
      account: { bankCode: '004', accountNumber: '123456-78-901234', currency: 'KRW' },
      openingBalance: { amountMinor: 1_000_000n, date: '2026-01-15' }, closingDate: '2026-01-15',
      entries: [{ kind: 'payout', amountMinor: 5_000n, bookingDate: '2026-01-15', bankReference: 'B1', endToEndId: 'cot_01kclitest00000000000000000' }],
    });
    const good = join(dir, 'camt053.xml');
    const bad = join(dir, 'camt053-bad.xml');
    await writeFile(good, xml, 'utf8');
    await writeFile(bad, xml.replace('<CdtDbtInd>DBIT</CdtDbtInd>', '<CdtDbtInd>DEBIT</CdtDbtInd>'), 'utf8');

    const refused = await smallchange('reconcile', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('invalid_statement');
    expect(refused.stderr).toContain('CdtDbtInd');

    // Nothing of ours matches this payout: reconciled, with an unmatched bank item for finance (exit 1).
    const first = await smallchange('reconcile', good, '--json');
    expect(first.code).toBe(1);
    const runs = JSON.parse(first.stdout) as Array<{ created: boolean; statementId: string; counts: Record<string, number> }>;
    expect(runs).toEqual([expect.objectContaining({ created: true, statementId: 'STMT-CLI-1', counts: expect.objectContaining({ unmatched_bank: 1, matched: 0 }) })]);

    const again = await smallchange('reconcile', good);
    expect(again.stdout).toContain('already reconciled STMT-CLI-1');
  }, 240_000);
});
