// The reports' error catalogue.
import { defineErrors } from '../shared/errors.ts';

export const REPORT_ERRORS = defineErrors({
  invalid_report_date: { status: 400, type: 'invalid_request_error', en: 'A report date is a calendar date written YYYY-MM-DD.', ko: '보고서 날짜는 YYYY-MM-DD 형식의 실제 날짜여야 합니다.' },
});
