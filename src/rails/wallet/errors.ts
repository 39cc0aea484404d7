// The partner-wallet rail's errors. The webhook codes answer the provider (400/401: it should fix
// its request, and nothing was recorded); the others reach the cash-out module or the API.
import { defineErrors } from '../../shared/errors.ts';

export const WALLET_RAIL_ERRORS = defineErrors({
  missing_webhook_headers: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The webhook needs webhook-id, webhook-timestamp (seconds) and webhook-signature headers.',
    ko: '웹훅에는 webhook-id, webhook-timestamp(초), webhook-signature 헤더가 필요합니다.',
  },
  webhook_timestamp_out_of_tolerance: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The webhook timestamp is more than 5 minutes from our time; it was not recorded.',
    ko: '웹훅 시각이 서버 시각과 5분 넘게 차이 나서 기록하지 않았습니다.',
  },
  invalid_webhook_signature: {
    status: 401,
    type: 'authentication_error',
    en: 'The webhook signature does not match; it was not recorded.',
    ko: '웹훅 서명이 일치하지 않아 기록하지 않았습니다.',
  },
  invalid_webhook_payload: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The webhook body is not a payout event we understand; it was not recorded.',
    ko: '웹훅 본문을 지급 이벤트로 읽을 수 없어 기록하지 않았습니다.',
  },
  invalid_wallet_handle: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The wallet handle is not valid: use "@" followed by 3–32 of a–z, 0–9, ".", "_" or "-".',
    ko: '지갑 핸들이 올바르지 않습니다. "@" 뒤에 a–z, 0–9, ".", "_", "-" 3–32자를 사용하세요.',
  },
  wallet_payout_conflict: {
    status: 409,
    type: 'idempotency_error',
    en: 'This payout reference was already sent to the wallet provider with a different amount or recipient.',
    ko: '이 지급 참조번호는 이미 다른 금액이나 수취인으로 지갑 제공사에 보내졌습니다.',
  },
  wallet_provider_unavailable: {
    status: 503,
    type: 'api_error',
    en: 'The wallet provider could not be reached; nothing was sent. Try again.',
    ko: '지갑 제공사에 연결할 수 없어 아무것도 보내지 않았습니다. 다시 시도하세요.',
  },
});

export type WalletRailErrorCode = keyof typeof WALLET_RAIL_ERRORS;
