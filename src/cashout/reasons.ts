// Why a cash-out is where it is, for the person it belongs to, in their language: a bank's ISO
// reason code, one of our error codes (a screening refusal), or one of the workflow's own words.
import { describeReason, isKnownReasonCode } from '../rails/index.ts';
import { errorSpec, type Lang } from '../shared/errors.ts';

const OWN_REASONS: Record<string, Record<Lang, string>> = {
  no_answer: { en: 'The bank never took the payout; the money is back in your wallet.', ko: '은행이 지급을 처리하지 않아 금액을 지갑으로 돌려드렸습니다.' },
  new_destination_cooldown: {
    en: 'The first payout to a newly added account waits a while for your safety.',
    ko: '새로 등록한 계좌로의 첫 출금은 안전을 위해 잠시 대기합니다.',
  },
  cancelled_by_user: { en: 'You cancelled it.', ko: '직접 취소하셨습니다.' },
  reservation_lapsed: { en: 'Paid after a delay at the bank.', ko: '은행 처리 지연 후 지급되었습니다.' },
  reservation_lapsed_unfunded: { en: 'Paid after a delay at the bank.', ko: '은행 처리 지연 후 지급되었습니다.' },
  not_recorded: { en: 'The request could not be completed; nothing was taken.', ko: '요청을 완료하지 못해 아무 금액도 빠져나가지 않았습니다.' },
};

export function reasonMessage(code: string, storedText: string | null, lang: Lang): string | null {
  const own = OWN_REASONS[code];
  if (own) return own[lang];
  if (isKnownReasonCode(code)) return describeReason(code, lang);
  const spec = errorSpec(code);
  if (spec) return spec[lang];
  return storedText;
}
