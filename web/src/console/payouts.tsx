// Payouts (finance): bank payouts leave in batches at the policy's times; this sends every waiting
// payout now, as `smallchange payouts run` does, and shows the batches it made.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { List, PayoutBatch } from '../api/types.ts';
import { Empty, ErrorNotice, Loading, Notice, Page, SelectField, Submit, TableWrap } from '../components/ui.tsx';
import { useAction } from '../lib/use-api.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useStaff } from './staff-context.tsx';

export function PayoutsPage() {
  const { t } = useTranslation();
  const { token } = useStaff();
  const policy = usePolicy();
  const [channel, setChannel] = useState<'bank' | 'wallet'>('bank');
  const [runs, setRuns] = useState<{ channel: string; at: string; batches: PayoutBatch[] }[]>([]);
  const run = useAction(async () => {
    const result = await api<List<PayoutBatch>>('/v1/admin/payouts/run', { method: 'POST', token, body: { channel } });
    setRuns([{ channel, at: new Date().toISOString(), batches: result.data }, ...runs]);
  });
  const times = (policy.data?.policy.cashout as { batching?: { bank?: { times: string[] } } } | undefined)?.batching?.bank?.times ?? [];
  return (
    <Page title={t('console.payouts.title')}>
      <p className="muted">{t('console.payouts.explain', { times: times.join(', ') || '—' })}</p>
      <form
        className="filters card"
        onSubmit={(event) => {
          event.preventDefault();
          void run.act();
        }}
      >
        <SelectField
          label={t('console.payouts.channel')}
          value={channel}
          onChange={(e) => setChannel(e.target.value === 'wallet' ? 'wallet' : 'bank')}
          options={[
            { value: 'bank', label: t('channels.bank') },
            { value: 'wallet', label: t('channels.wallet') },
          ]}
        />
        <Submit busy={run.busy}>{t('console.payouts.run')}</Submit>
      </form>
      {run.busy ? <Loading label={t('console.payouts.running')} /> : null}
      <ErrorNotice error={run.error} />
      {runs.map((entry) => (
        <section key={entry.at} className="card">
          <Notice kind="success" live>
            {t('console.payouts.done', { count: entry.batches.reduce((sum, b) => sum + b.items, 0), channel: t(`channels.${entry.channel}`) })}
          </Notice>
          {entry.batches.length === 0 ? (
            <Empty>{t('console.payouts.nothing')}</Empty>
          ) : (
            <TableWrap label={t('console.payouts.result')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('console.payouts.batch')}</th>
                    <th scope="col">{t('console.payouts.items')}</th>
                    <th scope="col">{t('console.payouts.refused')}</th>
                    <th scope="col">{t('console.payouts.executionDate')}</th>
                  </tr>
                </thead>
                <tbody>
                  {entry.batches.map((batch) => (
                    <tr key={batch.batch}>
                      <td>
                        <code>{batch.batch}</code>
                      </td>
                      <td>{batch.items}</td>
                      <td>{batch.refused}</td>
                      <td>{batch.execution_date}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
      ))}
    </Page>
  );
}
