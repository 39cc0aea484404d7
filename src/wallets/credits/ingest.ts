// Credit ingest, one chunk (≤ 1,000 credits) at a time: the hot path. Per chunk, a fixed handful of
// queries whatever its size — look up the derived ids (replays), resolve the phones, find or open
// the wallets, read their balances — then one ledger call for the plain credits (group commit)
// and one transaction for the few that need a row of their own (clearance, unclaimed, over cap).
// A plain credit writes nothing but its ledger transfer.
import { withTransaction, type Executor } from '../../db/index.ts';
import type { User } from '../../identity/index.ts';
import { TransferFlags, type AccountId, type Transfer, type TransferId, type TransferResult } from '../../ledger/index.ts';
import { micros, type Micros } from '../../money/index.ts';
import { tierPolicy, type KycTier, type Policy } from '../../policy/index.ts';
import { systemAccountId } from '../chart.ts';
import type { WalletRow } from '../wallets.sql.ts';
import { insertClearances, insertHeld, insertUnclaimed, selectCreditRows, type ClearanceRow, type HeldRow, type UnclaimedRow } from './credits.sql.ts';
import { policyNow, type CreditsDeps } from './deps.ts';
import { inviteToClaim, tellHeldOverCap } from './notices.ts';
import { capBalance, planCredit, sourceRule, type CreditPlan, type Destination, type SourceRule } from './plan.ts';
import { creditUuid, type CreditRequest } from './request.ts';
import { storedHash, viewOfPlan, viewOfTransfer, type CreditView } from './view.ts';

/** Credits per ledger call and per planning round. */
export const CHUNK_SIZE = 1000;
const DAY_MS = 86_400_000;

export interface ItemError {
  code: string;
  param?: string;
  message?: string;
}

export type ItemResult = { ok: true; view: CreditView; replayed: boolean } | { ok: false; error: ItemError };

const fail = (code: string, param?: string, message?: string): ItemResult => ({ ok: false, error: { code, ...(param ? { param } : {}), ...(message ? { message } : {}) } });

interface Candidate {
  index: number;
  request: CreditRequest;
  id: TransferId;
  rule: SourceRule;
}

/** Views of credits already in the journal, with their status rows. */
export async function loadViews(executor: Executor, transfers: Transfer[]): Promise<Map<string, CreditView>> {
  const rows = await selectCreditRows(executor, transfers.map((t) => t.id));
  return new Map(transfers.map((t) => [t.id as string, viewOfTransfer(t, rows)]));
}

/** Ingests up to CHUNK_SIZE credits for one partner; one result per request, in order. */
export async function ingestChunk(deps: CreditsDeps, partnerId: string, requests: CreditRequest[]): Promise<ItemResult[]> {
  if (requests.length > CHUNK_SIZE) throw new RangeError(`a chunk carries at most ${CHUNK_SIZE} credits`);
  const results: (ItemResult | undefined)[] = new Array(requests.length);
  const policy = await policyNow(deps);
  const ids = requests.map((r) => creditUuid(partnerId, r.reference));

  // The same reference twice in one chunk: the later one is answered by the first.
  const firstOf = new Map<string, number>();
  const echoes: [number, number][] = [];
  const fresh: Candidate[] = [];
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i]!;
    const first = firstOf.get(ids[i]!);
    if (first !== undefined) {
      if (requests[first]!.hash === request.hash) echoes.push([i, first]);
      else results[i] = fail('idempotency_conflict', 'partner_reference');
      continue;
    }
    firstOf.set(ids[i]!, i);
    if (request.currency !== policy.currency) {
      results[i] = fail('invalid_currency', 'amount.currency');
      continue;
    }
    const rule = sourceRule(policy, request.source);
    if (!rule) results[i] = fail('unknown_source', 'source');
    else fresh.push({ index: i, request, id: ids[i]!, rule });
  }

  const replays = new Map<number, Transfer>();
  const existing = new Map((await deps.ledger.lookupTransfers(fresh.map((c) => c.id))).map((t) => [t.id as string, t]));
  const candidates = fresh.filter((c) => {
    const found = existing.get(c.id);
    if (!found) return true;
    if (storedHash(found) === c.request.hash) replays.set(c.index, found);
    else results[c.index] = fail('idempotency_conflict', 'partner_reference');
    return false;
  });

  const destinations = await resolveDestinations(deps, policy, candidates, results);
  const planned = candidates.length > 0 ? await planAll(deps, policy, partnerId, candidates, destinations) : [];
  const recheck = await submit(deps, policy, partnerId, planned, results);

  if (recheck.length > 0) {
    // Another request with the same reference got there first: a replay if it asked the same.
    const stored = new Map((await deps.ledger.lookupTransfers(recheck.map((p) => p.plan.creditId))).map((t) => [t.id as string, t]));
    for (const { index, plan } of recheck) {
      const found = stored.get(plan.creditId);
      if (found && storedHash(found) === plan.request.hash) replays.set(index, found);
      else results[index] = fail('idempotency_conflict', 'partner_reference');
    }
  }
  if (replays.size > 0) {
    const views = await loadViews(deps.db, [...replays.values()]);
    for (const [index, transfer] of replays) results[index] = { ok: true, view: views.get(transfer.id)!, replayed: true };
  }
  for (const [index, first] of echoes) {
    const original = results[first]!;
    results[index] = original.ok ? { ...original, replayed: true } : original;
  }
  return results.map((r) => r ?? fail('internal_error'));
}

async function resolveDestinations(deps: CreditsDeps, policy: Policy, candidates: Candidate[], results: (ItemResult | undefined)[]): Promise<Map<number, Destination>> {
  const out = new Map<number, Destination>();
  const phones = candidates.flatMap((c) => ('phone' in c.request.recipient ? [c.request.recipient.phone] : []));
  const byPhone = phones.length > 0 ? await deps.identity.resolveRecipientsByPhone(deps.db, phones) : new Map<string, User>();
  const userIds = candidates.flatMap((c) => ('userId' in c.request.recipient ? [c.request.recipient.userId] : []));
  const byId = userIds.length > 0 ? await deps.identity.findUsers(deps.db, userIds) : new Map<string, User>();

  const users = new Map<number, User>();
  for (const c of candidates) {
    const r = c.request.recipient;
    const user = 'phone' in r ? byPhone.get(r.phone) : byId.get(r.userId);
    if (!user) {
      if ('phone' in r) out.set(c.index, { kind: 'unclaimed', phone: r.phone });
      else results[c.index] = fail('recipient_not_found', 'recipient.user_id');
    } else if (user.status !== 'active') results[c.index] = fail('recipient_closed', 'recipient');
    else users.set(c.index, user);
  }
  if (users.size === 0) return out;
  const wallets = await deps.wallets.openMainWallets(deps.db, [...new Set([...users.values()].map((u) => u.id))], policy.currency);
  for (const [index, user] of users) {
    out.set(index, { kind: 'wallet', wallet: wallets.get(user.id)!, userId: user.id, tier: user.tier as KycTier, lang: user.lang, phone: user.phone });
  }
  return out;
}

interface Planned {
  index: number;
  plan: CreditPlan;
}

async function planAll(deps: CreditsDeps, policy: Policy, partnerId: string, candidates: Candidate[], destinations: Map<number, Destination>): Promise<Planned[]> {
  const prefund = await deps.partners.prefundAccount(partnerId, policy.currency);
  const suspense = systemAccountId('unclaimed_suspense', policy.currency);
  const wallets = new Map<string, WalletRow>();
  for (const d of destinations.values()) if (d.kind === 'wallet') wallets.set(d.wallet.id, d.wallet);
  const accountIds = [...wallets.values()].flatMap((w) => [w.cashable_account, w.spend_only_account!]);
  const accounts = await deps.ledger.lookupAccounts(accountIds as AccountId[]);
  const byAccount = new Map(accounts.map((a) => [a.id as string, a]));
  const balances = new Map([...wallets.values()].map((w) => [w.id, capBalance([byAccount.get(w.cashable_account), byAccount.get(w.spend_only_account!)].filter((a) => a !== undefined))]));

  // From here to the end of the loop nothing awaits: the in-flight counts are read and raised as
  // one step, so two chunks never plan against the same room.
  const now = deps.clock.now();
  const planned: Planned[] = [];
  for (const c of candidates) {
    const destination = destinations.get(c.index);
    if (!destination) continue;
    let room = micros(0n);
    if (destination.kind === 'wallet') {
      const cap = tierPolicy(policy, destination.tier).balance_cap;
      const used = balances.get(destination.wallet.id)! + deps.inflight.of(destination.wallet.id);
      room = micros(cap > used ? cap - used : 0n);
    }
    const plan = planCredit({ request: c.request, creditId: c.id, partnerId, prefundAccount: prefund, suspenseAccount: suspense, destination, rule: c.rule, room, now });
    if (destination.kind === 'wallet') deps.inflight.add(destination.wallet.id, plan.accepted);
    planned.push({ index: c.index, plan });
  }
  return planned;
}

/** Writes the plans; fills `results` and returns the plans whose id turned out to exist already. */
async function submit(deps: CreditsDeps, policy: Policy, partnerId: string, planned: Planned[], results: (ItemResult | undefined)[]): Promise<Planned[]> {
  if (planned.length === 0) return [];
  const plain = planned.filter((p) => !p.plan.special);
  const special = planned.filter((p) => p.plan.special);
  let outcomes: [TransferResult[], TransferResult[]];
  try {
    const senderName = special.some((p) => p.plan.destination.kind === 'unclaimed') ? await deps.partners.name(partnerId) : '';
    outcomes = await Promise.all([
      plain.length > 0 ? deps.ledger.createTransfers(plain.flatMap((p) => p.plan.transfers)) : Promise.resolve([]),
      special.length > 0 ? commitSpecial(deps, policy, partnerId, special.map((p) => p.plan), senderName) : Promise.resolve([]),
    ]);
  } finally {
    for (const { plan } of planned) if (plan.destination.kind === 'wallet') deps.inflight.remove(plan.destination.wallet.id, plan.accepted);
  }
  const now = deps.clock.now();
  const recheck: Planned[] = [];
  const record = (group: Planned[], outcome: TransferResult[]) => {
    let offset = 0;
    for (const { index, plan } of group) {
      const mine = outcome.slice(offset, offset + plan.transfers.length);
      offset += plan.transfers.length;
      const verdict = judge(mine);
      if (verdict === 'ok') results[index] = { ok: true, view: viewOfPlan(plan, now), replayed: false };
      else if (verdict === 'exists') recheck.push({ index, plan });
      else results[index] = verdict;
    }
  };
  record(plain, outcomes[0]);
  record(special, outcomes[1]);
  return recheck;
}

/** One verdict for a credit's transfers (one, or a linked pair that stands or falls together). */
function judge(outcome: TransferResult[]): 'ok' | 'exists' | ItemResult {
  if (outcome.every((r) => r === 'ok')) return 'ok';
  if (outcome.some((r) => r === 'exists' || r === 'exists_with_different_fields')) return 'exists';
  if (outcome.includes('exceeds_credits')) return fail('insufficient_partner_funds', 'amount');
  const cause = outcome.find((r) => r !== 'ok' && r !== 'linked_event_failed') ?? outcome[0]!;
  return fail('credit_refused', undefined, `The ledger answered "${cause}".`);
}

/** Credits with rows of their own: the transfers, the rows and the messages in one transaction. */
async function commitSpecial(deps: CreditsDeps, policy: Policy, partnerId: string, plans: CreditPlan[], senderName: string): Promise<TransferResult[]> {
  return withTransaction(deps.db, async (trx) => {
    const outcome = await deps.ledger.createTransfersIn(trx, plans.flatMap((p) => p.transfers));
    const now = deps.clock.now();
    const clearances: ClearanceRow[] = [];
    const unclaimed: UnclaimedRow[] = [];
    const held: HeldRow[] = [];
    let offset = 0;
    const landed: CreditPlan[] = [];
    for (const plan of plans) {
      const mine = outcome.slice(offset, offset + plan.transfers.length);
      offset += plan.transfers.length;
      if (mine.every((r) => r === 'ok')) landed.push(plan);
    }
    for (const plan of landed) {
      const r = plan.request;
      const prefund = plan.transfers[0]!.debit_account_id!;
      if (plan.clearsAt) {
        clearances.push({
          credit_id: plan.creditId, partner_id: partnerId, partner_reference: r.reference, transfer_id: plan.creditId,
          held_transfer_id: plan.heldTransferId !== plan.creditId ? plan.heldTransferId : null, clears_at: plan.clearsAt,
          status: 'clearing', resolved_at: null, created_at: now,
        });
      }
      if (plan.destination.kind === 'unclaimed') {
        unclaimed.push({
          transfer_id: plan.creditId, origin: 'partner', origin_id: partnerId, partner_reference: r.reference, return_account: prefund,
          phone: plan.destination.phone, amount: r.amount, currency: r.currency, funding_class: plan.fundingClass, source: r.source,
          cleared: plan.clearsAt === null, expires_at: new Date(now.getTime() + policy.credits.unclaimed_expiry_days * DAY_MS),
          status: 'unclaimed', claimed_by: null, resolved_at: null, created_at: now,
        });
      } else if (plan.held > 0n) {
        const wallet = plan.destination.wallet;
        held.push({
          transfer_id: plan.heldTransferId!, credit_id: plan.creditId, origin_id: partnerId, partner_reference: r.reference,
          user_id: plan.destination.userId, wallet_id: wallet.id, held_account: wallet.held_account as AccountId,
          class_account: plan.classAccount!, funding_class: plan.fundingClass, amount: plan.held, remaining: plan.held, releases: 0,
          status: plan.clearsAt ? 'clearing' : 'held', created_at: now, updated_at: now,
        });
      }
    }
    await insertClearances(trx, clearances);
    await insertUnclaimed(trx, unclaimed);
    await insertHeld(trx, held);
    await tellPeople(trx, deps, policy, landed, senderName);
    return outcome;
  });
}

async function tellPeople(trx: Executor, deps: CreditsDeps, policy: Policy, landed: CreditPlan[], senderName: string): Promise<void> {
  const invited = new Map<string, Micros>();
  const heldFor = new Map<string, { plan: CreditPlan; amount: bigint }>();
  for (const plan of landed) {
    const d = plan.destination;
    if (d.kind === 'unclaimed') invited.set(d.phone, micros((invited.get(d.phone) ?? 0n) + plan.request.amount));
    else if (plan.held > 0n) heldFor.set(d.userId, { plan, amount: (heldFor.get(d.userId)?.amount ?? 0n) + plan.held });
  }
  for (const [phone, amount] of invited) {
    await inviteToClaim(trx, deps.clock, policy, { phone, amount, currency: policy.currency, senderName, signupUrl: deps.signupUrl });
  }
  for (const [userId, { plan, amount }] of heldFor) {
    const d = plan.destination as Extract<Destination, { kind: 'wallet' }>;
    await tellHeldOverCap(trx, deps.clock, policy, { userId, phone: d.phone, lang: d.lang, amount: micros(amount), currency: policy.currency });
  }
}

/** Whether a transfer is a two-phase reservation (a credit still in clearance). */
export function isPending(transfer: Transfer): boolean {
  return (transfer.flags & TransferFlags.pending) !== 0;
}
