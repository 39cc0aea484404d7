// How a spend is split across a wallet's funding classes, and how a refund puts it back. Pure.
//
// Spending follows the policy's spend_order (spend_only first by default, so that cashable money
// stays cashable). A refund returns spend-only value first, and never more of a class than the
// payment took from it: a refund can only undo a payment, so spend-only value never comes back
// as cashable, and a partial refund cannot make the person's cashable balance larger than it was.
import { add, sub, type Micros, ZERO } from '../money/index.ts';
import type { FundingClass } from '../policy/index.ts';

export interface ClassSplit {
  spend_only: Micros;
  cashable: Micros;
}

export const NO_SPLIT: ClassSplit = Object.freeze({ spend_only: ZERO, cashable: ZERO });

export function splitTotal(split: ClassSplit): Micros {
  return add(split.spend_only, split.cashable);
}

/** Takes `amount` from the classes in `order`; null when the classes together hold less. */
export function splitBySpendOrder(order: readonly FundingClass[], available: ClassSplit, amount: Micros): ClassSplit | null {
  let left = amount;
  const taken: ClassSplit = { spend_only: ZERO, cashable: ZERO };
  for (const cls of order) {
    if (left === ZERO) break;
    const have = available[cls] > ZERO ? available[cls] : ZERO;
    const take = have < left ? have : left;
    taken[cls] = take;
    left = sub(left, take);
  }
  return left === ZERO ? taken : null;
}

/** What of each class a refund of `amount` returns, given what was paid and already refunded; null when above what is left. */
export function refundSplit(paid: ClassSplit, refunded: ClassSplit, amount: Micros): ClassSplit | null {
  const left: ClassSplit = { spend_only: sub(paid.spend_only, refunded.spend_only), cashable: sub(paid.cashable, refunded.cashable) };
  return splitBySpendOrder(['spend_only', 'cashable'], left, amount);
}
