// Everything that came in and went out, with filters (dates in the operator's time zone, type,
// source) and the same selection as a CSV file, downloaded with its progress shown.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadFile, type DownloadProgress } from '../api/download.ts';
import { ENTRY_TYPES, type List, type Wallet, type WalletEntry } from '../api/types.ts';
import { Pager } from '../components/pager.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, MoneyText, Notice, Page, SelectField, TextField } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { formatNumber } from '../lib/money.ts';
import { formatPhone } from '../lib/phone.ts';
import { navigate, useLocation } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePaged } from '../lib/use-paged.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useMe } from './me.tsx';

const STATUS_TONE: Record<WalletEntry['status'], 'good' | 'warn' | 'bad' | 'neutral'> = {
  posted: 'good',
  clearing: 'warn',
  pending: 'warn',
  held: 'warn',
  voided: 'neutral',
  expired: 'neutral',
  reversed: 'bad',
};

export function entryTitle(entry: WalletEntry, t: (key: string) => string): string {
  const party = entry.counterparty;
  const who = party?.name ?? (party?.phone ? formatPhone(party.phone) : null);
  return entry.description ?? who ?? t(`entryTypes.${entry.type}`);
}

export function EntryRow({ entry }: { entry: WalletEntry }) {
  const { t } = useTranslation();
  const sign = entry.direction === 'in' ? '+' : entry.direction === 'out' ? '−' : '';
  return (
    <li className="row entry">
      <div>
        <p className="entry-title">{entryTitle(entry, t)}</p>
        <p className="small muted">
          <DateTime iso={entry.created_at} /> · {t(`entryTypes.${entry.type}`)}
          {entry.class !== 'cashable' ? ` · ${t(`classes.${entry.class}`)}` : ''}
        </p>
        {entry.note ? <p className="small">“{entry.note}”</p> : null}
      </div>
      <div className="entry-amount">
        <p className={`amount amount-${entry.direction}`}>
          <span className="visually-hidden">{t(`wallet.history.direction.${entry.direction}`)} </span>
          <span aria-hidden="true">{sign}</span>
          <MoneyText money={entry.amount} />
        </p>
        {entry.status !== 'posted' ? <Badge tone={STATUS_TONE[entry.status]}>{t(`entryStatus.${entry.status}`)}</Badge> : null}
        {entry.fee ? (
          <p className="small muted">
            {t('wallet.history.fee')} <MoneyText money={entry.fee} />
          </p>
        ) : null}
      </div>
    </li>
  );
}

export function HistoryPage() {
  const { t } = useTranslation();
  const { token } = useMe();
  const { search } = useLocation();
  const wallets = useApi<List<Wallet>>('/v1/wallets', { token });
  const policy = usePolicy();
  const walletId = search.get('wallet') ?? wallets.data?.data.find((w) => w.kind === 'main')?.id ?? null;
  const filters = { from: search.get('from') ?? '', to: search.get('to') ?? '', type: search.get('type') ?? '', source: search.get('source') ?? '' };
  const [draft, setDraft] = useState(filters);
  const query = { from: filters.from || undefined, to: filters.to || undefined, type: filters.type || undefined, source: filters.source || undefined };
  const entries = usePaged<WalletEntry>(walletId ? `/v1/wallets/${encodeURIComponent(walletId)}/history` : null, token, query, 25);
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const lang = currentLang();
  const exportCsv = useAction(async () => {
    if (!walletId) return;
    setSaved(null);
    setProgress({ bytes: 0, total: null });
    try {
      const file = await downloadFile(`/v1/wallets/${encodeURIComponent(walletId)}/history.csv`, { token, query, fallbackName: `${walletId}-history.csv`, onProgress: setProgress });
      setSaved(t('wallet.history.saved', { name: file.name, size: formatNumber(file.bytes, lang) }));
    } finally {
      setProgress(null);
    }
  });
  const apply = (next: typeof filters) => {
    const params = new URLSearchParams();
    if (walletId) params.set('wallet', walletId);
    for (const [key, value] of Object.entries(next)) if (value) params.set(key, value);
    navigate(`/wallet/history?${params}`);
  };
  const sources = Object.entries(policy.data?.policy.sources ?? {});
  const walletOptions = (wallets.data?.data ?? []).map((w) => ({ value: w.id, label: w.kind === 'main' ? t('wallet.balances.main') : w.name }));
  return (
    <Page title={t('wallet.history.title')}>
      <ErrorNotice error={wallets.error} onRetry={wallets.reload} />
      <form
        className="filters card"
        role="search"
        aria-label={t('wallet.history.filters')}
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        {walletOptions.length > 1 ? (
          <SelectField
            label={t('wallet.history.wallet')}
            value={walletId ?? ''}
            onChange={(e) => navigate(`/wallet/history?wallet=${encodeURIComponent(e.target.value)}`)}
            options={walletOptions}
          />
        ) : null}
        <TextField label={t('wallet.history.from')} type="date" value={draft.from} max={draft.to || undefined} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <TextField label={t('wallet.history.to')} type="date" value={draft.to} min={draft.from || undefined} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        <SelectField
          label={t('wallet.history.type')}
          value={draft.type}
          onChange={(e) => setDraft({ ...draft, type: e.target.value })}
          options={[{ value: '', label: t('common.any') }, ...ENTRY_TYPES.map((type) => ({ value: type, label: t(`entryTypes.${type}`) }))]}
        />
        <SelectField
          label={t('wallet.history.source')}
          value={draft.source}
          onChange={(e) => setDraft({ ...draft, source: e.target.value })}
          options={[{ value: '', label: t('common.any') }, ...sources.map(([key, source]) => ({ value: key, label: source.label[lang] }))]}
        />
        <div className="button-row">
          <button type="submit" className="button primary">
            {t('common.filter')}
          </button>
          <button type="button" className="button secondary" disabled={exportCsv.busy || !walletId} onClick={() => void exportCsv.act()}>
            {t('wallet.history.exportCsv')}
          </button>
        </div>
      </form>
      {progress ? (
        <div className="notice notice-info" role="status">
          <p>{t('wallet.history.downloading', { size: formatNumber(progress.bytes, lang) })}</p>
          <progress max={progress.total ?? undefined} value={progress.total ? progress.bytes : undefined} aria-label={t('wallet.history.exportCsv')} />
        </div>
      ) : null}
      {saved ? (
        <Notice kind="success" live>
          {saved}
        </Notice>
      ) : null}
      <ErrorNotice error={exportCsv.error} />
      {entries.loading ? <Loading /> : null}
      <ErrorNotice error={entries.error} onRetry={entries.reload} />
      {entries.data && entries.items.length === 0 ? <Empty>{t('wallet.history.none')}</Empty> : null}
      {entries.items.length > 0 ? (
        <ul className="rows card" aria-label={t('wallet.history.entries')}>
          {entries.items.map((entry) => (
            <EntryRow key={entry.id} entry={entry} />
          ))}
        </ul>
      ) : null}
      <Pager {...entries} />
    </Page>
  );
}
