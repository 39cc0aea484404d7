// Reconciliation (finance): a day's bank statements against our books — balances and their
// difference, what matched, what is missing on either side — plus uploading a camt.053 statement
// and the tasks reconciliation opened.
import { useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, send } from '../api/client.ts';
import type { FinanceTask, Reconciliation, ReconciliationItem } from '../api/types.ts';
import { Pager } from '../components/pager.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, MoneyText, Notice, Page, SelectField, TableWrap, TextField } from '../components/ui.tsx';
import { isZeroAmount } from '../lib/money.ts';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePaged } from '../lib/use-paged.ts';
import { dayOf } from './overview.tsx';
import { useStaff } from './staff-context.tsx';

const LISTS = ['unmatched_ours', 'unmatched_bank', 'amount_mismatches', 'returned', 'matched'] as const;

function Items({ title, items, truncated }: { title: string; items: ReconciliationItem[]; truncated: boolean }) {
  const { t } = useTranslation();
  return (
    <details className="card" open={items.length > 0 && title !== t('console.recon.lists.matched')}>
      <summary>
        {title} ({items.length}
        {truncated ? '+' : ''})
      </summary>
      {items.length === 0 ? (
        <Empty>{t('common.none')}</Empty>
      ) : (
        <TableWrap label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.recon.cashout')}</th>
                <th scope="col">{t('console.recon.bankReference')}</th>
                <th scope="col">{t('console.recon.ours')}</th>
                <th scope="col">{t('console.recon.bank')}</th>
                <th scope="col">{t('console.recon.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={`${item.run}-${item.position}`}>
                  <td>{item.cashout ? <code>{item.cashout}</code> : '—'}</td>
                  <td>{item.bank_reference ? <code>{item.bank_reference}</code> : '—'}</td>
                  <td>{item.our_amount ? <MoneyText money={item.our_amount} /> : '—'}</td>
                  <td>{item.bank_amount ? <MoneyText money={item.bank_amount} /> : '—'}</td>
                  <td className="small">
                    {item.detail}
                    {item.return_reason ? ` (${item.return_reason.code}: ${item.return_reason.text})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </details>
  );
}

export function ReconciliationPage() {
  const { t } = useTranslation();
  const { token, can } = useStaff();
  const [date, setDate] = useState(() => dayOf(new Date().toISOString()));
  const day = useApi<Reconciliation>(`/v1/admin/reconciliations/${encodeURIComponent(date)}`, { token });
  const [uploaded, setUploaded] = useState<string | null>(null);
  const upload = useAction(async (file: File) => {
    const response = await send('/v1/admin/reconciliations', { method: 'POST', token, rawBody: await file.text(), contentType: 'application/xml' });
    const result = (await response.json()) as { data: { statement_date: string }[]; created: boolean };
    const statementDate = result.data[0]?.statement_date;
    setUploaded(result.created ? t('console.recon.uploaded', { date: statementDate ?? '' }) : t('console.recon.alreadyUploaded'));
    if (statementDate) setDate(statementDate);
    day.reload();
  });
  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) void upload.act(file);
    event.target.value = '';
  };
  const data = day.data;
  return (
    <Page title={t('console.recon.title')}>
      <div className="filters card">
        <TextField label={t('console.recon.date')} type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
        {can('reconciliation:run') ? (
          <div className="field">
            <label htmlFor="statement-file">{t('console.recon.upload')}</label>
            <input id="statement-file" type="file" accept=".xml,application/xml,text/xml" onChange={onFile} disabled={upload.busy} />
          </div>
        ) : null}
      </div>
      {upload.busy ? <Loading label={t('console.recon.checking')} /> : null}
      <ErrorNotice error={upload.error} />
      {uploaded ? (
        <Notice kind="success" live>
          {uploaded}
        </Notice>
      ) : null}
      {day.loading && !data ? <Loading /> : null}
      <ErrorNotice error={day.error} onRetry={day.reload} />
      {data ? (
        data.statements.length === 0 ? (
          <Empty>{t('console.recon.noStatement', { date: data.date })}</Empty>
        ) : (
          <>
            {data.statements.map((run) => (
              <section key={run.id} className="card" aria-labelledby={`run-${run.id}`}>
                <h2 id={`run-${run.id}`}>
                  {t('console.recon.statement')} <code>{run.statement_id}</code>{' '}
                  {isZeroAmount(run.difference.amount) ? <Badge tone="good">{t('console.recon.agrees')}</Badge> : <Badge tone="bad">{t('console.recon.differs')}</Badge>}
                </h2>
                <dl className="pairs">
                  <div>
                    <dt>{t('console.recon.closing')}</dt>
                    <dd>
                      <MoneyText money={run.closing_balance} />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('console.recon.book')}</dt>
                    <dd>
                      <MoneyText money={run.book_balance} />
                    </dd>
                  </div>
                  <div className="total">
                    <dt>{t('console.recon.difference')}</dt>
                    <dd>
                      <MoneyText money={run.difference} />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('console.recon.clearing')}</dt>
                    <dd>
                      <MoneyText money={run.clearing_balance} />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('console.recon.counts')}</dt>
                    <dd className="small">
                      {LISTS.map((list) => `${t(`console.recon.lists.${list}`)} ${run.counts[list === 'amount_mismatches' ? 'amount_mismatch' : list]}`).join(' · ')}
                    </dd>
                  </div>
                </dl>
              </section>
            ))}
            {LISTS.map((list) => (
              <Items key={list} title={t(`console.recon.lists.${list}`)} items={data[list].data} truncated={data[list].truncated} />
            ))}
          </>
        )
      ) : null}
      <FinanceTasks />
    </Page>
  );
}

function FinanceTasks() {
  const { t } = useTranslation();
  const { token, can } = useStaff();
  const [status, setStatus] = useState('open');
  const tasks = usePaged<FinanceTask>('/v1/admin/finance-tasks', token, { status });
  const [resolutions, setResolutions] = useState<Record<string, string>>({});
  const resolve = useAction(async (task: FinanceTask) => {
    await api(`/v1/admin/finance-tasks/${encodeURIComponent(task.id)}/resolve`, { method: 'POST', token, body: { resolution: resolutions[task.id] ?? '' } });
    tasks.reload();
  });
  return (
    <section className="card" aria-labelledby="tasks-title">
      <h2 id="tasks-title">{t('console.recon.tasks')}</h2>
      <SelectField
        label={t('console.recon.taskStatus')}
        value={status}
        onChange={(e) => setStatus(e.target.value)}
        options={[
          { value: 'open', label: t('console.recon.open') },
          { value: 'resolved', label: t('console.recon.resolved') },
        ]}
      />
      {tasks.loading ? <Loading /> : null}
      <ErrorNotice error={tasks.error ?? resolve.error} />
      {tasks.data && tasks.items.length === 0 ? <Empty>{t('console.recon.noTasks')}</Empty> : null}
      <ul className="rows">
        {tasks.items.map((task) => (
          <li key={task.id} className="row row-wrap">
            <div>
              <p>
                <Badge tone={task.status === 'open' ? 'warn' : 'good'}>{t(`console.recon.lists.${task.kind === 'amount_mismatch' ? 'amount_mismatches' : task.kind === 'return_not_applied' ? 'returned' : task.kind}`)}</Badge> <code>{task.reference}</code>
              </p>
              <p className="small">{task.detail}</p>
              <p className="small muted">
                <DateTime iso={task.created_at} />
                {task.resolution ? ` · ${task.resolution}` : ''}
              </p>
            </div>
            {task.status === 'open' && can('reconciliation:run') ? (
              <form
                className="inline-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  void resolve.act(task);
                }}
              >
                <TextField label={t('console.recon.resolution')} required value={resolutions[task.id] ?? ''} onChange={(e) => setResolutions({ ...resolutions, [task.id]: e.target.value })} />
                <button type="submit" className="button secondary" disabled={resolve.busy}>
                  {t('console.recon.resolve')}
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      <Pager {...tasks} />
    </section>
  );
}
