// The payments area's error catalogue: merchants, payments, refunds, vouchers, subscriptions and
// settlement. Balance and limit refusals come from the wallets' and the policy's catalogues
// (insufficient_funds, limit_exceeded, …), freeze and PIN refusals from identity's: the same
// words wherever money is refused.
import { defineErrors } from '../shared/errors.ts';
import '../identity/index.ts';
import '../policy/index.ts';
import '../wallets/index.ts';

export const PAYMENT_ERRORS = defineErrors({
  merchant_not_found: { status: 404, type: 'not_found_error', en: 'No such merchant.', ko: '해당 가맹점이 없습니다.' },
  merchant_disabled: { status: 409, type: 'state_error', en: 'This merchant does not accept payments now.', ko: '이 가맹점은 지금 결제를 받지 않습니다.' },
  merchant_code_taken: { status: 409, type: 'state_error', en: 'Another merchant already has this code.', ko: '이미 다른 가맹점이 쓰는 코드입니다.' },
  merchant_partner_taken: { status: 409, type: 'state_error', en: 'This partner already acts for another merchant.', ko: '이 파트너는 이미 다른 가맹점에 연결되어 있습니다.' },
  invalid_merchant_code: {
    status: 400, type: 'invalid_request_error',
    en: 'A merchant code is 4 to 16 capital letters and digits, e.g. "CAFE01".',
    ko: '가맹점 코드는 영문 대문자와 숫자 4~16자입니다(예: CAFE01).',
  },
  invalid_qr_payload: { status: 400, type: 'invalid_request_error', en: 'This is not a smallchange payment QR code.', ko: '스몰체인지 결제 QR 코드가 아닙니다.' },
  merchant_or_qr_required: {
    status: 400, type: 'invalid_request_error',
    en: 'Name the merchant: send either "merchant" (its code) or "qr" (the scanned payload), not both.',
    ko: '가맹점을 지정하세요. "merchant"(코드) 또는 "qr"(스캔한 값) 중 하나만 보내세요.',
  },
  invalid_settlement_account: {
    status: 400, type: 'invalid_request_error',
    en: 'The settlement bank account is not valid for this bank.',
    ko: '정산 계좌가 해당 은행의 계좌 형식에 맞지 않습니다.',
  },
  invalid_text: { status: 400, type: 'invalid_request_error', en: 'The text must be one line of printable characters within the length allowed.', ko: '글자 수 제한 안의 한 줄로 입력하세요.' },
  pin_required: {
    status: 400, type: 'invalid_request_error',
    en: 'Payments above the policy threshold need your PIN.',
    ko: '기준 금액을 넘는 결제에는 PIN이 필요합니다.',
  },
  payment_not_found: { status: 404, type: 'not_found_error', en: 'No such payment.', ko: '해당 결제가 없습니다.' },
  refund_exceeds_payment: {
    status: 400, type: 'invalid_request_error',
    en: 'The refund is more than what is left of the payment after earlier refunds.',
    ko: '환불 금액이 이전 환불을 뺀 결제 잔액보다 큽니다.',
  },
  merchant_balance_insufficient: {
    status: 409, type: 'state_error',
    en: 'The merchant\'s unsettled balance is not enough for this refund.',
    ko: '가맹점의 미정산 잔액이 환불하기에 부족합니다.',
  },
  voucher_not_found: { status: 404, type: 'not_found_error', en: 'No such voucher, or the PIN does not match.', ko: '해당 상품권이 없거나 PIN이 맞지 않습니다.' },
  voucher_expired: { status: 409, type: 'state_error', en: 'This voucher has expired.', ko: '유효기간이 지난 상품권입니다.' },
  voucher_already_redeemed: { status: 409, type: 'state_error', en: 'This voucher has been used up.', ko: '이미 모두 사용한 상품권입니다.' },
  voucher_insufficient_value: {
    status: 409, type: 'state_error',
    en: 'The voucher has less value left than this amount.',
    ko: '상품권 잔액이 이 금액보다 적습니다.',
  },
  voucher_pin_locked: {
    status: 423, type: 'state_error',
    en: 'Too many wrong PINs for this voucher: it is locked; the holder must call support.',
    ko: '상품권 PIN 오류가 너무 많아 잠겼습니다. 고객센터로 문의하세요.',
  },
  voucher_merchant_not_accepted: {
    status: 403, type: 'permission_error',
    en: 'This voucher cannot be used at this merchant.',
    ko: '이 가맹점에서는 사용할 수 없는 상품권입니다.',
  },
  voucher_already_sent: { status: 409, type: 'state_error', en: 'This voucher was already sent to someone.', ko: '이미 다른 사람에게 보낸 상품권입니다.' },
  voucher_merchants_invalid: {
    status: 400, type: 'invalid_request_error',
    en: 'Name 1 to 20 different merchant codes the voucher may be used at.',
    ko: '상품권을 쓸 수 있는 가맹점 코드를 1~20개 지정하세요.',
  },
  mandate_not_found: { status: 404, type: 'not_found_error', en: 'No such subscription.', ko: '해당 정기결제가 없습니다.' },
  mandate_not_pending: { status: 409, type: 'state_error', en: 'This subscription is not waiting for your authorisation.', ko: '승인을 기다리는 정기결제가 아닙니다.' },
  mandate_cancelled: { status: 409, type: 'state_error', en: 'This subscription is already cancelled.', ko: '이미 해지된 정기결제입니다.' },
  invalid_period: { status: 400, type: 'invalid_request_error', en: 'The period is daily, weekly or monthly.', ko: '주기는 daily, weekly, monthly 중 하나입니다.' },
  payer_not_registered: { status: 404, type: 'not_found_error', en: 'Nobody with this phone number uses smallchange.', ko: '이 번호로 가입한 사용자가 없습니다.' },
  invalid_voucher_code: { status: 400, type: 'invalid_request_error', en: 'A voucher code is 16 digits (dashes and spaces are ignored).', ko: '상품권 번호는 숫자 16자리입니다(-와 공백은 무시합니다).' },
  settlement_not_found: { status: 404, type: 'not_found_error', en: 'No such merchant settlement.', ko: '해당 가맹점 정산이 없습니다.' },
  settlement_not_returnable: { status: 409, type: 'state_error', en: 'This merchant settlement cannot be returned in its state.', ko: '이 상태의 가맹점 정산은 반환 처리할 수 없습니다.' },
  settlement_not_configured: { status: 409, type: 'state_error', en: 'Merchant settlement needs the operator\'s bank account (OPERATOR_BANK_* settings).', ko: '가맹점 정산에 필요한 운영사 계좌가 설정되지 않았습니다.' },
});
