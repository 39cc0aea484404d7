// SMS templates in ko and en. A module renders the text when it enqueues (so the outbox row holds
// exactly what the person received) with `renderSms(template, lang, params)`; the parameters are
// typed per template, so a missing or misspelt one is a compile error, and checked again at run
// time, so a wrong value never reaches a phone as "undefined" or "{code}".
//
// Templates are data rather than functions so that every placeholder can be checked against the
// declared parameters (tests render every template in both languages). A one-part SMS on Korean
// carriers is 90 bytes (EUC-KR: 2 bytes per Hangul syllable); templates marked `lms` may be longer.
// No template takes a PIN: a PIN is never sent, by anyone, for any reason.
import { formatMoney, type Money } from '../money/index.ts';
import type { Lang } from '../shared/errors.ts';

type Localized = Readonly<Record<Lang, string>>;

export type ParamSpec =
  | { readonly kind: 'code' }
  | { readonly kind: 'count' }
  | { readonly kind: 'money' }
  | { readonly kind: 'time' }
  /** A calendar day with its year, for dates months away (a voucher's expiry): "2027-11-24". */
  | { readonly kind: 'date' }
  | { readonly kind: 'phone' }
  | { readonly kind: 'url' }
  /** A receipt or reference number: ASCII letters, digits and dashes. */
  | { readonly kind: 'ref'; readonly chars_max: number }
  | { readonly kind: 'text'; readonly chars_max: number }
  | { readonly kind: 'choice'; readonly options: Readonly<Record<string, Localized>> };

export interface TemplateSpec {
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly ko: string;
  readonly en: string;
  /** Holds a one-time secret (OTP, agent code): never logged, hidden outside the demo inbox. */
  readonly sensitive?: boolean;
  /** Allowed to exceed one SMS (sent as LMS). */
  readonly lms?: boolean;
}

const code = { kind: 'code' } as const;
const count = { kind: 'count' } as const;
const money = { kind: 'money' } as const;

const STEP_UP_ACTIONS = {
  payout_destination: { ko: '출금계좌 등록', en: 'new payout account' },
  limit_raise: { ko: '한도 상향', en: 'limit raise' },
  pin_change: { ko: 'PIN 변경', en: 'PIN change' },
  pin_reset: { ko: 'PIN 재설정', en: 'PIN reset' },
  cashout: { ko: '출금', en: 'cash-out' },
  send: { ko: '송금', en: 'transfer' },
  unfreeze: { ko: '동결 해제', en: 'unfreeze' },
  new_device: { ko: '새 기기 등록', en: 'new device' },
} as const;

const LIMIT_KINDS = {
  daily_spend: { ko: '일일 결제', en: 'daily spending' },
  monthly_spend: { ko: '월 결제', en: 'monthly spending' },
  daily_cashout: { ko: '일일 출금', en: 'daily cash-out' },
  monthly_cashout: { ko: '월 출금', en: 'monthly cash-out' },
  daily_send: { ko: '일일 송금', en: 'daily sending' },
  monthly_send: { ko: '월 송금', en: 'monthly sending' },
} as const;

export const SMS_TEMPLATES = {
  'otp.register': {
    params: { code, minutes: count },
    sensitive: true,
    ko: '[스몰체인지] 가입 인증번호 {code} ({minutes}분 유효). 타인에게 알려주지 마세요.',
    en: '[smallchange] Sign-up code {code}, valid {minutes} min. Never share it.',
  },
  'otp.login': {
    params: { code, minutes: count },
    sensitive: true,
    ko: '[스몰체인지] 로그인 인증번호 {code} ({minutes}분 유효). 타인에게 알려주지 마세요.',
    en: '[smallchange] Login code {code}, valid {minutes} min. Never share it.',
  },
  'otp.step_up': {
    params: { code, minutes: count, action: { kind: 'choice', options: STEP_UP_ACTIONS } },
    sensitive: true,
    ko: '[스몰체인지] {action} 인증번호 {code} ({minutes}분 유효). 타인에게 알리지 마세요.',
    en: '[smallchange] Code {code} for {action}, valid {minutes} min. Never share it.',
  },
  'pin.locked': {
    params: { minutes: count },
    ko: '[스몰체인지] PIN 오류가 반복되어 {minutes}분간 잠겼습니다. 본인이 아니면 고객센터로 연락하세요.',
    en: '[smallchange] Too many wrong PINs: locked for {minutes} min. Not you? Call support.',
  },
  'pin.reset': {
    params: { hours: count },
    ko: '[스몰체인지] PIN이 재설정되어 {hours}시간 동안 출금·송금이 제한됩니다.',
    en: '[smallchange] PIN reset. Cash-outs and transfers paused for {hours}h.',
  },
  'account.frozen': {
    params: {
      by: {
        kind: 'choice',
        options: {
          self: { ko: '요청하신 대로 계정을 동결했습니다', en: 'Your account is frozen as you asked' },
          staff: { ko: '계정이 동결되었습니다(고객센터 문의)', en: 'Your account was frozen; call support' },
        },
      },
    },
    ko: '[스몰체인지] {by}. 입금은 계속 받습니다.',
    en: '[smallchange] {by}. Credits still arrive.',
  },
  'account.unfrozen': {
    params: {},
    ko: '[스몰체인지] 계정 동결이 해제되었습니다. 본인이 아니면 고객센터로 연락하세요.',
    en: '[smallchange] Your account is unfrozen. Not you? Call support.',
  },
  'credit.received': {
    params: { amount: money, partner: { kind: 'text', chars_max: 12 } },
    ko: '[스몰체인지] {partner}에서 {amount}이 입금되었습니다.',
    en: '[smallchange] {amount} received from {partner}.',
  },
  'credit.unclaimed_invitation': {
    params: { amount: money, partner: { kind: 'text', chars_max: 20 }, days: count, url: { kind: 'url' } },
    lms: true,
    ko: '[스몰체인지] {partner}에서 {amount}을 보냈습니다. {days}일 안에 이 번호로 가입하면 받을 수 있습니다. 가입: {url}',
    en: '[smallchange] {partner} sent you {amount}. Sign up with this number within {days} days to claim it: {url}',
  },
  'credit.held_over_cap': {
    params: { amount: money },
    ko: '[스몰체인지] 잔액 한도 초과로 {amount} 보류. 출금하거나 등급을 올리면 지급됩니다.',
    en: '[smallchange] {amount} on hold (balance cap). Cash out or upgrade to receive it.',
  },
  'cashout.reserved': {
    params: { amount: money },
    ko: '[스몰체인지] {amount} 출금 신청을 접수했습니다.',
    en: '[smallchange] Cash-out of {amount} requested.',
  },
  'cashout.submitted': {
    params: { amount: money },
    ko: '[스몰체인지] {amount} 출금을 처리하고 있습니다.',
    en: '[smallchange] Cash-out of {amount} is on its way.',
  },
  'cashout.settled': {
    params: { amount: money, receipt: { kind: 'ref', chars_max: 24 } },
    ko: '[스몰체인지] {amount} 출금 완료. 영수증 {receipt}',
    en: '[smallchange] Cash-out of {amount} paid. Receipt {receipt}',
  },
  'cashout.failed': {
    params: { amount: money },
    ko: '[스몰체인지] {amount} 출금에 실패해 잔액으로 돌려드렸습니다.',
    en: '[smallchange] Cash-out of {amount} failed; the money is back in your wallet.',
  },
  'cashout.returned': {
    params: { amount: money },
    ko: '[스몰체인지] 은행이 {amount} 출금을 반환해 잔액으로 돌려드렸습니다.',
    en: '[smallchange] Bank returned your {amount} cash-out; it is back in your wallet.',
  },
  'cashout.cancelled': {
    params: { amount: money },
    ko: '[스몰체인지] {amount} 출금이 취소되어 잔액으로 돌려드렸습니다.',
    en: '[smallchange] Cash-out of {amount} cancelled; the money is back in your wallet.',
  },
  'agent.code': {
    params: { code, amount: money, minutes: count },
    sensitive: true,
    ko: '[스몰체인지] 대리점 출금코드 {code} ({amount}, {minutes}분 유효)',
    en: '[smallchange] Agent cash-out code {code} for {amount}, valid {minutes} min.',
  },
  'atm.code': {
    params: { code, amount: money, minutes: count },
    sensitive: true,
    ko: '[스몰체인지] ATM 출금코드 {code} ({amount}, {minutes}분 유효)',
    en: '[smallchange] ATM cash code {code} for {amount}, valid {minutes} min.',
  },
  'agent.cash_out_paid': {
    params: { amount: money, commission: money, receipt: { kind: 'ref', chars_max: 24 } },
    lms: true,
    ko: '[스몰체인지] {amount} 지급 완료, 수수료 {commission}. 영수증 {receipt}',
    en: '[smallchange] Paid out {amount}; commission {commission}. Receipt {receipt}',
  },
  'agent.cash_in': {
    params: { amount: money, agent: { kind: 'text', chars_max: 12 } },
    ko: '[스몰체인지] {agent}에서 {amount} 충전되었습니다.',
    en: '[smallchange] {amount} cash-in at {agent}.',
  },
  'agent.cash_in_confirm': {
    params: { amount: money, agent: { kind: 'text', chars_max: 12 } },
    lms: true,
    ko: '[스몰체인지] {agent}의 {amount} 충전 요청을 앱에서 PIN으로 확인하세요.',
    en: '[smallchange] Confirm the {amount} cash-in at {agent} in the app with your PIN.',
  },
  'agent.float_low': {
    params: { float: money },
    ko: '[스몰체인지] 대리점 잔액이 {float}로 낮습니다. 충전을 요청하세요.',
    en: '[smallchange] Your agent float is low ({float}). Request a top-up.',
  },
  'agent.suspended': {
    params: {},
    ko: '[스몰체인지] 대리점 영업이 정지되었습니다. 문의: 고객센터',
    en: '[smallchange] Your agent counter is suspended. Contact support.',
  },
  'agent.reactivated': {
    params: {},
    ko: '[스몰체인지] 대리점 영업이 재개되었습니다.',
    en: '[smallchange] Your agent counter is active again.',
  },
  'agent.withdrawal_failed': {
    params: { amount: money },
    ko: '[스몰체인지] 잔액 {amount} 계좌출금이 은행에서 거절되어 복구되었습니다.',
    en: '[smallchange] Bank refused your {amount} float withdrawal; float restored.',
  },
  'agent.withdrawal_returned': {
    params: { amount: money },
    ko: '[스몰체인지] 은행이 잔액 {amount} 계좌출금을 반환해 복구되었습니다.',
    en: '[smallchange] Bank returned your {amount} float withdrawal; float restored.',
  },
  'send.received': {
    params: { amount: money, sender: { kind: 'phone' } },
    ko: '[스몰체인지] {sender}님이 {amount}을 보냈습니다.',
    en: '[smallchange] {sender} sent you {amount}.',
  },
  'limit.raise_scheduled': {
    params: { limit: { kind: 'choice', options: LIMIT_KINDS }, amount: money, at: { kind: 'time' } },
    ko: '[스몰체인지] {limit} 한도가 {at}에 {amount}으로 올라갑니다.',
    en: '[smallchange] Your {limit} limit rises to {amount} at {at}.',
  },
  'limit.raised': {
    params: { limit: { kind: 'choice', options: LIMIT_KINDS }, amount: money },
    ko: '[스몰체인지] {limit} 한도 {amount}이 지금부터 적용됩니다.',
    en: '[smallchange] Your {limit} limit of {amount} applies from now.',
  },
  'limit.removal_scheduled': {
    params: { limit: { kind: 'choice', options: LIMIT_KINDS }, at: { kind: 'time' } },
    ko: '[스몰체인지] 직접 정한 {limit} 한도가 {at}에 해제됩니다.',
    en: '[smallchange] Your own {limit} limit ends at {at}.',
  },
  'limit.removed': {
    params: { limit: { kind: 'choice', options: LIMIT_KINDS } },
    ko: '[스몰체인지] 직접 정한 {limit} 한도가 해제되었습니다.',
    en: '[smallchange] Your own {limit} limit has ended.',
  },
  'send.sent': {
    params: { amount: money, recipient: { kind: 'phone' } },
    ko: '[스몰체인지] {recipient}님께 {amount}을 보냈습니다.',
    en: '[smallchange] You sent {amount} to {recipient}.',
  },
  // Spending (src/payments): merchant names are cut to 12 characters so one SMS holds them.
  'payment.paid': {
    params: { amount: money, merchant: { kind: 'text', chars_max: 12 } },
    ko: '[스몰체인지] {merchant}에 {amount} 결제했습니다.',
    en: '[smallchange] You paid {amount} to {merchant}.',
  },
  'payment.refunded': {
    params: { amount: money, merchant: { kind: 'text', chars_max: 12 } },
    ko: '[스몰체인지] {merchant}에서 {amount} 환불했습니다.',
    en: '[smallchange] {merchant} refunded {amount} to you.',
  },
  'voucher.received': {
    params: { amount: money, sender: { kind: 'phone' }, voucher: { kind: 'ref', chars_max: 19 }, secret: code, until: { kind: 'date' } },
    sensitive: true,
    lms: true,
    ko: '[스몰체인지] {sender}님이 {amount} 상품권을 보냈습니다. 번호 {voucher} PIN {secret}, {until}까지 가맹점에서 사용하세요. 현금으로 바꿀 수 없습니다.',
    en: '[smallchange] {sender} sent you a {amount} gift voucher: number {voucher}, PIN {secret}. Use it at the shop until {until}. It cannot be exchanged for cash.',
  },
  // The buyer's own copy, for a face whose screen cannot be kept (USSD: the dialog's last screen
  // is gone once dismissed, or lost with a dropped reply).
  'voucher.bought': {
    params: { amount: money, voucher: { kind: 'ref', chars_max: 19 }, secret: code, until: { kind: 'date' } },
    sensitive: true,
    lms: true,
    ko: '[스몰체인지] {amount} 상품권 번호 {voucher} PIN {secret}, {until}까지 가맹점에서 사용하세요. 현금으로 바꿀 수 없습니다.',
    en: '[smallchange] Your {amount} gift voucher: number {voucher}, PIN {secret}. Use it at the shop until {until}. It cannot be exchanged for cash.',
  },
  'subscription.requested': {
    params: {
      amount: money,
      merchant: { kind: 'text', chars_max: 10 },
      period: { kind: 'choice', options: { daily: { ko: '매일', en: 'daily' }, weekly: { ko: '매주', en: 'weekly' }, monthly: { ko: '매월', en: 'monthly' } } },
    },
    ko: '[스몰체인지] {merchant} {period} {amount} 정기결제 요청. 앱에서 승인하세요.',
    en: '[smallchange] {merchant} asks {amount} {period}. Approve in the app.',
  },
  'subscription.charged': {
    params: { amount: money, merchant: { kind: 'text', chars_max: 12 } },
    ko: '[스몰체인지] {merchant} 정기결제 {amount} 출금되었습니다.',
    en: '[smallchange] Subscription: {amount} paid to {merchant}.',
  },
  'subscription.charge_failed': {
    params: { amount: money, merchant: { kind: 'text', chars_max: 10 } },
    ko: '[스몰체인지] {merchant} 정기결제 {amount} 실패(잔액 부족). 재시도 예정',
    en: '[smallchange] {merchant} {amount} not paid: low balance. Will retry.',
  },
} as const satisfies Record<string, TemplateSpec>;

export type SmsTemplate = keyof typeof SMS_TEMPLATES;

type ValueOf<S> = S extends { kind: 'code' | 'phone' | 'url' | 'text' | 'ref' }
  ? string
  : S extends { kind: 'count' }
    ? number
    : S extends { kind: 'money' }
      ? Money
      : S extends { kind: 'time' | 'date' }
        ? Date
        : S extends { kind: 'choice'; options: infer O }
          ? keyof O & string
          : never;

export type SmsParams<T extends SmsTemplate> = {
  -readonly [K in keyof (typeof SMS_TEMPLATES)[T]['params']]: ValueOf<(typeof SMS_TEMPLATES)[T]['params'][K]>;
};

export interface RenderOptions {
  /** Times are shown in the operator's zone (Asia/Seoul by default), never UTC. */
  timeZone?: string;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export function isSmsTemplate(name: string): name is SmsTemplate {
  return Object.hasOwn(SMS_TEMPLATES, name);
}

/** Whether a template carries a one-time secret (its body is never logged nor shown in production). */
export function isSensitiveTemplate(name: string): boolean {
  if (!isSmsTemplate(name)) return name.startsWith('otp.');
  const spec: TemplateSpec = SMS_TEMPLATES[name];
  return spec.sensitive === true;
}

export function renderSms<T extends SmsTemplate>(template: T, lang: Lang, params: SmsParams<T>, options: RenderOptions = {}): string {
  const spec: TemplateSpec = SMS_TEMPLATES[template];
  const values = params as Record<string, unknown>;
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(spec.params, name)) throw new TemplateError(`${template}: unknown parameter "${name}"`);
  }
  return spec[lang].replace(/\{([a-z_]+)\}/g, (_match, name: string) => {
    const param = spec.params[name];
    if (!param) throw new TemplateError(`${template}: placeholder {${name}} has no parameter`);
    return formatParam(template, name, param, values[name], lang, options);
  });
}

function formatParam(template: string, name: string, spec: ParamSpec, value: unknown, lang: Lang, options: RenderOptions): string {
  const fail = (why: string): never => {
    throw new TemplateError(`${template}: parameter "${name}" ${why}`);
  };
  if (value === undefined || value === null) return fail('is missing');
  switch (spec.kind) {
    case 'code':
      return typeof value === 'string' && /^[0-9A-Z]{4,10}$/.test(value) ? value : fail('must be 4–10 digits or capital letters');
    case 'count':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : fail('must be a whole number ≥ 0');
    case 'money': {
      const m = value as Partial<Money>;
      return typeof m.amount === 'bigint' && typeof m.currency === 'string' ? formatMoney(m.amount, m.currency, lang) : fail('must be { amount: Micros, currency }');
    }
    case 'time':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? formatTime(value, options.timeZone ?? 'Asia/Seoul') : fail('must be a Date');
    case 'date':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? formatDate(value, options.timeZone ?? 'Asia/Seoul') : fail('must be a Date');
    case 'phone':
      return typeof value === 'string' && /^\+[1-9][0-9]{6,14}$/.test(value) ? maskPhone(value) : fail('must be an E.164 number');
    case 'url':
      return typeof value === 'string' && /^https?:\/\/[^\s{}]+$/.test(value) && value.length <= 100 ? value : fail('must be an http(s) URL of ≤ 100 characters');
    case 'ref':
      return typeof value === 'string' && /^[A-Za-z0-9-]+$/.test(value) && value.length <= spec.chars_max
        ? value
        : fail(`must be at most ${spec.chars_max} letters, digits or dashes`);
    case 'text':
      if (typeof value !== 'string' || value.trim() === '' || /[\p{Cc}{}]/u.test(value)) return fail('must be one line of text');
      return [...value].length <= spec.chars_max ? value : fail(`must be at most ${spec.chars_max} characters`);
    case 'choice': {
      const choice = typeof value === 'string' && Object.hasOwn(spec.options, value) ? spec.options[value] : undefined;
      return choice ? choice[lang] : fail(`must be one of ${Object.keys(spec.options).join(', ')}`);
    }
  }
}

/** "1/16 09:00" in the operator's zone: short, and the same in both languages. */
/** "2027-11-24" in the operator's zone: the year is there, as the date may be next year's. */
function formatDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function formatTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('month')}/${part('day')} ${part('hour')}:${part('minute')}`;
}

/** A sender's number is shown masked: enough for the person to recognise, too little to harvest. */
export function maskPhone(e164: string): string {
  if (e164.startsWith('+82') && e164.length === 13) {
    const national = `0${e164.slice(3)}`;
    return `${national.slice(0, 3)}-****-${national.slice(7)}`;
  }
  return `***${e164.slice(-4)}`;
}

/** Bytes of a text as Korean carriers count them (EUC-KR: ASCII 1 byte, anything else 2). */
export function smsBytes(text: string): number {
  let bytes = 0;
  for (const ch of text) bytes += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return bytes;
}

/** A one-part SMS; past this a Korean carrier sends an LMS. */
export const SMS_BYTES_MAX = 90;
/** One LMS (long message): the limit for templates marked `lms`. */
export const LMS_BYTES_MAX = 2000;
