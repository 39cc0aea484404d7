// The policy module's error catalogue. The limit codes live here because every module that moves
// money (wallets, cash-out, payments, agents) refuses with the same codes and the same words.
import { defineErrors } from '../shared/errors.ts';

export const POLICY_ERRORS = defineErrors({
  invalid_policy: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The policy document is not valid.',
    ko: '정책 문서가 올바르지 않습니다.',
  },
  policy_version_not_found: {
    status: 404,
    type: 'not_found_error',
    en: 'There is no policy version with this number.',
    ko: '해당 번호의 정책 버전이 없습니다.',
  },
  policy_not_in_force: {
    status: 503,
    type: 'api_error',
    en: 'No policy version is in force at this time.',
    ko: '이 시점에 시행 중인 정책 버전이 없습니다.',
  },
  policy_effective_in_past: {
    status: 400,
    type: 'invalid_request_error',
    en: 'A policy version cannot take effect in the past.',
    ko: '정책 버전의 시행 시점은 과거일 수 없습니다.',
  },
  policy_effective_before_latest: {
    status: 400,
    type: 'invalid_request_error',
    en: 'A new policy version cannot take effect before the latest published version.',
    ko: '새 정책 버전은 가장 최근에 공개된 버전보다 먼저 시행될 수 없습니다.',
  },
  policy_version_conflict: {
    status: 409,
    type: 'state_error',
    en: 'Another policy version was published at the same moment; review it and publish again.',
    ko: '같은 시점에 다른 정책 버전이 공개되었습니다. 확인 후 다시 공개하세요.',
  },
  below_minimum: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The amount is below the minimum allowed.',
    ko: '금액이 허용된 최소 금액보다 적습니다.',
  },
  above_maximum: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The amount is above the most allowed in one transaction.',
    ko: '금액이 1회 최대 한도를 넘습니다.',
  },
  limit_exceeded: {
    status: 400,
    type: 'invalid_request_error',
    en: 'This would exceed your limit for the period.',
    ko: '기간 이용 한도를 넘습니다.',
  },
  self_limit_exceeded: {
    status: 400,
    type: 'invalid_request_error',
    en: 'This would exceed a limit you set for yourself.',
    ko: '직접 설정하신 이용 한도를 넘습니다.',
  },
  velocity_exceeded: {
    status: 400,
    type: 'invalid_request_error',
    en: 'Too many or too large transactions today; try again tomorrow.',
    ko: '오늘 거래 횟수나 금액이 너무 많습니다. 내일 다시 시도하세요.',
  },
  balance_cap_exceeded: {
    status: 400,
    type: 'invalid_request_error',
    en: 'This would take the balance over its cap.',
    ko: '보유 한도를 넘게 됩니다.',
  },
});

export type PolicyErrorCode = keyof typeof POLICY_ERRORS;
