// Error codes of the wallet features (sends, pots, history, self-limits). The limit refusals
// (limit_exceeded, self_limit_exceeded, velocity_exceeded, …) are the policy module's, so that
// every money-moving service refuses with the same codes and words.
import { defineErrors } from '../shared/errors.ts';
import '../policy/index.ts';

export const WALLET_FEATURE_ERRORS = defineErrors({
  otp_required: {
    status: 403,
    type: 'permission_error',
    en: 'Confirm this with the code we sent by SMS: send the request again with otp and challenge_id (in details).',
    ko: '문자로 보낸 인증번호로 확인해 주세요. details의 challenge_id와 인증번호(otp)를 담아 다시 요청하세요.',
  },
  recipient_not_registered: {
    status: 400,
    type: 'invalid_request_error',
    en: 'Nobody has registered this number yet, so money cannot be sent to it now.',
    ko: '아직 가입하지 않은 번호라 지금은 송금할 수 없습니다.',
  },
  recipient_unavailable: {
    status: 400,
    type: 'invalid_request_error',
    en: 'This number cannot receive money.',
    ko: '이 번호로는 송금할 수 없습니다.',
  },
  recipient_cannot_receive: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The recipient cannot receive this amount now: their wallet would go over its balance limit.',
    ko: '받는 분의 보유 한도를 넘어 지금은 이 금액을 받을 수 없습니다.',
  },
  cannot_send_to_self: {
    status: 400,
    type: 'invalid_request_error',
    en: 'You cannot send money to your own number; move it between your wallets instead.',
    ko: '본인 번호로는 송금할 수 없습니다. 지갑 간 이동을 이용하세요.',
  },
  amount_below_fee: {
    status: 400,
    type: 'invalid_request_error',
    en: 'The amount does not cover the fee.',
    ko: '금액이 수수료보다 적습니다.',
  },
  invalid_note: {
    status: 400,
    type: 'invalid_request_error',
    en: 'A note is one line of at most 140 characters.',
    ko: '메모는 140자 이내의 한 줄이어야 합니다.',
  },
  invalid_wallet_name: {
    status: 400,
    type: 'invalid_request_error',
    en: 'A wallet name is 1–40 characters on one line, and "main" is taken by your main wallet.',
    ko: '지갑 이름은 한 줄, 1~40자이며 "main"은 기본 지갑 이름이라 쓸 수 없습니다.',
  },
  wallet_name_taken: {
    status: 409,
    type: 'state_error',
    en: 'You already have a wallet with this name.',
    ko: '같은 이름의 지갑이 이미 있습니다.',
  },
  wallets_limit_reached: {
    status: 409,
    type: 'state_error',
    en: 'You have as many wallets as allowed.',
    ko: '만들 수 있는 지갑 수를 모두 사용했습니다.',
  },
  same_wallet: {
    status: 400,
    type: 'invalid_request_error',
    en: 'Choose two different wallets.',
    ko: '서로 다른 두 지갑을 선택하세요.',
  },
  invalid_cursor: {
    status: 400,
    type: 'invalid_request_error',
    en: 'starting_after must be the id of an entry of this wallet.',
    ko: 'starting_after는 이 지갑 내역의 id여야 합니다.',
  },
  invalid_date: {
    status: 400,
    type: 'invalid_request_error',
    en: 'A date is YYYY-MM-DD (the operator\'s time zone) or an ISO 8601 time with an offset.',
    ko: '날짜는 YYYY-MM-DD(운영사 시간대) 또는 시간대가 있는 ISO 8601 시각이어야 합니다.',
  },
  invalid_date_range: {
    status: 400,
    type: 'invalid_request_error',
    en: '"from" must be before "to".',
    ko: '"from"은 "to"보다 앞이어야 합니다.',
  },
  invalid_history_type: {
    status: 400,
    type: 'invalid_request_error',
    en: 'Unknown entry type.',
    ko: '알 수 없는 내역 유형입니다.',
  },
  invalid_source: {
    status: 400,
    type: 'invalid_request_error',
    en: 'Unknown credit source.',
    ko: '알 수 없는 적립 출처입니다.',
  },
});
