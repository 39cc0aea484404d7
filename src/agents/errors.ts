// The agents area's error catalogue: stable codes, HTTP status, en and ko. The withdrawal-code
// refusals (withdrawal_code_invalid, _expired, _used, amount_above_code, …) are the cash-out
// catalogue's: an agent and an ATM hear the same words.
import { defineErrors } from '../shared/errors.ts';
import '../cashout/index.ts';

export const AGENT_ERRORS = defineErrors({
  agent_not_found: { status: 404, type: 'not_found_error', en: 'No such agent.', ko: '해당 대리점이 없습니다.' },
  not_an_agent: {
    status: 403, type: 'permission_error',
    en: 'This login is not the counter of a registered agent.',
    ko: '등록된 대리점의 계정이 아닙니다.',
  },
  agent_suspended: { status: 403, type: 'permission_error', en: 'This agent is suspended.', ko: '영업이 정지된 대리점입니다.' },
  agent_staff_not_eligible: {
    status: 400, type: 'invalid_request_error',
    en: 'The counter login must be an active staff member with the role agent.',
    ko: '대리점 계정은 agent 역할의 활성 직원이어야 합니다.',
  },
  agent_staff_taken: { status: 409, type: 'state_error', en: 'This staff login already runs another agent.', ko: '이미 다른 대리점에 연결된 계정입니다.' },
  agent_owner_not_eligible: {
    status: 400, type: 'invalid_request_error',
    en: 'The owner must be a user with KYC tier 3 (enhanced due diligence).',
    ko: '대리점주는 3등급(강화된 고객확인) 이용자여야 합니다.',
  },
  invalid_opening_hours: {
    status: 400, type: 'invalid_request_error',
    en: 'Opening hours are per weekday (sun…sat) lists of ["HH:MM", "HH:MM"] with the close after the open.',
    ko: '영업시간은 요일별(sun…sat) ["HH:MM", "HH:MM"] 목록이며 마감이 시작보다 늦어야 합니다.',
  },
  agent_code_attempts_exceeded: {
    status: 429, type: 'rate_limit_error',
    en: 'Too many wrong withdrawal codes at this agent; try again later.',
    ko: '이 대리점에서 잘못된 출금코드가 너무 많이 입력되었습니다. 잠시 후 다시 시도하세요.',
  },
  agent_float_too_low: {
    status: 409, type: 'state_error',
    en: 'The agent\'s float is too low for this amount; the agent can request a top-up.',
    ko: '대리점 잔액이 부족합니다. 대리점은 충전을 요청할 수 있습니다.',
  },
  cash_in_not_found: { status: 404, type: 'not_found_error', en: 'No such cash-in.', ko: '해당 충전 요청이 없습니다.' },
  cash_in_not_pending: {
    status: 409, type: 'state_error',
    en: 'This cash-in is no longer waiting for confirmation.',
    ko: '확인을 기다리는 충전 요청이 아닙니다.',
  },
  cash_in_expired: {
    status: 409, type: 'state_error',
    en: 'This cash-in request expired; the agent can start it again.',
    ko: '충전 요청의 유효 시간이 지났습니다. 대리점에서 다시 요청하세요.',
  },
  cash_in_recipient_not_found: {
    status: 404, type: 'not_found_error',
    en: 'No smallchange account has this phone number.',
    ko: '이 번호로 가입된 계정이 없습니다.',
  },
  rebalance_not_found: { status: 404, type: 'not_found_error', en: 'No such rebalancing request.', ko: '해당 정산 요청이 없습니다.' },
  rebalance_already_decided: { status: 409, type: 'state_error', en: 'This rebalancing request was already decided.', ko: '이미 처리된 정산 요청입니다.' },
  agent_status_reason_required: {
    status: 400, type: 'invalid_request_error',
    en: 'Say why (a reason of at least 3 characters): it goes into the audit log.',
    ko: '사유(3자 이상)를 입력하세요. 감사 기록에 남습니다.',
  },
  agent_already_suspended: { status: 409, type: 'state_error', en: 'This agent is already suspended.', ko: '이미 영업이 정지된 대리점입니다.' },
  agent_not_suspended: { status: 409, type: 'state_error', en: 'This agent is not suspended.', ko: '영업 정지 상태가 아닌 대리점입니다.' },
  agent_bank_account_missing: {
    status: 409, type: 'state_error',
    en: 'The agent has no bank account on record for float withdrawals; staff can record one of the owner\'s verified accounts.',
    ko: '대리점 잔액을 출금할 계좌가 등록되어 있지 않습니다. 대리점주의 인증된 계좌를 등록하세요.',
  },
  agent_bank_account_not_eligible: {
    status: 400, type: 'invalid_request_error',
    en: 'The bank account must be one of the agent owner\'s verified accounts (dst_…).',
    ko: '대리점주 본인의 인증된 계좌(dst_…)여야 합니다.',
  },
  deposit_required: {
    status: 400, type: 'invalid_request_error',
    en: 'A top-up is approved against the bank\'s deposit: give its bank reference from the reconciled statement.',
    ko: '충전은 은행 입금 내역에 대해 승인합니다. 대사된 거래내역의 은행 참조번호를 입력하세요.',
  },
  deposit_not_found: {
    status: 404, type: 'not_found_error',
    en: 'No deposit with this bank reference is on a reconciled bank statement (yet).',
    ko: '대사된 은행 거래내역에 이 참조번호의 입금이 없습니다.',
  },
  deposit_amount_mismatch: {
    status: 409, type: 'state_error',
    en: 'The deposit is another amount than the top-up requested.',
    ko: '입금액이 충전 요청 금액과 다릅니다.',
  },
  deposit_already_used: {
    status: 409, type: 'state_error',
    en: 'This deposit already topped up a float.',
    ko: '이미 충전에 사용된 입금입니다.',
  },
  rebalance_rail_unavailable: {
    status: 503, type: 'api_error',
    en: 'The bank rail is not configured: float withdrawals cannot be paid now.',
    ko: '은행 연계가 설정되지 않아 지금은 잔액 출금을 할 수 없습니다.',
  },
  rebalance_not_returnable: { status: 409, type: 'state_error', en: 'This rebalancing was not paid out, so it cannot be returned.', ko: '지급되지 않은 정산은 반환할 수 없습니다.' },
  invalid_coordinates: { status: 400, type: 'invalid_request_error', en: 'lat must be within ±90 and lng within ±180.', ko: '위도는 ±90, 경도는 ±180 이내여야 합니다.' },
  invalid_statement_date: { status: 400, type: 'invalid_request_error', en: 'The date is YYYY-MM-DD.', ko: '날짜는 YYYY-MM-DD 형식입니다.' },
});

export type AgentErrorCode = keyof typeof AGENT_ERRORS;
