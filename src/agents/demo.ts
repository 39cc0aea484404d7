// The demo world's agents (DESIGN §6): a few shops around Seoul run by the demo agent login, each
// owned by a tier-3 person and holding float that finance approved — seeded through the same
// service calls the API uses.
import { sql, type Kysely } from 'kysely';
import { withTransaction, type DB } from '../db/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { fromMinor } from '../money/index.ts';
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
export async function seedDemoAgents(
  deps: { db: Kysely<DB>; identity: Pick<IdentityService, 'createStaff' | 'getUser' | 'staffSetTier'>; agents: AgentService },
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
  const ids: string[] = [];
  for (const [i, shop] of SHOPS.entries()) {
    const ownerId = owners[i];
    if (!ownerId) break;
    const agent = await deps.agents.register({
      name: shop.name, lat: shop.lat, lng: shop.lng, openingHours: HOURS, staffId: counters[i]!, ownerUserId: ownerId, cashOnHand: fromMinor(shop.cash), onboardedBy: adminId,
    });
    const request = await deps.agents.requestRebalance(agent, { direction: 'top_up', amount: fromMinor(shop.float), requestedBy: `staff:${adminId}`, note: 'opening float' });
    await deps.agents.approveRebalance(request.id, { by: `staff:${financeId}`, bankReference: `DEMO-DEP-${i + 1}`, note: null });
    ids.push(agent.id);
  }
  return ids;
}
