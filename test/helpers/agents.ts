// An agents world for tests: the whole product through the real composition root (createTestRuntime)
// on a manual clock, with fixtures: people who passed the identity check and hold cashable money,
// an agent shop (its counter login, its tier-3 owner) registered through the admin API, and staff.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { withTransaction } from '../../src/db/index.ts';
import { isSuccess, type AccountId, type TransferId } from '../../src/ledger/index.ts';
import { agentDepositStatement } from '../../src/agents/index.ts';
import { DEMO_DEBTOR } from '../../src/cashout/index.ts';
import { fromMinor, toMinorFloor, toWire, type Micros } from '../../src/money/index.ts';
import { toLocalDate } from '../../src/policy/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { derivedUuid } from '../../src/shared/ids.ts';
import { systemAccountId, TRANSFER_CODES, walletIdOf, type WalletRow } from '../../src/wallets/index.ts';
import type { TestContext } from './context.ts';
import { bearer, createTestStaff, registerTestUser, smsCodeFor, type TestStaff, type TestUser } from './identity.ts';
import { sealAndVerify } from './ledger.ts';
import { createTestRuntime, type TestRuntime } from './runtime.ts';

/** Tuesday 13 January 2026, 11:30 in Seoul: shops are open. */
export const START = '2026-01-13T02:30:00Z';
export const won = (n: bigint | number) => fromMinor(BigInt(n));
export const wire = (n: bigint | number | string) => ({ amount: String(n), currency: 'KRW' as const });
export const ALL_DAY = { sun: [['00:00', '24:00']], mon: [['00:00', '24:00']], tue: [['00:00', '24:00']], wed: [['00:00', '24:00']], thu: [['00:00', '24:00']], fri: [['00:00', '24:00']], sat: [['00:00', '24:00']] };

export interface AgentWorld {
  rt: TestRuntime;
  tc: TestContext;
  clock: ManualClock;
  admin: TestStaff;
  finance: TestStaff;
  /** The runtime's data directory (the bank rail's files live under it). */
  dataDir: string;
  close(): Promise<void>;
}

export async function openAgentWorld(): Promise<AgentWorld> {
  const clock = new ManualClock(START);
  const dataDir = await mkdtemp(join(tmpdir(), 'sc-agents-'));
  const rt = await createTestRuntime({ clock, env: { DATA_DIR: dataDir } });
  // The identity fixtures take a test context; the runtime's identity and simulators stand in for it.
  const tc = { ctx: rt.ctx, database: rt.database, clock, identity: rt.ctx.services.identity, simulators: rt.simulators.identity!, close: async () => undefined } as TestContext;
  const admin = await createTestStaff(tc, 'admin');
  const finance = await createTestStaff(tc, 'finance');
  return {
    rt, tc, clock, admin, finance, dataDir,
    async close() {
      await rt.ctx.ledger.expirePending().catch(() => 0);
      const report = await sealAndVerify(rt.ctx.ledger, rt.database.db);
      expect(report.problems).toEqual([]);
      await rt.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Person extends TestUser {
  wallet: WalletRow;
}

/** A person who passed the carrier identity check (tier 1), with a main wallet. */
export async function makePerson(world: AgentWorld): Promise<Person> {
  const u = await registerTestUser(world.tc, { lang: 'en' });
  world.tc.simulators.identityCheck.addSubscriber(u.phone, { name: '김민준', birthDate: '1990-01-31', carrier: 'SKT' });
  const check = await world.rt.app.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(u.token), payload: { name: '김민준', birth_date: '1990-01-31' } });
  expect(check.statusCode, check.body).toBe(200);
  const wallet = await withTransaction(world.rt.database.db, (trx) => world.rt.ctx.services.wallets.core.openMainWallet(trx, u.user.id, 'KRW'));
  return { ...u, wallet };
}

let fundSequence = 0;

/** Credits the person's cashable account from the operator's bank deposits. */
export async function fund(world: AgentWorld, person: Person, amount: Micros): Promise<void> {
  const [result] = await world.rt.ctx.ledger.createTransfers([{
    id: derivedUuid(`test:agents:fund:${process.pid}:${++fundSequence}`) as TransferId,
    debit_account_id: systemAccountId('bank_deposits', 'KRW'), credit_account_id: person.wallet.cashable_account as AccountId,
    amount, currency: 'KRW', code: TRANSFER_CODES.credit,
  }]);
  expect(isSuccess(result!)).toBe(true);
}

export interface Shop {
  id: string;
  counter: TestStaff;
  owner: TestUser;
}

/** Registers a shop through the admin API (owner raised to tier 3), with float topped up through finance when asked. */
export async function makeShop(world: AgentWorld, options: { name?: string; lat?: number; lng?: number; float?: Micros; cash?: Micros; hours?: unknown } = {}): Promise<Shop> {
  const counter = await createTestStaff(world.tc, 'agent');
  const owner = await registerTestUser(world.tc, { lang: 'ko' });
  // Tier 3 needs tier 2 (ID document + bank account) first; the fixture writes the outcome of that due diligence directly.
  await sql`UPDATE users SET tier = 3 WHERE id = ${owner.user.id}`.execute(world.rt.database.db);
  const created = await world.rt.app.inject({
    method: 'POST', url: '/v1/admin/agents', headers: bearer(world.admin.token),
    payload: {
      name: options.name ?? 'Mapo corner shop', lat: options.lat ?? 37.5563, lng: options.lng ?? 126.9236, opening_hours: options.hours ?? ALL_DAY,
      staff: counter.staffId, owner: owner.user.id, cash_on_hand: toWire({ amount: options.cash ?? won(1_000_000), currency: 'KRW' }),
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  if (options.float && options.float > 0n) await topUp(world, id, options.float);
  return { id, counter, owner };
}

let depositSequence = 0;

/**
 * The agent's cash paid into the trust account, as the bank states it: a camt.053 with one
 * deposit, reconciled (an unmatched_bank item and task). Returns the deposit's bank reference.
 */
export async function statedDeposit(world: AgentWorld, amount: Micros): Promise<string> {
  const reference = `BDEP${process.pid}X${++depositSequence}`;
  const xml = agentDepositStatement({
    account: DEMO_DEBTOR, statementId: `STMT-${reference}`, date: toLocalDate(world.clock.now(), 'Asia/Seoul'), createdAt: world.clock.now(), openingMinor: 0n,
    deposits: [{ amountMinor: toMinorFloor(amount), bankReference: reference, from: 'AGENT SHOP' }],
  });
  await world.rt.ctx.services.reconciliation.reconcileXml(xml, { source: 'api', actor: { kind: 'system', name: 'test' } });
  return reference;
}

/** Records a float top-up and has finance approve it against the bank's stated deposit (bank_deposits → float). */
export async function topUp(world: AgentWorld, agentId: string, amount: Micros): Promise<void> {
  const asked = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/agents/${agentId}/rebalances`, headers: bearer(world.admin.token), payload: { direction: 'top_up', amount: toWire({ amount, currency: 'KRW' }) } });
  expect(asked.statusCode, asked.body).toBe(201);
  const deposit = await statedDeposit(world, amount);
  const approved = await world.rt.app.inject({ method: 'POST', url: `/v1/admin/agent-rebalances/${asked.json().id}/approve`, headers: { ...bearer(world.finance.token), ...idem() }, payload: { deposit } });
  expect(approved.statusCode, approved.body).toBe(200);
}

let accountSequence = 0;

/**
 * The shop's owner passes the identity check and proves a bank account (the 1-won deposit), and
 * an admin records it as the agent's account for float withdrawals. Returns the account number.
 */
export async function giveBankAccount(world: AgentWorld, shop: Shop): Promise<{ bankAccountId: string; accountNumber: string }> {
  const owner = shop.owner;
  world.tc.simulators.identityCheck.addSubscriber(owner.phone, { name: '김하늘', birthDate: '1985-04-02', carrier: 'SKT' });
  const check = await world.rt.app.inject({ method: 'POST', url: '/v1/me/kyc/identity-check', headers: bearer(owner.token), payload: { name: '김하늘', birth_date: '1985-04-02' } });
  expect(check.statusCode, check.body).toBe(200);
  await sql`UPDATE users SET tier = 3 WHERE id = ${owner.user.id}`.execute(world.rt.database.db);
  const bankCode = '088';
  const accountNumber = `120${String(process.pid % 1000).padStart(3, '0')}${String(++accountSequence).padStart(6, '0')}`;
  const start = await world.rt.app.inject({ method: 'POST', url: '/v1/me/kyc/bank-accounts', headers: bearer(owner.token), payload: { bank_code: bankCode, account_number: accountNumber } });
  expect(start.statusCode, start.body).toBe(201);
  const deposit = world.tc.simulators.bank.depositsTo(bankCode, accountNumber).at(-1)!;
  const code = /SC (\d{6})/.exec(deposit.memo)![1]!;
  const bankAccountId = start.json().bank_account.id as string;
  const confirm = await world.rt.app.inject({ method: 'POST', url: `/v1/me/kyc/bank-accounts/${bankAccountId}/confirm`, headers: bearer(owner.token), payload: { code } });
  expect(confirm.statusCode, confirm.body).toBe(200);
  const recorded = await world.rt.app.inject({ method: 'PUT', url: `/v1/admin/agents/${shop.id}/bank-account`, headers: bearer(world.admin.token), payload: { bank_account: bankAccountId } });
  expect(recorded.statusCode, recorded.body).toBe(200);
  return { bankAccountId, accountNumber };
}

let keySequence = 0;
export const idem = () => ({ 'idempotency-key': `agents-test-${process.pid}-${++keySequence}` });

/** Quotes and confirms a cash-out on a cash channel; returns the cash-out id and the code. */
export async function cashCode(world: AgentWorld, person: Person, channel: 'agent' | 'atm', amountWon: bigint): Promise<{ cashout: string; code: string; net: string; fee: string }> {
  const quote = await world.rt.app.inject({
    method: 'POST', url: '/v1/cashouts/quotes', headers: bearer(person.token),
    payload: { wallet: walletIdOf(person.wallet), amount: wire(amountWon), channel },
  });
  expect(quote.statusCode, quote.body).toBe(201);
  let confirm = await world.rt.app.inject({ method: 'POST', url: '/v1/cashouts', headers: { ...bearer(person.token), ...idem() }, payload: { quote: quote.json().id, pin: person.pin } });
  if (confirm.statusCode === 403 && confirm.json().error.code === 'otp_required') {
    // A new device (the policy's step-up rule): answer with the code from the SMS, as the person would.
    const challengeId = confirm.json().error.details.challenge_id as string;
    const otp = { challenge_id: challengeId, code: await smsCodeFor(world.rt.database.db, challengeId) };
    confirm = await world.rt.app.inject({ method: 'POST', url: '/v1/cashouts', headers: { ...bearer(person.token), ...idem() }, payload: { quote: quote.json().id, pin: person.pin, otp } });
  }
  expect(confirm.statusCode, confirm.body).toBe(201);
  const body = confirm.json();
  return { cashout: body.id, code: body.withdrawal_code.code, net: body.net.amount, fee: body.fee.amount };
}
