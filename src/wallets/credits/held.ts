// Credits held over the balance cap come back into the wallet in the order they arrived, as room
// appears: after a cash-out or a payment (their services call releaseHeldCredits), after a tier
// upgrade, and on a periodic sweep for everything else.
import { withTransaction } from '../../db/index.ts';
import type { AccountId, TransferInput } from '../../ledger/index.ts';
import { micros, type Micros } from '../../money/index.ts';
import { tierPolicy, type KycTier } from '../../policy/index.ts';
import { TRANSFER_CODES } from '../chart.ts';
import { lockHeldOfWallet, selectUsersWithHeld, updateHeld, type HeldRow } from './credits.sql.ts';
import { policyNow, type CreditsDeps } from './deps.ts';
import { notifyPartners } from './notices.ts';
import { capBalance } from './plan.ts';
import { relatedUuid } from './request.ts';

export interface ReleaseOutcome {
  released: Micros;
  /** Held credits now fully back in the wallet. */
  completed: number;
  /** Still held after this release. */
  remaining: Micros;
}

const NONE: ReleaseOutcome = { released: micros(0n), completed: 0, remaining: micros(0n) };

export async function releaseHeldCredits(deps: CreditsDeps, userId: string): Promise<ReleaseOutcome> {
  const user = await deps.identity.findUser(deps.db, userId);
  if (!user) return NONE;
  const policy = await policyNow(deps);
  const wallet = (await deps.wallets.mainWallets(deps.db, [userId], policy.currency)).get(userId);
  if (!wallet) return NONE;
  const cap = tierPolicy(policy, user.tier as KycTier).balance_cap;
  let counted = 0n;
  try {
    return await withTransaction(deps.db, async (trx) => {
      deps.inflight.remove(wallet.id, counted);
      counted = 0n;
      const rows = await lockHeldOfWallet(trx, wallet.id);
      if (rows.length === 0) return NONE;
      const accounts = await deps.ledger.lookupAccounts([wallet.cashable_account, wallet.spend_only_account!] as AccountId[], trx);
      let room = cap - capBalance(accounts) - deps.inflight.of(wallet.id);
      const now = deps.clock.now();
      const transfers: TransferInput[] = [];
      const changed: HeldRow[] = [];
      // Strictly in order: a later, smaller credit never jumps the queue.
      for (const row of rows) {
        if (room <= 0n) break;
        const take = row.remaining < room ? row.remaining : room;
        room -= take;
        const releases = row.releases + 1;
        transfers.push({
          id: relatedUuid(row.transfer_id, `release:${releases}`),
          debit_account_id: row.held_account,
          credit_account_id: row.class_account,
          amount: micros(take),
          currency: policy.currency,
          code: TRANSFER_CODES.over_cap_release,
          metadata: { credit: row.credit_id },
        });
        const remaining = micros(row.remaining - take);
        changed.push({ ...row, remaining, releases, status: remaining === 0n ? 'released' : 'held', updated_at: now });
        counted += take;
      }
      const left = rows.reduce((sum, r) => sum + r.remaining, 0n) - counted;
      if (transfers.length === 0) return { ...NONE, remaining: micros(left) };
      deps.inflight.add(wallet.id, counted);
      const outcome = await deps.ledger.createTransfersIn(trx, transfers);
      if (!outcome.every((r) => r === 'ok')) throw new Error(`release for ${userId}: the ledger answered ${[...new Set(outcome)].join(', ')}`);
      await updateHeld(trx, changed);
      const done = changed.filter((r) => r.status === 'released');
      await notifyPartners(
        trx,
        deps.clock,
        'credit.held_released',
        policy.currency,
        done.filter((r) => r.partner_reference !== null).map((r) => ({ partnerId: r.origin_id, creditId: r.credit_id, reference: r.partner_reference!, status: 'posted', amount: r.amount })),
      );
      return { released: micros(counted), completed: done.length, remaining: micros(left) };
    });
  } finally {
    deps.inflight.remove(wallet.id, counted);
  }
}

/** The periodic sweep: walks users with held value from `after`, returns where it stopped. */
export async function releaseHeldSweep(deps: CreditsDeps, after: string, limit = 200): Promise<{ released: Micros; next: string }> {
  const users = await selectUsersWithHeld(deps.db, after, limit);
  let released = 0n;
  for (const userId of users) released += (await releaseHeldCredits(deps, userId)).released;
  return { released: micros(released), next: users.length < limit ? '' : users[users.length - 1]! };
}
