// Agents near me, without a map: a position typed in or taken from the phone, the amount wanted,
// and the API's answer — nearest first, open or closed, and whether the shop holds that much cash.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { NearbyAgent } from '../api/cash-types.ts';
import { Badge, Empty, ErrorNotice, Notice, Page, Submit, TextField } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { amountFromInput, formatNumber } from '../lib/money.ts';
import { Link } from '../lib/router.tsx';
import { useAction } from '../lib/use-api.ts';
import { useMe } from './me.tsx';

const COORD = /^-?\d{1,3}(\.\d+)?$/;

export function AgentsNearbyPage() {
  const { t } = useTranslation();
  const { token } = useMe();
  const [lat, setLat] = useState('');
  const [lng, setLng] = useState('');
  const [amount, setAmount] = useState('');
  const [found, setFound] = useState<NearbyAgent[] | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);
  const decimal = amountFromInput(amount);
  const search = useAction(async () => {
    const list = await api<{ data: NearbyAgent[] }>('/v1/agents/nearby', { token, query: { lat: lat.trim(), lng: lng.trim(), amount: decimal ?? undefined } });
    setFound(list.data);
  });
  const locate = () => {
    setGeoError(null);
    if (!('geolocation' in navigator)) {
      setGeoError(t('wallet.agents.noGeo'));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        setLat(position.coords.latitude.toFixed(5));
        setLng(position.coords.longitude.toFixed(5));
      },
      () => {
        setLocating(false);
        setGeoError(t('wallet.agents.geoRefused'));
      },
      { timeout: 10_000 },
    );
  };
  return (
    <Page title={t('wallet.agents.title')}>
      <p className="muted">{t('wallet.agents.intro')}</p>
      <form
        className="form card"
        onSubmit={(event) => {
          event.preventDefault();
          void search.act();
        }}
      >
        <button type="button" className="button secondary" onClick={locate} disabled={locating} aria-busy={locating}>
          {locating ? t('wallet.agents.locating') : t('wallet.agents.useMyPosition')}
        </button>
        {geoError ? <Notice kind="warning" live>{geoError}</Notice> : null}
        <div className="grid-2">
          <TextField label={t('wallet.agents.lat')} inputMode="decimal" required value={lat} invalid={lat !== '' && !COORD.test(lat.trim())} onChange={(e) => setLat(e.target.value)} />
          <TextField label={t('wallet.agents.lng')} inputMode="decimal" required value={lng} invalid={lng !== '' && !COORD.test(lng.trim())} onChange={(e) => setLng(e.target.value)} />
        </div>
        <TextField
          label={t('wallet.agents.amount')}
          inputMode="decimal"
          value={amount}
          invalid={amount !== '' && !decimal}
          hint={t('wallet.agents.amountHint')}
          onChange={(e) => setAmount(e.target.value)}
        />
        <ErrorNotice error={search.error} />
        <Submit busy={search.busy}>{t('wallet.agents.search')}</Submit>
      </form>
      {found ? (
        found.length === 0 ? (
          <Empty>{t('wallet.agents.none')}</Empty>
        ) : (
          <ul className="rows" aria-label={t('wallet.agents.results')} data-testid="nearby-agents">
            {found.map((agent) => (
              <li key={agent.agent} className="row row-wrap entry">
                <div className="entry-title">
                  <strong>{agent.name}</strong>{' '}
                  <span className="muted small">{t('wallet.agents.distance', { meters: formatNumber(agent.distance_m, currentLang()) })}</span>
                </div>
                <div>
                  {agent.open ? <Badge tone="good">{t('wallet.agents.open')}</Badge> : <Badge tone="bad">{t('wallet.agents.closed')}</Badge>}
                  {agent.can_pay === null ? null : agent.can_pay ? <Badge tone="good">{t('wallet.agents.canPay')}</Badge> : <Badge tone="warn">{t('wallet.agents.cannotPay')}</Badge>}
                </div>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <p className="card-links">
        <Link to="/wallet/cashout">{t('wallet.nav.cashout')}</Link>
      </p>
    </Page>
  );
}
