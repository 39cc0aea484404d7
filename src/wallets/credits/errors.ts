// The credits area's error catalogue: stable codes, HTTP status, and messages in en and ko.
// `insufficient_partner_funds` lives in the wallets catalogue (../errors.ts).
import { defineErrors } from '../../shared/errors.ts';
import '../errors.ts';

export const CREDIT_ERRORS = defineErrors({
  credit_not_found: { status: 404, type: 'not_found_error', en: 'No credit with this partner_reference.', ko: '해당 partner_reference의 적립이 없습니다.' },
  invalid_partner_reference: {
    status: 400, type: 'invalid_request_error',
    en: 'partner_reference is 1–64 characters: letters, digits, "_", "-" and ".", starting with a letter or digit.',
    ko: 'partner_reference는 영문자·숫자로 시작하는 1–64자의 영문자, 숫자, "_", "-", "."입니다.',
  },
  invalid_recipient: {
    status: 400, type: 'invalid_request_error',
    en: 'Give the recipient as exactly one of { "phone" } or { "user_id" }.',
    ko: '수취인은 { "phone" } 또는 { "user_id" } 중 하나만 지정하세요.',
  },
  recipient_not_found: { status: 404, type: 'not_found_error', en: 'No user with this id.', ko: '해당 사용자가 없습니다.' },
  recipient_closed: { status: 409, type: 'state_error', en: 'This account is closed and cannot receive credits.', ko: '해지된 계정이라 적립할 수 없습니다.' },
  unknown_source: {
    status: 400, type: 'invalid_request_error',
    en: 'This source is not in the policy in force (see GET /v1/policy, "sources").',
    ko: '시행 중인 정책에 없는 적립 출처입니다(GET /v1/policy의 "sources" 참고).',
  },
  invalid_description: { status: 400, type: 'invalid_request_error', en: 'description is at most 140 characters of text.', ko: 'description은 최대 140자입니다.' },
  invalid_metadata: {
    status: 400, type: 'invalid_request_error',
    en: 'metadata is an object of at most 20 keys (≤ 40 characters) with string, number or boolean values, 1,000 bytes in all.',
    ko: 'metadata는 최대 20개 키(40자 이하)와 문자열·숫자·불리언 값으로 된 객체이며 전체 1,000바이트 이하입니다.',
  },
  batch_empty: { status: 400, type: 'invalid_request_error', en: 'A batch has at least one credit.', ko: '일괄 적립에는 적립이 하나 이상 있어야 합니다.' },
  batch_too_large: { status: 400, type: 'invalid_request_error', en: 'A batch has at most 10,000 credits; use the stream for more.', ko: '일괄 적립은 최대 10,000건입니다. 더 많으면 스트림을 사용하세요.' },
  line_too_long: { status: 400, type: 'invalid_request_error', en: 'A line of the stream is longer than 8 KiB.', ko: '스트림의 한 줄이 8KiB를 넘습니다.' },
  reversal_window_closed: {
    status: 409, type: 'state_error',
    en: 'The policy\'s reversal window for this credit has passed.',
    ko: '이 적립의 회수 가능 기간이 지났습니다.',
  },
  credit_in_clearance: {
    status: 409, type: 'state_error',
    en: 'The credit is still in clearance: cancel it instead (POST /v1/credits/{reference}/cancel).',
    ko: '아직 정산 대기 중인 적립입니다. 취소를 이용하세요(POST /v1/credits/{reference}/cancel).',
  },
  credit_not_reversible: { status: 409, type: 'state_error', en: 'This credit was cancelled or returned; there is nothing to reverse.', ko: '취소되었거나 반환된 적립이라 회수할 것이 없습니다.' },
  credit_not_cancellable: {
    status: 409, type: 'state_error',
    en: 'Only a credit still in clearance can be cancelled; reverse a posted credit instead.',
    ko: '정산 대기 중인 적립만 취소할 수 있습니다. 지급된 적립은 회수를 이용하세요.',
  },
  amount_exceeds_credit: { status: 400, type: 'invalid_request_error', en: 'The amount is more than the credit.', ko: '금액이 적립 금액보다 큽니다.' },
  partner_not_found: { status: 404, type: 'not_found_error', en: 'No such partner.', ko: '파트너를 찾을 수 없습니다.' },
  invalid_bank_reference: {
    status: 400, type: 'invalid_request_error',
    en: 'bank_reference is 1–64 printable characters (the reference on the bank statement).',
    ko: 'bank_reference는 1–64자의 출력 가능한 문자(은행 거래내역의 참조)입니다.',
  },
  credit_refused: { status: 409, type: 'state_error', en: 'The ledger refused this credit; nothing was applied.', ko: '원장이 이 적립을 거부했습니다. 처리된 것은 없습니다.' },
});

export type CreditErrorCode = keyof typeof CREDIT_ERRORS;
