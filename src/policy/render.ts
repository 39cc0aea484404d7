// The public policy page (GET /policy): "your rights, limits, fees, how to dispute", rendered
// from the version in force so that what people read is what the code applies. Plain semantic
// HTML, readable on a small phone first, with no script and no external resource.
import { formatMoney, type Locale, type Micros } from '../money/index.ts';
import { localDateTime } from './calendar.ts';
import { CASHOUT_CHANNELS, type CashoutChannel, FEE_CHANNELS, type FeeChannel, LIMIT_KINDS, STANDARD_SOURCES } from './constants.ts';
import { interpolate } from './rights.ts';
import type { FeeRule, Policy } from './schema.ts';
import type { PolicyVersion } from './store.ts';

type Labels = typeof LABELS.en;

const LABELS = {
  en: {
    skip: 'Skip to content',
    language: 'Language',
    contents: 'On this page',
    version: (n: number, from: string) => `Policy version ${n}, in force since ${from}`,
    scheduled: (n: number, from: string) => `Policy version ${n}, takes effect ${from}`,
    superseded: (n: number, from: string) => `Policy version ${n} (in force from ${from}; since replaced)`,
    rights: 'Your rights',
    limits: 'Limits',
    limitsNote: (zone: string) => `Days and months are counted in ${zone} time. You can set lower limits for yourself at any time.`,
    limitsCaption: 'Limits by verification level',
    limit: 'Limit',
    balanceCap: 'Most you can hold',
    perTransaction: 'Per transaction',
    kinds: { cash_out: 'Cash-out', spend: 'Payments', send: 'Sends to people' },
    daily: 'per day',
    monthly: 'per month',
    velocity: 'All transactions per day (number · total)',
    fees: 'Fees',
    feesNote: 'Fees are rounded down to the whole won in your favour and never exceed the amount. You always see the fee before you confirm.',
    feesCaption: 'Fees by channel',
    channel: 'Channel',
    fee: 'Fee',
    minimum: 'Minimum',
    maximum: 'Maximum',
    freePerMonth: 'Free each month',
    free: 'Free',
    none: '—',
    times: (n: number) => `${n} ${n === 1 ? 'time' : 'times'}`,
    channels: { bank: 'Bank account', wallet: 'Partner wallet', agent: 'Cash at an agent', atm: 'ATM', merchant: 'Paying a merchant', send: 'Sending to a person' },
    cashout: 'Cashing out',
    cashoutMinimum: 'Smallest cash-out',
    quoteValidity: 'A quote holds for',
    seconds: (n: number) => `${n} seconds`,
    arrival: 'When the money arrives',
    businessDays: (opens: string, cutOff: string) => `business days ${opens}–${cutOff}; requests after ${cutOff} leave the next business day`,
    anyDay: 'every day, around the clock',
    batches: (times: string) => `sent in batches at ${times}`,
    processing: (minutes: number) => (minutes === 0 ? 'available at once' : `about ${minutes} minutes after it is sent`),
    credits: 'Money you receive',
    creditsCaption: 'How each kind of credit can be used',
    source: 'Source',
    use: 'Use',
    available: 'Available',
    cashable: 'Spend, cash out or send',
    spendOnly: 'Spend at merchants only',
    immediately: 'At once',
    afterHours: (n: number) => `After ${n} hours`,
    dispute: 'How to dispute',
    contact: 'Contact',
    holidays: (year: string) => `Non-business days in ${year}`,
    json: 'This policy as JSON',
    allVersions: 'All versions',
  },
  ko: {
    skip: '본문으로 건너뛰기',
    language: '언어',
    contents: '이 페이지의 내용',
    version: (n: number, from: string) => `정책 버전 ${n} · ${from}부터 시행 중`,
    scheduled: (n: number, from: string) => `정책 버전 ${n} · ${from}부터 시행 예정`,
    superseded: (n: number, from: string) => `정책 버전 ${n} (${from}부터 시행, 이후 변경됨)`,
    rights: '이용자의 권리',
    limits: '이용 한도',
    limitsNote: (zone: string) => `일·월 한도는 ${zone} 시간 기준으로 계산합니다. 언제든지 더 낮은 한도를 직접 정할 수 있습니다.`,
    limitsCaption: '인증 단계별 한도',
    limit: '한도',
    balanceCap: '최대 보유 금액',
    perTransaction: '1회 한도',
    kinds: { cash_out: '출금', spend: '결제', send: '송금' },
    daily: '1일',
    monthly: '1개월',
    velocity: '1일 전체 거래 (횟수 · 합계)',
    fees: '수수료',
    feesNote: '수수료는 이용자에게 유리하게 원 단위로 내림하며, 금액을 넘지 않습니다. 확인하기 전에 항상 수수료를 먼저 보여드립니다.',
    feesCaption: '채널별 수수료',
    channel: '채널',
    fee: '수수료',
    minimum: '최소',
    maximum: '최대',
    freePerMonth: '매월 무료',
    free: '무료',
    none: '—',
    times: (n: number) => `${n}회`,
    channels: { bank: '은행 계좌', wallet: '제휴 지갑', agent: '대리점 현금 출금', atm: 'ATM', merchant: '가맹점 결제', send: '개인 간 송금' },
    cashout: '출금',
    cashoutMinimum: '최소 출금 금액',
    quoteValidity: '견적 유효 시간',
    seconds: (n: number) => `${n}초`,
    arrival: '도착 시간',
    businessDays: (opens: string, cutOff: string) => `영업일 ${opens}–${cutOff}, ${cutOff} 이후 요청은 다음 영업일에 처리`,
    anyDay: '매일 24시간',
    batches: (times: string) => `${times}에 묶어서 전송`,
    processing: (minutes: number) => (minutes === 0 ? '즉시 이용 가능' : `전송 후 약 ${minutes}분`),
    credits: '받은 돈의 사용',
    creditsCaption: '적립 종류별 사용 방법',
    source: '종류',
    use: '사용',
    available: '이용 가능 시점',
    cashable: '결제, 출금, 송금 가능',
    spendOnly: '가맹점 결제만 가능',
    immediately: '즉시',
    afterHours: (n: number) => `${n}시간 후`,
    dispute: '이의제기 방법',
    contact: '문의',
    holidays: (year: string) => `${year}년 휴무일`,
    json: '이 정책의 JSON',
    allVersions: '모든 버전',
  },
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function percent(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const fraction = String(bps % 100).padStart(2, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}%`;
}

function feeText(rule: FeeRule, money: (m: Micros) => string, l: Labels): string {
  const parts: string[] = [];
  if (rule.fixed > 0n) parts.push(money(rule.fixed));
  if (rule.percent_bps > 0) parts.push(percent(rule.percent_bps));
  return parts.length ? parts.join(' + ') : l.free;
}

function table(id: string, caption: string, head: string[], rows: string[][]): string {
  const thead = `<tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr>`;
  const tbody = rows.map(([first, ...rest]) => `<tr><th scope="row">${first ?? ''}</th>${rest.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll" role="region" aria-labelledby="${id}" tabindex="0"><table><caption id="${id}">${caption}</caption><thead>${thead}</thead><tbody>${tbody}</tbody></table></div>`;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1a1a1a;--bg:#fff;--muted:#555;--line:#d0d0d0;--accent:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--muted:#aaa;--line:#444;--accent:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.6 system-ui,-apple-system,"Apple SD Gothic Neo","Noto Sans KR",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
a{color:var(--accent)}
a:focus-visible,.scroll:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem}
.meta,.note{color:var(--muted);font-size:.95rem}
nav ul{list-style:none;padding:0;margin:0;display:flex;gap:1rem;flex-wrap:wrap}
.scroll{overflow-x:auto;margin:.5rem 0}
table{border-collapse:collapse;width:100%;min-width:28rem;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border-bottom:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
td{font-variant-numeric:tabular-nums}
dl{display:grid;grid-template-columns:1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0 0 .5rem}
@media (min-width:40rem){dl{grid-template-columns:max-content 1fr}dd{margin:0}}
li{margin:.35rem 0}
footer{border-top:1px solid var(--line);margin-top:2rem;font-size:.9rem;color:var(--muted)}
`;

export interface RenderOptions {
  lang: Locale;
  status: 'scheduled' | 'in_force' | 'superseded';
  /** The year whose non-business days are listed; defaults to the effective year. */
  year?: number;
}

function dateTime(at: Date, policy: Policy, lang: Locale): string {
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: policy.time_zone }).format(at);
}

function limitsSection(policy: Policy, l: Labels, money: (m: Micros) => string, lang: Locale): string {
  const head = [l.limit, ...policy.tiers.map((t) => escapeHtml(t.name[lang]))];
  const rows: string[][] = [
    [l.balanceCap, ...policy.tiers.map((t) => money(t.balance_cap))],
    [l.perTransaction, ...policy.tiers.map((t) => `${money(t.per_transaction.min)} – ${money(t.per_transaction.max)}`)],
  ];
  for (const kind of LIMIT_KINDS) {
    rows.push([`${l.kinds[kind]} · ${l.daily}`, ...policy.tiers.map((t) => money(t[kind].daily))]);
    rows.push([`${l.kinds[kind]} · ${l.monthly}`, ...policy.tiers.map((t) => money(t[kind].monthly))]);
  }
  rows.push([l.velocity, ...policy.tiers.map((t) => `${t.velocity.count_per_day.toLocaleString(lang)} · ${money(t.velocity.sum_per_day)}`)]);
  return `<section id="limits" aria-labelledby="limits-h"><h2 id="limits-h">${l.limits}</h2>
<p class="note">${escapeHtml(l.limitsNote(policy.time_zone))}</p>
${table('limits-caption', l.limitsCaption, head, rows)}</section>`;
}

function feesSection(policy: Policy, l: Labels, money: (m: Micros) => string): string {
  const rows = FEE_CHANNELS.map((channel: FeeChannel) => {
    const rule = policy.fees[channel];
    return [
      l.channels[channel],
      feeText(rule, money, l),
      rule.min > 0n ? money(rule.min) : l.none,
      rule.max === null ? l.none : money(rule.max),
      rule.free_allowance_per_month > 0 ? l.times(rule.free_allowance_per_month) : l.none,
    ];
  });
  return `<section id="fees" aria-labelledby="fees-h"><h2 id="fees-h">${l.fees}</h2>
<p class="note">${l.feesNote}</p>
${table('fees-caption', l.feesCaption, [l.channel, l.fee, l.minimum, l.maximum, l.freePerMonth], rows)}</section>`;
}

function cashoutSection(policy: Policy, l: Labels, money: (m: Micros) => string, holidays: string): string {
  const arrival = CASHOUT_CHANNELS.map((channel: CashoutChannel) => {
    const rule = policy.processing[channel];
    const when = rule.hours ? l.businessDays(rule.hours.opens_at, rule.hours.cut_off) : l.anyDay;
    const batching = channel === 'bank' || channel === 'wallet' ? policy.cashout.batching[channel] : undefined;
    const parts = [when, ...(batching ? [l.batches(batching.times.join(', '))] : []), l.processing(rule.processing_minutes)];
    return `<dt>${l.channels[channel]}</dt><dd>${escapeHtml(parts.join('; '))}</dd>`;
  }).join('\n');
  return `<section id="cashout" aria-labelledby="cashout-h"><h2 id="cashout-h">${l.cashout}</h2>
<dl><dt>${l.cashoutMinimum}</dt><dd>${money(policy.cashout.minimum)}</dd>
<dt>${l.quoteValidity}</dt><dd>${l.seconds(policy.cashout.quote_validity_seconds)}</dd></dl>
<h3>${l.arrival}</h3><dl>${arrival}</dl>
${holidays}</section>`;
}

function creditsSection(policy: Policy, l: Labels, lang: Locale): string {
  // Stored documents come back from jsonb with keys reordered; show the standard sources first.
  const rank = (name: string) => {
    const index = (STANDARD_SOURCES as readonly string[]).indexOf(name);
    return index === -1 ? STANDARD_SOURCES.length : index;
  };
  const names = Object.keys(policy.sources).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const rows = names.map((name) => policy.sources[name]!).map((source) => [
    escapeHtml(source.label[lang]),
    source.funding_class === 'cashable' ? l.cashable : l.spendOnly,
    source.clearance_hours === 0 ? l.immediately : l.afterHours(source.clearance_hours),
  ]);
  return `<section id="credits" aria-labelledby="credits-h"><h2 id="credits-h">${l.credits}</h2>
${table('credits-caption', l.creditsCaption, [l.source, l.use, l.available], rows)}</section>`;
}

function holidaysSection(policy: Policy, l: Labels, lang: Locale, year: number): string {
  const list = policy.calendar.holidays[String(year)];
  if (!list?.length) return '';
  const items = list.map((h) => `<li><time datetime="${h.date}">${h.date}</time> ${escapeHtml(h.name[lang])}</li>`).join('');
  return `<details><summary>${escapeHtml(l.holidays(String(year)))}</summary><ul>${items}</ul></details>`;
}

export function renderPolicyPage(version: PolicyVersion, options: RenderOptions): string {
  const { lang, status } = options;
  const policy = version.policy;
  const l: Labels = LABELS[lang];
  const text = policy.rights_text[lang];
  const say = (line: string) => escapeHtml(interpolate(line, policy, lang));
  const money = (amount: Micros) => escapeHtml(formatMoney(amount, policy.currency, lang));
  const from = dateTime(version.effective_from, policy, lang);
  const meta = status === 'in_force' ? l.version(version.version, from) : status === 'scheduled' ? l.scheduled(version.version, from) : l.superseded(version.version, from);
  const year = options.year ?? localDateTime(version.effective_from, policy.time_zone).year;
  const self = (target: Locale) => `/policy?lang=${target}${status === 'in_force' ? '' : `&amp;version=${version.version}`}`;
  const lang_link = (target: Locale, name: string) =>
    `<li><a href="${self(target)}" hreflang="${target}" lang="${target}"${target === lang ? ' aria-current="page"' : ''}>${name}</a></li>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${say(text.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">${l.skip}</a>
<header>
<nav aria-label="${l.language}"><ul>${lang_link('ko', '한국어')}${lang_link('en', 'English')}</ul></nav>
<h1>${say(text.title)}</h1>
<p class="meta">${escapeHtml(meta)}</p>
</header>
<main id="main">
<p>${say(text.intro)}</p>
<nav aria-label="${l.contents}"><ul><li><a href="#rights">${l.rights}</a></li><li><a href="#limits">${l.limits}</a></li><li><a href="#fees">${l.fees}</a></li><li><a href="#cashout">${l.cashout}</a></li><li><a href="#credits">${l.credits}</a></li><li><a href="#dispute">${l.dispute}</a></li></ul></nav>
<section id="rights" aria-labelledby="rights-h"><h2 id="rights-h">${l.rights}</h2>
<ul>${text.rights.map((line) => `<li>${say(line)}</li>`).join('\n')}</ul></section>
${limitsSection(policy, l, money, lang)}
${feesSection(policy, l, money)}
${cashoutSection(policy, l, money, holidaysSection(policy, l, lang, year))}
${creditsSection(policy, l, lang)}
<section id="dispute" aria-labelledby="dispute-h"><h2 id="dispute-h">${l.dispute}</h2>
<ol>${text.how_to_dispute.map((line) => `<li>${say(line)}</li>`).join('\n')}</ol>
<h3>${l.contact}</h3><p>${say(text.contact)}</p></section>
</main>
<footer><p>${escapeHtml(meta)} · <a href="/v1/policy?version=${version.version}">${l.json}</a> · <a href="/v1/policy/versions">${l.allVersions}</a></p>
<p>SHA-256 <code>${version.checksum.slice(0, 16)}</code></p></footer>
</body>
</html>
`;
}
