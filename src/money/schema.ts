// The wire shape of money: { "amount": "12.3456", "currency": "KRW" } (Mojaloop's convention).
// One zod schema parses and range-checks it; any failure becomes 400 invalid_amount.
import { z } from 'zod';
import { CURRENCY_CODES, type CurrencyCode } from './currency.ts';
import { MoneyError } from './errors.ts';
import { type Micros } from './micros.ts';
import { formatAmount, parseAmount } from './parse.ts';

export const currencySchema = z.enum(CURRENCY_CODES as [CurrencyCode, ...CurrencyCode[]]);

export const moneyWireSchema = z
  .object({
    amount: z.string().min(1).max(40).describe('Decimal string in major units, e.g. "12.3456"'),
    currency: currencySchema,
  })
  .strict();

export type MoneyWire = z.infer<typeof moneyWireSchema>;
export interface Money {
  amount: Micros;
  currency: CurrencyCode;
}

/** A schema that yields { amount: Micros, currency } or a zod issue with code invalid_amount. */
export function moneySchema(options: { allowZero?: boolean } = {}) {
  return moneyWireSchema.transform((wire, ctx): Money => {
    try {
      return { amount: parseAmount(wire.amount, wire.currency, options), currency: wire.currency };
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['amount'], message: error.message, params: { code: 'invalid_amount', reason: error.code } });
      return z.NEVER;
    }
  });
}

export function toWire(money: Money): MoneyWire {
  return { amount: formatAmount(money.amount, money.currency), currency: money.currency };
}
