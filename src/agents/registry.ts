// Registering a shop as an agent (admin): the counter login must be a staff member with the role
// agent, the owner a user with KYC tier 3 (enhanced due diligence); the float and commission
// accounts are opened in the ledger, neither may go below zero.
import { withTransaction, type Executor } from '../db/index.ts';
import type { BankAccountView } from '../identity/index.ts';
import { AccountFlags, type Balance } from '../ledger/index.ts';
import type { Micros } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { ACCOUNT_CODES } from '../wallets/index.ts';
import { insertAgent, listAgents, selectAgent, selectAgentByStaff, selectAgentsIn } from './agents.sql.ts';
import { agentAccountId, type AgentDeps } from './deps.ts';
import { boundingBox, distanceMetres, isOpenAt, parseOpeningHours } from './hours.ts';
import type { AgentRow } from './tables.ts';
import './errors.ts';

export interface NewAgent {
  name: string;
  lat: number;
  lng: number;
  openingHours: unknown;
  staffId: string;
  ownerUserId: string;
  cashOnHand: Micros;
  onboardedBy: string;
  /** One of the owner's verified bank accounts (dst_…) for float withdrawals; may be recorded later. */
  bankAccountId?: string | null;
}

/** The owner's verified bank account with this id, as identity shows it (masked), or a refusal. */
async function eligibleBankAccount(deps: AgentDeps, executor: Executor, ownerUserId: string, bankAccountId: string): Promise<BankAccountView> {
  const account = (await deps.identity.listBankAccounts(executor, ownerUserId)).find((a) => a.id === bankAccountId && a.status === 'verified');
  if (!account) throw new DomainError('agent_bank_account_not_eligible', { param: 'bank_account' });
  return account;
}

/** The agent's bank account, masked (****1234), for staff and the agent to see; null when none is recorded. */
export async function agentBankAccount(deps: AgentDeps, agent: AgentRow): Promise<BankAccountView | null> {
  if (!agent.bank_account_id) return null;
  return (await deps.identity.listBankAccounts(deps.db, agent.owner_user_id)).find((a) => a.id === agent.bank_account_id) ?? null;
}

/** Staff record (or change) the account float withdrawals are paid to: one of the owner's verified accounts. Audited. */
export async function setAgentBankAccount(deps: AgentDeps, id: string, input: { bankAccountId: string; staffId: string; requestId: string | null }): Promise<AgentRow> {
  return withTransaction(deps.db, async (trx) => {
    const agent = await selectAgent(trx, id, { forUpdate: true });
    if (!agent) throw new DomainError('agent_not_found', { param: 'id' });
    const account = await eligibleBankAccount(deps, trx, agent.owner_user_id, input.bankAccountId);
    const updated = (await trx.updateTable('agents').set({ bank_account_id: account.id }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()) as AgentRow;
    await deps.identity.recordAudit(trx, {
      actor: { kind: 'staff', id: input.staffId }, action: 'agent.bank_account_set', target: { kind: 'agent', id },
      before: { bank_account: agent.bank_account_id }, after: { bank_account: account.id, bank_code: account.bankCode, number: account.maskedNumber }, requestId: input.requestId,
    });
    return updated;
  });
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

export async function registerAgent(deps: AgentDeps, input: NewAgent): Promise<AgentRow> {
  if (!(Math.abs(input.lat) <= 90 && Math.abs(input.lng) <= 180)) throw new DomainError('invalid_coordinates', { param: 'lat' });
  const openingHours = parseOpeningHours(input.openingHours);
  const staff = await deps.identity.getStaff(deps.db, input.staffId).catch(() => null);
  if (!staff || staff.role !== 'agent' || staff.status !== 'active') throw new DomainError('agent_staff_not_eligible', { param: 'staff' });
  if (await selectAgentByStaff(deps.db, staff.id)) throw new DomainError('agent_staff_taken', { param: 'staff' });
  const owner = await deps.identity.findUser(deps.db, input.ownerUserId);
  if (!owner || owner.tier < 3 || !owner.phone) throw new DomainError('agent_owner_not_eligible', { param: 'owner' });
  if (input.bankAccountId) await eligibleBankAccount(deps, deps.db, owner.id, input.bankAccountId);
  const policy = (await deps.policy.inForce()).policy;
  const id = newId('agt');
  const row: AgentRow = {
    id, name: input.name, lat: input.lat, lng: input.lng, opening_hours: openingHours, phone: owner.phone, staff_id: staff.id, owner_user_id: owner.id,
    onboarded_by: input.onboardedBy, float_account: agentAccountId(id, 'float'), commission_account: agentAccountId(id, 'commission'),
    currency: policy.currency, cash_on_hand: input.cashOnHand, status: 'active', low_float_alerted_at: null, created_at: deps.clock.now(),
    bank_account_id: input.bankAccountId ?? null, status_reason: null, status_changed_at: null, status_changed_by: null,
  };
  const results = await deps.ledger.createAccounts([
    { id: row.float_account, currency: row.currency, code: ACCOUNT_CODES.agent_float, flags: AccountFlags.debits_must_not_exceed_credits, owner: id },
    { id: row.commission_account, currency: row.currency, code: ACCOUNT_CODES.agent_commission, flags: AccountFlags.debits_must_not_exceed_credits, owner: id },
  ]);
  if (!results.every((r) => r === 'ok' || r === 'exists')) throw new Error(`agent ${id}: accounts not created (${results.join(', ')})`);
  try {
    await withTransaction(deps.db, (trx) => insertAgent(trx, row));
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError('agent_staff_taken', { param: 'staff' });
    throw error;
  }
  return row;
}

export async function getAgent(deps: AgentDeps, id: string): Promise<AgentRow> {
  const row = await selectAgent(deps.db, id);
  if (!row) throw new DomainError('agent_not_found', { param: 'id' });
  return row;
}

/** The agent whose counter this staff login is; refuses other logins and suspended shops. */
export async function agentOfStaff(deps: AgentDeps, staffId: string): Promise<AgentRow> {
  const row = await selectAgentByStaff(deps.db, staffId);
  if (!row) throw new DomainError('not_an_agent');
  if (row.status !== 'active') throw new DomainError('agent_suspended');
  return row;
}

export function listAllAgents(deps: AgentDeps, limit: number): Promise<AgentRow[]> {
  return listAgents(deps.db, limit);
}

export interface AgentBalances {
  float: Balance;
  commission: Balance;
}

export async function agentBalances(deps: AgentDeps, agent: AgentRow): Promise<AgentBalances> {
  const [float, commission] = await deps.ledger.getBalances([agent.float_account, agent.commission_account]);
  return { float: float!, commission: commission! };
}

export interface NearbyAgent {
  agent: AgentRow;
  distance_m: number;
  open: boolean;
  canPay: boolean | null;
}

export const NEARBY_RADIUS_M_MAX = 20_000;
const NEARBY_CANDIDATES_MAX = 500;

/**
 * Open agents around a point, nearest first, with whether each can pay `amount` in cash — so that
 * nobody is sent to a shop without cash. Closed shops are left out (a person asks "where can I go now").
 */
export async function nearbyAgents(deps: AgentDeps, point: { lat: number; lng: number }, options: { amount: Micros | null; radius_m: number; limit: number }): Promise<NearbyAgent[]> {
  if (!(Math.abs(point.lat) <= 90 && Math.abs(point.lng) <= 180)) throw new DomainError('invalid_coordinates', { param: 'lat' });
  const policy = (await deps.policy.inForce()).policy;
  const now = deps.clock.now();
  const candidates = await selectAgentsIn(deps.db, boundingBox(point, options.radius_m), NEARBY_CANDIDATES_MAX);
  return candidates
    .map((agent) => ({
      agent,
      distance_m: Math.round(distanceMetres(point, agent)),
      open: isOpenAt(agent.opening_hours, now, policy.time_zone),
      canPay: options.amount === null ? null : agent.cash_on_hand >= options.amount,
    }))
    .filter((entry) => entry.open && entry.distance_m <= options.radius_m)
    .sort((a, b) => a.distance_m - b.distance_m)
    .slice(0, options.limit);
}

