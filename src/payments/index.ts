// The payments module's public face: spending — merchants, payments and refunds, vouchers,
// subscriptions and merchant settlement. Never a payout to a person.
export { PAYMENT_ERRORS } from './errors.ts';
export type { PaymentsDeps } from './deps.ts';
export { PaymentsService, type Page } from './service.ts';
export { paymentRoutes } from './routes.ts';
export { merchantCodeFromQr, qrPayloadOf, receivableAccountId, type NewMerchant } from './merchants.ts';
export { splitBySpendOrder, refundSplit, type ClassSplit } from './funding.ts';
export type { MerchantRow, PaymentRow, RefundRow, VoucherRow } from './tables.ts';
export { voucherReceiptNumber, type IssuedVoucher, type VoucherPrice, type VoucherView } from './vouchers.ts';
