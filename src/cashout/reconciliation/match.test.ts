import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromMinor } from '../../money/index.ts';
import type { StatementEntry } from '../../rails/index.ts';
import { matchEntries, unmatchedOurs, type OurPayout } from './match.ts';

const at = new Date('2026-01-15T01:00:00Z');

function entry(overrides: Partial<StatementEntry>): StatementEntry {
  return { kind: 'payout', direction: 'debit', amountMinor: 1_000n, currency: 'KRW', status: 'booked', bookingDate: '2026-01-15', reversal: false, bankTransactionCode: 'PMNT/ICDT/DMCT', ...overrides };
}

function ours(cashoutId: string, amountMinor: bigint): OurPayout {
  return { cashoutId, transferId: `t-${cashoutId}`, amount: fromMinor(amountMinor), settledAt: at };
}

const none = new Set<string>();

describe('matchEntries', () => {
  it('matches by end-to-end id and amount, and says what else it saw', () => {
    const payouts = new Map([['cot_a', ours('cot_a', 1_000n)], ['cot_b', ours('cot_b', 2_000n)]]);
    const items = matchEntries({
      currency: 'KRW',
      ours: payouts,
      confirmed: none,
      returned: none,
      entries: [
        entry({ endToEndId: 'cot_a' }),
        entry({ endToEndId: 'cot_b', amountMinor: 2_001n }),
        entry({ endToEndId: 'cot_x' }),
        entry({ kind: 'deposit', direction: 'credit', bankTransactionCode: 'PMNT/RCDT/DMCT' }),
        entry({ kind: 'fee', amountMinor: 300n }),
        entry({ kind: 'payout' }),
        entry({ endToEndId: 'cot_a', status: 'pending' }),
        entry({ endToEndId: 'cot_a', status: 'info' }),
      ],
    });
    expect(items.map((i) => [i.outcome, i.entryKind, i.cashoutId])).toEqual([
      ['matched', 'payout', 'cot_a'],
      ['amount_mismatch', 'payout', 'cot_b'],
      ['unmatched_bank', 'payout', 'cot_x'],
      ['unmatched_bank', 'deposit', null],
      ['unmatched_bank', 'fee', null],
      ['unmatched_bank', 'payout', null],
    ]);
    expect(items[1]).toMatchObject({ ourAmount: fromMinor(2_000n), bankAmount: fromMinor(2_001n) });
  });

  it('returns a settled payout once, whether or not its payout was matched before', () => {
    const payouts = new Map([['cot_a', ours('cot_a', 1_000n)]]);
    const back = entry({ kind: 'return', direction: 'credit', endToEndId: 'cot_a', returnReason: { code: 'AC04', text: 'closed' }, bankTransactionCode: 'PMNT/ICDT/RRTN' });
    const items = matchEntries({ currency: 'KRW', ours: payouts, confirmed: new Set(['cot_a']), returned: none, entries: [back, back] });
    expect(items.map((i) => i.outcome)).toEqual(['returned', 'unmatched_bank']);
    expect(items[0]!.returnReason).toEqual({ code: 'AC04', text: 'closed' });
    expect(matchEntries({ currency: 'KRW', ours: payouts, confirmed: none, returned: new Set(['cot_a']), entries: [back] })[0]!.outcome).toBe('unmatched_bank');
  });

  it('never confirms a payout twice, never matches a wrong amount, and accounts for every booked entry (property)', () => {
    const scenario = fc
      .uniqueArray(fc.record({ id: fc.stringMatching(/^cot_[a-z0-9]{6}$/), amount: fc.bigInt({ min: 1n, max: 10_000_000n }) }), { selector: (p) => p.id, maxLength: 12 })
      .chain((payouts) =>
        fc.record({
          payouts: fc.constant(payouts),
          confirmedBefore: fc.subarray(payouts.map((p) => p.id)),
          entries: fc.array(
            fc.record({
              pick: fc.nat(payouts.length),
              kind: fc.constantFrom('payout', 'return', 'deposit', 'fee') as fc.Arbitrary<StatementEntry['kind']>,
              skew: fc.constantFrom(0n, 0n, 0n, 1n, -1n),
              status: fc.constantFrom('booked', 'booked', 'booked', 'pending') as fc.Arbitrary<StatementEntry['status']>,
            }),
            { maxLength: 30 },
          ),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ payouts, confirmedBefore, entries }) => {
        const byId = new Map(payouts.map((p) => [p.id, ours(p.id, p.amount)]));
        const statement = entries.map(({ pick, kind, skew, status }) => {
          const payout = payouts[pick];
          const amount = (payout?.amount ?? 500n) + skew;
          return entry({ kind, status, endToEndId: kind === 'payout' || kind === 'return' ? (payout?.id ?? 'cot_stranger') : undefined, amountMinor: amount > 0n ? amount : 1n });
        });
        const confirmed = new Set(confirmedBefore);
        const items = matchEntries({ currency: 'KRW', ours: byId, confirmed, returned: none, entries: statement });
        expect(items).toHaveLength(statement.filter((e) => e.status === 'booked').length);
        const confirmedNow = items.filter((i) => i.entryKind === 'payout' && (i.outcome === 'matched' || i.outcome === 'amount_mismatch')).map((i) => i.cashoutId);
        expect(new Set(confirmedNow).size).toBe(confirmedNow.length);
        for (const id of confirmedNow) expect(confirmed.has(id!)).toBe(false);
        for (const item of items) {
          if (item.outcome === 'matched' || item.outcome === 'returned') expect(item.bankAmount).toBe(item.ourAmount);
          if (item.outcome === 'amount_mismatch') expect(item.bankAmount).not.toBe(item.ourAmount);
          if (item.outcome !== 'unmatched_bank') expect(byId.has(item.cashoutId!)).toBe(true);
        }
        const returnedNow = items.filter((i) => i.outcome === 'returned').map((i) => i.cashoutId);
        expect(new Set(returnedNow).size).toBe(returnedNow.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('unmatchedOurs', () => {
  it('lists our outstanding payouts as items without a bank side', () => {
    expect(unmatchedOurs([ours('cot_a', 1_000n)], 'KRW')).toEqual([
      expect.objectContaining({ outcome: 'unmatched_ours', cashoutId: 'cot_a', ourAmount: fromMinor(1_000n), bankAmount: null, entryKind: null, ourTransferId: 't-cot_a' }),
    ]);
  });
});
