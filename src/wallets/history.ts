// A wallet's history: every ledger entry on its class accounts, with its type, direction, class,
// status, source, counterparty and fee, newest first, filtered and keyset-paginated.
//
// Conventions other modules follow when they post to a user's accounts, so that their entries
// read well here: metadata.source = the credit source (policy `sources`), metadata.description =
// a short text for the person, metadata.reverses = the UUID (or txf_ id) of the transfer a
// reversal or return undoes, metadata.fee_for = the UUID of the transfer a fee belongs to.
import type { Executor } from '../db/index.ts';
import { maskPhone } from '../identity/index.ts';
import { expiryId, TransferFlags, type AccountId, type Ledger } from '../ledger/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import { idToUuid, uuidToId } from '../shared/ids.ts';
import { ACCOUNT_CODES, TRANSFER_CODES } from './chart.ts';
import './feature-errors.ts';
import { selectFees, selectHistory, selectReversed, selectWalletTransfer, type HistoryRow } from './history.sql.ts';
import { selectPersonTransfers } from './sends.sql.ts';
import { selectWallet, type WalletRow } from './wallets.sql.ts';
import { accountsOf } from './features.sql.ts';

/** What an entry is, for people and for the `type` filter. */
export const ENTRY_TYPES = [
  'credit', 'credit_reversal', 'release', 'send', 'unclaimed_return', 'move', 'fee', 'cashout', 'cashout_return', 'cash_in', 'payment', 'refund', 'voucher_redemption',
  'other',
] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

const TYPE_OF_CODE: Readonly<Record<number, EntryType>> = {
  [TRANSFER_CODES.credit]: 'credit',
  [TRANSFER_CODES.credit_unclaimed_claim]: 'credit',
  [TRANSFER_CODES.credit_reversal]: 'credit_reversal',
  [TRANSFER_CODES.over_cap_release]: 'release',
  [TRANSFER_CODES.send_to_person]: 'send',
  [TRANSFER_CODES.credit_unclaimed_return]: 'unclaimed_return',
  [TRANSFER_CODES.own_wallet_move]: 'move',
  [TRANSFER_CODES.send_fee]: 'fee',
  [TRANSFER_CODES.cashout_fee]: 'fee',
  [TRANSFER_CODES.cashout]: 'cashout',
  [TRANSFER_CODES.cashout_return]: 'cashout_return',
  [TRANSFER_CODES.agent_cash_in]: 'cash_in',
  [TRANSFER_CODES.merchant_payment]: 'payment',
  [TRANSFER_CODES.voucher_purchase]: 'payment',
  [TRANSFER_CODES.subscription_charge]: 'payment',
  [TRANSFER_CODES.merchant_refund]: 'refund',
  [TRANSFER_CODES.voucher_redemption]: 'voucher_redemption',
};

export function entryTypeOf(code: number): EntryType {
  return TYPE_OF_CODE[code] ?? 'other';
}

/** Every code with a type of its own; "other" is every code outside this list. */
const TYPED_CODES: readonly number[] = Object.keys(TYPE_OF_CODE).map((code) => Number.parseInt(code, 10));

/** The codes a `type` filter selects. */
function codesOfTypes(types: readonly EntryType[]): number[] {
  return TYPED_CODES.filter((code) => types.includes(entryTypeOf(code)));
}

export type EntryStatus = 'posted' | 'clearing' | 'pending' | 'held' | 'voided' | 'expired' | 'reversed';
export type EntryClass = 'cashable' | 'spend_only' | 'held_over_cap';
export type EntryDirection = 'in' | 'out' | 'internal';

export interface Counterparty {
  kind: 'partner' | 'person' | 'own_wallet' | 'operator' | 'agent' | 'merchant' | 'external';
  id: string | null;
  name: string | null;
  /** A person's number, masked. */
  phone: string | null;
}

export interface HistoryEntry {
  id: string;
  created_at: Date;
  type: EntryType;
  direction: EntryDirection;
  class: EntryClass;
  /** The magnitude; for a partly posted reservation, what was posted. */
  amount: Micros;
  currency: CurrencyCode;
  status: EntryStatus;
  source: string | null;
  description: string | null;
  note: string | null;
  counterparty: Counterparty | null;
  /** The fee charged with this movement (its own entry of type "fee" too). */
  fee: Micros | null;
  /** When a clearing credit or a reservation was posted, voided or expired. */
  resolved_at: Date | null;
}

export interface HistoryFilter {
  from: Date | null;
  to: Date | null;
  types: readonly EntryType[] | null;
  sources: readonly string[] | null;
}

/** Names and numbers of the other side, from identity. */
export interface Directory {
  phoneOfUser(userId: string): Promise<string | null>;
  partnerName(partnerId: string): Promise<string | null>;
}

export interface HistoryDeps {
  ledger: Pick<Ledger, 'lookupAccounts'>;
  directory: Directory;
  now: Date;
}

export const HISTORY_PAGE_MAX = 100;

function classOfAccount(wallet: WalletRow, account: string): EntryClass {
  if (account === wallet.spend_only_account) return 'spend_only';
  if (account === wallet.held_account) return 'held_over_cap';
  return 'cashable';
}

function text(value: unknown, charsMax = 200): string | null {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, charsMax) : null;
}

function statusOf(row: HistoryRow, direction: EntryDirection, cls: EntryClass, reversed: Set<string>, now: Date): EntryStatus {
  if ((row.flags & TransferFlags.pending) !== 0) {
    if (row.resolution_id !== null) {
      if (((row.resolution_flags ?? 0) & TransferFlags.post_pending) !== 0) return 'posted';
      return row.resolution_id === expiryId(row.id) ? 'expired' : 'voided';
    }
    if (row.timeout_s > 0 && row.ts.getTime() + row.timeout_s * 1000 <= now.getTime()) return 'expired';
    return direction === 'in' ? 'clearing' : 'pending';
  }
  if (reversed.has(row.id) || reversed.has(uuidToId(row.id, 'txf'))) return 'reversed';
  if (cls === 'held_over_cap' && direction === 'in') return 'held';
  return 'posted';
}

async function counterparties(
  executor: Executor,
  deps: HistoryDeps,
  ownWallets: readonly WalletRow[],
  accountIds: readonly string[],
): Promise<Map<string, Counterparty>> {
  const out = new Map<string, Counterparty>();
  const accounts = await deps.ledger.lookupAccounts([...new Set(accountIds)] as AccountId[], executor);
  const own = new Map(ownWallets.map((w) => [uuidToId(w.id, 'wal') as string, w]));
  for (const account of accounts) {
    const owner = account.owner ?? '';
    let party: Counterparty = { kind: 'external', id: null, name: null, phone: null };
    if (owner.startsWith('wal_')) {
      const mine = own.get(owner);
      if (mine) party = { kind: 'own_wallet', id: owner, name: mine.name, phone: null };
      else {
        const uuid = idToUuid(owner, 'wal');
        const wallet = uuid ? await selectWallet(executor, uuid) : undefined;
        const phone = wallet ? await deps.directory.phoneOfUser(wallet.user_id) : null;
        party = { kind: 'person', id: null, name: null, phone };
      }
    } else if (account.code === ACCOUNT_CODES.partner_prefund) {
      party = { kind: 'partner', id: owner, name: await deps.directory.partnerName(owner), phone: null };
    } else if (owner.startsWith('system:')) {
      party = { kind: 'operator', id: null, name: owner.slice('system:'.length), phone: null };
    } else if (account.code === ACCOUNT_CODES.agent_float || account.code === ACCOUNT_CODES.agent_commission) {
      party = { kind: 'agent', id: owner || null, name: null, phone: null };
    } else if (account.code === ACCOUNT_CODES.merchant_receivable) {
      party = { kind: 'merchant', id: owner || null, name: null, phone: null };
    }
    out.set(account.id, party);
  }
  return out;
}

/** Turns journal rows into entries as this wallet sees them. */
async function toEntries(
  executor: Executor,
  deps: HistoryDeps,
  wallet: WalletRow,
  ownWallets: readonly WalletRow[],
  rows: readonly HistoryRow[],
): Promise<HistoryEntry[]> {
  const mine = new Set<string>(accountsOf([wallet]));
  const accounts = accountsOf(ownWallets.length > 0 ? ownWallets : [wallet]);
  const ids = rows.map((r) => r.id);
  const reversed = await selectReversed(executor, accounts, [...ids, ...ids.map((id) => uuidToId(id, 'txf'))], [
    TRANSFER_CODES.credit_reversal,
    TRANSFER_CODES.credit_unclaimed_return,
  ]);
  const fees = await selectFees(executor, accounts, ids);
  const sends = await selectPersonTransfers(executor, rows.filter((r) => r.code === TRANSFER_CODES.send_to_person).map((r) => r.id));
  const sides = rows.map((row) => {
    const debitMine = mine.has(row.debit_account_id);
    const creditMine = mine.has(row.credit_account_id);
    const direction: EntryDirection = debitMine && creditMine ? 'internal' : creditMine ? 'in' : 'out';
    const other = direction === 'in' ? row.debit_account_id : direction === 'out' ? row.credit_account_id : null;
    const cls = classOfAccount(wallet, direction === 'out' ? row.debit_account_id : row.credit_account_id);
    return { row, direction, other, cls };
  });
  const parties = await counterparties(executor, deps, ownWallets, sides.flatMap((s) => (s.other ? [s.other] : [])));
  return sides.map(({ row, direction, other, cls }) => {
    const posted = row.resolution_amount !== null && ((row.resolution_flags ?? 0) & TransferFlags.post_pending) !== 0 ? row.resolution_amount : row.amount;
    const send = sends.get(row.id);
    const fee = fees.get(row.id);
    return {
      id: uuidToId(row.id, 'txf'),
      created_at: row.ts,
      type: entryTypeOf(row.code),
      direction,
      class: cls,
      amount: posted as Micros,
      currency: row.currency as CurrencyCode,
      status: statusOf(row, direction, cls, reversed, deps.now),
      source: text(row.metadata?.source, 40),
      description: text(row.metadata?.description),
      note: send?.note ?? null,
      // A send to a number nobody held went to suspense: the person is who it was meant for.
      counterparty: send && direction === 'out' && send.recipient_user_id === null
        ? { kind: 'person', id: null, name: null, phone: maskPhone(send.recipient_phone) }
        : other ? (parties.get(other) ?? null) : null,
      fee: fee !== undefined && fee > 0n ? (fee as Micros) : null,
      resolved_at: row.resolved_at,
    };
  });
}

export interface HistoryPage {
  entries: HistoryEntry[];
  has_more: boolean;
}

/** One page; `startingAfter` is the id (txf_…) of the last entry of the previous page. */
export async function listHistory(
  executor: Executor,
  deps: HistoryDeps,
  wallet: WalletRow,
  ownWallets: readonly WalletRow[],
  filter: HistoryFilter,
  page: { limit: number; startingAfter: string | null },
): Promise<HistoryPage> {
  const accounts = accountsOf([wallet]);
  let before: { ts: Date; id: string } | null = null;
  if (page.startingAfter) {
    const uuid = idToUuid(page.startingAfter, 'txf');
    const found = uuid ? await selectWalletTransfer(executor, accounts, uuid) : undefined;
    if (!found) throw new DomainError('invalid_cursor', { param: 'starting_after' });
    before = { ts: found.ts, id: found.id };
  }
  const limit = Math.min(Math.max(page.limit, 1), HISTORY_PAGE_MAX);
  const rows = await selectHistory(executor, {
    accounts,
    codes: filter.types ? codesOfTypes(filter.types) : null,
    otherCodesOutside: filter.types?.includes('other') ? TYPED_CODES : null,
    sources: filter.sources,
    from: filter.from,
    to: filter.to,
    before,
    limit: limit + 1,
  });
  return { entries: await toEntries(executor, deps, wallet, ownWallets, rows.slice(0, limit)), has_more: rows.length > limit };
}

/** Every matching entry, newest first, a page at a time (the CSV export streams this). */
export async function* iterateHistory(
  executor: Executor,
  deps: HistoryDeps,
  wallet: WalletRow,
  ownWallets: readonly WalletRow[],
  filter: HistoryFilter,
  pageSize = HISTORY_PAGE_MAX,
): AsyncGenerator<HistoryEntry> {
  let startingAfter: string | null = null;
  for (;;) {
    const page = await listHistory(executor, deps, wallet, ownWallets, filter, { limit: pageSize, startingAfter });
    for (const entry of page.entries) yield entry;
    const last = page.entries[page.entries.length - 1];
    if (!page.has_more || !last) return;
    startingAfter = last.id;
  }
}
