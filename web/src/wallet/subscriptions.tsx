// Subscriptions a merchant asked for: see them with their next charge, authorise one with the PIN,
// and cancel — effective at once, no further charge.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Subscription } from '../api/cash-types.ts';
import { PinInput } from '../components/code-field.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, MoneyText, Notice, Page, Submit } from '../components/ui.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { useMe } from './me.tsx';

const STATUS_TONE = { requested: 'warn', active: 'good', cancelled: 'neutral' } as const;

export function SubscriptionsPage() {
  const { t } = useTranslation();
  const { token } = useMe();
  const list = useApi<{ data: Subscription[] }>('/v1/me/subscriptions', { token });
  return (
    <Page title={t('wallet.subs.title')}>
      <p className="muted">{t('wallet.subs.intro')}</p>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.data && list.data.data.length === 0 ? <Empty>{t('wallet.subs.none')}</Empty> : null}
      {list.data?.data.map((sub) => <SubscriptionCard key={sub.id} sub={sub} token={token} onChange={list.reload} />)}
    </Page>
  );
}

function SubscriptionCard({ sub, token, onChange }: { sub: Subscription; token: string; onChange: () => void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const cancel = useAction(async () => {
    await api<Subscription>(`/v1/me/subscriptions/${encodeURIComponent(sub.id)}/cancel`, { method: 'POST', token, body: {} });
    setDone(t('wallet.subs.cancelled'));
    setConfirming(false);
    onChange();
  });
  const authorize = useAction(async () => {
    await api<Subscription>(`/v1/me/subscriptions/${encodeURIComponent(sub.id)}/authorize`, { method: 'POST', token, body: { pin } });
    setPin('');
    setDone(t('wallet.subs.authorized'));
    onChange();
  });
  const titleId = `sub-${sub.id}`;
  return (
    <article className="card" aria-labelledby={titleId} data-testid="subscription">
      <h2 id={titleId}>
        {sub.merchant.name} <Badge tone={STATUS_TONE[sub.status]}>{t(`wallet.subs.status.${sub.status}`)}</Badge>
      </h2>
      <p>{sub.description}</p>
      <dl className="pairs">
        <div>
          <dt>{t('wallet.subs.amount')}</dt>
          <dd>
            <MoneyText money={sub.amount} /> {t(`wallet.subs.period.${sub.period}`)}
          </dd>
        </div>
        {sub.status === 'active' ? (
          <div>
            <dt>{t('wallet.subs.next')}</dt>
            <dd>
              <DateTime iso={sub.next_charge_at} />
            </dd>
          </div>
        ) : null}
        {sub.cancelled_at ? (
          <div>
            <dt>{t('wallet.subs.cancelledAt')}</dt>
            <dd>
              <DateTime iso={sub.cancelled_at} />
            </dd>
          </div>
        ) : null}
      </dl>
      {done ? <Notice kind="success" live>{done}</Notice> : null}
      {sub.status === 'requested' ? (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void authorize.act();
          }}
        >
          <PinInput label={t('wallet.auth.pin')} value={pin} onChange={setPin} />
          <ErrorNotice error={authorize.error} />
          <Submit busy={authorize.busy}>{t('wallet.subs.authorize')}</Submit>
        </form>
      ) : null}
      {sub.status !== 'cancelled' ? (
        confirming ? (
          <div className="confirm" role="group" aria-label={t('wallet.subs.cancel')}>
            <p>{t('wallet.subs.cancelConfirm', { merchant: sub.merchant.name })}</p>
            <ErrorNotice error={cancel.error} />
            <button type="button" className="button primary" disabled={cancel.busy} aria-busy={cancel.busy} onClick={() => void cancel.act()}>
              {t('wallet.subs.cancelNow')}
            </button>{' '}
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              {t('wallet.subs.keep')}
            </button>
          </div>
        ) : (
          <button type="button" className="button secondary" onClick={() => setConfirming(true)}>
            {t('wallet.subs.cancel')}
          </button>
        )
      ) : null}
    </article>
  );
}
