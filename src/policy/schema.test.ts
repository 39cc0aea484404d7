import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fromMinor } from '../money/index.ts';
import { DomainError } from '../shared/errors.ts';
import { documentChecksum, policyToDocument, policyToWire } from './document.ts';
import { loadDefaultPolicy, parsePolicyYaml } from './load.ts';
import { policyWireSchema, validatePolicy } from './schema.ts';

const base = loadDefaultPolicy();

// Tests build invalid documents by reaching anywhere into a copy, wrong types included.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseDocument = Record<string, any>;

/** A copy of the default document with one change applied. */
function variant(change: (doc: LooseDocument) => void): LooseDocument {
  const doc = structuredClone(base.document) as LooseDocument;
  change(doc);
  return doc;
}

function issuesOf(doc: unknown) {
  const result = validatePolicy(doc);
  if (result.success) throw new Error('expected the document to be refused');
  return result.issues;
}

function expectRefused(doc: unknown, path: string, message?: RegExp) {
  const issues = issuesOf(doc);
  const found = issues.find((issue) => issue.path === path);
  expect(found, `issues were ${JSON.stringify(issues)}`).toBeDefined();
  if (message) expect(found?.message).toMatch(message);
}

describe('the default Korean policy', () => {
  it('validates, with the legal balance caps and spend-only carrier billing', () => {
    const p = base.policy;
    expect(p.currency).toBe('KRW');
    expect(p.time_zone).toBe('Asia/Seoul');
    expect(p.tiers.map((t) => t.balance_cap)).toEqual([fromMinor(500_000n), fromMinor(2_000_000n), fromMinor(2_000_000n), fromMinor(10_000_000n)]);
    expect(p.sources.carrier_billing?.funding_class).toBe('spend_only');
    expect(p.sources.promo?.funding_class).toBe('spend_only');
    expect(p.cashout.quote_validity_seconds).toBe(120);
    expect(p.security).toMatchObject({ pin_lockout_attempts: 5, pin_lockout_minutes: 30, otp_ttl_seconds: 300, otp_max_attempts: 3, otp_sends_per_phone_per_hour: 5, device_window_days: 90, pin_reset_hold_hours: 24 });
    expect(p.credits.unclaimed_expiry_days).toBe(90);
    expect(p.self_limits.raise_cooldown_hours).toBe(24);
    expect(p.processing.bank.hours).toEqual({ opens_at: '09:00', cut_off: '16:00' });
  });

  it('round-trips: document → policy → document is the identity, and the checksum is stable', () => {
    const again = validatePolicy(policyToDocument(base.policy));
    expect(again.success).toBe(true);
    if (!again.success) return;
    expect(again.policy).toEqual(base.policy);
    expect(documentChecksum(policyToDocument(again.policy))).toBe(documentChecksum(base.document));
    // Key order does not change the checksum: jsonb reorders keys.
    const reversed = Object.fromEntries(Object.entries(base.document).reverse());
    expect(documentChecksum(reversed)).toBe(documentChecksum(base.document));
  });

  it('has a wire form with amounts as { amount, currency } that the wire schema accepts', () => {
    const wire = policyToWire(base.policy);
    expect(wire.tiers[0]?.balance_cap).toEqual({ amount: '500000', currency: 'KRW' });
    expect(wire.fees.merchant.max).toBeNull();
    expect(policyWireSchema.safeParse(wire).success).toBe(true);
  });
});

describe('bad documents are refused, naming the field', () => {
  it('carrier_billing made cashable', () => {
    expectRefused(variant((d) => (d.sources.carrier_billing.funding_class = 'cashable')), 'sources.carrier_billing.funding_class', /spend_only/);
  });

  it('promo made cashable', () => {
    expectRefused(variant((d) => (d.sources.promo.funding_class = 'cashable')), 'sources.promo.funding_class');
  });

  it('a standard source left out', () => {
    expectRefused(variant((d) => delete d.sources.carrier_billing), 'sources.carrier_billing', /must be mapped/);
  });

  it('an unknown funding class', () => {
    expectRefused(variant((d) => (d.sources.tip.funding_class = 'pending')), 'sources.tip.funding_class');
  });

  it('a negative fee', () => {
    expectRefused(variant((d) => (d.fees.bank.fixed = '-500')), 'fees.bank.fixed', /negative/);
  });

  it('a fee with a fraction of a won', () => {
    expectRefused(variant((d) => (d.fees.bank.fixed = '500.5')), 'fees.bank.fixed', /whole/);
  });

  it('a percentage above 100%', () => {
    expectRefused(variant((d) => (d.fees.wallet.percent_bps = 10_001)), 'fees.wallet.percent_bps');
  });

  it('a minimum fee above the maximum fee', () => {
    expectRefused(variant((d) => (d.fees.agent.min = '5000')), 'fees.agent.min', /exceed/);
  });

  it('a per-transaction minimum above the maximum', () => {
    expectRefused(variant((d) => (d.tiers[1].per_transaction.min = '1000001')), 'tiers.1.per_transaction.min', /exceed/);
  });

  it('a daily cap above the monthly cap', () => {
    expectRefused(variant((d) => (d.tiers[2].send.daily = '3000001')), 'tiers.2.send.daily');
  });

  it('an anonymous (tier 0) balance cap above the 500,000 KRW legal cap', () => {
    expectRefused(variant((d) => (d.tiers[0].balance_cap = '500001')), 'tiers.0.balance_cap', /500,000/);
  });

  it('a named (tier 1–2) balance cap above the 2,000,000 KRW legal cap', () => {
    expectRefused(variant((d) => (d.tiers[2].balance_cap = '2000000.0001')), 'tiers.2.balance_cap', /2,000,000/);
  });

  it('a higher tier with a lower balance cap', () => {
    expectRefused(variant((d) => (d.tiers[1].balance_cap = '400000')), 'tiers.1.balance_cap', /lower/);
  });

  it('tiers out of order', () => {
    expectRefused(variant((d) => (d.tiers[3].tier = 2)), 'tiers.3.tier');
  });

  it('an unknown key at the top', () => {
    expectRefused(variant((d) => (d.surprise = true)), 'surprise', /unknown field/);
  });

  it('an unknown key deep inside', () => {
    expectRefused(variant((d) => (d.tiers[0].velocity.per_hour = 3)), 'tiers.0.velocity.per_hour', /unknown field/);
  });

  it('an amount finer than a micro-unit', () => {
    expectRefused(variant((d) => (d.cashout.minimum = '1000.00001')), 'cashout.minimum', /decimal places/);
  });

  it('an amount written as a YAML number', () => {
    expectRefused(variant((d) => (d.tiers[0].balance_cap = 500000)), 'tiers.0.balance_cap', /quoted decimal strings/);
  });

  it('a zero where an amount must be positive', () => {
    expectRefused(variant((d) => (d.cashout.minimum = '0')), 'cashout.minimum');
  });

  it('an unknown currency', () => {
    expectRefused(variant((d) => (d.currency = 'XYZ')), 'currency');
  });

  it('a time zone that does not exist', () => {
    expectRefused(variant((d) => (d.time_zone = 'Asia/Atlantis')), 'time_zone', /IANA/);
  });

  it('an OTP valid longer than five minutes, or with more than three tries', () => {
    expectRefused(variant((d) => (d.security.otp_ttl_seconds = 301)), 'security.otp_ttl_seconds');
    expectRefused(variant((d) => (d.security.otp_max_attempts = 4)), 'security.otp_max_attempts');
  });

  it('a cut-off before the opening', () => {
    expectRefused(variant((d) => (d.processing.bank.hours.cut_off = '08:00')), 'processing.bank.hours.cut_off');
  });

  it('a malformed local time', () => {
    expectRefused(variant((d) => (d.processing.bank.hours.cut_off = '4pm')), 'processing.bank.hours.cut_off', /HH:MM/);
  });

  it('a last bank batch before the cut-off', () => {
    expectRefused(variant((d) => (d.cashout.batching.bank.times = ['10:00', '13:00'])), 'cashout.batching.bank.times.1', /cut-off/);
  });

  it('batch times out of order', () => {
    expectRefused(variant((d) => (d.cashout.batching.bank.times = ['13:00', '10:00', '16:00'])), 'cashout.batching.bank.times.1');
  });

  it('a holiday that is not a calendar date, listed under another year, or twice', () => {
    expectRefused(variant((d) => (d.calendar.holidays['2026'][0].date = '2026-02-30')), 'calendar.holidays.2026.0.date', /not a calendar date/);
    expectRefused(variant((d) => (d.calendar.holidays['2026'][0].date = '2027-01-01')), 'calendar.holidays.2026.0.date', /listed under 2026/);
    expectRefused(variant((d) => (d.calendar.holidays['2026'][1].date = '2026-01-01')), 'calendar.holidays.2026.1.date', /twice/);
  });

  it('every day of the week a weekend', () => {
    expectRefused(variant((d) => (d.calendar.weekend = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'])), 'calendar.weekend');
  });

  it('cashable value spent before spend-only value', () => {
    expectRefused(variant((d) => (d.payments.spend_order = ['cashable', 'spend_only'])), 'payments.spend_order');
  });

  it('a rights text quoting a number the policy does not have', () => {
    expectRefused(variant((d) => (d.rights_text.en.rights[1] = 'Cash out from {cashout.minimum_amount}.')), 'rights_text.en.rights.1', /cashout.minimum_amount/);
  });

  it('a missing section', () => {
    expectRefused(variant((d) => delete d.disputes), 'disputes');
  });
});

describe('parsePolicyYaml', () => {
  const errorOf = (yaml: string): DomainError => {
    try {
      parsePolicyYaml(yaml);
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected invalid_policy');
  };

  it('accepts the default YAML and YAML written from its document', () => {
    expect(parsePolicyYaml(base.yaml).policy).toEqual(base.policy);
    expect(parsePolicyYaml(stringify(base.document)).policy).toEqual(base.policy);
  });

  it('refuses YAML syntax errors with param "yaml" and the line', () => {
    const error = errorOf('currency: KRW\ntiers: [\n');
    expect(error.code).toBe('invalid_policy');
    expect(error.details.param).toBe('yaml');
    expect(error.message).toMatch(/line \d+/);
  });

  it('refuses duplicate keys instead of letting the last one win', () => {
    const error = errorOf(base.yaml.replace('currency: KRW', 'currency: KRW\ncurrency: KRW'));
    expect(error.details.param).toBe('yaml');
  });

  it('refuses a document that is not a mapping', () => {
    expect(errorOf('- 1\n- 2\n').details.param).toBe('yaml');
  });

  it('names the first offending field in param and lists every issue', () => {
    const yaml = base.yaml.replace(/carrier_billing:\n(\s+)label: (.*)\n(\s+)funding_class: spend_only/, 'carrier_billing:\n$1label: $2\n$3funding_class: cashable');
    const error = errorOf(yaml);
    expect(error.details.param).toBe('sources.carrier_billing.funding_class');
    expect(error.details.data?.issues).toEqual([expect.objectContaining({ path: 'sources.carrier_billing.funding_class' })]);
  });
});
