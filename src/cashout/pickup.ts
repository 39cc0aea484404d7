// The cash channels (issue 6): a cash-out with channel `agent` or `atm` is handed to its rail by
// issuing a one-time withdrawal code; the money stays reserved (pending transfers to the channel's
// clearing account) until someone redeems the code:
//   agent   the agent enters code + amount → the reservation is posted, and in the same ledger
//           chain the agent's module moves it on (clearing → float, commission) → settled;
//   atm     the ATM network authorizes (code + PIN + amount; the cash-out can no longer be
//           cancelled), then completes (posted to atm_settlement → settled) or reverses (void →
//           failed; after a complete: returned, the funds credited back);
//   expiry  a code not redeemed in time voids the reservation (failed, code_expired);
//   lapse   an ATM authorization neither completed nor reversed within the policy's window: the
//           hold is voided (failed, atm_not_completed) and finance gets a task — the ATM may have
//           dispensed. A late complete is refused (atm_withdrawal_lapsed) and noted on the task.
// Each step runs in one transaction that holds the code's row, so two agents entering the same
// code at once are served one after the other and the second finds it used.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import { TransferFlags, type TransferInput } from '../ledger/index.ts';
import { formatMoney, type Micros } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import type { Policy } from '../policy/index.ts';
import { hashWithdrawalCode, newWithdrawalCode, WITHDRAWAL_CODE_PATTERN } from '../rails/index.ts';
import { DomainError } from '../shared/errors.ts';
import { idToUuid, newId, uuidToId } from '../shared/ids.ts';
import { selectCashout, transitionRows, type TransitionedRow } from './cashouts.sql.ts';
import { openTasks } from './reconciliation/reconciliation.sql.ts';
import type { CashoutDeps } from './deps.ts';
import { postTransfers, returnTransfers, stepOutcome, voidTransfers, type CashoutLedgerRef } from './ledger-plan.ts';
import { notifyChanges } from './notifications.ts';
import { receiptNumberFor } from './receipt-number.ts';
import type { CashChannel, CashoutRow, PickupCodeRow } from './tables.ts';
import { ledgerRefOf } from './transitions.ts';
import './errors.ts';

export interface IssuedCode {
  channel: CashChannel;
  code: string;
  expiresAt: Date;
}

const CODE_DRAWS_MAX = 8;

/** Draws a code no live code has, stores its hash, and sends it by SMS; inside the confirm's transaction. */
export async function issuePickupCode(deps: CashoutDeps, trx: Executor, row: CashoutRow, policy: Policy): Promise<IssuedCode> {
  const channel = row.channel as CashChannel;
  const now = deps.clock.now();
  const minutes = policy.agents.withdrawal_code_ttl_minutes;
  const expiresAt = new Date(now.getTime() + minutes * 60_000);
  for (let draw = 0; draw < CODE_DRAWS_MAX; draw++) {
    const code = newWithdrawalCode();
    const { rows } = await sql<{ cashout_id: string }>`
      INSERT INTO cashout_pickup_codes (cashout_id, channel, code_hash, status, amount, currency, expires_at, created_at)
      VALUES (${row.id}::uuid, ${channel}, ${hashWithdrawalCode(deps.pickupCodeKey, channel, code)}, 'active', ${row.payout}, ${row.currency}, ${expiresAt}, ${now})
      ON CONFLICT (code_hash) WHERE status IN ('active', 'authorized') DO NOTHING
      RETURNING cashout_id`.execute(trx);
    if (rows.length === 0) continue;
    const cot = uuidToId(row.id, 'cot');
    const amount = { amount: row.payout, currency: row.currency };
    const template = channel === 'agent' ? 'agent.code' : 'atm.code';
    if (row.notify_phone) {
      await enqueue(trx, deps.clock, {
        channel: 'sms', recipient: row.notify_phone, template, lang: row.lang,
        body: renderSms(template, row.lang, { code, amount, minutes }, { timeZone: policy.time_zone }),
        // The code is in the body only (the SMS itself); nothing else stores it.
        payload: { cashout: cot }, dedupeKey: `cashout:${cot}:code`,
      });
    }
    return { channel, code, expiresAt };
  }
  throw new Error(`cash-out ${uuidToId(row.id, 'cot')}: no free withdrawal code after ${CODE_DRAWS_MAX} draws`);
}

/** The code's row (the live one first), locked; undefined for a code never issued on this channel. */
export async function lockPickupByCode(deps: CashoutDeps, trx: Executor, channel: CashChannel, code: string): Promise<PickupCodeRow | undefined> {
  if (!WITHDRAWAL_CODE_PATTERN.test(code)) return undefined;
  const { rows } = await sql<PickupCodeRow>`
    SELECT * FROM cashout_pickup_codes WHERE code_hash = ${hashWithdrawalCode(deps.pickupCodeKey, channel, code)} AND channel = ${channel}
    ORDER BY (status IN ('active', 'authorized')) DESC, created_at DESC LIMIT 1 FOR UPDATE`.execute(trx);
  return rows[0];
}

async function lockPickup(trx: Executor, cashoutId: string): Promise<PickupCodeRow | undefined> {
  const { rows } = await sql<PickupCodeRow>`SELECT * FROM cashout_pickup_codes WHERE cashout_id = ${cashoutId}::uuid FOR UPDATE`.execute(trx);
  return rows[0];
}

/** Why a code that exists cannot pay now, in precedence order: used, void, expired, then the amount. */
export function assertRedeemable(pickup: PickupCodeRow, now: Date, amount: Micros, live: readonly PickupCodeRow['status'][] = ['active']): void {
  if (pickup.status === 'redeemed' || (pickup.status === 'authorized' && !live.includes('authorized'))) throw new DomainError('withdrawal_code_used', { param: 'code' });
  if (pickup.status === 'void') throw new DomainError('withdrawal_code_not_valid', { param: 'code' });
  if (pickup.status === 'expired' || pickup.expires_at.getTime() <= now.getTime()) throw new DomainError('withdrawal_code_expired', { param: 'code' });
  if (amount > pickup.amount) throw new DomainError('amount_above_code', { param: 'amount' });
  if (amount !== pickup.amount) throw new DomainError('amount_mismatch', { param: 'amount' });
}

/** Links every transfer of a chain to the next. */
function linkAll(transfers: TransferInput[]): TransferInput[] {
  return transfers.map((t, i) => (i < transfers.length - 1 ? { ...t, flags: (t.flags ?? 0) | TransferFlags.linked } : { ...t, flags: (t.flags ?? 0) & ~TransferFlags.linked }));
}

export interface SettlePickup {
  pickup: PickupCodeRow;
  /** agt_… or the ATM network's partner id. */
  by: string;
  actor: string;
  /** Transfers that move the money on, linked to the posting (the agent's float and commission). */
  onward: (ref: CashoutLedgerRef, row: CashoutRow) => TransferInput[];
  railReference: string | null;
}

/** Posts the reservation (and what moves it on) and records the cash-out as settled; in the caller's transaction, code row held. */
export async function settlePickupIn(deps: CashoutDeps, trx: Executor, input: SettlePickup): Promise<TransitionedRow> {
  const row = await selectCashout(trx, input.pickup.cashout_id, { forUpdate: true });
  if (!row || row.state !== 'submitted') throw new DomainError('withdrawal_code_not_valid', { param: 'code' });
  const ref = ledgerRefOf(row);
  const result = stepOutcome(await deps.ledger.createTransfersIn(trx, linkAll([...postTransfers(ref), ...input.onward(ref, row)])));
  if (result.outcome === 'lapsed') throw new DomainError('withdrawal_code_expired', { param: 'code' });
  if (result.outcome !== 'done') throw new Error(`cash-out ${ref.publicId}: settling the withdrawal failed with ${result.detail}`);
  const now = deps.clock.now();
  const policy = (await deps.policy.inForce(now)).policy;
  const [moved] = await transitionRows(
    trx, [{ id: row.id, receiptNumber: receiptNumberFor(row.id, now, policy.time_zone), railReference: input.railReference ?? input.by }], ['submitted'], 'settled', input.actor, now,
  );
  if (!moved) throw new DomainError('withdrawal_code_not_valid', { param: 'code' });
  await sql`UPDATE cashout_pickup_codes SET status = 'redeemed', redeemed_by = ${input.by}, redeemed_at = ${now}, finished_at = ${now}
            WHERE cashout_id = ${row.id}::uuid`.execute(trx);
  await notifyChanges(trx, deps.clock, policy.time_zone, [{ row: moved, from: 'submitted', partner: null, sms: true }]);
  return moved;
}

// ---- Guessing limit ------------------------------------------------------------------------------

/**
 * Refuses while `redeemer` (an agent, an ATM network) entered `perHour` wrong codes in the last
 * hour: 10^8 codes are only safe while guesses are few. The count is by who entered them, never
 * by the person whose code it is (a guesser cannot lock someone out of their cash).
 */
export async function assertCodeGuessesLeft(deps: CashoutDeps, redeemer: string, perHour: number, code: string): Promise<void> {
  const since = new Date(deps.clock.now().getTime() - 3_600_000);
  const row = await deps.db.selectFrom('withdrawal_code_failures').select((eb) => eb.fn.countAll<string>().as('n')).where('redeemer', '=', redeemer).where('at', '>', since).executeTakeFirst();
  if (Number(row?.n ?? 0) >= perHour) throw new DomainError(code);
}

/** A wrong code, in its own statement: it must count even though the request fails. */
export async function recordCodeFailure(deps: CashoutDeps, redeemer: string): Promise<void> {
  await deps.db.insertInto('withdrawal_code_failures').values({ redeemer, at: deps.clock.now() }).execute();
}

/** An ATM network guesses across all its machines: it gets this many times an agent's allowance. */
export const ATM_NETWORK_GUESS_FACTOR = 100;
export const CODE_FAILURES_PER_HOUR_DEFAULT = 5;

// ---- ATM --------------------------------------------------------------------------------------

export interface AtmAuthorization {
  cashout: CashoutRow;
  pickup: PickupCodeRow;
}

/**
 * The ATM network asks whether to dispense: code, the person's PIN (a wrong one counts toward
 * their lockout like any other), amount. On yes the code is held for this network and the
 * cash-out can no longer be cancelled (it is marked handed over), until complete or reverse.
 */
export async function authorizeAtm(deps: CashoutDeps, input: { partnerId: string; code: string; pin: string; amount: Micros; atmReference: string }): Promise<AtmAuthorization> {
  const policy = (await deps.policy.inForce()).policy;
  const perHour = (policy.agents.code_failures_per_hour ?? CODE_FAILURES_PER_HOUR_DEFAULT) * ATM_NETWORK_GUESS_FACTOR;
  await assertCodeGuessesLeft(deps, input.partnerId, perHour, 'atm_code_attempts_exceeded');
  const owner = await withTransaction(deps.db, async (trx) => {
    const pickup = await lockPickupByCode(deps, trx, 'atm', input.code);
    return pickup ? selectCashout(trx, pickup.cashout_id) : undefined;
  });
  if (!owner) {
    await recordCodeFailure(deps, input.partnerId);
    throw new DomainError('withdrawal_code_invalid', { param: 'code' });
  }
  await deps.identity.verifyPin(deps.db, owner.user_id, input.pin);
  return withTransaction(deps.db, async (trx) => {
    const pickup = await lockPickupByCode(deps, trx, 'atm', input.code);
    if (!pickup || pickup.cashout_id !== owner.id) throw new DomainError('withdrawal_code_invalid', { param: 'code' });
    const now = deps.clock.now();
    assertRedeemable(pickup, now, input.amount);
    const row = await selectCashout(trx, pickup.cashout_id, { forUpdate: true });
    if (!row || row.state !== 'submitted' || row.batch_id !== null) throw new DomainError('withdrawal_code_not_valid', { param: 'code' });
    await sql`UPDATE cashout_pickup_codes SET status = 'authorized', redeemed_by = ${input.partnerId}, atm_reference = ${input.atmReference}, authorized_at = ${now}
              WHERE cashout_id = ${row.id}::uuid`.execute(trx);
    // In the hands of the ATM network now: a person's cancel must not void money being dispensed.
    const [handed] = await sql<CashoutRow>`UPDATE cashouts SET batch_id = ${`atm:${input.partnerId}`}, updated_at = ${now} WHERE id = ${row.id}::uuid RETURNING *`.execute(trx).then((r) => r.rows);
    return { cashout: handed!, pickup: { ...pickup, status: 'authorized', redeemed_by: input.partnerId, atm_reference: input.atmReference, authorized_at: now } };
  });
}

async function lockAtmWithdrawal(trx: Executor, partnerId: string, withdrawal: string): Promise<PickupCodeRow> {
  const id = idToUuid(withdrawal, 'cot');
  const pickup = id ? await lockPickup(trx, id) : undefined;
  if (!pickup || pickup.channel !== 'atm' || pickup.redeemed_by !== partnerId) throw new DomainError('atm_withdrawal_not_found', { param: 'withdrawal' });
  return pickup;
}

/** The ATM dispensed the cash: the reservation is posted to the ATM network's settlement account. */
export async function completeAtm(deps: CashoutDeps, input: { partnerId: string; withdrawal: string }): Promise<TransitionedRow> {
  const settled = await withTransaction(deps.db, async (trx) => {
    const pickup = await lockAtmWithdrawal(trx, input.partnerId, input.withdrawal);
    if (pickup.status === 'redeemed') throw new DomainError('atm_already_completed', { param: 'withdrawal' });
    if (pickup.status === 'lapsed') {
      // Written before the refusal, so that finance sees the network claims it dispensed.
      await noteLateComplete(deps, trx, pickup);
      return null;
    }
    if (pickup.status !== 'authorized') throw new DomainError('atm_already_reversed', { param: 'withdrawal' });
    return settlePickupIn(deps, trx, { pickup, by: input.partnerId, actor: `partner:${input.partnerId}`, onward: () => [], railReference: pickup.atm_reference });
  });
  if (!settled) throw new DomainError('atm_withdrawal_lapsed', { param: 'withdrawal' });
  return settled;
}

/**
 * The network completes a withdrawal the sweep released: it says the cash left the ATM, while the
 * money is back with the person. Nothing is posted (the hold is gone); the code's row and the
 * finance task record it, and a task already closed is opened again — this is the evidence that
 * the operator paid twice and must recover the amount.
 */
async function noteLateComplete(deps: CashoutDeps, trx: Executor, pickup: PickupCodeRow): Promise<void> {
  const now = deps.clock.now();
  const cot = uuidToId(pickup.cashout_id, 'cot');
  await sql`UPDATE cashout_pickup_codes SET late_complete_at = coalesce(late_complete_at, ${now}) WHERE cashout_id = ${pickup.cashout_id}::uuid`.execute(trx);
  const note = ` | ${now.toISOString()}: the network sent complete after the sweep (refused, atm_withdrawal_lapsed): the ATM says it dispensed — recover the amount.`;
  await sql`UPDATE finance_tasks SET detail = left(detail || ${note}, 2000), status = 'open', resolved_at = NULL, resolved_by = NULL, resolution = NULL
            WHERE kind = 'atm_not_completed' AND reference = ${cot}`.execute(trx);
}

/**
 * The ATM could not dispense (or dispensed nothing after all): before a complete the reservation
 * is voided (failed); after one, the funds come back as new transfers (returned). Either way every
 * unit is back in the wallet, once: a second reverse is refused.
 */
export async function reverseAtm(deps: CashoutDeps, input: { partnerId: string; withdrawal: string; reason: string }): Promise<TransitionedRow> {
  const policy = (await deps.policy.inForce()).policy;
  return withTransaction(deps.db, async (trx) => {
    const pickup = await lockAtmWithdrawal(trx, input.partnerId, input.withdrawal);
    if (pickup.status === 'void') throw new DomainError('atm_already_reversed', { param: 'withdrawal' });
    const row = (await selectCashout(trx, pickup.cashout_id, { forUpdate: true }))!;
    if (pickup.status === 'lapsed') {
      // The sweep already gave the money back; the network now confirms nothing was dispensed,
      // which is the answer finance's task was waiting for.
      const now = deps.clock.now();
      await sql`UPDATE cashout_pickup_codes SET status = 'void', finished_at = ${now} WHERE cashout_id = ${row.id}::uuid`.execute(trx);
      await sql`UPDATE finance_tasks SET status = 'resolved', resolved_at = ${now}, resolved_by = 'system', resolution = ${`the ATM network reversed after the sweep: nothing was dispensed (${input.reason})`.slice(0, 500)}
                WHERE kind = 'atm_not_completed' AND reference = ${uuidToId(row.id, 'cot')} AND status = 'open'`.execute(trx);
      return { ...row, from_state: row.state } as TransitionedRow;
    }
    const ref = ledgerRefOf(row);
    const now = deps.clock.now();
    const completed = pickup.status === 'redeemed';
    const plan = completed ? returnTransfers(ref, 'atm_reversed') : voidTransfers(ref, 'atm_reversed');
    const result = stepOutcome(await deps.ledger.createTransfersIn(trx, plan));
    if (result.outcome !== 'done' && !(result.outcome === 'lapsed' && !completed)) throw new Error(`cash-out ${ref.publicId}: ATM reversal failed with ${result.detail}`);
    const [moved] = await transitionRows(trx, [{ id: row.id, reasonCode: 'atm_reversed', reasonText: input.reason }], [completed ? 'settled' : 'submitted'], completed ? 'returned' : 'failed', `partner:${input.partnerId}`, now);
    if (!moved) throw new DomainError('atm_already_reversed', { param: 'withdrawal' });
    await sql`UPDATE cashout_pickup_codes SET status = 'void', finished_at = ${now} WHERE cashout_id = ${row.id}::uuid`.execute(trx);
    await notifyChanges(trx, deps.clock, policy.time_zone, [{ row: moved, from: moved.from_state, partner: null, sms: true }]);
    return moved;
  });
}

// ---- Expiry -----------------------------------------------------------------------------------

export const EXPIRY_BATCH = 500;

/**
 * Codes past their time that nobody redeemed: the reservation is voided (every unit back), the
 * cash-out fails with code_expired and the person is told. Codes of cash-outs that ended another
 * way (cancelled) are marked void. An authorized ATM code is left to its network's complete or
 * reverse: cash may be in the tray.
 */
export async function expirePickupCodes(deps: CashoutDeps): Promise<{ expired: number; voided: number }> {
  const now = deps.clock.now();
  const policy = (await deps.policy.inForce(now)).policy;
  const voided = await sql`
    UPDATE cashout_pickup_codes p SET status = 'void', finished_at = ${now}
    FROM cashouts c WHERE c.id = p.cashout_id AND p.status = 'active' AND c.state <> 'submitted'`.execute(deps.db);
  const { rows } = await sql<{ cashout_id: string }>`
    SELECT cashout_id FROM cashout_pickup_codes WHERE status = 'active' AND expires_at <= ${now} ORDER BY expires_at LIMIT ${EXPIRY_BATCH}`.execute(deps.db);
  let expired = 0;
  for (const { cashout_id } of rows) {
    const done = await withTransaction(deps.db, async (trx) => {
      const pickup = await lockPickup(trx, cashout_id);
      if (!pickup || pickup.status !== 'active' || pickup.expires_at.getTime() > now.getTime()) return false;
      const row = await selectCashout(trx, cashout_id, { forUpdate: true });
      await sql`UPDATE cashout_pickup_codes SET status = 'expired', finished_at = ${now} WHERE cashout_id = ${cashout_id}::uuid`.execute(trx);
      if (!row || row.state !== 'submitted') return false;
      const result = stepOutcome(await deps.ledger.createTransfersIn(trx, voidTransfers(ledgerRefOf(row), 'code_expired')));
      if (result.outcome !== 'done' && result.outcome !== 'lapsed') throw new Error(`cash-out ${uuidToId(row.id, 'cot')}: void failed with ${result.detail}`);
      const [moved] = await transitionRows(trx, [{ id: row.id, reasonCode: 'code_expired' }], ['submitted'], 'failed', 'system:code_expiry', now);
      if (moved) await notifyChanges(trx, deps.clock, policy.time_zone, [{ row: moved, from: 'submitted', partner: null, sms: true }]);
      return Boolean(moved);
    });
    if (done) expired++;
  }
  return { expired, voided: Number(voided.numAffectedRows ?? 0n) };
}

// ---- Authorized, never finished ---------------------------------------------------------------

/** How long an ATM network has between authorize and complete / reverse, when the policy does not say. */
export const ATM_COMPLETE_WINDOW_MINUTES_DEFAULT = 10;

/**
 * ATM withdrawals authorized longer ago than the policy's window and neither completed nor
 * reversed: the hold is voided now (not an hour later by the ledger's timeout), the cash-out fails
 * with atm_not_completed and the person is told the money is back; finance gets an
 * atm_not_completed task, because the machine may have dispensed and only the network can say.
 */
export async function sweepUnfinishedAtm(deps: CashoutDeps): Promise<{ lapsed: number }> {
  const now = deps.clock.now();
  const policy = (await deps.policy.inForce(now)).policy;
  const windowMinutes = policy.agents.atm_complete_window_minutes ?? ATM_COMPLETE_WINDOW_MINUTES_DEFAULT;
  const cutoff = new Date(now.getTime() - windowMinutes * 60_000);
  const { rows } = await sql<{ cashout_id: string }>`
    SELECT cashout_id FROM cashout_pickup_codes WHERE status = 'authorized' AND authorized_at <= ${cutoff} ORDER BY authorized_at LIMIT ${EXPIRY_BATCH}`.execute(deps.db);
  let lapsed = 0;
  for (const { cashout_id } of rows) {
    const done = await withTransaction(deps.db, async (trx) => {
      const pickup = await lockPickup(trx, cashout_id);
      if (!pickup || pickup.status !== 'authorized' || !pickup.authorized_at || pickup.authorized_at.getTime() > cutoff.getTime()) return false;
      const row = await selectCashout(trx, cashout_id, { forUpdate: true });
      if (!row || row.state !== 'submitted') return false;
      const result = stepOutcome(await deps.ledger.createTransfersIn(trx, voidTransfers(ledgerRefOf(row), 'atm_not_completed')));
      if (result.outcome !== 'done' && result.outcome !== 'lapsed') throw new Error(`cash-out ${uuidToId(row.id, 'cot')}: void failed with ${result.detail}`);
      await sql`UPDATE cashout_pickup_codes SET status = 'lapsed', finished_at = ${now} WHERE cashout_id = ${cashout_id}::uuid`.execute(trx);
      const [moved] = await transitionRows(trx, [{ id: row.id, reasonCode: 'atm_not_completed' }], ['submitted'], 'failed', 'system:atm_sweep', now);
      if (!moved) return false;
      const cot = uuidToId(row.id, 'cot');
      const amount = formatMoney(row.payout, row.currency, 'en');
      await openTasks(trx, [{
        id: newId('ftk'), kind: 'atm_not_completed', reference: cot, runId: null, createdAt: now,
        detail: `ATM network ${pickup.redeemed_by ?? '?'} authorized ${amount} (ATM ref ${pickup.atm_reference ?? '-'}) at ${pickup.authorized_at.toISOString()} and sent neither complete nor reverse within ${windowMinutes} min; the hold was voided and the money is back with the person. Ask the network whether the ATM dispensed.`,
      }]);
      await notifyChanges(trx, deps.clock, policy.time_zone, [{ row: moved, from: 'submitted', partner: null, sms: true }]);
      return true;
    });
    if (done) lapsed++;
  }
  return { lapsed };
}
