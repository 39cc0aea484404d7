// The cash-out area's error catalogue: stable codes, HTTP status, and messages in en and ko.
// Limit refusals (below_minimum, limit_exceeded, …) come from the policy's catalogue, balance
// refusals (insufficient_funds, spend_only_not_transferable) from the wallets' — the same words
// wherever money is refused.
import { defineErrors } from '../shared/errors.ts';
import '../policy/index.ts';
import '../wallets/index.ts';
import '../rails/index.ts';

export const CASHOUT_ERRORS = defineErrors({
  quote_not_found: { status: 404, type: 'not_found_error', en: 'No such quote.', ko: '해당 견적이 없습니다.' },
  quote_expired: {
    status: 409, type: 'state_error',
    en: 'This quote has expired; ask for a new one to see the current fee.',
    ko: '견적의 유효 시간이 지났습니다. 새 견적으로 현재 수수료를 확인하세요.',
  },
  quote_used: {
    status: 409, type: 'state_error',
    en: 'This quote was already used for a cash-out; ask for a new one.',
    ko: '이미 출금에 사용된 견적입니다. 새 견적을 받아 주세요.',
  },
  below_payout_threshold: {
    status: 400, type: 'invalid_request_error',
    en: 'The amount paid out would be below the minimum cash-out; let more credits collect first.',
    ko: '지급액이 최소 출금 금액보다 적습니다. 적립금이 더 모인 뒤 출금하세요.',
  },
  nothing_to_cash_out: {
    status: 400, type: 'invalid_request_error',
    en: 'There is no cashable balance to pay out.',
    ko: '출금할 수 있는 잔액이 없습니다.',
  },
  channel_not_available: {
    status: 400, type: 'invalid_request_error',
    en: 'Cash-outs through this channel are not available.',
    ko: '이 방법으로는 출금할 수 없습니다.',
  },
  destination_not_found: { status: 404, type: 'not_found_error', en: 'No such payout destination.', ko: '해당 출금 계좌가 없습니다.' },
  destination_channel_mismatch: {
    status: 400, type: 'invalid_request_error',
    en: 'This destination cannot be paid through this channel (a bank account takes bank, a partner wallet takes wallet).',
    ko: '이 출금처는 선택한 방법으로 받을 수 없습니다(은행 계좌는 bank, 제휴 지갑은 wallet).',
  },
  destination_not_verified: {
    status: 409, type: 'state_error',
    en: 'This bank account is not verified as yours: confirm it with the 1-won deposit first.',
    ko: '본인 계좌로 확인되지 않았습니다. 먼저 1원 입금 인증을 완료하세요.',
  },
  destination_exists: { status: 409, type: 'state_error', en: 'This destination is already saved.', ko: '이미 등록된 출금처입니다.' },
  destinations_limit_reached: { status: 409, type: 'state_error', en: 'You have saved as many destinations as allowed; remove one first.', ko: '등록할 수 있는 출금처 수를 넘었습니다. 하나를 삭제한 뒤 등록하세요.' },
  invalid_wallet_account: {
    status: 400, type: 'invalid_request_error',
    en: 'The wallet account must be 3 to 64 letters, digits or . _ @ + -',
    ko: '지갑 계정은 영문, 숫자, . _ @ + - 로 된 3~64자여야 합니다.',
  },
  wallet_provider_not_found: { status: 404, type: 'not_found_error', en: 'No such wallet provider.', ko: '해당 지갑 제공사가 없습니다.' },
  otp_required: {
    status: 403, type: 'permission_error',
    en: 'Confirm this with the code we sent by SMS: send it back with the challenge_id in details.',
    ko: '문자로 보낸 인증번호로 확인해 주세요. details의 challenge_id와 함께 보내세요.',
  },
  cashout_not_found: { status: 404, type: 'not_found_error', en: 'No such cash-out.', ko: '해당 출금이 없습니다.' },
  cashout_not_cancellable: {
    status: 409, type: 'state_error',
    en: 'This cash-out is already with the bank or finished, so it can no longer be cancelled.',
    ko: '이미 은행에 전달되었거나 끝난 출금이라 취소할 수 없습니다.',
  },
  cashout_not_returnable: {
    status: 409, type: 'state_error',
    en: 'Only a paid cash-out can be returned.',
    ko: '지급이 완료된 출금만 반환될 수 있습니다.',
  },
  receipt_not_available: {
    status: 409, type: 'state_error',
    en: 'A receipt exists once the cash-out is paid.',
    ko: '영수증은 출금이 완료된 뒤 발급됩니다.',
  },
  currency_not_supported: { status: 400, type: 'invalid_request_error', en: 'Cash-outs are paid in the operator\'s currency only.', ko: '출금은 운영사 통화로만 가능합니다.' },
  auto_sweep_not_found: { status: 404, type: 'not_found_error', en: 'No auto-sweep rule is set.', ko: '설정된 자동 출금 규칙이 없습니다.' },
  // The cash channels' withdrawal codes (agent, ATM).
  withdrawal_code_invalid: {
    status: 400, type: 'invalid_request_error',
    en: 'This withdrawal code is not valid. Check the 8 digits in the SMS.',
    ko: '출금코드가 올바르지 않습니다. 문자로 받은 8자리를 확인하세요.',
  },
  withdrawal_code_expired: {
    status: 409, type: 'state_error',
    en: 'This withdrawal code has expired; the money is back in the wallet. Ask for a new cash-out.',
    ko: '출금코드의 유효 시간이 지났습니다. 금액은 지갑으로 돌아갔으니 다시 출금을 신청하세요.',
  },
  withdrawal_code_used: {
    status: 409, type: 'state_error',
    en: 'This withdrawal code was already used.',
    ko: '이미 사용된 출금코드입니다.',
  },
  withdrawal_code_not_valid: {
    status: 409, type: 'state_error',
    en: 'This withdrawal code no longer pays: its cash-out was cancelled or ended.',
    ko: '취소되었거나 종료된 출금의 코드입니다.',
  },
  amount_above_code: {
    status: 400, type: 'invalid_request_error',
    en: 'The amount is more than this withdrawal code pays.',
    ko: '출금코드의 금액보다 큰 금액입니다.',
  },
  amount_mismatch: {
    status: 400, type: 'invalid_request_error',
    en: 'The amount must be exactly what the withdrawal code pays.',
    ko: '출금코드의 금액과 정확히 같아야 합니다.',
  },
  atm_signature_invalid: {
    status: 401, type: 'authentication_error',
    en: 'The request signature is missing, stale or wrong.',
    ko: '요청 서명이 없거나 만료되었거나 올바르지 않습니다.',
  },
  atm_code_attempts_exceeded: {
    status: 429, type: 'rate_limit_error',
    en: 'Too many wrong withdrawal codes from this ATM network; try again later.',
    ko: '이 ATM 네트워크에서 잘못된 출금코드가 너무 많이 입력되었습니다. 잠시 후 다시 시도하세요.',
  },
  atm_withdrawal_not_found: { status: 404, type: 'not_found_error', en: 'No such ATM withdrawal for this network.', ko: '해당 ATM 출금이 없습니다.' },
  atm_already_completed: {
    status: 409, type: 'state_error',
    en: 'This ATM withdrawal was already completed.',
    ko: '이미 완료된 ATM 출금입니다.',
  },
  atm_withdrawal_lapsed: {
    status: 409, type: 'state_error',
    en: 'This ATM withdrawal was not completed in time: the hold was released and the money returned to the person. Finance has been told; settle it with the operator.',
    ko: '제한 시간 안에 완료되지 않은 ATM 출금입니다. 보류가 해제되어 고객에게 반환되었으며 재무팀에 전달되었습니다.',
  },
  atm_already_reversed: {
    status: 409, type: 'state_error',
    en: 'This ATM withdrawal was already reversed.',
    ko: '이미 취소된 ATM 출금입니다.',
  },
});

export type CashoutErrorCode = keyof typeof CASHOUT_ERRORS;
