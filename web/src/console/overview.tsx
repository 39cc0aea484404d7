// The console's first screen: activity over a date range, drawn from the APIs the role can read.
// Each chart counts real records (newest first, up to a cap that the chart states when reached).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { AuditEntry, List, SmsMessage } from '../api/types.ts';
import { BarChart } from '../components/chart.tsx';
import { Badge, DateTime, ErrorNotice, Loading, Page, TextField } from '../components/ui.tsx';
import { formatNumber } from '../lib/money.ts';
import { currentLang } from '../i18n/index.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useStaff } from './staff-context.tsx';

const TIME_ZONE = 'Asia/Seoul';
const PAGES_MAX = 10;
const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

export function dayOf(iso: string): string {
  return dayKey.format(new Date(iso));
}

export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const cursor = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (cursor <= end && days.length < 366) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

interface Collected<T> {
  items: T[];
  capped: boolean;
}

/** Reads pages newest-first until the range's start is passed (or the cap is reached). */
async function collect<T extends { id: string }>(path: string, token: string, at: (item: T) => string, from: string, signal: AbortSignal): Promise<Collected<T>> {
  const items: T[] = [];
  let after: string | undefined;
  for (let page = 0; page < PAGES_MAX; page += 1) {
    const list = await api<List<T>>(path, { token, query: { limit: 100, starting_after: after }, signal });
    items.push(...list.data);
    const last = list.data[list.data.length - 1];
    if (!list.has_more || !last || dayOf(at(last)) < from) return { items, capped: false };
    after = last.id;
  }
  return { items, capped: true };
}

function useCollected<T extends { id: string }>(enabled: boolean, path: string, token: string, at: (item: T) => string, from: string) {
  const [state, setState] = useState<{ data: Collected<T> | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: enabled });
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    collect(path, token, at, from, controller.signal)
      .then((data) => setState({ data, error: null, loading: false }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ data: null, error, loading: false });
      });
    return () => controller.abort();
    // `at` is a stable accessor per call site.
  }, [enabled, path, token, from]);
  return state;
}

function countByDay<T>(items: T[], days: string[], at: (item: T) => string, seriesOf: (item: T) => string, series: string[]): Record<string, number[]> {
  const index = new Map(days.map((day, i) => [day, i]));
  const values: Record<string, number[]> = Object.fromEntries(series.map((s) => [s, days.map(() => 0)]));
  for (const item of items) {
    const i = index.get(dayOf(at(item)));
    const row = values[seriesOf(item)];
    if (i !== undefined && row) row[i] = (row[i] ?? 0) + 1;
  }
  return values;
}

const smsAt = (m: SmsMessage) => m.created_at;
const auditAt = (a: AuditEntry) => a.at;

export function OverviewPage() {
  const { t } = useTranslation();
  const { token, can, name } = useStaff();
  const today = dayOf(new Date().toISOString());
  const start = new Date(`${today}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - 13);
  const [from, setFrom] = useState(start.toISOString().slice(0, 10));
  const [to, setTo] = useState(today);
  const days = daysBetween(from, to);
  const sms = useCollected<SmsMessage>(can('sms:read'), '/v1/admin/sms', token, smsAt, from);
  const audit = useCollected<AuditEntry>(can('audit:read'), '/v1/admin/audit-log', token, auditAt, from);
  const policy = usePolicy();
  const lang = currentLang();
  const fmt = (v: number) => formatNumber(Math.round(v), lang);

  const smsSeries = [
    { key: 'delivered', label: t('console.overview.smsDelivered'), color: '#1d6f42' },
    { key: 'waiting', label: t('console.overview.smsWaiting'), color: '#8a6d00' },
    { key: 'failed', label: t('console.overview.smsFailed'), color: '#b3261e' },
  ];
  const smsKind = (m: SmsMessage) => (m.status === 'sent' ? 'delivered' : m.status === 'failed' || m.status === 'dead' ? 'failed' : 'waiting');
  const auditSeries = [
    { key: 'staff', label: t('console.overview.byStaff'), color: '#1f4e8c' },
    { key: 'other', label: t('console.overview.byOthers'), color: '#6b7280' },
  ];
  return (
    <Page title={t('console.overview.title')}>
      <p className="muted">{t('console.overview.hello', { name })}</p>
      <form className="filters" aria-label={t('console.overview.range')} onSubmit={(event) => event.preventDefault()}>
        <TextField label={t('console.overview.from')} type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
        <TextField label={t('console.overview.to')} type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
      </form>
      <div className="grid-2">
        {policy.data ? (
          <section className="card stat">
            <h2>{t('console.overview.policyInForce')}</h2>
            <p className="big">
              {t('console.policy.version')} {policy.data.version} <Badge tone="good">{t('console.policy.statuses.in_force')}</Badge>
            </p>
            <p className="small muted">
              {t('console.overview.since')} <DateTime iso={policy.data.effective_from} />
            </p>
          </section>
        ) : null}
        {can('sms:read') ? (
          <section className="card">
            {sms.loading ? <Loading /> : null}
            <ErrorNotice error={sms.error} />
            {sms.data ? (
              <>
                <BarChart title={t('console.overview.smsChart')} categories={days} series={smsSeries} values={countByDay(sms.data.items, days, smsAt, smsKind, smsSeries.map((s) => s.key))} formatValue={fmt} />
                {sms.data.capped ? <p className="small muted">{t('console.overview.capped', { count: sms.data.items.length })}</p> : null}
              </>
            ) : null}
          </section>
        ) : null}
        {can('audit:read') ? (
          <section className="card">
            {audit.loading ? <Loading /> : null}
            <ErrorNotice error={audit.error} />
            {audit.data ? (
              <>
                <BarChart
                  title={t('console.overview.auditChart')}
                  categories={days}
                  series={auditSeries}
                  values={countByDay(audit.data.items, days, auditAt, (a) => (a.actor.kind === 'staff' ? 'staff' : 'other'), auditSeries.map((s) => s.key))}
                  formatValue={fmt}
                />
                {audit.data.capped ? <p className="small muted">{t('console.overview.capped', { count: audit.data.items.length })}</p> : null}
              </>
            ) : null}
          </section>
        ) : null}
      </div>
    </Page>
  );
}
