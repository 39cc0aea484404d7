// Sample bank-rail inputs for the tests of src/rails: a believable operator account and payouts to
// real Korean bank codes with account numbers of the right length.
import type { PayoutBatch, PayoutDebtor, PayoutItem } from '../../src/rails/bank/pain001.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/shared/clock.ts';
import { createBankRail, type BankDestination, type BankRail, type BankUpdateBatch } from '../../src/rails/bank/bank-rail.ts';
import { createFileJournal } from '../../src/rails/bank/journal.ts';
import { BankSimulator, type BankSimulatorOptions } from '../../src/rails/bank/simulator.ts';
import type { IngestReport, PayoutInstruction } from '../../src/rails/types.ts';

export const OPERATOR_ACCOUNT: PayoutDebtor = Object.freeze({
  name: '스몰체인지 주식회사 (smallchange Inc.)',
  bankCode: '004',
  accountNumber: '123456-78-901234',
  currency: 'KRW',
});

const PAYEES: ReadonlyArray<Pick<PayoutItem, 'creditorName' | 'creditorBankCode' | 'creditorAccountNumber'>> = [
  { creditorName: '김민준', creditorBankCode: '088', creditorAccountNumber: '110-123-456789' },
  { creditorName: '이서연', creditorBankCode: '090', creditorAccountNumber: '3333-01-1234567' },
  { creditorName: '박지호 & Sons <Ltd>', creditorBankCode: '020', creditorAccountNumber: '1002-123-456789' },
  { creditorName: '최유나', creditorBankCode: '092', creditorAccountNumber: '1000-1234-5678' },
  { creditorName: '정하은', creditorBankCode: '071', creditorAccountNumber: '12345678901234' },
];

export function samplePayout(index: number, overrides: Partial<PayoutItem> = {}): PayoutItem {
  const payee = PAYEES[index % PAYEES.length]!;
  return {
    endToEndId: `cot_${String(index).padStart(26, '0')}`,
    amountMinor: 1_000n + BigInt(index) * 7n,
    currency: 'KRW',
    ...payee,
    remittanceInfo: 'smallchange 출금',
    ...overrides,
  };
}

export function sampleBatch(count: number, overrides: Partial<PayoutBatch> = {}): PayoutBatch {
  return {
    messageId: 'bat_01jh0000000000000000000000',
    createdAt: new Date('2026-01-15T01:30:00.000Z'),
    requestedExecutionDate: '2026-01-15',
    debtor: OPERATOR_ACCOUNT,
    items: Array.from({ length: count }, (_, index) => samplePayout(index)),
    ...overrides,
  };
}

// ——— a bank world on disk: our rail and the simulated bank sharing one temp data dir ———

export interface BankWorld {
  dataDir: string;
  clock: ManualClock;
  bank: BankSimulator;
  rail: BankRail;
  /** Every batch ingest handed to the consumer, in order. */
  applied: BankUpdateBatch[];
  ingest(): Promise<IngestReport>;
  /** A second simulator on the same directory, as after a restart. */
  restartBank(): BankSimulator;
  close(): Promise<void>;
}

export async function openBankWorld(options: Partial<BankSimulatorOptions> = {}): Promise<BankWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sc-bank-world-'));
  const clock = new ManualClock('2026-01-15T01:00:00Z'); // 10:00 in Seoul, a Thursday
  const simulatorOptions: BankSimulatorOptions = { dataDir, clock, account: OPERATOR_ACCOUNT, latency_ms: 0, rejectionRate: 0, statementAtLocal: null, seed: 7, ...options };
  const bank = new BankSimulator(simulatorOptions);
  const rail = createBankRail({ dataDir, clock, debtor: OPERATOR_ACCOUNT, store: createFileJournal(join(dataDir, 'bank', 'journal.ndjson')) });
  const applied: BankUpdateBatch[] = [];
  return {
    dataDir,
    clock,
    bank,
    rail,
    applied,
    ingest: () => rail.ingest(async (batch) => {
      applied.push(batch);
    }),
    restartBank: () => new BankSimulator(simulatorOptions),
    close: async () => {
      await bank.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function instruction(index: number, overrides: Partial<PayoutInstruction<BankDestination>> = {}): PayoutInstruction<BankDestination> {
  const item = samplePayout(index);
  return {
    ref: item.endToEndId,
    amountMinor: item.amountMinor,
    currency: item.currency,
    payeeName: item.creditorName,
    destination: { bankCode: item.creditorBankCode, accountNumber: item.creditorAccountNumber },
    remittanceInfo: item.remittanceInfo,
    ...overrides,
  };
}
