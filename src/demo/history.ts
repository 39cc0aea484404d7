// Months of demo history, made by the product itself: the partners' credits, payout
// destinations, monthly cash-outs settled by the bank through real pain.001 / pain.002 files,
// auto-sweep rules, a few cash-outs waiting for the next bank batch, and spending (spending.ts):
// merchant payments and a refund, a gift card, a monthly subscription, merchant settlements.
//
// History needs the past, so it runs the real services on a second set of instances whose clock
// is a ManualClock walked forward day by day from months ago: the ledger stamps every transfer
// with that clock, credit clearance and cash-out state changes follow it, and the bank simulator
// answers in the past too (in a scratch directory: those files are long settled). Identity keeps
// the real clock: codes and PINs are checked as they would be today.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { AppContext } from '../api/context.ts';

import { createCashout, type CashoutService, type OtpProof } from '../cashout/index.ts';
import { createLedger } from '../ledger/index.ts';
import { PaymentsService } from '../payments/index.ts';
import type { Micros } from '../money/index.ts';
import { BankSimulator, createBankRail, createFileJournal } from '../rails/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { uuidToId } from '../shared/ids.ts';
import { CreditJobs, CreditsService, toCreditRequest, Wallets, type CreditRequest } from '../wallets/index.ts';
import type { SeededRandom } from './random.ts';
import { buyDemoVoucher, emptySpending, registerDemoMerchants, shopDay, subscribeDemoUser, type SpendingSummary } from './spending.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** 1 won in micro-units. */
const WON = 10_000n;

export interface DemoPerson {
  id: string;
  phone: string;
  pin: string;
  tier: number;
  /** Proven by the 1-won deposit (tier 2 and up). */
  bank: { code: string; account: string } | null;
}

export interface DemoPartner {
  id: string;
  name: string;
  /** What this partner pays people for, with amounts in micro-units (fractions of a won). */
  sources: { source: string; min: bigint; max: bigint; description: string }[];
}

export interface HistoryOptions {
  days: number;
  /** The partner wallet provider people save wallets of. */
  walletProviderId: string;
  financeStaffId: string;
  /** Registers the demo merchants. */
  adminStaffId: string;
  /** The partners whose merchant:operate keys act for the demo merchants (null: none). */
  merchantPartnerIds: readonly (string | null)[];
  random: SeededRandom;
  /** Checked between days and between people's cash-outs. */
  signal?: AbortSignal;
}

export interface HistorySummary {
  credits: number;
  cashouts: { settled: number; failed: number; waiting: number };
  destinations: number;
  sweeps: number;
  spending: SpendingSummary;
  /** Where the time went. */
  ms: { credits: number; clearance: number; cashouts: number; spending: number };
}

/** The partners of the demo world and what each pays for. */
export function partnerProfiles(ids: { haru: string; taskhub: string; tipjar: string; carrier: string }): DemoPartner[] {
  return [
    {
      id: ids.haru, name: '하루포인트', sources: [
        { source: 'reward', min: 1n * WON, max: 50n * WON, description: '출석 체크 리워드' },
        { source: 'promo', min: 100n * WON, max: 1_000n * WON, description: '신규 가입 프로모션' },
      ],
    },
    {
      id: ids.taskhub, name: 'TaskHub', sources: [
        { source: 'task_earning', min: 3_500n, max: 450n * WON, description: '데이터 라벨링 작업' },
        { source: 'task_earning', min: 12_500n, max: 120n * WON, description: '설문 응답' },
      ],
    },
    { id: ids.tipjar, name: 'Tipjar', sources: [{ source: 'tip', min: 100n * WON, max: 5_000n * WON, description: '크리에이터 후원' }] },
    { id: ids.carrier, name: 'SKT 휴대폰결제', sources: [{ source: 'carrier_billing', min: 1_000n * WON, max: 10_000n * WON, description: '휴대폰 결제 충전' }] },
  ];
}

function amountBetween(random: SeededRandom, min: bigint, max: bigint): Micros {
  // Whole micro-units; the spread is far below 2^53, so an int draw is exact.
  return (min + BigInt(random.int(0, Number(max - min)))) as Micros;
}

/** A step-up code the person would read in their SMS (the demo outbox). */
async function codeFor(ctx: AppContext, challengeId: string): Promise<string> {
  const { rows } = await sql<{ body: string }>`
    SELECT body FROM outbox_messages WHERE channel = 'sms' AND payload->>'challenge_id' = ${challengeId}`.execute(ctx.database.db);
  const code = /\b(\d{6})\b/.exec(rows[0]?.body ?? '')?.[1];
  if (!code) throw new Error(`demo history: no code for challenge ${challengeId}`);
  return code;
}

/** Runs a step that may ask for a step-up code, answering it from the outbox as the person would. */
async function withStepUp<T>(ctx: AppContext, at: Date | null, step: (otp: OtpProof | null) => Promise<T>): Promise<T> {
  try {
    return await step(null);
  } catch (error) {
    const challenge = error instanceof DomainError && error.code === 'otp_required' ? (error.details.data?.challenge_id as string | undefined) : undefined;
    if (!challenge) throw error;
    const result = await step({ challengeId: challenge, code: await codeFor(ctx, challenge) });
    // Identity runs on the real clock; the code belongs to the simulated day it was asked on, so
    // that months of history do not count as codes sent within the last hour.
    if (at) await sql`UPDATE otp_challenges SET created_at = ${at} WHERE id = ${challenge}`.execute(ctx.database.db);
    return result;
  }
}

interface PastServices {
  clock: ManualClock;
  credits: CreditsService;
  jobs: CreditJobs;
  cashout: CashoutService;
  payments: PaymentsService;
  bank: BankSimulator;
  close(): Promise<void>;
}

async function pastServices(ctx: AppContext, start: Date): Promise<PastServices> {
  const clock = new ManualClock(start);
  const db = ctx.database.db;
  const ledger = createLedger(db, clock, { background: false });
  const wallets = new Wallets(db, ledger, clock);
  const { identity, policy } = ctx.services;
  const credits = new CreditsService({ db, ledger, wallets, identity, policy, clock, logger: ctx.logger, signupUrl: 'http://localhost/signup' });
  const jobs = new CreditJobs(credits, ctx.logger);
  const scratch = await mkdtemp(join(tmpdir(), 'smallchange-demo-bank-'));
  const debtor = { name: 'smallchange Inc.', bankCode: '004', accountNumber: '004-0000-1234-56', currency: 'KRW' as const };
  const bankRail = createBankRail({ dataDir: scratch, clock, debtor, store: createFileJournal(join(scratch, 'journal.ndjson')) });
  const bank = new BankSimulator({ dataDir: scratch, clock, account: debtor, logger: ctx.logger, latency_ms: 0, rejectionRate: 0.04, statementAtLocal: null, seed: 7 });
  const { service: cashout } = await createCashout({
    db, clock, logger: ctx.logger, ledger, policy, identity, config: { DATA_DIR: scratch, SIMULATORS: 'off' }, wallets, bankRail, walletRail: null,
  });
  // Payments on the past clock, paying merchant settlements through the same (past) bank rail,
  // whose answers reach it through cash-out's ingest as in the runtime.
  const payments = new PaymentsService({ ...ctx.services.payments.deps, db, ledger, clock, wallets, bankRail });
  cashout.registerPayoutOwner(payments.settlementAnswers);
  return {
    clock, credits, jobs, cashout, payments, bank,
    async close() {
      await jobs.stop();
      await cashout.stop();
      await payments.stop();
      await bank.stop();
      await ledger.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

let referenceSequence = 0;

function creditsOfDay(random: SeededRandom, partner: DemoPartner, people: DemoPerson[], day: number, demoUserId: string): CreditRequest[] {
  const out: CreditRequest[] = [];
  for (const person of people) {
    // The documented demo user earns every day; people with a bank account are the active earners.
    const chance = person.id === demoUserId ? 0.9 : person.bank ? 0.25 : 0.04;
    if (!random.chance(chance / (partner.sources[0]!.source === 'carrier_billing' ? 6 : 1))) continue;
    const kind = random.pick(partner.sources);
    if (kind.source === 'promo' && day % 30 !== 3) continue;
    out.push(toCreditRequest({
      partner_reference: `demo-${partner.name.length}-${day}-${++referenceSequence}`,
      recipient: { user_id: person.id },
      amount: amountBetween(random, kind.min, kind.max),
      source: kind.source,
      description: kind.description,
      metadata: { demo: true },
    } as never, 'KRW'));
  }
  return out;
}

/** A bank account (and for some a partner wallet) saved as destinations, with the step-up code. */
async function saveDestinations(ctx: AppContext, past: PastServices, random: SeededRandom, earners: DemoPerson[], provider: string): Promise<Map<string, string>> {
  const saved = new Map<string, string>();
  for (const person of earners) {
    const bank = person.bank!;
    const row = await withStepUp(ctx, past.clock.now(), (otp) => past.cashout.addDestination(person.id, { kind: 'bank', bankCode: bank.code, accountNumber: bank.account, label: '월급 통장' }, otp));
    saved.set(person.id, row.id);
    if (random.chance(0.3)) {
      await withStepUp(ctx, past.clock.now(), (otp) => past.cashout.addDestination(person.id, { kind: 'wallet', provider, account: `user${person.phone.slice(-4)}`, label: null }, otp));
    }
  }
  return saved;
}

async function cashOutAll(ctx: AppContext, past: PastServices, person: DemoPerson, walletId: string, destination: string): Promise<boolean> {
  try {
    const quote = await past.cashout.quote({ userId: person.id, wallet: walletId, amount: 'all', channel: 'bank', destination, origin: 'user' });
    await withStepUp(ctx, past.clock.now(), (otp) => past.cashout.confirm({
      userId: person.id, quote: uuidToId(quote.id, 'quo'), pin: person.pin, otp, deviceId: `demo-device-${person.phone.slice(-6)}`, idempotencyKey: null, origin: 'user',
    }, 'ko'));
    return true;
  } catch (error) {
    // Not enough collected yet, or over a limit: a real person would simply wait.
    if (error instanceof DomainError && error.status < 500) {
      ctx.logger.debug({ user: person.id, reason: error.code, data: error.details.data }, 'demo history: no cash-out this month');
      return false;
    }
    throw error;
  }
}

/** The bank takes the day's batch, answers it, and we read the answer: settled or failed. */
async function bankDay(past: PastServices, settle: () => Promise<unknown> = async () => undefined): Promise<void> {
  const reports = await past.cashout.runBankBatch();
  // The merchants' settlement goes in its own pain.001 after the day's cash-out batch.
  await settle();
  const received = await past.bank.processOutgoing();
  if (reports.length === 0 && received.length === 0) return;
  await past.bank.flushAnswers();
  await past.cashout.ingestBank();
}

export async function seedHistory(ctx: AppContext, people: DemoPerson[], partners: DemoPartner[], options: HistoryOptions): Promise<HistorySummary> {
  const { random } = options;
  const now = ctx.clock.now();
  // Midnight in Seoul, `days` ago: each simulated day then runs through Korean business hours.
  const start = new Date(Math.floor((now.getTime() + 9 * HOUR_MS) / DAY_MS) * DAY_MS - 9 * HOUR_MS - options.days * DAY_MS);
  const past = await pastServices(ctx, start);
  const summary: HistorySummary = {
    credits: 0, cashouts: { settled: 0, failed: 0, waiting: 0 }, destinations: 0, sweeps: 0, spending: emptySpending(), ms: { credits: 0, clearance: 0, cashouts: 0, spending: 0 },
  };
  const timed = async <T>(phase: keyof HistorySummary['ms'], work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      summary.ms[phase] += Math.round(performance.now() - t0);
    }
  };
  try {
    // The people joined before their history began: date their accounts and phones back (a
    // demo-only fix-up; the registration itself ran through the real flow just now).
    const joined = new Date(start.getTime() - 14 * DAY_MS);
    const ids = people.map((p) => p.id);
    await sql`UPDATE users SET created_at = ${joined}, phone_verified_at = ${joined}, pin_changed_at = ${joined} WHERE id = ANY(${ids}::text[])`.execute(ctx.database.db);
    await sql`UPDATE user_devices SET first_seen_at = ${joined} WHERE user_id = ANY(${ids}::text[])`.execute(ctx.database.db);
    await sql`UPDATE otp_challenges SET created_at = ${joined} WHERE phone = ANY(${people.map((p) => p.phone)}::text[])`.execute(ctx.database.db);
    for (const partner of partners) {
      await past.credits.recordPrefunding(options.financeStaffId, partner.id, { amount: (500_000_000n * WON) as Micros, bankReference: `DEMO-PREFUND-${partner.id.slice(-8)}` });
    }
    const earners = people.filter((p) => p.bank);
    const wallets = new Map((await sql<{ user_id: string; id: string }>`SELECT user_id, id FROM wallets WHERE kind = 'main'`.execute(ctx.database.db)).rows.map((r) => [r.user_id, uuidToId(r.id, 'wal')]));
    const walletOf = (userId: string) => wallets.get(userId)!;

    const demoUser = people[0]!;
    past.clock.set(new Date(start.getTime() + 7 * HOUR_MS));
    const merchants = await timed('spending', () => registerDemoMerchants(past.payments, options.adminStaffId, options.merchantPartnerIds));
    summary.spending.merchants = merchants.length;
    const [, webtoon] = merchants;
    const spending = summary.spending;
    let destinations = new Map<string, string>();
    for (let day = 0; day < options.days; day++) {
      options.signal?.throwIfAborted();
      past.clock.set(new Date(start.getTime() + day * DAY_MS + 8 * HOUR_MS));
      if (day === 2) {
        destinations = await saveDestinations(ctx, past, random, earners, options.walletProviderId);
        summary.destinations = destinations.size;
      }
      for (const partner of partners) {
        past.clock.advance(random.int(5, 40) * 60_000);
        const batch = creditsOfDay(random, partner, people, day, people[0]!.id);
        if (batch.length === 0) continue;
        const results = await timed('credits', () => past.credits.ingest(partner.id, batch));
        summary.credits += results.length;
      }
      // Around the 25th, the earners cash out what they collected, and the bank pays at 13:00.
      const payday = day > 2 && day % 30 === 25;
      // Clearance ends a day later; the jobs post what is due, twice a week and before payday.
      if (day % 4 === 0 || payday) await timed('clearance', () => past.jobs.runOnce());
      if (payday) {
        past.clock.set(new Date(start.getTime() + day * DAY_MS + 2 * HOUR_MS)); // 11:00 KST
        for (const person of earners) {
          options.signal?.throwIfAborted();
          if (person.id === people[0]!.id || random.chance(0.7)) await timed('cashouts', () => cashOutAll(ctx, past, person, walletOf(person.id), destinations.get(person.id)!));
        }
        past.clock.set(new Date(start.getTime() + day * DAY_MS + 4 * HOUR_MS + 5 * 60_000)); // 13:05 KST
        await timed('cashouts', () => bankDay(past, async () => {
          past.clock.set(new Date(start.getTime() + day * DAY_MS + 8 * HOUR_MS + 5 * 60_000)); // 17:05 KST: settlement time
          const run = await past.payments.runSettlement();
          spending.settlements += run.settlements.length;
        }));
      }
      // Shopping in the evening (20:00 KST); the demo user subscribes to the webtoon app on day 3
      // (charged monthly from then on) and buys a gift card on day 9.
      past.clock.set(new Date(start.getTime() + day * DAY_MS + 11 * HOUR_MS));
      await timed('spending', async () => {
        if (day === 3) await subscribeDemoUser(past.payments, demoUser, webtoon!);
        if (day === 9) await buyDemoVoucher(past.payments, demoUser, spending);
        await shopDay(past.payments, random, people, merchants, spending, day);
        spending.subscription_charges += (await past.payments.runSubscriptionCharges()).paid;
      });

    }
    // Today: a few people cashed out this morning and wait for the next bank batch.
    past.clock.set(new Date(now.getTime() - 30 * 60_000));
    await past.jobs.runOnce();
    for (const person of earners.slice(0, 6)) {
      if (await cashOutAll(ctx, past, person, walletOf(person.id), destinations.get(person.id)!)) summary.cashouts.waiting++;
    }
    // Some earners let the balance sweep itself to their bank when it reaches 30,000 won.
    for (const person of earners.slice(6, 14)) {
      await withStepUp(ctx, past.clock.now(), (otp) => past.cashout.setAutoSweep({
        userId: person.id, wallet: null, threshold: (30_000n * WON) as Micros, destination: destinations.get(person.id)!, channel: 'bank', pin: person.pin, otp,
      }));
      summary.sweeps++;
    }
    const { rows } = await sql<{ state: string; n: number }>`SELECT state, count(*)::int4 AS n FROM cashouts GROUP BY state`.execute(ctx.database.db);
    for (const row of rows) {
      if (row.state === 'settled') summary.cashouts.settled = row.n;
      if (row.state === 'failed') summary.cashouts.failed = row.n;
    }
  } finally {
    await past.close();
  }
  return summary;
}
