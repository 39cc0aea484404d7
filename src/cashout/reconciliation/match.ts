// The matching rule, pure: a statement's booked entries against our settled payouts. No database,
// no ledger — reconcile.ts loads what this needs and posts what it decides.
//
//   payout entry (money left the trust account) with an end-to-end id = a cash-out we settled into
//     bank_clearing with the same amount          → matched (clearing → deposits is posted)
//     …with another amount                         → amount_mismatch (nothing posted; finance decides)
//     …that an earlier statement already confirmed → unmatched_bank (a second sighting posts nothing)
//     …that we never settled                       → unmatched_bank
//   return entry (money came back) for a cash-out we settled
//     with the payout's amount                     → returned (deposits → clearing, and the cash-out is told)
//     with another amount                          → amount_mismatch
//     already returned, or never settled           → unmatched_bank
//   anything else booked (deposits, fees, entries without our id) → unmatched_bank
// Pending and information-only entries move no money and are not matched.
import { fromMinor, type CurrencyCode, type Micros } from '../../money/index.ts';
import type { EntryKind, StatementEntry } from '../../rails/index.ts';

export type ItemOutcome = 'matched' | 'unmatched_ours' | 'unmatched_bank' | 'amount_mismatch' | 'returned';

/** One of our settled payouts: the posting of a cash-out's net amount into bank_clearing. */
export interface OurPayout {
  cashoutId: string;
  transferId: string;
  amount: Micros;
  settledAt: Date;
}

export interface MatchItem {
  outcome: ItemOutcome;
  entryKind: EntryKind | null;
  cashoutId: string | null;
  bankReference: string | null;
  bookingDate: string | null;
  currency: CurrencyCode;
  ourAmount: Micros | null;
  bankAmount: Micros | null;
  ourTransferId: string | null;
  detail: string;
  returnReason: { code: string; text: string } | null;
}

export interface MatchInput {
  currency: CurrencyCode;
  entries: readonly StatementEntry[];
  /** Our settlements of the cash-outs this statement names (by cash-out id). */
  ours: ReadonlyMap<string, OurPayout>;
  /** Cash-outs whose payout an earlier statement confirmed (matched or mismatched). */
  confirmed: ReadonlySet<string>;
  /** Cash-outs an earlier statement returned. */
  returned: ReadonlySet<string>;
}

export function matchEntries(input: MatchInput): MatchItem[] {
  const confirmed = new Set(input.confirmed);
  const returned = new Set(input.returned);
  const items: MatchItem[] = [];
  for (const entry of input.entries) {
    if (entry.status !== 'booked') continue;
    const bankAmount = fromMinor(entry.amountMinor);
    const base = {
      entryKind: entry.kind,
      cashoutId: entry.endToEndId ?? null,
      bankReference: entry.bankReference ?? null,
      bookingDate: entry.bookingDate,
      currency: input.currency,
      bankAmount,
      returnReason: entry.returnReason ?? null,
    };
    const ours = entry.endToEndId ? input.ours.get(entry.endToEndId) : undefined;
    const mine = ours ? { ourAmount: ours.amount, ourTransferId: ours.transferId } : { ourAmount: null, ourTransferId: null };
    const item = (outcome: ItemOutcome, detail: string): MatchItem => ({ ...base, ...mine, outcome, detail });

    if (entry.kind === 'payout' && entry.endToEndId) {
      if (!ours) items.push(item('unmatched_bank', 'no payout of ours was settled with this end-to-end id'));
      else if (confirmed.has(entry.endToEndId)) items.push(item('unmatched_bank', 'this payout was already confirmed by an earlier entry'));
      else {
        confirmed.add(entry.endToEndId);
        items.push(ours.amount === bankAmount ? item('matched', 'confirmed by the bank') : item('amount_mismatch', 'the bank booked another amount than we settled'));
      }
    } else if (entry.kind === 'return' && entry.endToEndId) {
      if (!ours) items.push(item('unmatched_bank', 'a return for a payout we have no settlement of'));
      else if (returned.has(entry.endToEndId)) items.push(item('unmatched_bank', 'this payout was already returned by an earlier entry'));
      else {
        returned.add(entry.endToEndId);
        items.push(ours.amount === bankAmount ? item('returned', 'sent back by the payee bank') : item('amount_mismatch', 'the return is another amount than we settled'));
      }
    } else {
      items.push(item('unmatched_bank', UNMATCHED_DETAIL[entry.kind] ?? 'an entry without an end-to-end id of ours'));
    }
  }
  return items;
}

const UNMATCHED_DETAIL: Partial<Record<EntryKind, string>> = {
  deposit: 'a deposit, not matched automatically: book it (partner prefunding?) or explain it',
  fee: 'a bank charge to book',
  other: 'an entry of a kind we do not match automatically',
};

/** Our payouts the statement should have shown but did not. */
export function unmatchedOurs(outstanding: readonly OurPayout[], currency: CurrencyCode): MatchItem[] {
  return outstanding.map((payout) => ({
    outcome: 'unmatched_ours',
    entryKind: null,
    cashoutId: payout.cashoutId,
    bankReference: null,
    bookingDate: null,
    currency,
    ourAmount: payout.amount,
    bankAmount: null,
    ourTransferId: payout.transferId,
    detail: `settled by us at ${payout.settledAt.toISOString()}, not on the bank's statement`,
    returnReason: null,
  }));
}
