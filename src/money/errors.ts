// Money errors are programmer-facing or input-facing; the API maps them to 400 invalid_amount.
export type MoneyErrorCode =
  | 'invalid_amount_format'
  | 'too_many_decimals'
  | 'negative_amount'
  | 'zero_amount'
  | 'amount_out_of_range'
  | 'unknown_currency';

export class MoneyError extends Error {
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}
