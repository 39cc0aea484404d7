// My cash-outs: each with every state it went through (refreshing while it is on its way), the
// reason when one is held or fails, cancel while it can still be stopped, and the receipt.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { downloadFile, openFile } from '../api/download.ts';
import { FINAL_CASHOUT_STATES, type Cashout, type CashoutState, type Receipt } from '../api/types.ts';
import { Pager } from '../components/pager.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, MoneyText, Notice, Page } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { Link } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePaged } from '../lib/use-paged.ts';
import { useMe } from './me.tsx';

const TONE: Record<CashoutState, 'good' | 'warn' | 'bad' | 'neutral'> = {
  quoted: 'neutral',
  reserved: 'warn',
  screening: 'warn',
  submitted: 'warn',
  settled: 'good',
  failed: 'bad',
  returned: 'bad',
  held_for_review: 'warn',
  cancelled: 'neutral',
};
const POLL_MS = 3_000;

export function StateBadge({ state }: { state: CashoutState }) {
  const { t } = useTranslation();
  return <Badge tone={TONE[state]}>{t(`cashoutStates.${state}`)}</Badge>;
}

export function CashoutsPage() {
  const { t } = useTranslation();
  const { token } = useMe();
  const cashouts = usePaged<Cashout>('/v1/cashouts', token);
  return (
    <Page title={t('wallet.cashout.mine')} actions={<Link to="/wallet/cashout" className="button primary">{t('wallet.cashout.title')}</Link>}>
      {cashouts.loading ? <Loading /> : null}
      <ErrorNotice error={cashouts.error} onRetry={cashouts.reload} />
      {cashouts.data && cashouts.items.length === 0 ? <Empty>{t('wallet.cashout.none')}</Empty> : null}
      {cashouts.items.length > 0 ? (
        <ul className="rows card">
          {cashouts.items.map((cashout) => (
            <li key={cashout.id} className="row">
              <div>
                <p className="entry-title">
                  <Link to={`/wallet/cashouts/${cashout.id}`}>{cashout.destination.display}</Link>
                </p>
                <p className="small muted">
                  <DateTime iso={cashout.created_at} />
                  {cashout.origin === 'auto_sweep' ? ` · ${t('wallet.sweep.title')}` : ''}
                </p>
              </div>
              <div className="entry-amount">
                <p className="amount">
                  <MoneyText money={cashout.net} />
                </p>
                <StateBadge state={cashout.state} />
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <Pager {...cashouts} />
    </Page>
  );
}

export function CashoutDetailPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { token } = useMe();
  const path = `/v1/cashouts/${encodeURIComponent(id)}`;
  const cashout = useApi<Cashout>(path, { token });
  const data = cashout.data;
  const moving = data ? !FINAL_CASHOUT_STATES.includes(data.state) : false;
  // While the money is on its way, follow it: the bank answers within seconds in the demo.
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(cashout.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [moving, cashout.reload]);
  const cancel = useAction(async () => {
    await api<Cashout>(`${path}/cancel`, { method: 'POST', token });
    cashout.reload();
  });
  const cancellable = data && (['reserved', 'screening', 'held_for_review'].includes(data.state) || (data.state === 'submitted' && !data.in_batch));
  return (
    <Page title={t('wallet.cashout.detail')}>
      <p>
        <Link to="/wallet/cashouts">← {t('wallet.cashout.mine')}</Link>
      </p>
      {cashout.loading && !data ? <Loading /> : null}
      <ErrorNotice error={cashout.error} onRetry={cashout.reload} />
      {data ? (
        <>
          <section className="card" aria-labelledby="cashout-state">
            <h2 id="cashout-state">
              <StateBadge state={data.state} />
            </h2>
            <p role="status" className="small">
              {t(`cashoutExplain.${data.state}`)}
              {moving ? ` ${t('wallet.cashout.following')}` : ''}
            </p>
            {data.reason?.message ? <Notice kind={data.state === 'failed' ? 'warning' : 'info'}>{data.reason.message}</Notice> : null}
            {data.hold_until ? (
              <p className="small">
                {t('wallet.cashout.holdUntil')} <DateTime iso={data.hold_until} />
              </p>
            ) : null}
            <dl className="pairs">
              <div className="total">
                <dt>{t('wallet.cashout.net')}</dt>
                <dd>
                  <MoneyText money={data.net} />
                </dd>
              </div>
              <div>
                <dt>{t('wallet.send.fee')}</dt>
                <dd>
                  <MoneyText money={data.fee} />
                </dd>
              </div>
              <div>
                <dt>{t('wallet.cashout.debit')}</dt>
                <dd>
                  <MoneyText money={data.debit} />
                </dd>
              </div>
              <div>
                <dt>{t('wallet.cashout.to')}</dt>
                <dd>{data.destination.display}</dd>
              </div>
              <div>
                <dt>{t('wallet.cashout.arrives')}</dt>
                <dd>
                  <DateTime iso={data.settled_at ?? data.expected_at} />
                </dd>
              </div>
              <div>
                <dt>{t('wallet.send.reference')}</dt>
                <dd>
                  <code>{data.id}</code>
                </dd>
              </div>
            </dl>
            {data.receipt_number ? (
              <p>
                <Link to={`/wallet/cashouts/${data.id}/receipt`} className="button primary">
                  {t('wallet.receipt.view')}
                </Link>
              </p>
            ) : null}
            {cancellable ? (
              <button type="button" className="button secondary" disabled={cancel.busy} onClick={() => void cancel.act()}>
                {t('wallet.cashout.cancel')}
              </button>
            ) : null}
            <ErrorNotice error={cancel.error} />
          </section>
          {data.events && data.events.length > 0 ? (
            <section className="card" aria-labelledby="cashout-steps">
              <h2 id="cashout-steps">{t('wallet.cashout.steps')}</h2>
              <ol className="timeline">
                {data.events.map((event) => (
                  <li key={`${event.to}-${event.at}`}>
                    <strong>{t(`cashoutStates.${event.to}`)}</strong> <DateTime iso={event.at} />
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

export function ReceiptPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { token } = useMe();
  const path = `/v1/cashouts/${encodeURIComponent(id)}/receipt`;
  const receipt = useApi<Receipt>(path, { token });
  const [saved, setSaved] = useState<string | null>(null);
  const lang = currentLang();
  const pdf = useAction(async (mode: 'open' | 'download') => {
    const options = { token, query: { lang } };
    if (mode === 'open') await openFile(`${path}.pdf`, options);
    else setSaved((await downloadFile(`${path}.pdf`, { ...options, fallbackName: `${receipt.data?.receipt_number ?? id}.pdf` })).name);
  });
  const r = receipt.data;
  return (
    <Page title={t('wallet.receipt.title')}>
      <p>
        <Link to={`/wallet/cashouts/${id}`}>← {t('wallet.cashout.detail')}</Link>
      </p>
      {receipt.loading && !r ? <Loading /> : null}
      <ErrorNotice error={receipt.error} onRetry={receipt.reload} />
      {r ? (
        <section className="card receipt" aria-labelledby="receipt-number">
          <h2 id="receipt-number">
            {t('wallet.receipt.number')} <code>{r.receipt_number}</code>
          </h2>
          <dl className="pairs">
            <div className="total">
              <dt>{t('wallet.receipt.paid')}</dt>
              <dd>
                <MoneyText money={r.paid} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.send.fee')}</dt>
              <dd>
                <MoneyText money={r.fee} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.receipt.debited')}</dt>
              <dd>
                <MoneyText money={r.debited} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.cashout.dust')}</dt>
              <dd>
                <MoneyText money={r.dust_kept} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.cashout.to')}</dt>
              <dd>{r.destination}</dd>
            </div>
            <div>
              <dt>{t('wallet.receipt.requested')}</dt>
              <dd>
                <DateTime iso={r.requested_at} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.receipt.settled')}</dt>
              <dd>
                <DateTime iso={r.settled_at} />
              </dd>
            </div>
            {r.rail_reference ? (
              <div>
                <dt>{t('wallet.receipt.railReference')}</dt>
                <dd>
                  <code>{r.rail_reference}</code>
                </dd>
              </div>
            ) : null}
            <div>
              <dt>{t('wallet.receipt.policyVersion')}</dt>
              <dd>{r.policy_version}</dd>
            </div>
          </dl>
          {r.returned_at ? (
            <Notice kind="warning">
              {t('wallet.receipt.returned')} <DateTime iso={r.returned_at} />
            </Notice>
          ) : null}
          <div className="button-row">
            <button type="button" className="button primary" disabled={pdf.busy} onClick={() => void pdf.act('download')}>
              {t('wallet.receipt.downloadPdf')}
            </button>
            <button type="button" className="button secondary" disabled={pdf.busy} onClick={() => void pdf.act('open')}>
              {t('wallet.receipt.openPdf')}
            </button>
          </div>
          <ErrorNotice error={pdf.error} />
          {saved ? (
            <Notice kind="success" live>
              {t('wallet.receipt.saved', { name: saved })}
            </Notice>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}
