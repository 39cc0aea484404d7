import { describe, expect, it } from 'vitest';
import { diffDocuments, formatChanges } from './diff.ts';
import { loadDefaultPolicy } from './load.ts';

const base = loadDefaultPolicy().document as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('diffDocuments', () => {
  it('finds nothing between a document and itself', () => {
    expect(diffDocuments(base, structuredClone(base))).toEqual([]);
  });

  it('matches holidays by date: one added holiday is one change, not a shifted list', () => {
    const next = structuredClone(base);
    next.calendar.holidays['2026'].splice(1, 0, { date: '2026-01-02', kind: 'temporary', name: { ko: '임시공휴일', en: 'Temporary public holiday' } });
    next.calendar.holidays['2026'][5].name.en = 'Samiljeol';
    const changes = diffDocuments(base, next);
    expect(changes).toEqual([
      { path: 'calendar.holidays.2026.2026-03-01.name.en', change: 'changed', from: 'Independence Movement Day', to: 'Samiljeol' },
      { path: 'calendar.holidays.2026.2026-01-02', change: 'added', to: { date: '2026-01-02', kind: 'temporary', name: { ko: '임시공휴일', en: 'Temporary public holiday' } } },
    ]);
    expect(formatChanges(changes).split('\n')).toEqual([
      '~ calendar.holidays.2026.2026-03-01.name.en: "Independence Movement Day" → "Samiljeol"',
      '+ calendar.holidays.2026.2026-01-02: {"date":"2026-01-02","kind":"temporary","name":{"ko":"임시공휴일","en":"Temporary public holiday"}}',
    ]);
  });

  it('reports removed and added keys, and changes inside lists by position', () => {
    const next = structuredClone(base);
    delete next.sources.tip;
    next.sources.survey = { label: { ko: '설문', en: 'Surveys' }, funding_class: 'cashable', clearance_hours: 0 };
    next.tiers[0].balance_cap = '400000';
    next.fees.merchant.max = '100';
    expect(diffDocuments(base, next)).toEqual([
      { path: 'fees.merchant.max', change: 'changed', from: null, to: '100' },
      { path: 'sources.survey', change: 'added', to: next.sources.survey },
      { path: 'sources.tip', change: 'removed', from: base.sources.tip },
      { path: 'tiers.0.balance_cap', change: 'changed', from: '500000', to: '400000' },
    ]);
  });
});
