// Saved payout destinations. A bank account must be one identity proved to be the person's with
// the 1-won deposit, and its bank code and number must pass the rails' Korean bank check; a
// partner wallet names the provider (a partner) and the person's account there. Adding either
// needs a step-up code (account-takeover defence); removing one is immediate.
import { withTransaction } from '../db/index.ts';
import { findKoreanBank, validateKoreanBankAccount } from '../rails/index.ts';
import { DomainError, type Lang } from '../shared/errors.ts';
import { derivedUuid, newId, uuidToId } from '../shared/ids.ts';
import type { CashoutDeps } from './deps.ts';
import { insertDestination, removeDestination, selectActiveDestinations, selectDestination } from './destinations.sql.ts';
import { deactivateSweepsUsing } from './sweeps.sql.ts';
import { requireOtp, type OtpProof } from './step-up.ts';
import type { CashChannel, DestinationRow, PayoutChannel } from './tables.ts';
import './errors.ts';

export const DESTINATIONS_PER_USER_MAX = 20;
export const WALLET_ACCOUNT_PATTERN = /^[A-Za-z0-9._@+-]{3,64}$/;
const LABEL_CHARS_MAX = 40;

export type NewDestination =
  | { kind: 'bank'; bankCode: string; accountNumber: string; label?: string | null }
  | { kind: 'wallet'; provider: string; account: string; label?: string | null };

const CASH_LABELS: Record<CashChannel, Record<Lang, string>> = {
  agent: { ko: '대리점 현금 수령', en: 'Cash at an agent' },
  atm: { ko: 'ATM 무카드 출금', en: 'Cardless ATM cash' },
};

/** The masked account a person recognises: "****6789" (bank) or "***a.kim" (wallet). */
export function maskedAccount(row: DestinationRow): string {
  if (row.kind === 'agent' || row.kind === 'atm') return '';
  if (row.kind === 'bank') return `****${row.last4}`;
  const account = row.wallet_account ?? '';
  const keep = account.slice(-4);
  return `${'*'.repeat(Math.min(4, Math.max(0, account.length - keep.length)))}${keep}`;
}

/** "신한은행 ****6789" / "Shinhan Bank ****6789", or the person's own label before it. */
export function destinationDisplay(row: DestinationRow, lang: Lang, providerName?: string | null): string {
  if (row.kind === 'agent' || row.kind === 'atm') return CASH_LABELS[row.kind][lang];
  if (row.kind === 'bank') {
    const bank = findKoreanBank(row.bank_code ?? '');
    return `${bank ? bank[lang] : row.bank_code} ${maskedAccount(row)}`;
  }
  return `${providerName ?? row.provider} ${maskedAccount(row)}`;
}

function cleanLabel(label: string | null | undefined): string | null {
  const trimmed = label?.trim();
  return trimmed ? [...trimmed].slice(0, LABEL_CHARS_MAX).join('') : null;
}

/** Finds the identity-verified bank account with this code and number, or refuses. */
async function verifiedBankAccount(deps: CashoutDeps, userId: string, bankCode: string, accountNumber: string): Promise<string> {
  const candidates = (await deps.identity.listBankAccounts(deps.db, userId)).filter(
    (account) => account.status === 'verified' && account.bankCode === bankCode && account.maskedNumber.endsWith(accountNumber.slice(-4)),
  );
  for (const candidate of candidates) {
    const revealed = await deps.identity.revealBankAccount(deps.db, userId, candidate.id);
    if (revealed.bankCode === bankCode && revealed.accountNumber === accountNumber) return candidate.id;
  }
  throw new DomainError('destination_not_verified', { param: 'account_number' });
}

export async function addDestination(deps: CashoutDeps, userId: string, input: NewDestination, proof: OtpProof | null): Promise<DestinationRow> {
  const now = deps.clock.now();
  let row: DestinationRow;
  if (input.kind === 'bank') {
    const { bank, accountNumber } = validateKoreanBankAccount(input.bankCode, input.accountNumber);
    const bankAccountId = await verifiedBankAccount(deps, userId, bank.code, accountNumber);
    row = {
      id: newId('dst'), user_id: userId, kind: 'bank', label: cleanLabel(input.label), bank_account_id: bankAccountId, bank_code: bank.code,
      last4: accountNumber.slice(-4), provider: null, wallet_account: null, status: 'active', created_at: now, removed_at: null, first_payout_at: null,
    };
  } else {
    if (!WALLET_ACCOUNT_PATTERN.test(input.account)) throw new DomainError('invalid_wallet_account', { param: 'account' });
    const partner = await deps.identity.getPartner(deps.db, input.provider).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'partner_not_found') throw new DomainError('wallet_provider_not_found', { param: 'provider' });
      throw error;
    });
    if (partner.status !== 'active') throw new DomainError('wallet_provider_not_found', { param: 'provider' });
    row = {
      id: newId('dst'), user_id: userId, kind: 'wallet', label: cleanLabel(input.label) ?? partner.name, bank_account_id: null, bank_code: null,
      last4: null, provider: partner.id, wallet_account: input.account, status: 'active', created_at: now, removed_at: null, first_payout_at: null,
    };
  }
  const existing = await selectActiveDestinations(deps.db, userId);
  if (existing.some((d) => (d.kind === 'bank' ? d.bank_account_id === row.bank_account_id : d.provider === row.provider && d.wallet_account === row.wallet_account))) {
    throw new DomainError('destination_exists');
  }
  if (existing.length >= DESTINATIONS_PER_USER_MAX) throw new DomainError('destinations_limit_reached');
  // The code is bound to exactly what is being added, so it cannot approve another account.
  const binding = row.kind === 'bank' ? { kind: 'bank', bank_account: row.bank_account_id } : { kind: 'wallet', provider: row.provider, account: row.wallet_account };
  await requireOtp(deps, userId, 'payout_destination.add', binding, proof);
  const inserted = await withTransaction(deps.db, (trx) => insertDestination(trx, row));
  if (!inserted) throw new DomainError('destination_exists');
  return inserted;
}

export async function listDestinations(deps: CashoutDeps, userId: string): Promise<DestinationRow[]> {
  return selectActiveDestinations(deps.db, userId);
}

export async function deleteDestination(deps: CashoutDeps, userId: string, id: string): Promise<DestinationRow> {
  return withTransaction(deps.db, async (trx) => {
    const removed = await removeDestination(trx, userId, id, deps.clock.now());
    if (!removed) throw new DomainError('destination_not_found', { param: 'id' });
    // An auto-sweep rule paying to it stops: money never goes to a destination the person removed.
    await deactivateSweepsUsing(trx, userId, id, deps.clock.now());
    return removed;
  });
}

/** The destination is the person's, still saved, and takes this channel; or the refusal. */
export function assertDestination(row: DestinationRow | null | undefined, userId: string, channel: PayoutChannel): DestinationRow {
  if (!row || row.user_id !== userId || row.status !== 'active') throw new DomainError('destination_not_found', { param: 'destination' });
  if (row.kind !== channel) throw new DomainError('destination_channel_mismatch', { param: 'channel' });
  return row;
}

/**
 * The person's implicit destination for a cash channel: one per person and channel, with an id
 * derived from both, created on first use. It counts as paid before (first_payout_at = creation):
 * the first-payout OTP and cool-down guard against money sent to an account a thief added, and a
 * cash code goes to the person's own phone and is collected in person — there is no account to add.
 */
export async function cashDestination(deps: CashoutDeps, userId: string, channel: CashChannel): Promise<DestinationRow> {
  const id = uuidToId(derivedUuid(`smallchange:cash-destination:${channel}:${userId}`), 'dst');
  const existing = await selectDestination(deps.db, id);
  if (existing) return existing;
  const now = deps.clock.now();
  await insertDestination(deps.db, {
    id, user_id: userId, kind: channel, label: null, bank_account_id: null, bank_code: null, last4: null, provider: null,
    wallet_account: null, status: 'active', created_at: now, removed_at: null, first_payout_at: now,
  });
  return (await selectDestination(deps.db, id))!;
}

/** The person's saved destination for this channel (a bank account's verification is checked by the caller). */
export async function destinationFor(deps: CashoutDeps, userId: string, id: string, channel: PayoutChannel): Promise<DestinationRow> {
  return assertDestination(await selectDestination(deps.db, id), userId, channel);
}

/** The person's destination, usable for this channel: active, theirs, and (bank) still verified. */
export async function usableDestination(deps: CashoutDeps, userId: string, id: string, channel: PayoutChannel): Promise<DestinationRow> {
  const row = await destinationFor(deps, userId, id, channel);
  if (row.kind === 'bank') {
    const { bankAccountVerified } = await deps.identity.payoutContext(deps.db, userId, { bankAccountId: row.bank_account_id });
    if (!bankAccountVerified) throw new DomainError('destination_not_verified', { param: 'destination' });
  }
  return row;
}
