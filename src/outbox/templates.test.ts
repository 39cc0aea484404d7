import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMoney, fromMinor, micros, type Micros, type Money } from '../money/index.ts';
import {
  LMS_BYTES_MAX,
  isSensitiveTemplate,
  maskPhone,
  renderSms,
  SMS_BYTES_MAX,
  SMS_TEMPLATES,
  smsBytes,
  TemplateError,
  type ParamSpec,
  type SmsTemplate,
  type TemplateSpec,
} from './index.ts';


const LANGS = ['ko', 'en'] as const;
const NAMES = Object.keys(SMS_TEMPLATES) as SmsTemplate[];

// The largest values a template should carry: a 100-million-won amount with dust, the longest
// texts the specs allow. If these fit in one SMS, everything real does.
const WORST: Record<ParamSpec['kind'], (spec: ParamSpec) => unknown> = {
  code: () => '987654',
  count: () => 999,
  money: () => ({ amount: micros(999_999_999_999n), currency: 'KRW' }) satisfies Money,
  time: () => new Date('2026-12-31T14:59:00Z'),
  date: () => new Date('2026-12-31T14:59:00Z'),
  phone: () => '+821098765432',
  url: () => 'https://smallchange.example/claim/ABCDEFGHJK',
  ref: (spec) => 'R'.repeat(spec.kind === 'ref' ? spec.chars_max : 1),
  text: (spec) => '가'.repeat(spec.kind === 'text' ? spec.chars_max : 1),
  choice: (spec) => (spec.kind === 'choice' ? Object.keys(spec.options)[0] : undefined),
};

/** Every combination of choice options, with the worst-case values for the other parameters. */
function paramSets(name: SmsTemplate): Record<string, unknown>[] {
  const spec: TemplateSpec = SMS_TEMPLATES[name];
  let sets: Record<string, unknown>[] = [{}];
  for (const [param, p] of Object.entries(spec.params)) {
    const values = p.kind === 'choice' ? Object.keys(p.options) : [WORST[p.kind](p)];
    sets = sets.flatMap((set) => values.map((value) => ({ ...set, [param]: value })));
  }
  return sets;
}

/** What each parameter must look like in the text. */
function expectedFragment(p: ParamSpec, value: unknown, lang: 'ko' | 'en'): string {
  switch (p.kind) {
    case 'money': {
      const m = value as Money;
      return formatMoney(m.amount, m.currency, lang);
    }
    case 'time':
      return '12/31 23:59'; // 14:59 UTC is 23:59 in Seoul
    case 'date':
      return '2026-12-31';
    case 'phone':
      return maskPhone(value as string);
    case 'choice':
      return p.options[value as string]![lang];
    default:
      return String(value);
  }
}

const render = (name: SmsTemplate, lang: 'ko' | 'en', params: Record<string, unknown>) =>
  renderSms(name, lang, params as never);

describe('SMS templates', () => {
  it('cover every message the modules send', () => {
    const required = [
      'otp.register', 'otp.login', 'otp.step_up', 'pin.locked', 'pin.reset', 'account.frozen', 'account.unfrozen',
      'credit.received', 'credit.unclaimed_invitation', 'credit.held_over_cap', 'cashout.reserved', 'cashout.submitted',
      'cashout.settled', 'cashout.failed', 'cashout.returned', 'cashout.cancelled', 'agent.code', 'send.received',
      'limit.raise_scheduled',
    ];
    expect(NAMES.filter((n) => required.includes(n)).sort()).toEqual([...required].sort());
  });

  it('never take a PIN as a parameter', () => {
    for (const name of NAMES) {
      const spec: TemplateSpec = SMS_TEMPLATES[name];
      for (const param of Object.keys(spec.params)) expect(param.toLowerCase(), name).not.toContain('pin');
    }
  });

  it('use exactly their declared parameters in both languages', () => {
    for (const name of NAMES) {
      const spec: TemplateSpec = SMS_TEMPLATES[name];
      for (const lang of LANGS) {
        const used = [...spec[lang].matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]).sort();
        expect(used, `${name} ${lang}`).toEqual(Object.keys(spec.params).sort());
      }
    }
  });

  for (const name of NAMES) {
    it(`${name} renders in ko and en with every parameter and no placeholder left`, () => {
      const spec: TemplateSpec = SMS_TEMPLATES[name];
      for (const params of paramSets(name)) {
        for (const lang of LANGS) {
          const text = render(name, lang, params);
          expect(text).not.toMatch(/[{}]|undefined|NaN|null|\[object/);
          expect(text.startsWith(lang === 'ko' ? '[스몰체인지]' : '[smallchange]')).toBe(true);
          let own = text;
          for (const [param, p] of Object.entries(spec.params)) {
            const fragment = expectedFragment(p, params[param], lang);
            expect(text, `${name} ${lang} ${param}`).toContain(fragment);
            own = own.replace(fragment, '');
          }
          // The template's own words are in the message's language (parameters may be either).
          if (lang === 'ko') expect(own).toMatch(/[가-힣]/);
          else expect(own).not.toMatch(/[가-힣]/);
          const limit = spec.lms ? LMS_BYTES_MAX : SMS_BYTES_MAX;
          expect(smsBytes(text), `${name} ${lang}: ${text}`).toBeLessThanOrEqual(limit);
        }
      }
    });
  }

  it('the ko and en texts differ (each language has its own text)', () => {
    for (const name of NAMES) {
      const params = paramSets(name)[0]!;
      expect(render(name, 'ko', params)).not.toBe(render(name, 'en', params));
    }
  });

  it('marks one-time codes as sensitive and nothing else', () => {
    const sensitive = NAMES.filter((n) => isSensitiveTemplate(n)).sort();
    expect(sensitive).toEqual(['agent.code', 'atm.code', 'otp.login', 'otp.register', 'otp.step_up', 'voucher.bought', 'voucher.received']);
    expect(isSensitiveTemplate('otp.some_future_kind')).toBe(true);
    expect(isSensitiveTemplate('credit.posted')).toBe(false);
  });

  it('shows dust instead of rounding it away', () => {
    const text = renderSms('credit.received', 'ko', { amount: { amount: micros(350n), currency: 'KRW' }, partner: '리워드앱' });
    expect(text).toContain('0.035원');
    expect(renderSms('credit.received', 'en', { amount: { amount: fromMinor(1234n), currency: 'KRW' }, partner: 'Rewards' })).toContain('₩1,234');
  });

  it('shows times in the operator zone', () => {
    const at = new Date('2026-01-15T15:30:00Z');
    const params = { limit: 'daily_spend', amount: { amount: fromMinor(50_000n), currency: 'KRW' }, at } as const;
    expect(renderSms('limit.raise_scheduled', 'ko', params)).toContain('1/16 00:30');
    expect(renderSms('limit.raise_scheduled', 'en', params, { timeZone: 'UTC' })).toContain('1/15 15:30');
  });

  it('masks the sender number', () => {
    expect(maskPhone('+821012345678')).toBe('010-****-5678');
    expect(maskPhone('+14155550123')).toBe('***0123');
  });

  describe('refuses bad parameters (a wrong text never reaches a phone)', () => {
    const money = { amount: fromMinor(1000n), currency: 'KRW' } as const;
    const cases: [string, SmsTemplate, Record<string, unknown>, RegExp][] = [
      ['missing', 'otp.login', { code: '123456' }, /minutes" is missing/],
      ['unknown', 'otp.login', { code: '123456', minutes: 5, pin: '123456' }, /unknown parameter "pin"/],
      ['code with spaces', 'otp.login', { code: '12 34', minutes: 5 }, /code/],
      ['code too short', 'otp.login', { code: '123', minutes: 5 }, /code/],
      ['negative count', 'otp.login', { code: '123456', minutes: -1 }, /minutes/],
      ['fractional count', 'otp.login', { code: '123456', minutes: 1.5 }, /minutes/],
      ['count as text', 'otp.login', { code: '123456', minutes: '5' }, /minutes/],
      ['text with a newline', 'credit.received', { amount: money, partner: 'a\nb' }, /partner/],
      ['text with a brace', 'credit.received', { amount: money, partner: '{x}' }, /partner/],
      ['text too long', 'credit.received', { amount: money, partner: 'x'.repeat(13) }, /at most 12/],
      ['blank text', 'credit.received', { amount: money, partner: '  ' }, /partner/],
      ['receipt with spaces', 'cashout.settled', { amount: money, receipt: 'RCT 1' }, /receipt/],
      ['receipt too long', 'cashout.settled', { amount: money, receipt: 'R'.repeat(25) }, /receipt/],
      ['money as number', 'cashout.reserved', { amount: 1000 }, /amount/],
      ['money without currency', 'cashout.reserved', { amount: { amount: 10n } }, /amount/],
      ['bad time', 'limit.raise_scheduled', { limit: 'daily_spend', amount: money, at: new Date('x') }, /at/],
      ['bad choice', 'otp.step_up', { code: '123456', minutes: 5, action: 'launch_rocket' }, /action/],
      ['phone not E.164', 'send.received', { amount: money, sender: '010-1234-5678' }, /sender/],
      ['url not http', 'credit.unclaimed_invitation', { amount: money, partner: 'P', days: 90, url: 'javascript:alert(1)' }, /url/],
    ];
    for (const [label, name, params, message] of cases) {
      it(label, () => {
        expect(() => render(name, 'ko', params)).toThrow(TemplateError);
        expect(() => render(name, 'en', params)).toThrow(message);
      });
    }
  });

  it('property: any amount and code render completely in both languages', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.stringMatching(/^[0-9]{6}$/), fc.constantFrom(...LANGS), (amount, code, lang) => {
        const money = { amount: amount as Micros, currency: 'KRW' } as const;
        const text = renderSms('agent.code', lang, { code, amount: money, minutes: 15 });
        expect(text).toContain(code);
        expect(text).toContain(formatMoney(money.amount, 'KRW', lang));
        expect(text).not.toMatch(/[{}]/);
      }),
    );
  });
});
