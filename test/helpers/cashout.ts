// A cash-out world for tests: identity (with its simulators), the ledger, the policy, the bank
// rail on a temp data dir with the bank simulator answering in-process, an in-test partner
// wallet rail, the cash-out service and its routes — and fixtures: users who passed the identity
// check and proved a bank account, funded wallets, saved destinations.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { createCashout, cashoutRoutes, type CashoutService, type WalletDestination, type WalletRail } from '../../src/cashout/index.ts';
import type { CashoutTimings } from '../../src/cashout/deps.ts';
import { withTransaction } from '../../src/db/index.ts';
import { identityRoutes } from '../../src/identity/index.ts';
import { createLedger, isSuccess, type AccountId, type Ledger, type TransferId } from '../../src/ledger/index.ts';
import { fromMinor, type Micros } from '../../src/money/index.ts';
import { PolicyService } from '../../src/policy/index.ts';
import {
  BankSimulator, createBankRail, createFileJournal, mergeResult, type BankRail, type BankSimulatorOptions, type IngestReport, type ItemResult,
  type PayoutDebtor, type RailUpdate, type RailUpdateBatch, type SubmitRequest,
} from '../../src/rails/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { derivedUuid, idToUuid, uuidToId } from '../../src/shared/ids.ts';
import { systemAccountId, TRANSFER_CODES, Wallets, type WalletRow } from '../../src/wallets/index.ts';
import { buildTestApp, createTestContext, type TestContext } from './context.ts';
import { bearer, registerTestUser, smsCodeFor, type TestUser } from './identity.ts';
import { sealAndVerify } from './ledger.ts';

export const OPERATOR: PayoutDebtor = Object.freeze({ name: 'smallchange Inc.', bankCode: '004', accountNumber: '004-0000-1234-56', currency: 'KRW' });
/** Tuesday 13 January 2026, 09:30 in Seoul: a business day, before the first batch. */
export const START = '2026-01-13T00:30:00Z';
export const HOUR_MS = 3_600_000;
export const won = (n: bigint | number) => fromMinor(BigInt(n));
export const wire = (n: bigint | number | string) => ({ amount: String(n), currency: 'KRW' as const });

/**
 * A partner wallet as a test double of the rail interface (the partner-wallet HTTP rail comes from
 * the reconciliation branch): it takes payouts as pending and answers when the test says so.
 */
export class TestWalletRail implements WalletRail {
  readonly channel = 'partner_wallet' as const;
  readonly itemsPerSubmitMax = 100;
  readonly submissions: SubmitRequest<WalletDestination>[] = [];
  private readonly results = new Map<string, ItemResult>();
  private queue: RailUpdateBatch[] = [];
  private sequence = 0;
  /** Refs a submit refuses at once (the provider does not know the account). */
  readonly unknownAccounts = new Set<string>();
  failNextSubmit = false;

  constructor(private readonly clock: ManualClock) {}

  async submit(request: SubmitRequest<WalletDestination>): Promise<ItemResult[]> {
    if (this.failNextSubmit) {
      this.failNextSubmit = false;
      throw new Error('wallet provider unreachable');
    }
    this.submissions.push(request);
    return request.items.map((item) => {
      const known = this.results.get(item.ref);
      if (known) return known;
      const result: ItemResult = this.unknownAccounts.has(item.destination.account)
        ? { ref: item.ref, state: 'rejected', at: this.clock.now(), reasonCode: 'AC01', reasonText: 'unknown wallet account' }
        : { ref: item.ref, state: 'pending', since: this.clock.now() };
      this.results.set(item.ref, result);
      return result;
    });
  }

  async status(refs: readonly string[]): Promise<ItemResult[]> {
    return refs.map((ref) => this.results.get(ref) ?? { ref, state: 'unknown' });
  }

  /** The provider answers (a webhook), delivered at the next ingest; `record` false loses it for status() too. */
  answer(update: RailUpdate, options: { deliver?: boolean; times?: number } = {}): void {
    this.results.set(update.ref, mergeResult(this.results.get(update.ref) ?? { ref: update.ref, state: 'unknown' }, update));
    if (options.deliver === false) return;
    const batch = { source: 'webhook', messageId: `whk_${++this.sequence}`, receivedAt: this.clock.now(), updates: [update] };
    for (let i = 0; i < (options.times ?? 1); i++) this.queue.push(batch);
  }

  async ingest(apply: (batch: RailUpdateBatch) => Promise<void>): Promise<IngestReport> {
    const report: IngestReport = { applied: [], duplicates: [], rejected: [] };
    const seen = new Set<string>();
    const batches = this.queue;
    this.queue = [];
    for (const batch of batches) {
      if (seen.has(batch.messageId)) {
        report.duplicates.push(batch.messageId);
        continue;
      }
      await apply(batch);
      seen.add(batch.messageId);
      report.applied.push(batch.messageId);
    }
    return report;
  }
}

export interface CashoutWorld {
  tc: TestContext;
  clock: ManualClock;
  ledger: Ledger;
  policy: PolicyService;
  wallets: Wallets;
  service: CashoutService;
  bank: BankSimulator;
  bankRail: BankRail;
  walletRail: TestWalletRail;
  dataDir: string;
  app: FastifyInstance;
  alerts: { message: string; details: Record<string, unknown> }[];
  close(): Promise<void>;
}

export interface WorldOptions {
  simulator?: Partial<BankSimulatorOptions>;
  timings?: Partial<CashoutTimings>;
}

export async function openCashoutWorld(options: WorldOptions = {}): Promise<CashoutWorld> {
  const clock = new ManualClock(START);
  const tc = await createTestContext({ clock, config: { LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent' } });
  const ledger = createLedger(tc.database.db, clock, { background: false });
  const policy = new PolicyService(tc.database.db, clock);
  await policy.seedDefault({ effectiveFrom: new Date('2025-01-01T00:00:00Z') });
  const wallets = new Wallets(tc.database.db, ledger, clock);
  await wallets.ensureSystemAccounts('KRW');
  const dataDir = await mkdtemp(join(tmpdir(), 'sc-cashout-'));
  const bankRail = createBankRail({ dataDir, clock, debtor: OPERATOR, store: createFileJournal(join(dataDir, 'bank', 'journal.ndjson')) });
  const bank = new BankSimulator({ dataDir, clock, account: OPERATOR, latency_ms: 0, rejectionRate: 0, statementAtLocal: null, seed: 11, ...options.simulator });
  const walletRail = new TestWalletRail(clock);
  const alerts: CashoutWorld['alerts'] = [];
  const { service } = await createCashout({
    db: tc.database.db, clock, logger: tc.ctx.logger, ledger, policy, identity: tc.identity,
    config: { DATA_DIR: dataDir, SIMULATORS: 'off' }, wallets, bankRail, walletRail, timings: options.timings,
  });
  const originalAlert = service.deps.alert;
  service.deps.alert = (message, details) => {
    alerts.push({ message, details });
    originalAlert(message, details);
  };
  tc.ctx.ledger = ledger;
  Object.assign(tc.ctx.services, { policy, cashout: service });
  const app = await buildTestApp(tc, [identityRoutes, cashoutRoutes]);
  return {
    tc, clock, ledger, policy, wallets, service, bank, bankRail, walletRail, dataDir, app, alerts,
    async close() {
      await app.close();
      await service.stop();
      await bank.stop();
      const report = await sealAndVerify(ledger, tc.database.db);
      expect(report.problems).toEqual([]);
      await ledger.close();
      await tc.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Person extends TestUser {
  wallet: WalletRow;
  bankCode: string;
  accountNumber: string;
  destination?: string;
}

let accountSequence = 0;

/** A person who passed the identity check and proved a bank account with the 1-won deposit. */
export async function makePerson(world: CashoutWorld, options: { lang?: 'ko' | 'en'; verifyBank?: boolean } = {}): Promise<Person> {
  const u = await registerTestUser(world.tc, { lang: options.lang ?? 'ko' });
  world.tc.simulators.identityCheck.addSubscriber(u.phone, { name: '김민준', birthDate: '1990-01-31', carrier: 'SKT' });
  const check = await world.app.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(u.token), payload: { name: '김민준', birth_date: '1990-01-31' } });
  expect(check.statusCode).toBe(200);
  const bankCode = '088';
  const accountNumber = `110${String(process.pid % 1000).padStart(3, '0')}${String(++accountSequence).padStart(6, '0')}`;
  if (options.verifyBank ?? true) await proveBankAccount(world, u, bankCode, accountNumber);
  const wallet = await withTransaction(world.tc.database.db, (trx) => world.wallets.openMainWallet(trx, u.user.id, 'KRW'));
  return { ...u, wallet, bankCode, accountNumber };
}

export async function proveBankAccount(world: CashoutWorld, u: TestUser, bankCode: string, accountNumber: string): Promise<string> {
  const start = await world.app.inject({ method: 'POST', url: '/v1/me/kyc/bank-accounts', headers: bearer(u.token), payload: { bank_code: bankCode, account_number: accountNumber } });
  expect(start.statusCode).toBe(201);
  const deposit = world.tc.simulators.bank.depositsTo(bankCode, accountNumber).at(-1)!;
  const code = /SC (\d{6})/.exec(deposit.memo)![1]!;
  const id = start.json().bank_account.id as string;
  const confirm = await world.app.inject({ method: 'POST', url: `/v1/me/kyc/bank-accounts/${id}/confirm`, headers: bearer(u.token), payload: { code } });
  expect(confirm.statusCode).toBe(200);
  return id;
}

let fundSequence = 0;

/** Credits the wallet (cashable and/or spend_only) from the operator's bank deposits. */
export async function fund(world: CashoutWorld, person: Person, amounts: { cashable?: Micros; spendOnly?: Micros }): Promise<void> {
  const from = systemAccountId('bank_deposits', 'KRW');
  const transfers = [
    ...(amounts.cashable ? [{ account: person.wallet.cashable_account, amount: amounts.cashable }] : []),
    ...(amounts.spendOnly ? [{ account: person.wallet.spend_only_account!, amount: amounts.spendOnly }] : []),
  ].map(({ account, amount }) => ({
    id: derivedUuid(`test:fund:${process.pid}:${++fundSequence}`) as TransferId,
    debit_account_id: from,
    credit_account_id: account as AccountId,
    amount,
    currency: 'KRW' as const,
    code: TRANSFER_CODES.credit,
  }));
  const results = await world.ledger.createTransfers(transfers);
  expect(results.every(isSuccess)).toBe(true);
}

/** Saves the person's proved bank account as a destination (answering the step-up code). */
export async function addBankDestination(world: CashoutWorld, person: Person): Promise<string> {
  const payload = { kind: 'bank', bank_code: person.bankCode, account_number: person.accountNumber };
  const first = await world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload });
  expect(first.statusCode, first.body).toBe(403);
  const challengeId = first.json().error.details.challenge_id as string;
  const code = await smsCodeFor(world.tc.database.db, challengeId);
  const second = await world.app.inject({ method: 'POST', url: '/v1/me/destinations', headers: bearer(person.token), payload: { ...payload, otp: { challenge_id: challengeId, code } } });
  expect(second.statusCode, second.body).toBe(201);
  person.destination = second.json().id as string;
  return person.destination;
}

/** A person ready to cash out: proved account, saved destination, funded, and a day later
 * (past the new-destination cool-down and the new-device window), with one payout made before
 * so that no step-up code is asked. */
export async function readyPerson(world: CashoutWorld, cashable: Micros, options: { lang?: 'ko' | 'en'; spendOnly?: Micros; seasoned?: boolean } = {}): Promise<Person> {
  const person = await makePerson(world, options);
  await addBankDestination(world, person);
  await fund(world, person, { cashable, ...(options.spendOnly ? { spendOnly: options.spendOnly } : {}) });
  if (options.seasoned ?? true) await seasonDestination(world, person);
  return person;
}

/** Marks the destination as paid before and old enough (as after a first settled payout a day ago). */
export async function seasonDestination(world: CashoutWorld, person: Person): Promise<void> {
  const past = new Date(world.clock.now().getTime() - 48 * HOUR_MS);
  await sql`UPDATE cashout_destinations SET created_at = ${past}, first_payout_at = ${past} WHERE id = ${person.destination!}`.execute(world.tc.database.db);
  await sql`UPDATE user_devices SET first_seen_at = ${past} WHERE user_id = ${person.user.id}`.execute(world.tc.database.db);
}

export async function postQuote(world: CashoutWorld, person: Person, amount: ReturnType<typeof wire> | 'all', extra: Record<string, unknown> = {}) {
  return world.app.inject({
    method: 'POST', url: '/v1/cashouts/quotes', headers: bearer(person.token),
    payload: { wallet: uuidToId(person.wallet.id, 'wal'), amount, channel: 'bank', destination: person.destination, ...extra },
  });
}

let keySequence = 0;

export async function postConfirm(world: CashoutWorld, person: Person, quote: string, extra: Record<string, unknown> = {}, key = `key-${process.pid}-${++keySequence}`) {
  return world.app.inject({
    method: 'POST', url: '/v1/cashouts', headers: { ...bearer(person.token), 'idempotency-key': key },
    payload: { quote, pin: person.pin, ...extra },
  });
}

/** Quote and confirm in one go; returns the cash-out's JSON. */
export async function cashOut(world: CashoutWorld, person: Person, amount: ReturnType<typeof wire> | 'all' = wire(10_000)) {
  const quote = await postQuote(world, person, amount);
  expect(quote.statusCode, quote.body).toBe(201);
  const confirmed = await postConfirm(world, person, quote.json().id);
  expect(confirmed.statusCode, confirmed.body).toBe(201);
  return confirmed.json() as { id: string; state: string; net: { amount: string }; fee: { amount: string } };
}

/** The wallet's class balances now. */
export async function balancesOf(world: CashoutWorld, person: Person) {
  const [balance] = await world.wallets.balances([person.wallet]);
  return balance!;
}

/** Reservations open on the person's cashable account. */
export async function openHolds(world: CashoutWorld, person: Person): Promise<number> {
  const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM ledger_holds WHERE debit_account_id = ${person.wallet.cashable_account}::uuid`.execute(world.tc.database.db);
  return Number(rows[0]!.n);
}

/** The bank reads our file and answers now; then we read its answer. */
export async function bankRound(world: CashoutWorld) {
  await world.bank.processOutgoing();
  await world.bank.flushAnswers();
  return world.service.ingestBank();
}

export function cotUuid(cot: string): string {
  const uuid = idToUuid(cot, 'cot');
  if (!uuid) throw new Error(`not a cash-out id: ${cot}`);
  return uuid;
}

export async function stateOf(world: CashoutWorld, cot: string): Promise<string> {
  const { rows } = await sql<{ state: string }>`SELECT state FROM cashouts WHERE id = ${cotUuid(cot)}::uuid`.execute(world.tc.database.db);
  return rows[0]!.state;
}
