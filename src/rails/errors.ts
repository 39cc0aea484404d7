// The rails' error catalogue. Destinations are checked when a person saves them (the API shows
// these codes), and again when a batch is built, because a stale or hand-edited destination must
// fail before the bank sees it, not after.
import { defineErrors } from '../shared/errors.ts';

export const RAIL_ERRORS = defineErrors({
  invalid_bank_code: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The bank code is not a Korean bank we can pay to: use the 3-digit KFTC code (e.g. 004 for KB Kookmin).',
    ko: '송금할 수 있는 은행 코드가 아닙니다. 금융결제원 3자리 은행 코드를 사용하세요(예: 국민은행 004).',
  },
  invalid_account_number: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The account number is not valid for this bank: use digits only (hyphens are allowed) with the length the bank uses.',
    ko: '이 은행의 계좌번호 형식이 아닙니다. 숫자만(하이픈 허용) 은행이 쓰는 자릿수로 입력하세요.',
  },
  invalid_payout_batch: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The payout batch cannot be sent to the bank as it is.',
    ko: '이 지급 묶음은 은행에 보낼 수 없는 형식입니다.',
  },
});

export type RailErrorCode = keyof typeof RAIL_ERRORS;
