// The transition table, stated in full: every pair of states is either allowed or refused, and
// the rules around it (final states, ledger effects, cancellation) follow from it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CASHOUT_STATES, FINAL_STATES, RESERVED_STATES, SMS_OF_STATE, TRANSITIONS, canTransition, isCancellable, isFinal, ledgerEffectOf, statesLeadingTo,
  type CashoutState,
} from './states.ts';

const EXPECTED: Record<CashoutState, CashoutState[]> = {
  quoted: ['reserved'],
  reserved: ['screening', 'failed', 'cancelled'],
  screening: ['submitted', 'failed', 'held_for_review', 'cancelled'],
  held_for_review: ['screening', 'failed', 'cancelled'],
  submitted: ['settled', 'failed', 'cancelled'],
  settled: ['returned'],
  failed: [],
  returned: [],
  cancelled: [],
};

describe('cash-out state machine', () => {
  it('allows exactly the transitions of the table', () => {
    for (const from of CASHOUT_STATES) {
      for (const to of CASHOUT_STATES) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(EXPECTED[from].includes(to));
      }
    }
    expect(TRANSITIONS).toHaveLength(Object.values(EXPECTED).flat().length);
  });

  it('never changes a final state, except settled → returned', () => {
    expect([...FINAL_STATES].sort()).toEqual(['cancelled', 'failed', 'returned', 'settled']);
    for (const from of FINAL_STATES) {
      const onward = CASHOUT_STATES.filter((to) => canTransition(from, to));
      expect(onward).toEqual(from === 'settled' ? ['returned'] : []);
    }
  });

  it('has no transition to itself (a duplicate answer is a no-op, not a change)', () => {
    for (const state of CASHOUT_STATES) expect(canTransition(state, state)).toBe(false);
  });

  it('moves money only on entering reserved, settled, failed, cancelled and returned', () => {
    expect(Object.fromEntries(CASHOUT_STATES.map((s) => [s, ledgerEffectOf(s)]))).toEqual({
      quoted: 'none', reserved: 'reserve', screening: 'none', submitted: 'none', settled: 'post', failed: 'void', returned: 'return',
      held_for_review: 'none', cancelled: 'void',
    });
  });

  it('every state with a reservation can still end with the money back (failed or cancelled)', () => {
    for (const state of RESERVED_STATES) expect(canTransition(state, 'failed') || canTransition(state, 'cancelled'), state).toBe(true);
  });

  it('a person may cancel until a rail has the payout', () => {
    expect(isCancellable('reserved', false)).toBe(true);
    expect(isCancellable('screening', false)).toBe(true);
    expect(isCancellable('held_for_review', false)).toBe(true);
    expect(isCancellable('submitted', false)).toBe(true);
    expect(isCancellable('submitted', true)).toBe(false);
    for (const state of FINAL_STATES) expect(isCancellable(state, false)).toBe(false);
  });

  it('tells the person about the states they care about', () => {
    expect(Object.keys(SMS_OF_STATE).sort()).toEqual(['cancelled', 'failed', 'held_for_review', 'returned', 'settled', 'submitted']);
    expect(statesLeadingTo('returned')).toEqual(['settled']);
  });

  it('property: any path through the table from quoted reaches a final state or stays where money is reserved', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), (choices) => {
        let state: CashoutState = 'quoted';
        let moneyReserved = false;
        let moneyLeft = false;
        for (const choice of choices) {
          const next = CASHOUT_STATES.filter((to) => canTransition(state, to));
          if (next.length === 0) break;
          state = next[choice % next.length]!;
          const effect = ledgerEffectOf(state);
          if (effect === 'reserve') moneyReserved = true;
          if (effect === 'post') {
            expect(moneyReserved).toBe(true);
            moneyReserved = false;
            moneyLeft = true;
          }
          if (effect === 'void') {
            expect(moneyReserved).toBe(true);
            moneyReserved = false;
          }
          if (effect === 'return') {
            expect(moneyLeft).toBe(true);
            moneyLeft = false;
          }
        }
        // Reserved money exists exactly in the states that hold a reservation.
        expect(moneyReserved).toBe(RESERVED_STATES.has(state));
        if (isFinal(state)) expect(moneyReserved).toBe(false);
      }),
    );
  });
});
