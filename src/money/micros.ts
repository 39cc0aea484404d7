// The one money type. A branded bigint so that an amount cannot be mixed up with a count,
// an id or a JavaScript number: the brand only comes from the constructors below.
import { MoneyError } from './errors.ts';
import { MICROS_PER_MINOR } from './currency.ts';

export type Micros = bigint & { readonly __brand: 'Micros' };

/** PostgreSQL int8: every stored amount and total must fit. */
export const MICROS_MAX = 9_223_372_036_854_775_807n as Micros;
export const MICROS_MIN = -9_223_372_036_854_775_808n as Micros;
export const ZERO = 0n as Micros;

export function micros(value: bigint): Micros {
  if (value > MICROS_MAX || value < MICROS_MIN) throw new MoneyError('amount_out_of_range', `amount ${value} does not fit in int8`);
  return value as Micros;
}

export function add(a: Micros, b: Micros): Micros {
  return micros(a + b);
}

export function sub(a: Micros, b: Micros): Micros {
  return micros(a - b);
}

export function min(a: Micros, b: Micros): Micros {
  return a < b ? a : b;
}

export function max(a: Micros, b: Micros): Micros {
  return a > b ? a : b;
}

export function sum(values: Iterable<Micros>): Micros {
  let total = 0n;
  for (const v of values) total += v;
  return micros(total);
}

/** Whole minor units a rail can pay (floor), and the sub-unit dust that stays behind. */
export function splitDust(amount: Micros): { payable: Micros; dust: Micros } {
  if (amount < 0n) throw new MoneyError('negative_amount', 'cannot split a negative amount');
  const dust = amount % MICROS_PER_MINOR;
  return { payable: (amount - dust) as Micros, dust: dust as Micros };
}

/**
 * amount × basisPoints / 10,000, rounded down. Fees use this: rounding goes in the
 * operator's disfavour (DESIGN §2), never the user's.
 */
export function percentOfFloor(amount: Micros, basisPoints: bigint): Micros {
  if (amount < 0n || basisPoints < 0n) throw new MoneyError('negative_amount', 'percentages apply to non-negative amounts');
  return micros((amount * basisPoints) / 10_000n);
}

/** Round down to whole minor units (e.g. a fee charged in whole won). */
export function floorToMinor(amount: Micros): Micros {
  return splitDust(amount).payable;
}

export function fromMinor(minorUnits: bigint): Micros {
  return micros(minorUnits * MICROS_PER_MINOR);
}

export function toMinorFloor(amount: Micros): bigint {
  return splitDust(amount).payable / MICROS_PER_MINOR;
}
