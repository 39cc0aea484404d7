// SMS texts in ko and en, chosen by the person's language. Codes appear only in the SMS body
// (which must carry them), never in the outbox payload.
import type { Lang } from '../shared/errors.ts';

type Vars = Record<string, string>;
type Template = Record<Lang, (v: Vars) => string>;

/** How each step-up action is named in the code's SMS. Other modules' actions fall back to `default`. */
export const ACTION_NAMES: Record<string, Record<Lang, string>> = {
  register: { en: 'sign up', ko: '회원가입' },
  login: { en: 'sign in on a new device', ko: '새 기기 로그인' },
  'pin.change': { en: 'change your PIN', ko: 'PIN 변경' },
  'pin.reset': { en: 'reset your PIN', ko: 'PIN 재설정' },
  'freeze.lift': { en: 'unfreeze your account', ko: '계정 정지 해제' },
  'phone.bind': { en: 'link this number to your account', ko: '이 번호를 계정에 연결' },
  'cashout.create': { en: 'cash out', ko: '출금' },
  'transfer.send': { en: 'send money', ko: '송금' },
  'limits.raise': { en: 'raise your limit', ko: '한도 상향' },
  'payout_destination.add': { en: 'add a payout account', ko: '출금 계좌 등록' },
  default: { en: 'confirm a request', ko: '요청 확인' },
};

export function actionName(action: string, lang: Lang): string {
  return (ACTION_NAMES[action] ?? ACTION_NAMES.default!)[lang];
}

const TEMPLATES = {
  'otp.code': {
    en: (v) => `[smallchange] ${v.code} is your code to ${v.action}. Valid ${v.minutes} min. Never share it.`,
    ko: (v) => `[스몰체인지] ${v.action} 인증번호 ${v.code} (${v.minutes}분 유효). 타인에게 알려주지 마세요.`,
  },
  'account.welcome': {
    en: () => '[smallchange] Welcome! Your account is ready.',
    ko: () => '[스몰체인지] 가입을 환영합니다. 계정이 준비되었습니다.',
  },
  'security.locked': {
    en: (v) => `[smallchange] Your account was locked after ${v.attempts} wrong PINs, until ${v.until} (UTC). If this was not you, freeze it: reply FREEZE.`,
    ko: (v) => `[스몰체인지] PIN ${v.attempts}회 오류로 계정이 ${v.until}(UTC)까지 잠겼습니다. 본인이 아니면 '정지'라고 답장해 계정을 정지하세요.`,
  },
  'security.unlocked': {
    en: () => '[smallchange] Support unlocked your account.',
    ko: () => '[스몰체인지] 고객센터에서 계정 잠금을 해제했습니다.',
  },
  'security.pin_changed': {
    en: () => '[smallchange] Your PIN was changed. If this was not you, reply FREEZE.',
    ko: () => "[스몰체인지] PIN이 변경되었습니다. 본인이 아니면 '정지'라고 답장하세요.",
  },
  'security.pin_reset': {
    en: (v) => `[smallchange] Your PIN was reset. For your safety, cash-outs and sends to people are held until ${v.until} (UTC). If this was not you, reply FREEZE.`,
    ko: (v) => `[스몰체인지] PIN이 재설정되었습니다. 안전을 위해 ${v.until}(UTC)까지 출금과 송금이 보류됩니다. 본인이 아니면 '정지'라고 답장하세요.`,
  },
  'security.new_device': {
    en: () => '[smallchange] You signed in on a new device.',
    ko: () => '[스몰체인지] 새 기기에서 로그인했습니다.',
  },
  'account.frozen': {
    en: () => '[smallchange] Your account is frozen: nothing can leave it. Credits still arrive. Unfreeze in the app with your PIN and a code.',
    ko: () => '[스몰체인지] 계정이 정지되었습니다. 출금·송금·결제가 막히며 입금은 계속됩니다. 앱에서 PIN과 인증번호로 해제할 수 있습니다.',
  },
  'account.frozen_by_staff': {
    en: () => '[smallchange] The operator froze your account. Contact support.',
    ko: () => '[스몰체인지] 운영자가 계정을 정지했습니다. 고객센터에 문의하세요.',
  },
  'account.unfrozen': {
    en: () => '[smallchange] Your account is no longer frozen.',
    ko: () => '[스몰체인지] 계정 정지가 해제되었습니다.',
  },
  'account.phone_bound': {
    en: () => '[smallchange] This number is now linked to your account.',
    ko: () => '[스몰체인지] 이 번호가 계정에 연결되었습니다.',
  },
  'kyc.tier_changed': {
    en: (v) => `[smallchange] Your account is now tier ${v.tier}.`,
    ko: (v) => `[스몰체인지] 계정 등급이 ${v.tier}등급이 되었습니다.`,
  },
  'sms.keyword_unknown': {
    en: () => '[smallchange] Reply FREEZE to freeze your account at once.',
    ko: () => "[스몰체인지] 계정을 바로 정지하려면 '정지'라고 답장하세요.",
  },
} satisfies Record<string, Template>;

export type SmsTemplate = keyof typeof TEMPLATES;

export function renderSms(template: SmsTemplate, lang: Lang, vars: Vars = {}): string {
  return TEMPLATES[template][lang](vars);
}

/** "2026-01-15 09:30" — minutes are enough for a person. */
export function smsTime(at: Date): string {
  return at.toISOString().slice(0, 16).replace('T', ' ');
}
