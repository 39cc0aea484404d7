// The cash-out state machine: every state, every allowed transition, and what each transition
// does to the ledger. One table, so that the workflow, the channels, recovery and the tests all
// read the same rules (a transition not listed here cannot happen: transition() refuses it).
//
//   quoted → reserved → screening → submitted → settled → returned
//                          │   ↑        │
//                          ↓   │        ↓
//                   held_for_review    failed / cancelled
//
// A final state never changes, except settled → returned (the payee's bank sends the money back
// days later). Ledger effects happen before the row changes and are idempotent (transfer ids are
// derived from the cash-out id), so a transition interrupted by a crash is simply run again.

export const CASHOUT_STATES = ['quoted', 'reserved', 'screening', 'submitted', 'settled', 'failed', 'returned', 'held_for_review', 'cancelled'] as const;
export type CashoutState = (typeof CASHOUT_STATES)[number];

/** What the ledger does when a cash-out enters a state. */
export type LedgerEffect =
  /** Pending transfers user → clearing (payout) and user → fee income (fee), with a timeout. */
  | 'reserve'
  /** Post both pendings: the money left. */
  | 'post'
  /** Void both pendings: every unit back in the wallet. */
  | 'void'
  /** New transfers clearing → user and fee income → user (the bank sent the payout back). */
  | 'return'
  | 'none';

export const FINAL_STATES: ReadonlySet<CashoutState> = new Set(['settled', 'failed', 'returned', 'cancelled']);

/** States in which the user's money is reserved (pending transfers exist and are unresolved). */
export const RESERVED_STATES: ReadonlySet<CashoutState> = new Set(['reserved', 'screening', 'held_for_review', 'submitted']);

interface TransitionRule {
  to: readonly CashoutState[];
}

const RULES: Record<CashoutState, TransitionRule> = {
  quoted: { to: ['reserved'] },
  reserved: { to: ['screening', 'cancelled', 'failed'] },
  screening: { to: ['submitted', 'held_for_review', 'failed', 'cancelled'] },
  held_for_review: { to: ['screening', 'cancelled', 'failed'] },
  // submitted → cancelled only while no rail has seen it (guarded by the caller: not in a batch).
  submitted: { to: ['settled', 'failed', 'cancelled'] },
  settled: { to: ['returned'] },
  failed: { to: [] },
  returned: { to: [] },
  cancelled: { to: [] },
};

const EFFECTS: Record<CashoutState, LedgerEffect> = {
  quoted: 'none',
  reserved: 'reserve',
  screening: 'none',
  held_for_review: 'none',
  submitted: 'none',
  settled: 'post',
  failed: 'void',
  cancelled: 'void',
  returned: 'return',
};

/** The transition table as data (for the docs and the tests). */
export const TRANSITIONS: ReadonlyArray<readonly [CashoutState, CashoutState]> = CASHOUT_STATES.flatMap((from) =>
  RULES[from].to.map((to) => [from, to] as const),
);

export function canTransition(from: CashoutState, to: CashoutState): boolean {
  return RULES[from].to.includes(to);
}

export function isFinal(state: CashoutState): boolean {
  return FINAL_STATES.has(state);
}

export function ledgerEffectOf(to: CashoutState): LedgerEffect {
  return EFFECTS[to];
}

/** The states from which `to` may be entered. */
export function statesLeadingTo(to: CashoutState): CashoutState[] {
  return CASHOUT_STATES.filter((from) => canTransition(from, to));
}

/** A user may cancel until a rail has the payout (submitted and in a batch is too late). */
export function isCancellable(state: CashoutState, inBatch: boolean): boolean {
  if (state === 'submitted') return !inBatch;
  return canTransition(state, 'cancelled');
}

/**
 * The SMS a person gets on entering a state (null: none — the request's own answer says it).
 * `reserved` is only sent when a cash-out stops there for review; one that goes straight through
 * to `submitted` gets the submitted text alone.
 */
export const SMS_OF_STATE: Partial<Record<CashoutState, 'cashout.reserved' | 'cashout.submitted' | 'cashout.settled' | 'cashout.failed' | 'cashout.returned' | 'cashout.cancelled'>> = {
  held_for_review: 'cashout.reserved',
  submitted: 'cashout.submitted',
  settled: 'cashout.settled',
  failed: 'cashout.failed',
  returned: 'cashout.returned',
  cancelled: 'cashout.cancelled',
};

export function isCashoutState(value: string): value is CashoutState {
  return (CASHOUT_STATES as readonly string[]).includes(value);
}
