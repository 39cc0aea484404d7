// The append-only audit log: who did what to whom, why, and what it changed.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../api/types.ts';
import { Pager } from '../components/pager.tsx';
import { DateTime, Empty, ErrorNotice, Loading, Page, TextField, TableWrap } from '../components/ui.tsx';
import { usePaged } from '../lib/use-paged.ts';
import { useStaff } from './staff-context.tsx';

const shown = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** One line per field: "frozen_by: null → staff". */
function Changes({ entry }: { entry: AuditEntry }) {
  const keys = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})])];
  if (keys.length === 0) return <>—</>;
  return (
    <ul className="change-list">
      {keys.map((key) => {
        const before = entry.before?.[key];
        const after = entry.after?.[key];
        return (
          <li key={key}>
            <code>{key}</code>: {entry.before && key in entry.before ? `${shown(before)} → ` : ''}
            {shown(after)}
          </li>
        );
      })}
    </ul>
  );
}

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t } = useTranslation();
  if (entries.length === 0) return <Empty>{t('console.audit.none')}</Empty>;
  return (
    <TableWrap label={t('console.audit.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('console.audit.at')}</th>
            <th scope="col">{t('console.audit.actor')}</th>
            <th scope="col">{t('console.audit.action')}</th>
            <th scope="col">{t('console.audit.target')}</th>
            <th scope="col">{t('console.audit.reason')}</th>
            <th scope="col">{t('console.audit.change')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <DateTime iso={entry.at} />
              </td>
              <td>
                {entry.actor.kind}
                {entry.actor.id ? (
                  <>
                    {' '}
                    <code>{entry.actor.id}</code>
                  </>
                ) : null}
              </td>
              <td>
                <code className="nowrap">{entry.action}</code>
              </td>
              <td>{entry.target ? <code>{entry.target.id}</code> : '—'}</td>
              <td>{entry.reason ?? '—'}</td>
              <td className="small wrap-anywhere">
                <Changes entry={entry} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const { token } = useStaff();
  const [draft, setDraft] = useState({ actor_id: '', target_id: '', action: '' });
  const [filters, setFilters] = useState(draft);
  const entries = usePaged<AuditEntry>('/v1/admin/audit-log', token, { actor_id: filters.actor_id || undefined, target_id: filters.target_id || undefined, action: filters.action || undefined }, 50);
  return (
    <Page title={t('console.audit.title')}>
      <form
        className="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters({ actor_id: draft.actor_id.trim(), target_id: draft.target_id.trim(), action: draft.action.trim() });
        }}
      >
        <TextField label={t('console.audit.actorId')} value={draft.actor_id} onChange={(e) => setDraft({ ...draft, actor_id: e.target.value })} />
        <TextField label={t('console.audit.targetId')} value={draft.target_id} onChange={(e) => setDraft({ ...draft, target_id: e.target.value })} />
        <TextField label={t('console.audit.action')} value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
        <button type="submit" className="button primary">
          {t('common.filter')}
        </button>
      </form>
      {entries.loading ? <Loading /> : null}
      <ErrorNotice error={entries.error} onRetry={entries.reload} />
      {entries.data ? <AuditTable entries={entries.items} /> : null}
      <Pager {...entries} />
    </Page>
  );
}
