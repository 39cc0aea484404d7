// Value for a phone number that has no user yet: parked in the unclaimed suspense account, with an
// SMS inviting the person to sign up; claimed when they register with that number, returned to
// whoever sent it when the policy's expiry passes. Partners' credits and people's sends (through
// parkForPhone) share the mechanism.
import { withTransaction, type Executor } from '../../db/index.ts';
import { tryNormalizePhone } from '../../identity/index.ts';
import { TransferFlags, type AccountId, type TransferId, type TransferInput, type TransferResult } from '../../ledger/index.ts';
import { micros, type CurrencyCode, type Micros } from '../../money/index.ts';
import { tierPolicy, type KycTier } from '../../policy/index.ts';
import { systemAccountId, TRANSFER_CODES } from '../chart.ts';
import {
  insertHeld, insertUnclaimed, lockClaimable, lockExpiredUnclaimed, markUnclaimed, selectClaimablePhones, type HeldRow, type UnclaimedRow,
} from './credits.sql.ts';
import { policyNow, type CreditsDeps } from './deps.ts';
import { inviteToClaim, notifyPartners, tellHeldOverCap } from './notices.ts';
import { capBalance } from './plan.ts';
import { relatedUuid } from './request.ts';

const DAY_MS = 86_400_000;
export const RETURNS_PER_RUN_MAX = 1000;

export interface ParkInput {
  /** The caller's transfer id (e.g. the send's): the value moves under it into suspense. */
  transferId: TransferId;
  /** Debited now; credited back if nobody claims the value in time. */
  fromAccount: AccountId;
  /** E.164. */
  phone: string;
  amount: Micros;
  currency: CurrencyCode;
  /** The caller's reason code (e.g. TRANSFER_CODES.send_to_person). */
  code: number;
  /** Who sent it: a person (user id) for sends; partners' credits come through ingest. */
  senderUserId: string;
  /** Shown in the invitation SMS. */
  senderName: string;
  metadata?: Record<string, unknown>;
}

/**
 * Parks value for a phone number with no user, inside the caller's transaction (so the caller's
 * own records commit with it). Lands as cashable when claimed. Returns the ledger's result for the
 * parking transfer; only 'ok' writes the row and the invitation.
 */
export async function parkForPhone(trx: Executor, deps: CreditsDeps, input: ParkInput): Promise<TransferResult> {
  const phone = tryNormalizePhone(input.phone);
  if (!phone) throw new RangeError('parkForPhone needs a valid mobile number');
  const policy = await policyNow(deps);
  const [result] = await deps.ledger.createTransfersIn(trx, [{
    id: input.transferId,
    debit_account_id: input.fromAccount,
    credit_account_id: systemAccountId('unclaimed_suspense', input.currency),
    amount: input.amount,
    currency: input.currency,
    code: input.code,
    metadata: { ...input.metadata, to: phone, from: input.senderUserId },
  }]);
  if (result !== 'ok') return result!;
  const now = deps.clock.now();
  await insertUnclaimed(trx, [{
    transfer_id: input.transferId, origin: 'person', origin_id: input.senderUserId, partner_reference: null, return_account: input.fromAccount,
    phone, amount: input.amount, currency: input.currency, funding_class: 'cashable', source: 'send_to_person', cleared: true,
    expires_at: new Date(now.getTime() + policy.credits.unclaimed_expiry_days * DAY_MS), status: 'unclaimed', claimed_by: null,
    resolved_at: null, created_at: now,
  }]);
  await inviteToClaim(trx, deps.clock, policy, { phone, amount: input.amount, currency: input.currency, senderName: input.senderName, signupUrl: deps.signupUrl });
  return result;
}

export interface ClaimOutcome {
  claimed: number;
  amount: Micros;
  held: Micros;
}

const NOTHING: ClaimOutcome = { claimed: 0, amount: micros(0n), held: micros(0n) };

/**
 * Moves every cleared, unclaimed value for `phone` into the user's main wallet, oldest first, and
 * whatever does not fit under the balance cap into the held account. Only the number's current,
 * verified owner can claim: identity says who that is.
 */
export async function claimUnclaimed(deps: CreditsDeps, userId: string, phone: string): Promise<ClaimOutcome> {
  const e164 = tryNormalizePhone(phone);
  if (!e164) return NOTHING;
  const user = await deps.identity.findUser(deps.db, userId);
  if (!user || user.status !== 'active' || user.phone !== e164) return NOTHING;
  const policy = await policyNow(deps);
  const wallet = (await deps.wallets.openMainWallets(deps.db, [userId], policy.currency)).get(userId)!;
  const cap = tierPolicy(policy, user.tier as KycTier).balance_cap;
  let counted = 0n;
  try {
    return await withTransaction(deps.db, async (trx) => {
      deps.inflight.remove(wallet.id, counted);
      counted = 0n;
      const rows = await lockClaimable(trx, e164);
      if (rows.length === 0) return NOTHING;
      const accounts = await deps.ledger.lookupAccounts([wallet.cashable_account, wallet.spend_only_account!] as AccountId[], trx);
      let room = cap - capBalance(accounts) - deps.inflight.of(wallet.id);
      const suspense = systemAccountId('unclaimed_suspense', policy.currency);
      const now = deps.clock.now();
      const transfers: TransferInput[] = [];
      const heldRows: HeldRow[] = [];
      const changes: { row: UnclaimedRow; held: bigint }[] = [];
      let total = 0n;
      let heldTotal = 0n;
      for (const row of rows) {
        const classAccount = (row.funding_class === 'cashable' ? wallet.cashable_account : wallet.spend_only_account!) as AccountId;
        const accepted = room > 0n ? (row.amount < room ? row.amount : room) : 0n;
        const held = row.amount - accepted;
        room -= accepted;
        const base = { debit_account_id: suspense, currency: row.currency, code: TRANSFER_CODES.credit_unclaimed_claim, metadata: { credit: row.transfer_id, user: userId } };
        const claimId = relatedUuid(row.transfer_id, 'claim');
        const heldId = accepted > 0n ? relatedUuid(row.transfer_id, 'claim:held') : claimId;
        if (accepted > 0n) transfers.push({ ...base, id: claimId, credit_account_id: classAccount, amount: micros(accepted), flags: held > 0n ? TransferFlags.linked : 0 });
        if (held > 0n) {
          transfers.push({ ...base, id: heldId, credit_account_id: wallet.held_account as AccountId, amount: micros(held) });
          heldRows.push({
            transfer_id: heldId, credit_id: row.transfer_id, origin_id: row.origin_id, partner_reference: row.partner_reference, user_id: userId,
            wallet_id: wallet.id, held_account: wallet.held_account as AccountId, class_account: classAccount, funding_class: row.funding_class,
            amount: micros(held), remaining: micros(held), releases: 0, status: 'held', created_at: now, updated_at: now,
          });
        }
        total += row.amount;
        heldTotal += held;
        counted += accepted;
        changes.push({ row, held });
      }
      deps.inflight.add(wallet.id, counted);
      const outcome = await deps.ledger.createTransfersIn(trx, transfers);
      if (!outcome.every((r) => r === 'ok')) throw new Error(`claim for ${userId}: the ledger answered ${[...new Set(outcome)].join(', ')}`);
      await markUnclaimed(trx, rows.map((r) => r.transfer_id), 'claimed', now, userId);
      await insertHeld(trx, heldRows);
      if (heldTotal > 0n) {
        await tellHeldOverCap(trx, deps.clock, policy, { userId, phone: e164, lang: user.lang, amount: micros(heldTotal), currency: policy.currency });
      }
      await notifyPartners(
        trx,
        deps.clock,
        'credit.claimed',
        policy.currency,
        changes
          .filter((c) => c.row.origin === 'partner')
          .map((c) => ({ partnerId: c.row.origin_id, creditId: c.row.transfer_id, reference: c.row.partner_reference ?? '', status: c.held > 0n ? 'held_over_cap' : 'posted', amount: c.row.amount })),
      );
      return { claimed: rows.length, amount: micros(total), held: micros(heldTotal) };
    });
  } finally {
    deps.inflight.remove(wallet.id, counted);
  }
}

/** Returns expired unclaimed value to whoever sent it (partner prefund, or the sender's wallet). */
export async function returnExpiredUnclaimed(deps: CreditsDeps, limit = RETURNS_PER_RUN_MAX): Promise<number> {
  const policy = await policyNow(deps);
  return withTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const rows = await lockExpiredUnclaimed(trx, now, limit);
    if (rows.length === 0) return 0;
    const suspense = systemAccountId('unclaimed_suspense', policy.currency);
    const outcome = await deps.ledger.createTransfersIn(trx, rows.map((row) => ({
      id: relatedUuid(row.transfer_id, 'return'),
      debit_account_id: suspense,
      credit_account_id: row.return_account,
      amount: row.amount,
      currency: row.currency,
      code: TRANSFER_CODES.credit_unclaimed_return,
      metadata: { credit: row.transfer_id },
    })));
    if (!outcome.every((r) => r === 'ok' || r === 'exists')) throw new Error(`unclaimed return: the ledger answered ${[...new Set(outcome)].join(', ')}`);
    await markUnclaimed(trx, rows.map((r) => r.transfer_id), 'returned', now);
    await notifyPartners(
      trx,
      deps.clock,
      'credit.returned',
      policy.currency,
      rows.filter((r) => r.origin === 'partner').map((r) => ({ partnerId: r.origin_id, creditId: r.transfer_id, reference: r.partner_reference ?? '', status: 'returned', amount: r.amount })),
    );
    return rows.length;
  });
}

/**
 * Claims for numbers whose owner registered without the hook reaching us (a crash, a credit that
 * was still clearing at registration). Walks the phones in order from `after`; returns where it
 * stopped, so that numbers nobody registered never starve the rest.
 */
export async function claimForRegisteredPhones(deps: CreditsDeps, after: string, limit = 500): Promise<{ claimed: number; next: string }> {
  const phones = await selectClaimablePhones(deps.db, after, limit);
  if (phones.length === 0) return { claimed: 0, next: '' };
  const owners = await deps.identity.resolveRecipientsByPhone(deps.db, phones);
  let claimed = 0;
  for (const [phone, user] of owners) claimed += (await claimUnclaimed(deps, user.id, phone)).claimed;
  return { claimed, next: phones.length < limit ? '' : phones[phones.length - 1]! };
}
