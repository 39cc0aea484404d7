// Auto-sweep: "when my cashable balance reaches X, pay it to destination D" — many small credits
// aggregated into one payout. The rule is authorised once with the PIN and a step-up code; each
// sweep is then an ordinary quote and an ordinary cash-out (same fees, limits, screening), made
// without a PIN. evaluateAutoSweep runs after credits land (the credits module calls it) and
// from a periodic job; at most one sweep is in flight per person.
import { sql } from 'kysely';
import { withTransaction } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import { idToUuid, uuidToId } from '../shared/ids.ts';
import { confirmCashout } from './confirm.ts';
import type { CashoutDeps } from './deps.ts';
import { usableDestination } from './destinations.ts';
import { createQuote } from './quotes.ts';
import { requireOtp, type OtpProof } from './step-up.ts';
import { deactivateSweep, recordSweep, selectActiveSweeps, selectSweep, upsertSweep } from './sweeps.sql.ts';
import type { AutoSweepRow, PayoutChannel } from './tables.ts';
import './errors.ts';

export interface AutoSweepInput {
  userId: string;
  wallet: string | null;
  threshold: Micros;
  destination: string;
  channel: PayoutChannel;
  pin: string;
  otp: OtpProof | null;
}

export async function setAutoSweep(deps: CashoutDeps, input: AutoSweepInput): Promise<AutoSweepRow> {
  const policy = (await deps.policy.inForce()).policy;
  const wallet = input.wallet
    ? await deps.wallets.ownedWallet(input.userId, input.wallet)
    : (await deps.wallets.mainWallets(deps.db, [input.userId], policy.currency)).get(input.userId);
  if (!wallet) throw new DomainError('wallet_not_found', { param: 'wallet' });
  if (input.threshold < policy.cashout.minimum) throw new DomainError('below_payout_threshold', { param: 'threshold' });
  const destination = await usableDestination(deps, input.userId, input.destination, input.channel);
  await deps.identity.verifyPin(deps.db, input.userId, input.pin);
  // The code approves exactly this rule: a changed threshold or destination needs a new one.
  await requireOtp(deps, input.userId, 'cashout.create', { auto_sweep: { threshold: input.threshold.toString(), destination: destination.id, channel: input.channel } }, input.otp);
  const now = deps.clock.now();
  return withTransaction(deps.db, (trx) =>
    upsertSweep(trx, {
      user_id: input.userId, wallet_id: wallet.id, threshold: input.threshold, destination_id: destination.id, channel: input.channel, active: true,
      created_at: now, updated_at: now, last_swept_at: null, last_cashout_id: null, last_outcome: null,
    }),
  );
}

export async function getAutoSweep(deps: CashoutDeps, userId: string): Promise<AutoSweepRow> {
  const rule = await selectSweep(deps.db, userId);
  if (!rule || !rule.active) throw new DomainError('auto_sweep_not_found');
  return rule;
}

export async function removeAutoSweep(deps: CashoutDeps, userId: string): Promise<AutoSweepRow> {
  const removed = await withTransaction(deps.db, (trx) => deactivateSweep(trx, userId, deps.clock.now()));
  if (!removed) throw new DomainError('auto_sweep_not_found');
  return removed;
}

export type SweepOutcome =
  | { swept: true; cashout: string }
  | { swept: false; reason: 'no_rule' | 'below_threshold' | 'in_flight' | string };

async function sweepInFlight(deps: CashoutDeps, rule: AutoSweepRow): Promise<boolean> {
  if (!rule.last_cashout_id) return false;
  const { rows } = await sql<{ state: string }>`SELECT state FROM cashouts WHERE id = ${rule.last_cashout_id}::uuid`.execute(deps.db);
  const state = rows[0]?.state;
  return state !== undefined && !['settled', 'failed', 'returned', 'cancelled'].includes(state);
}

/** Checks one person's rule now; makes a cash-out of the whole cashable balance when it is due. */
export async function evaluateAutoSweep(deps: CashoutDeps, userId: string): Promise<SweepOutcome> {
  const rule = await selectSweep(deps.db, userId);
  if (!rule || !rule.active) return { swept: false, reason: 'no_rule' };
  const [balance] = await deps.wallets.balances(await deps.wallets.walletsOfUser(userId).then((ws) => ws.filter((w) => w.id === rule.wallet_id)));
  if (!balance || balance.cashable.available < rule.threshold) return { swept: false, reason: 'below_threshold' };
  if (await sweepInFlight(deps, rule)) return { swept: false, reason: 'in_flight' };
  const now = deps.clock.now();
  try {
    const quote = await createQuote(deps, {
      userId, wallet: uuidToId(rule.wallet_id, 'wal'), amount: 'all', channel: rule.channel, destination: rule.destination_id, origin: 'auto_sweep',
    });
    const { cashout } = await confirmCashout(deps, {
      userId, quote: uuidToId(quote.id, 'quo'), pin: null, otp: null, deviceId: null, idempotencyKey: `auto-sweep:${uuidToId(quote.id, 'quo')}`, origin: 'auto_sweep',
    });
    await withTransaction(deps.db, (trx) => recordSweep(trx, userId, now, cashout.id, cashout.state));
    return { swept: true, cashout: uuidToId(cashout.id, 'cot') };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // A sweep that cannot go now (limits, a frozen account, the threshold after fees) is not an
    // error of the job: it is recorded and tried again when the balance next changes.
    const cashout = typeof error.details.data?.cashout === 'string' ? idToUuid(error.details.data.cashout, 'cot') : null;
    await withTransaction(deps.db, (trx) => recordSweep(trx, userId, now, cashout, error.code));
    return { swept: false, reason: error.code };
  }
}

/** The periodic pass over every active rule, in pages. */
export async function runAutoSweeps(deps: CashoutDeps, pageSize = 500): Promise<{ evaluated: number; swept: number }> {
  let after: string | null = null;
  let evaluated = 0;
  let swept = 0;
  for (;;) {
    const rules = await selectActiveSweeps(deps.db, after, pageSize);
    if (rules.length === 0) return { evaluated, swept };
    for (const rule of rules) {
      evaluated++;
      if ((await evaluateAutoSweep(deps, rule.user_id)).swept) swept++;
    }
    after = rules[rules.length - 1]!.user_id;
  }
}
