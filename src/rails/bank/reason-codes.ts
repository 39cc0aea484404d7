// ISO 20022 external reason codes we meet on this rail, with what they mean for the person whose
// payout it was (en, ko). Status reasons come in pain.002 rejections; return reasons in camt.053
// return entries. A code not listed here is still carried through, with the bank's own text.
import type { Lang } from '../../shared/errors.ts';

const REASONS = {
  AC01: { en: 'The account number is incorrect.', ko: '계좌번호가 올바르지 않습니다.' },
  AC02: { en: "The operator's debit account is not valid at the bank.", ko: '출금 계좌가 은행에서 유효하지 않습니다.' },
  AC04: { en: 'The account is closed.', ko: '해지된 계좌입니다.' },
  AC06: { en: 'The account is blocked.', ko: '거래가 정지된 계좌입니다.' },
  AG01: { en: 'This account cannot receive this kind of transfer.', ko: '이 계좌로는 이 거래를 받을 수 없습니다.' },
  AM02: { en: 'The amount is above what the bank allows.', ko: '은행이 허용하는 금액을 넘었습니다.' },
  AM03: { en: 'The currency is not allowed on this account.', ko: '이 계좌에서 허용되지 않는 통화입니다.' },
  AM04: { en: "The operator's account at the bank had insufficient funds.", ko: '출금 계좌의 잔액이 부족했습니다.' },
  AM05: { en: 'The bank saw this payment twice and refused the duplicate.', ko: '중복 거래로 거절되었습니다.' },
  BE01: { en: 'The name does not match the account holder.', ko: '예금주 이름이 일치하지 않습니다.' },
  DU01: { en: 'The bank had already received a file with this message id.', ko: '이미 받은 전문 번호입니다.' },
  FF01: { en: 'The bank could not read the file.', ko: '은행이 파일을 읽을 수 없었습니다.' },
  MD07: { en: 'The account holder has died.', ko: '예금주가 사망했습니다.' },
  MS02: { en: "Returned at the account holder's request.", ko: '예금주의 요청으로 반환되었습니다.' },
  MS03: { en: 'Refused by the bank without a stated reason.', ko: '은행이 사유를 밝히지 않고 거절했습니다.' },
  NARR: { en: 'See the bank’s explanation.', ko: '은행의 설명을 확인하세요.' },
  RC01: { en: 'The bank code is incorrect.', ko: '은행 코드가 올바르지 않습니다.' },
} as const satisfies Record<string, { en: string; ko: string }>;

export type KnownReasonCode = keyof typeof REASONS;
/** A known code, or any other 1–4 character code a bank sends. */
export type ReasonCode = KnownReasonCode | (string & {});

export function isKnownReasonCode(code: string): code is KnownReasonCode {
  return Object.hasOwn(REASONS, code);
}

/** The meaning of a reason code for a person, or a generic text for a code we do not know. */
export function describeReason(code: string, lang: Lang): string {
  if (isKnownReasonCode(code)) return REASONS[code][lang];
  return lang === 'ko' ? `은행 사유 코드 ${code}` : `Bank reason code ${code}`;
}
