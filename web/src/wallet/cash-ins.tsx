// Cash-ins an agent took for my number above the policy's threshold: the money lands only when I
// confirm with my PIN here (someone may have typed my number by mistake); otherwise I decline.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api/client.ts';
import type { AgentCashIn } from '../api/cash-types.ts';
import { PinInput } from '../components/code-field.tsx';
import { DateTime, Empty, ErrorNotice, Loading, MoneyText, Notice, Page, Submit } from '../components/ui.tsx';
import { Link } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { useMe } from './me.tsx';

export function usePendingCashIns(token: string) {
  return useApi<{ data: AgentCashIn[] }>('/v1/me/agent-cash-ins', { token });
}

/** A line at the top of the wallet while a cash-in waits for me. */
export function PendingCashInsBanner({ token }: { token: string }) {
  const { t } = useTranslation();
  const pending = usePendingCashIns(token);
  const count = pending.data?.data.length ?? 0;
  if (count === 0) return null;
  return (
    <Notice kind="info">
      {t('wallet.cashIns.banner', { count })} <Link to="/wallet/cash-ins">{t('wallet.cashIns.review')}</Link>
    </Notice>
  );
}

export function CashInsPage() {
  const { t } = useTranslation();
  const { token } = useMe();
  const pending = usePendingCashIns(token);
  const [done, setDone] = useState<AgentCashIn | null>(null);
  return (
    <Page title={t('wallet.cashIns.title')}>
      <p className="muted">{t('wallet.cashIns.intro')}</p>
      {done ? (
        <Notice kind={done.status === 'completed' ? 'success' : 'info'} live>
          {t(`wallet.cashIns.done.${done.status === 'completed' ? 'completed' : 'declined'}`)} <MoneyText money={done.amount} />
        </Notice>
      ) : null}
      {pending.loading && !pending.data ? <Loading /> : null}
      <ErrorNotice error={pending.error} onRetry={pending.reload} />
      {pending.data && pending.data.data.length === 0 ? <Empty>{t('wallet.cashIns.none')}</Empty> : null}
      {pending.data?.data.map((cashIn) => (
        <PendingCashIn
          key={cashIn.id}
          cashIn={cashIn}
          token={token}
          onDone={(row) => {
            setDone(row);
            pending.reload();
          }}
        />
      ))}
    </Page>
  );
}

function PendingCashIn({ cashIn, token, onDone }: { cashIn: AgentCashIn; token: string; onDone: (row: AgentCashIn) => void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [key] = useState(newIdempotencyKey);
  const path = `/v1/me/agent-cash-ins/${encodeURIComponent(cashIn.id)}`;
  const confirm = useAction(async () => onDone(await api<AgentCashIn>(`${path}/confirm`, { method: 'POST', token, idempotencyKey: key, body: { pin } })));
  const decline = useAction(async () => onDone(await api<AgentCashIn>(`${path}/decline`, { method: 'POST', token })));
  const titleId = `cash-in-${cashIn.id}`;
  return (
    <article className="card" aria-labelledby={titleId} data-testid="pending-cash-in">
      <h2 id={titleId}>
        {t('wallet.cashIns.amount')} <MoneyText money={cashIn.amount} />
      </h2>
      <p className="small muted">
        {t('wallet.cashIns.until')} <DateTime iso={cashIn.expires_at} />
      </p>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void confirm.act();
        }}
      >
        <PinInput label={t('wallet.auth.pin')} value={pin} onChange={setPin} />
        <ErrorNotice error={confirm.error ?? decline.error} />
        <Submit busy={confirm.busy}>{t('wallet.cashIns.confirm')}</Submit>
        <button type="button" className="button secondary" disabled={decline.busy} onClick={() => void decline.act()}>
          {t('wallet.cashIns.decline')}
        </button>
      </form>
    </article>
  );
}
