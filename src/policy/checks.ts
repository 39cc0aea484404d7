// Rules that span fields: what zod's per-field types cannot say. Each problem is reported at the
// path of the field a person has to change, so that the API's `param` points at it.
import { KRW_ANONYMOUS_BALANCE_CAP, KRW_NAMED_BALANCE_CAP, LIMIT_KINDS, SPEND_ONLY_SOURCES, STANDARD_SOURCES } from './constants.ts';
import { unknownPlaceholders } from './rights.ts';
import type { Policy } from './schema.ts';

interface IssueSink {
  addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string }): void;
}

type Report = (path: PropertyKey[], message: string) => void;

export function checkPolicy(policy: Policy, ctx: IssueSink): void {
  const report: Report = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  checkTiers(policy, report);
  checkSources(policy, report);
  checkRates(policy, report);
  checkCashout(policy, report);
  checkCalendar(policy, report);
  checkMisc(policy, report);
  checkRightsText(policy, report);
}

function checkTiers(policy: Policy, report: Report): void {
  policy.tiers.forEach((tier, index) => {
    if (tier.tier !== index) report(['tiers', index, 'tier'], `tiers are listed in order 0, 1, 2, 3; expected tier ${index} here`);
    if (tier.per_transaction.min > tier.per_transaction.max) {
      report(['tiers', index, 'per_transaction', 'min'], 'the per-transaction minimum must not exceed the maximum');
    }
    for (const kind of LIMIT_KINDS) {
      if (tier[kind].daily > tier[kind].monthly) report(['tiers', index, kind, 'daily'], `the daily ${kind} cap must not exceed the monthly cap`);
    }
    const previous = policy.tiers[index - 1];
    if (previous && tier.balance_cap < previous.balance_cap) {
      report(['tiers', index, 'balance_cap'], `a higher tier must not have a lower balance cap than tier ${index - 1}`);
    }
  });
  if (policy.currency !== 'KRW') return;
  const anonymous = policy.tiers[0];
  if (anonymous && anonymous.balance_cap > KRW_ANONYMOUS_BALANCE_CAP) {
    report(['tiers', 0, 'balance_cap'], 'an anonymous (tier 0) prepaid balance may not exceed 500,000 KRW (전자금융거래법)');
  }
  for (const index of [1, 2]) {
    const tier = policy.tiers[index];
    if (tier && tier.balance_cap > KRW_NAMED_BALANCE_CAP) {
      report(['tiers', index, 'balance_cap'], `a named (tier ${index}) prepaid balance may not exceed 2,000,000 KRW (전자금융거래법)`);
    }
  }
}

function checkSources(policy: Policy, report: Report): void {
  for (const name of STANDARD_SOURCES) {
    if (!Object.hasOwn(policy.sources, name)) report(['sources', name], `the source "${name}" must be mapped to a funding class`);
  }
  for (const name of SPEND_ONLY_SOURCES) {
    const source = policy.sources[name];
    if (source && source.funding_class !== 'spend_only') {
      report(['sources', name, 'funding_class'], `"${name}" value must be spend_only: it can never be cashed out or sent`);
    }
  }
}

function checkRates(policy: Policy, report: Report): void {
  for (const [channel, rule] of Object.entries(policy.fees)) {
    if (rule.max !== null && rule.min > rule.max) report(['fees', channel, 'min'], 'the minimum fee must not exceed the maximum fee');
  }
  for (const [kind, rule] of Object.entries(policy.agents.commission)) {
    if (rule.max !== null && rule.min > rule.max) report(['agents', 'commission', kind, 'min'], 'the minimum commission must not exceed the maximum');
  }
}

function minutesOf(time: string): number {
  const [h = '0', m = '0'] = time.split(':');
  return Number.parseInt(h, 10) * 60 + Number.parseInt(m, 10);
}

function checkCashout(policy: Policy, report: Report): void {
  for (const [channel, rule] of Object.entries(policy.processing)) {
    if (rule.hours && minutesOf(rule.hours.opens_at) >= minutesOf(rule.hours.cut_off)) {
      report(['processing', channel, 'hours', 'cut_off'], 'the cut-off must be later than the opening time');
    }
  }
  for (const [channel, batching] of Object.entries(policy.cashout.batching)) {
    if (!batching) continue;
    const minutes = batching.times.map(minutesOf);
    minutes.forEach((value, i) => {
      const before = minutes[i - 1];
      if (before !== undefined && value <= before) report(['cashout', 'batching', channel, 'times', i], 'batch times are listed in increasing order without repeats');
    });
    const hours = policy.processing[channel as keyof Policy['processing']].hours;
    if (!hours) continue;
    const first = minutes[0] ?? 0;
    const last = minutes[minutes.length - 1] ?? 0;
    if (first < minutesOf(hours.opens_at)) report(['cashout', 'batching', channel, 'times', 0], 'the first batch must not run before the channel opens');
    // A payout accepted just before the cut-off must still ride a batch that day.
    if (last < minutesOf(hours.cut_off)) {
      report(['cashout', 'batching', channel, 'times', minutes.length - 1], 'the last batch must run at or after the cut-off');
    }
  }
}

function isRealDate(date: string): boolean {
  const [y = 0, m = 0, d = 0] = date.split('-').map((part) => Number.parseInt(part, 10));
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

function checkCalendar(policy: Policy, report: Report): void {
  const weekend = policy.calendar.weekend;
  weekend.forEach((day, i) => {
    if (weekend.indexOf(day) !== i) report(['calendar', 'weekend', i], `"${day}" is listed twice`);
  });
  for (const [year, holidays] of Object.entries(policy.calendar.holidays)) {
    const seen = new Set<string>();
    holidays.forEach((holiday, i) => {
      if (!isRealDate(holiday.date)) report(['calendar', 'holidays', year, i, 'date'], `${holiday.date} is not a calendar date`);
      else if (!holiday.date.startsWith(`${year}-`)) report(['calendar', 'holidays', year, i, 'date'], `${holiday.date} is listed under ${year}`);
      if (seen.has(holiday.date)) report(['calendar', 'holidays', year, i, 'date'], `${holiday.date} is listed twice`);
      seen.add(holiday.date);
    });
  }
}

function checkMisc(policy: Policy, report: Report): void {
  const order = policy.payments.spend_order;
  // Spending the value that can never be cashed first keeps the user's cashable money cashable.
  if (order[0] !== 'spend_only' || new Set(order).size !== order.length) {
    report(['payments', 'spend_order'], 'spend_order lists each class once, spend_only first');
  }
  if (policy.disputes.acknowledge_within_days > policy.disputes.resolve_within_days) {
    report(['disputes', 'acknowledge_within_days'], 'a dispute must be acknowledged before it is due to be resolved');
  }
  if (policy.agents.float.minimum > policy.agents.float.low_alert) {
    report(['agents', 'float', 'minimum'], 'the float minimum must not exceed the low-float alert');
  }
}

function checkRightsText(policy: Policy, report: Report): void {
  for (const lang of ['ko', 'en'] as const) {
    const rights = policy.rights_text[lang];
    const fields: [PropertyKey[], string][] = [
      [['title'], rights.title],
      [['intro'], rights.intro],
      [['contact'], rights.contact],
      ...rights.rights.map((line, i): [PropertyKey[], string] => [['rights', i], line]),
      ...rights.how_to_dispute.map((line, i): [PropertyKey[], string] => [['how_to_dispute', i], line]),
    ];
    for (const [path, line] of fields) {
      const unknown = unknownPlaceholders(line, policy);
      if (unknown.length > 0) report(['rights_text', lang, ...path], `unknown placeholder {${unknown[0]}}: name a number of this policy, e.g. {disputes.resolve_within_days}`);
    }
  }
}
