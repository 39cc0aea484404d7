// Reconciliation's error catalogue: what finance staff (and the CLI) are told when a statement or
// a task cannot be taken as given.
import { defineErrors } from '../../shared/errors.ts';

export const RECONCILIATION_ERRORS = defineErrors({
  invalid_statement: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The file is not a valid camt.053.001.08 statement; nothing was reconciled.',
    ko: '올바른 camt.053.001.08 거래내역서가 아니어서 대사하지 않았습니다.',
  },
  statement_conflict: {
    status: 409,
    type: 'state_error',
    en: 'A statement with this id for this account was already reconciled with different content; nothing was changed.',
    ko: '같은 계좌의 같은 번호 거래내역서가 다른 내용으로 이미 대사되어 아무것도 바꾸지 않았습니다.',
  },
  reconciliation_not_found: {
    status: 404,
    type: 'not_found_error',
    en: 'No statement has been reconciled for this date.',
    ko: '이 날짜로 대사한 거래내역서가 없습니다.',
  },
  invalid_date: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The date is not a calendar date: use YYYY-MM-DD.',
    ko: '날짜 형식이 올바르지 않습니다. YYYY-MM-DD 형식을 사용하세요.',
  },
  finance_task_not_found: {
    status: 404,
    type: 'not_found_error',
    en: 'There is no finance task with this id.',
    ko: '해당 재무 작업이 없습니다.',
  },
  finance_task_already_resolved: {
    status: 409,
    type: 'state_error',
    en: 'This finance task is already resolved.',
    ko: '이미 처리된 재무 작업입니다.',
  },
  invalid_resolution: {
    status: 400,
    type: 'invalid_request_error',
    en: 'Say how the task was resolved, in 3 to 500 characters; it is kept in the audit log.',
    ko: '처리 내용을 3–500자로 적으세요. 감사 기록에 남습니다.',
  },
  invalid_task_filter: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The filter is not valid: status is open or resolved, kind one of the task kinds, limit 1–100.',
    ko: '필터가 올바르지 않습니다. status는 open 또는 resolved, kind는 작업 종류, limit은 1–100입니다.',
  },
});

export type ReconciliationErrorCode = keyof typeof RECONCILIATION_ERRORS;
