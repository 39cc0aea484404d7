// The demo world's agents (DESIGN §6): a few shops around Seoul run by the demo agent login, each
// owned by a tier-3 person and holding float that finance approved — seeded through the same
// service calls the API uses: each shop's opening cash is a deposit on a bank statement that is
// reconciled first, and finance approves the top-up against that deposit.
import { sql, type Kysely } from 'kysely';
import { withTransaction, type DB } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { fromMinor, type CurrencyCode } from '../money/index.ts';
import { buildCamt053 } from '../rails/index.ts';
import type { AgentService } from './service.ts';

const SHOPS = [
  { name: '마포 편의점 (Mapo corner store)', lat: 37.5563, lng: 126.9236, float: 2_000_000n, cash: 3_000_000n },
  { name: '홍대 문구 (Hongdae stationery)', lat: 37.5572, lng: 126.9245, float: 400_000n, cash: 50_000n },
  { name: '강남역 휴대폰 (Gangnam phone shop)', lat: 37.4979, lng: 127.0276, float: 1_500_000n, cash: 2_000_000n },
] as const;

const OPEN = [['08:00', '22:00']] as Array<[string, string]>;
const HOURS = { sun: [['10:00', '20:00']] as Array<[string, string]>, mon: OPEN, tue: OPEN, wed: OPEN, thu: OPEN, fri: OPEN, sat: OPEN };

/**
 * Registers the demo shops: the demo agent login (agent@demo.smallchange.dev) runs the first, two
 * more agent logins the others; owners are the first tier-2 people (not the documented demo user),
 * raised to tier 3 by staff due diligence; each shop's opening float is approved by finance.
 */
/**
 * A camt.053 of the operator's trust account with these deposits booked on `date` (the agents'
 * cash paid in), opening at `openingMinor`: what the bank would send, for the demo and the tests.
 */
export function agentDepositStatement(input: {
  account: { name?: string; bankCode: string; accountNumber: string; currency: CurrencyCode };
  statementId: string;
  date: string;
  createdAt: Date;
  openingMinor: bigint;
  deposits: ReadonlyArray<{ amountMinor: bigint; bankReference: string; from: string }>;
}): string {
  return buildCamt053({
    messageId: `CAMT-${input.statementId}`, createdAt: input.createdAt, statementId: input.statementId, account: input.account,
    openingBalance: { amountMinor: input.openingMinor, date: input.date }, closingDate: input.date,
    entries: input.deposits.map((d) => ({ kind: 'deposit' as const, amountMinor: d.amountMinor, bookingDate: input.date, bankReference: d.bankReference, counterpartyName: d.from })),
  });
}

export interface DemoAgentBank {
  account: { name?: string; bankCode: string; accountNumber: string; currency: CurrencyCode };
  /** Today in the operator's zone, and now. */
  date: string;
  now: Date;
  /** The trust account's balance in our books (whole won) before the deposits. */
  openingMinor: bigint;
  reconcileXml(xml: string): Promise<unknown>;
}

export async function seedDemoAgents(
  deps: { db: Kysely<DB>; identity: Pick<IdentityService, 'createStaff' | 'getUser' | 'staffSetTier'>; agents: AgentService; bank: DemoAgentBank },
  userIds: readonly string[],
): Promise<string[]> {
  const actor = { system: 'demo-seed' } as const;
  const staffId = async (email: string) => (await sql<{ id: string }>`SELECT id FROM staff WHERE email = ${email}`.execute(deps.db)).rows[0]?.id;
  const adminId = await staffId('admin@demo.smallchange.dev');
  const financeId = await staffId('finance@demo.smallchange.dev');
  const counter = await staffId('agent@demo.smallchange.dev');
  if (!adminId || !financeId || !counter) return [];
  const counters = [counter];
  for (const n of [2, 3]) {
    const extra = await withTransaction(deps.db, (trx) => deps.identity.createStaff(trx, actor, { email: `agent${n}@demo.smallchange.dev`, name: `Demo agent ${n}`, role: 'agent', password: `demo-agent${n}-2026` }));
    counters.push(extra.id);
  }
  const owners: string[] = [];
  for (const userId of userIds.slice(1)) {
    if (owners.length === SHOPS.length) break;
    if ((await deps.identity.getUser(deps.db, userId)).tier !== 2) continue;
    await withTransaction(deps.db, (trx) => deps.identity.staffSetTier(trx, actor, userId, 3, 'demo agent owner: enhanced due diligence'));
    owners.push(userId);
  }
  // The shops' opening cash, paid into the trust account: the bank's statement, reconciled.
  const depositRef = (i: number) => `DEMO-DEP-${deps.bank.date.replaceAll('-', '')}-${i + 1}`;
  await deps.bank.reconcileXml(agentDepositStatement({
    account: deps.bank.account, statementId: `DEMO-AGENT-FLOAT-${deps.bank.date}`, date: deps.bank.date, createdAt: deps.bank.now, openingMinor: deps.bank.openingMinor,
    deposits: SHOPS.slice(0, owners.length).map((shop, i) => ({ amountMinor: shop.float, bankReference: depositRef(i), from: `AGENT SHOP ${i + 1}` })),
  }));
  const ids: string[] = [];
  for (const [i, shop] of SHOPS.entries()) {
    const ownerId = owners[i];
    if (!ownerId) break;
    const agent = await deps.agents.register({
      name: shop.name, lat: shop.lat, lng: shop.lng, openingHours: HOURS, staffId: counters[i]!, ownerUserId: ownerId, cashOnHand: fromMinor(shop.cash), onboardedBy: adminId,
    });
    const request = await deps.agents.requestRebalance(agent, { direction: 'top_up', amount: fromMinor(shop.float), requestedBy: `staff:${adminId}`, note: 'opening float' });
    await deps.agents.approveRebalance(request.id, { by: `staff:${financeId}`, deposit: depositRef(i), note: null });
    ids.push(agent.id);
  }
  return ids;
}
