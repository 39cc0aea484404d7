// Auto-sweep: when my cashable balance reaches a threshold, pay it out to a destination of mine.
// Setting it takes the PIN and an SMS code; stopping it takes a tap.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client.ts';
import type { AutoSweep } from '../api/types.ts';
import { PinInput } from '../components/code-field.tsx';
import { StepUpField } from '../components/step-up-field.tsx';
import { Badge, DateTime, ErrorNotice, Loading, MoneyText, Notice, Page, SelectField, Submit, TextField } from '../components/ui.tsx';
import { amountFromInput } from '../lib/money.ts';
import { Link } from '../lib/router.tsx';
import { cashoutProof, useStepUp } from '../lib/step-up.ts';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useDestinations } from './destinations.tsx';
import { useMe } from './me.tsx';

export function AutoSweepPage() {
  const { t } = useTranslation();
  const { token, me } = useMe();
  const rule = useApi<AutoSweep>('/v1/me/auto-sweep', { token });
  const destinations = useDestinations();
  const policy = usePolicy();
  const [threshold, setThreshold] = useState('');
  const [destinationId, setDestinationId] = useState('');
  const [pin, setPin] = useState('');
  const [saved, setSaved] = useState(false);
  const list = destinations.data?.data ?? [];
  const destination = list.find((d) => d.id === destinationId) ?? list[0];
  const decimal = amountFromInput(threshold);
  const none = rule.error instanceof ApiError && rule.error.code === 'auto_sweep_not_found';
  const current = rule.data;
  const currency = policy.data?.policy.currency ?? 'KRW';

  const save = useStepUp(async (proof) => {
    if (!destination || !decimal) return;
    await api<AutoSweep>('/v1/me/auto-sweep', {
      method: 'PUT',
      token,
      body: { threshold: { amount: decimal, currency }, destination: destination.id, channel: destination.kind, pin, ...cashoutProof(proof) },
    });
    setPin('');
    setSaved(true);
    rule.reload();
  });
  const stop = useAction(async () => {
    await api<AutoSweep>('/v1/me/auto-sweep', { method: 'DELETE', token });
    rule.reload();
  });
  const shownDestination = (id: string) => list.find((d) => d.id === id)?.display ?? id;

  return (
    <Page title={t('wallet.sweep.title')}>
      <p className="muted">{t('wallet.sweep.explain')}</p>
      {rule.loading && !rule.data ? <Loading /> : null}
      {!none ? <ErrorNotice error={rule.error} onRetry={rule.reload} /> : null}
      {current ? (
        <section className="card" aria-labelledby="sweep-now">
          <h2 id="sweep-now">
            {t('wallet.sweep.current')} <Badge tone={current.active ? 'good' : 'neutral'}>{current.active ? t('wallet.sweep.on') : t('wallet.sweep.off')}</Badge>
          </h2>
          <dl className="pairs">
            <div>
              <dt>{t('wallet.sweep.threshold')}</dt>
              <dd>
                <MoneyText money={current.threshold} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.cashout.to')}</dt>
              <dd>{shownDestination(current.destination)}</dd>
            </div>
            <div>
              <dt>{t('wallet.sweep.last')}</dt>
              <dd>
                {current.last_cashout ? <Link to={`/wallet/cashouts/${current.last_cashout}`}><DateTime iso={current.last_swept_at} /></Link> : <DateTime iso={current.last_swept_at} />}
              </dd>
            </div>
          </dl>
          {current.active ? (
            <button type="button" className="button secondary" disabled={stop.busy} onClick={() => void stop.act()}>
              {t('wallet.sweep.stop')}
            </button>
          ) : null}
          <ErrorNotice error={stop.error} />
        </section>
      ) : null}
      {destinations.data && list.length === 0 ? (
        <Notice kind="info">
          {t('wallet.cashout.noDestination')} <Link to="/wallet/destinations">{t('wallet.destinations.add')}</Link>
        </Notice>
      ) : null}
      {list.length > 0 ? (
        <section className="card" aria-labelledby="sweep-set">
          <h2 id="sweep-set">{current ? t('wallet.sweep.change') : t('wallet.sweep.set')}</h2>
          <form
            className="form"
            onSubmit={(event) => {
              event.preventDefault();
              setSaved(false);
              void save.act();
            }}
          >
            <TextField
              label={t('wallet.sweep.threshold')}
              inputMode="decimal"
              required
              value={threshold}
              invalid={threshold !== '' && !decimal}
              hint={threshold !== '' && !decimal ? t('wallet.send.badAmount') : t('wallet.sweep.thresholdHint')}
              onChange={(e) => setThreshold(e.target.value)}
            />
            <SelectField label={t('wallet.cashout.to')} value={destination?.id ?? ''} onChange={(e) => setDestinationId(e.target.value)} options={list.map((d) => ({ value: d.id, label: d.display }))} />
            <PinInput label={t('wallet.auth.pin')} value={pin} onChange={setPin} />
            <StepUpField challengeId={save.challengeId} code={save.code} setCode={save.setCode} phone={me?.phone} />
            <ErrorNotice error={save.error} />
            {saved ? (
              <Notice kind="success" live>
                {t('wallet.sweep.saved')}
              </Notice>
            ) : null}
            <Submit busy={save.busy}>{save.challengeId ? t('wallet.auth.confirm') : t('common.save')}</Submit>
          </form>
        </section>
      ) : null}
    </Page>
  );
}
