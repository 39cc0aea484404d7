// The support module's error catalogue (call-back requests for now).
import { defineErrors } from '../shared/errors.ts';

export const SUPPORT_ERRORS = defineErrors({
  callback_request_not_found: { status: 404, type: 'not_found_error', en: 'No such call-back request.', ko: '해당 상담 요청이 없습니다.' },
  callback_request_closed: { status: 409, type: 'state_error', en: 'This call-back request is already closed.', ko: '이미 처리가 끝난 상담 요청입니다.' },
});
