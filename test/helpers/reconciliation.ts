// A small payout world for reconciliation tests: a real ledger on a test database, a user wallet
// account funded through the trust account, cash-outs settled into bank_clearing the way the
// cash-out module settles them (a reservation posted, or one posting, with metadata
// { cashout: 'cot_…' }), and camt.053 statements written by rails-bank's writer.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/index.ts';
import { AccountFlags, createLedger, TransferFlags, type AccountId, type Ledger, type TransferId } from '../../src/ledger/index.ts';
import { fromMinor } from '../../src/money/index.ts';
import { buildCamt053, closingBalanceOf, type StatementEntryInput } from '../../src/rails/index.ts';
import type { ManualClock } from '../../src/shared/clock.ts';
import { newId } from '../../src/shared/ids.ts';
import { ACCOUNT_CODES, systemAccountId, systemAccountInput, TRANSFER_CODES } from '../../src/wallets/index.ts';

export const TRUST_ACCOUNT = { bankCode: '004', accountNumber: '123456-78-901234', currency: 'KRW' as const, name: 'smallchange Inc.' };
export const CLEARING = systemAccountId('bank_clearing', 'KRW');
export const DEPOSITS = systemAccountId('bank_deposits', 'KRW');
/** What the trust account held before any test payout (and what funded the test wallet). */
export const FUNDING_MINOR = 50_000_000n;

export interface PayoutWorld {
  ledger: Ledger;
  user: AccountId;
  /** The bank's balance of the trust account after the last statement written. */
  bankBalanceMinor: bigint;
  /** A cash-out settled into bank_clearing at the clock's time; returns its id. */
  settle(amountMinor: bigint, options?: { singlePosting?: boolean }): Promise<string>;
  /** A camt.053 for `date` with these entries, opening where the last one closed. */
  statement(date: string, entries: StatementEntryInput[], options?: { id?: string; opening?: bigint; period?: { from: Date; to: Date } }): string;
  close(): Promise<void>;
}

let referenceCounter = 0;

export function payoutEntry(cashoutId: string, amountMinor: bigint, bookingDate: string): StatementEntryInput {
  return { kind: 'payout', amountMinor, bookingDate, bankReference: `BREF${String(++referenceCounter).padStart(8, '0')}`, endToEndId: cashoutId, messageId: 'bat_test', counterpartyName: '김민준' };
}

export function returnEntry(cashoutId: string, amountMinor: bigint, bookingDate: string, code = 'AC04'): StatementEntryInput {
  return { kind: 'return', amountMinor, bookingDate, bankReference: `BRET${String(++referenceCounter).padStart(8, '0')}`, endToEndId: cashoutId, returnReason: { code } };
}

export function depositEntry(amountMinor: bigint, bookingDate: string): StatementEntryInput {
  return { kind: 'deposit', amountMinor, bookingDate, bankReference: `BDEP${String(++referenceCounter).padStart(8, '0')}`, counterpartyName: 'Partner Co.' };
}

export function feeEntry(amountMinor: bigint, bookingDate: string): StatementEntryInput {
  return { kind: 'fee', amountMinor, bookingDate, bankReference: `BFEE${String(++referenceCounter).padStart(8, '0')}` };
}

export async function openPayoutWorld(database: Database, clock: ManualClock, options: { ledger?: Ledger } = {}): Promise<PayoutWorld> {
  const ledger = options.ledger ?? createLedger(database.db, clock, { background: false });
  const user = randomUUID() as AccountId;
  const accounts = await ledger.createAccounts([
    systemAccountInput('bank_clearing', 'KRW'),
    systemAccountInput('bank_deposits', 'KRW'),
    { id: user, currency: 'KRW', code: ACCOUNT_CODES.user_cashable, flags: AccountFlags.debits_must_not_exceed_credits, owner: 'wal_test' },
  ]);
  if (accounts.some((r) => r !== 'ok' && r !== 'exists')) throw new Error(`accounts: ${accounts.join(',')}`);
  // The wallet's money came in through the trust account (a bank top-up).
  const funded = await ledger.createTransfer({ id: randomUUID() as TransferId, debit_account_id: DEPOSITS, credit_account_id: user, amount: fromMinor(FUNDING_MINOR), currency: 'KRW', code: TRANSFER_CODES.credit });
  if (funded !== 'ok') throw new Error(`funding: ${funded}`);
  let statements = 0;
  const world: PayoutWorld = {
    ledger,
    user,
    bankBalanceMinor: FUNDING_MINOR,
    async settle(amountMinor, settleOptions = {}) {
      const cashoutId = newId('cot');
      const amount = fromMinor(amountMinor);
      const metadata = { cashout: cashoutId };
      if (settleOptions.singlePosting) {
        const result = await ledger.createTransfer({ id: randomUUID() as TransferId, debit_account_id: user, credit_account_id: CLEARING, amount, currency: 'KRW', code: TRANSFER_CODES.cashout, metadata });
        if (result !== 'ok') throw new Error(`settle: ${result}`);
        return cashoutId;
      }
      const pendingId = randomUUID() as TransferId;
      const reserved = await ledger.createTransfer({ id: pendingId, debit_account_id: user, credit_account_id: CLEARING, amount, currency: 'KRW', code: TRANSFER_CODES.cashout, flags: TransferFlags.pending, timeout_s: 3600, metadata });
      const posted = await ledger.createTransfer({ id: randomUUID() as TransferId, pending_id: pendingId, currency: 'KRW', code: TRANSFER_CODES.cashout, flags: TransferFlags.post_pending });
      if (reserved !== 'ok' || posted !== 'ok') throw new Error(`settle: ${reserved} ${posted}`);
      return cashoutId;
    },
    statement(date, entries, statementOptions = {}) {
      const opening = statementOptions.opening ?? world.bankBalanceMinor;
      statements += 1;
      const xml = buildCamt053({
        messageId: `CAMT-${date}-${statements}`,
        createdAt: clock.now(),
        statementId: statementOptions.id ?? `STMT-1234-${date}`,
        sequenceNumber: BigInt(statements),
        account: TRUST_ACCOUNT,
        openingBalance: { amountMinor: opening, date },
        closingDate: date,
        entries,
        ...(statementOptions.period ? { period: statementOptions.period } : {}),
      });
      world.bankBalanceMinor = closingBalanceOf({ openingBalance: { amountMinor: opening, date }, entries });
      return xml;
    },
    async close() {
      if (!options.ledger) await ledger.close();
    },
  };
  return world;
}
