// The demo world (DESIGN §6): staff of every role, partner apps with an API key, a few hundred
// people across KYC tiers and carriers with their wallets — seeded through the same services the
// API uses, so the demo exercises the real product. Runs once, on an empty database.
import { sql } from 'kysely';
import type { AppContext } from '../api/context.ts';
import { seedDemoAgents } from '../agents/demo.ts';
import type { StaffRole } from '../api/auth.ts';
import { withTransaction } from '../db/index.ts';
import { CARRIERS, pinWeakness, tryNormalizePhone, type Carrier, type IdentitySimulators, type Tier } from '../identity/index.ts';
import { DEMO_DEBTOR } from '../cashout/index.ts';
import { micros, toMinorFloor } from '../money/index.ts';
import { toLocalDate } from '../policy/index.ts';
import { systemAccountId, Wallets } from '../wallets/index.ts';
import type { DemoCredentials } from './credentials.ts';
import { partnerProfiles, seedHistory, type DemoPerson, type HistorySummary } from './history.ts';
import { SeededRandom } from './random.ts';

export interface SeedOptions {
  users?: number;
  seed?: number;
  /** Days of credit and cash-out history (0: none). */
  historyDays?: number;
  /**
   * Called once staff, partners and the people named in the credentials exist — everything the
   * credentials open works from then on — before the rest of the people and their history.
   * `npm start` prints its banner here and serves while the rest is written.
   */
  onCoreReady?: (credentials: DemoCredentials) => Promise<void> | void;
  /** Stops the seeding between steps (a shutdown while the history is written). */
  signal?: AbortSignal;
}

export interface SeedResult {
  credentials: DemoCredentials;
  users: number;
  history: HistorySummary | null;
  ms: number;
  /** Of which: staff, partners and people (the rest is their history). */
  people_ms: number;
}

const DEMO_ACTOR = { system: 'demo-seed' } as const;
const STAFF_ROLES: StaffRole[] = ['admin', 'support', 'compliance', 'finance', 'agent'];
/** The documented demo user and the three more the banner lists: the core the banner waits for. */
const CORE_PEOPLE = 4;
/** The documented demo user (README): a named, tier-2 person on SKT. */
/** Four months: enough to see months of micro-credits and monthly cash-outs, quick to seed. */
export const DEMO_HISTORY_DAYS = 120;
export const DEMO_USER = { phone: '+821020260001', pin: '480273', name: '김하늘' };

export async function isSeeded(ctx: AppContext): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int4 AS n FROM users`.execute(ctx.database.db);
  return (rows[0]?.n ?? 0) > 0;
}

/** A tier mix like a young operator's: most people phone-verified only, a few fully onboarded. */
function tierFor(random: SeededRandom): Tier {
  const r = random.next();
  return r < 0.55 ? 0 : r < 0.82 ? 1 : r < 0.97 ? 2 : 3;
}

function demoPhone(index: number): string {
  for (let bump = 0; ; bump++) {
    const candidate = `+8210${String(20_260_002 + index * 37 + bump * 100_003).padStart(8, '0')}`;
    if (tryNormalizePhone(candidate) === candidate) return candidate;
  }
}

function demoPin(random: SeededRandom, phone: string): string {
  for (;;) {
    const pin = String(random.int(100_000, 999_999));
    if (!pinWeakness(pin, { phone })) return pin;
  }
}

async function registerUser(ctx: AppContext, phone: string, pin: string, carrier: Carrier, lang: 'ko' | 'en'): Promise<string> {
  const identity = ctx.services.identity;
  const registration = await withTransaction(ctx.database.db, (trx) => identity.startRegistration(trx, { phone, carrier, lang }));
  const { rows } = await sql<{ body: string }>`
    SELECT body FROM outbox_messages WHERE channel = 'sms' AND payload->>'challenge_id' = ${registration.id}`.execute(ctx.database.db);
  const code = /\b(\d{6})\b/.exec(rows[0]?.body ?? '')?.[1];
  if (!code) throw new Error(`demo seed: no registration code for ${phone}`);
  const signedIn = await identity.completeRegistration({ registrationId: registration.id, code, pin, deviceId: `demo-device-${phone.slice(-6)}` });
  return signedIn.user.id;
}

const FAMILY = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신', '권'];
const GIVEN = ['하늘', '민준', '서연', '도윤', '지우', '예준', '하은', '시우', '수아', '주원', '지호', '서윤', '유진', '현우', '다은'];

/**
 * Tiers are reached the way a person reaches them: the carrier identity check (tier 1), an ID
 * document and a bank account proven by the 1-won deposit (tier 2), staff due diligence (tier 3).
 */
async function onboard(ctx: AppContext, sims: IdentitySimulators, random: SeededRandom, userId: string, tier: Tier, name: string): Promise<DemoPerson['bank']> {
  const identity = ctx.services.identity;
  if (tier < 1) return null;
  const year = random.int(1962, 2004);
  const month = String(random.int(1, 12)).padStart(2, '0');
  const day = String(random.int(1, 28)).padStart(2, '0');
  await identity.checkIdentity(userId, { name, birthDate: `${year}-${month}-${day}` });
  if (tier < 2) return null;
  const genderDigit = (year >= 2000 ? 3 : 1) + random.int(0, 1);
  const idNumber = `${String(year).slice(2)}${month}${day}${genderDigit}${String(random.int(0, 999_999)).padStart(6, '0')}`;
  await withTransaction(ctx.database.db, (trx) => identity.recordIdDocument(trx, userId, 'resident_registration', idNumber));
  const bankCode = random.pick(['004', '088', '020', '081', '090', '092']);
  // The length each bank issues (rails' Korean bank table): KakaoBank 13 digits, Toss Bank 12, the others 11–14.
  const length = bankCode === '090' ? 13 : 12;
  const accountNumber = `${random.int(100, 999)}${String(random.int(0, 999_999_999)).padStart(length - 3, '0')}`;
  const started = await identity.startBankVerification(userId, bankCode, accountNumber);
  const deposit = sims.bank.depositsTo(bankCode, accountNumber).at(-1);
  const code = /(\d{3,6})/.exec(deposit?.memo ?? '')?.[1];
  if (!code) throw new Error(`demo seed: no verification deposit for ${bankCode}-${accountNumber}`);
  await identity.confirmBankAccount(userId, started.account.id, code);
  const bank = { code: bankCode, account: accountNumber };
  if (tier < 3) return bank;
  await withTransaction(ctx.database.db, (trx) => identity.staffSetTier(trx, DEMO_ACTOR, userId, 3, 'demo world: enhanced due diligence done'));
  return bank;
}

export async function seedDemoWorld(ctx: AppContext, sims: IdentitySimulators, options: SeedOptions = {}): Promise<SeedResult> {
  const started = performance.now();
  const random = new SeededRandom(options.seed ?? 20_261_123);
  const identity = ctx.services.identity;
  const wallets = new Wallets(ctx.database.db, ctx.ledger, ctx.clock);
  await wallets.ensureSystemAccounts('KRW');

  let financeStaffId = '';
  let adminStaffId = '';
  const staff = await withTransaction(ctx.database.db, async (trx) => {
    const out: DemoCredentials['staff'] = [];
    for (const role of STAFF_ROLES) {
      const email = `${role}@demo.smallchange.dev`;
      const password = `demo-${role}-2026`;
      const created = await identity.createStaff(trx, DEMO_ACTOR, { email, name: `Demo ${role}`, role, password });
      if (role === 'finance') financeStaffId = created.id;
      if (role === 'admin') adminStaffId = created.id;
      out.push({ role, email, password });
    }
    return out;
  });

  const partner = await withTransaction(ctx.database.db, async (trx) => {
    const created = await identity.createPartner(trx, DEMO_ACTOR, '하루포인트 (HaruPoint rewards)');
    const key = await identity.createApiKey(trx, DEMO_ACTOR, created.id, ['credits:write', 'credits:read', 'webhooks:manage']);
    const others = [];
    const names = ['TaskHub micro-tasks', 'Tipjar creators', 'SKT 휴대폰결제 (carrier billing)', '데모페이 지갑 (demo wallet provider)', '툰랩 (webtoon app)'];
    for (const name of names) others.push((await identity.createPartner(trx, DEMO_ACTOR, name)).id);
    return { id: created.id, name: created.name, api_key: key.secret, others };
  });

  const count = options.users ?? 240;
  const more: DemoCredentials['users_more'] = [];
  const people: DemoPerson[] = [];
  const credentialsNow = (): DemoCredentials => ({ user: DEMO_USER, users_more: more, staff, partner: { id: partner.id, name: partner.name, api_key: partner.api_key } });
  for (let i = 0; i < count; i++) {
    options.signal?.throwIfAborted();
    if (i === Math.min(CORE_PEOPLE, count)) await options.onCoreReady?.(credentialsNow());
    const first = i === 0;
    const phone = first ? DEMO_USER.phone : demoPhone(i);
    const pin = first ? DEMO_USER.pin : demoPin(random, phone);
    const carrier: Carrier = first ? 'SKT' : random.pick(CARRIERS);
    const lang = first || random.chance(0.88) ? 'ko' : 'en';
    const userId = await registerUser(ctx, phone, pin, carrier, lang);
    const tier: Tier = first ? 2 : tierFor(random);
    const bank = await onboard(ctx, sims, random, userId, tier, first ? DEMO_USER.name : `${random.pick(FAMILY)}${random.pick(GIVEN)}`);
    people.push({ id: userId, phone, pin, tier, bank });
    await wallets.openMainWallet(ctx.database.db, userId, 'KRW');
    if (i > 0 && i < CORE_PEOPLE) more.push({ phone, pin, tier });
  }
  if (count <= CORE_PEOPLE) await options.onCoreReady?.(credentialsNow());

  const peopleMs = Math.round(performance.now() - started);
  const historyDays = options.historyDays ?? DEMO_HISTORY_DAYS;
  const [taskhub, tipjar, carrier, walletProvider, webtoonApp] = partner.others as [string, string, string, string, string];
  const history = historyDays > 0
    ? await seedHistory(ctx, people, partnerProfiles({ haru: partner.id, taskhub, tipjar, carrier }), {
      days: historyDays, financeStaffId, adminStaffId, random, walletProviderId: walletProvider,
      // The webtoon app is also a partner (its merchant:operate keys request subscriptions).
      merchantPartnerIds: [null, webtoonApp, null],
      ...(options.signal ? { signal: options.signal } : {}),
    })
    : null;
  // Cash agents (src/agents/demo.ts): shops with float, run by the demo agent logins.
  const [trust] = await ctx.ledger.getBalances([systemAccountId('bank_deposits', 'KRW')]);
  await seedDemoAgents({
    db: ctx.database.db, identity, agents: ctx.services.agents,
    bank: {
      account: DEMO_DEBTOR, date: toLocalDate(ctx.clock.now(), ctx.config.OPERATOR_TIME_ZONE), now: ctx.clock.now(),
      // bank_deposits mirrors the trust account: money in is a debit, so its balance is the negative.
      openingMinor: toMinorFloor(micros(-(trust?.posted ?? 0n))),
      reconcileXml: (xml) => ctx.services.reconciliation.reconcileXml(xml, { source: 'api', actor: { kind: 'system', name: 'demo-seed' } }),
    },
  }, people.map((p) => p.id));

  return {
    credentials: credentialsNow(),
    users: people.length,
    history,
    ms: Math.round(performance.now() - started),
    people_ms: peopleMs,
  };
}
