// The notify area's error catalogue (codes are stable; messages in en and ko).
import { defineErrors } from '../shared/errors.ts';

export const NOTIFY_ERRORS = defineErrors({
  invalid_phone_number: {
    status: 400,
    type: 'invalid_request_error',
    en: 'This is not a valid phone number.',
    ko: '올바른 전화번호가 아닙니다.',
  },
  invalid_cursor: {
    status: 400,
    type: 'invalid_request_error',
    en: 'starting_after does not name an item of this list.',
    ko: 'starting_after가 이 목록의 항목이 아닙니다.',
  },
  invalid_webhook_url: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The webhook URL is not allowed: use an https URL on a public host.',
    ko: '사용할 수 없는 웹훅 URL입니다. 공개 호스트의 https URL을 사용하세요.',
  },
  webhook_endpoint_not_found: {
    status: 404,
    type: 'not_found_error',
    en: 'No webhook endpoint is set up yet: PUT one with a url.',
    ko: '설정된 웹훅 엔드포인트가 없습니다. url과 함께 PUT으로 설정하세요.',
  },
  message_not_found: {
    status: 404,
    type: 'not_found_error',
    en: 'No outbox message has this id.',
    ko: '이 ID의 메시지가 없습니다.',
  },
  message_in_flight: {
    status: 409,
    type: 'state_error',
    en: 'This message is being delivered right now; try again in a moment.',
    ko: '이 메시지는 지금 전송 중입니다. 잠시 후 다시 시도하세요.',
  },
  message_not_replayable: {
    status: 409,
    type: 'state_error',
    en: 'A one-time code is never sent again: ask the person to request a new one.',
    ko: '일회용 코드는 다시 보내지 않습니다. 새 코드를 요청하도록 안내하세요.',
  },
});

export type NotifyErrorCode = keyof typeof NOTIFY_ERRORS;
