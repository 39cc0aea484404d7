// Partners and their API keys. A new key's secret is shown once, here, and never again.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { ApiKey, Partner, PartnerBalance } from '../api/types.ts';
import { Pager } from '../components/pager.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, MoneyText, Notice, Page, Submit, TextField, TableWrap } from '../components/ui.tsx';
import { amountFromInput } from '../lib/money.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { Link } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePaged } from '../lib/use-paged.ts';
import { useStaff } from './staff-context.tsx';

const SCOPES = ['credits:write', 'credits:read', 'carrier:events', 'atm:operate', 'webhooks:manage'] as const;
const KEY_TONE: Record<ApiKey['status'], 'good' | 'warn' | 'bad'> = { active: 'good', expiring: 'warn', expired: 'bad', revoked: 'bad' };

export function PartnersPage() {
  const { t } = useTranslation();
  const { token, can } = useStaff();
  const partners = usePaged<Partner>('/v1/admin/partners', token);
  const [name, setName] = useState('');
  const create = useAction(async () => {
    await api<Partner>('/v1/admin/partners', { method: 'POST', token, body: { name: name.trim() } });
    setName('');
    partners.reload();
  });
  return (
    <Page title={t('console.partners.title')}>
      {can('partners:manage') ? (
        <form
          className="filters"
          onSubmit={(event) => {
            event.preventDefault();
            void create.act();
          }}
        >
          <TextField label={t('console.partners.newName')} required value={name} onChange={(e) => setName(e.target.value)} />
          <Submit busy={create.busy}>{t('console.partners.create')}</Submit>
        </form>
      ) : null}
      <ErrorNotice error={create.error} />
      {partners.loading ? <Loading /> : null}
      <ErrorNotice error={partners.error} onRetry={partners.reload} />
      {partners.data && partners.items.length === 0 ? <Empty>{t('console.partners.none')}</Empty> : null}
      {partners.items.length > 0 ? (
        <TableWrap label={t('console.partners.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.partners.name')}</th>
                <th scope="col">{t('console.partners.status')}</th>
                <th scope="col">{t('console.partners.created')}</th>
              </tr>
            </thead>
            <tbody>
              {partners.items.map((partner) => (
                <tr key={partner.id}>
                  <td>
                    <Link to={`/console/partners/${partner.id}`}>{partner.name}</Link>
                  </td>
                  <td>
                    <Badge tone={partner.status === 'active' ? 'good' : 'bad'}>{t(`console.partners.statuses.${partner.status}`)}</Badge>
                  </td>
                  <td>
                    <DateTime iso={partner.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager {...partners} />
    </Page>
  );
}

export function PartnerPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { token, can } = useStaff();
  const detail = useApi<{ partner: Partner; api_keys: ApiKey[] }>(`/v1/admin/partners/${encodeURIComponent(id)}`, { token });
  const [scopes, setScopes] = useState<string[]>(['credits:write', 'credits:read']);
  const [secret, setSecret] = useState<string | null>(null);
  const base = `/v1/admin/partners/${encodeURIComponent(id)}`;
  const createKey = useAction(async () => {
    const created = await api<{ secret: string }>(`${base}/keys`, { method: 'POST', token, body: { scopes } });
    setSecret(created.secret);
    detail.reload();
  });
  const rotate = useAction(async (key: ApiKey) => {
    const created = await api<{ secret: string }>(`${base}/keys/${encodeURIComponent(key.id)}/rotate`, { method: 'POST', token, body: { overlap_hours: 24 } });
    setSecret(created.secret);
    detail.reload();
  });
  const revoke = useAction(async (key: ApiKey) => {
    await api(`${base}/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE', token });
    detail.reload();
  });
  const setStatus = useAction(async (status: Partner['status']) => {
    await api(base, { method: 'PATCH', token, body: { status } });
    detail.reload();
  });
  const partner = detail.data?.partner;
  const manage = can('partners:manage');
  return (
    <Page title={partner?.name ?? t('console.partners.partner')}>
      <p>
        <Link to="/console/partners">← {t('console.partners.back')}</Link>
      </p>
      {detail.loading && !detail.data ? <Loading /> : null}
      <ErrorNotice error={detail.error} onRetry={detail.reload} />
      {partner ? (
        <section className="card">
          <p>
            <code>{partner.id}</code> <Badge tone={partner.status === 'active' ? 'good' : 'bad'}>{t(`console.partners.statuses.${partner.status}`)}</Badge>
          </p>
          {manage ? (
            <button type="button" className={`button ${partner.status === 'active' ? 'danger' : 'secondary'}`} disabled={setStatus.busy} onClick={() => void setStatus.act(partner.status === 'active' ? 'disabled' : 'active')}>
              {partner.status === 'active' ? t('console.partners.disable') : t('console.partners.enable')}
            </button>
          ) : null}
          <ErrorNotice error={setStatus.error} />
        </section>
      ) : null}
      {partner && can('prefunding:record') ? <Prefunding partnerId={partner.id} /> : null}
      {secret ? (
        <Notice kind="success" live>
          <p>{t('console.partners.secretOnce')}</p>
          <p>
            <code className="secret">{secret}</code>
          </p>
          <button type="button" className="button secondary" onClick={() => void navigator.clipboard?.writeText(secret)}>
            {t('common.copy')}
          </button>
        </Notice>
      ) : null}
      {detail.data ? (
        <section className="card" aria-labelledby="keys-title">
          <h2 id="keys-title">{t('console.partners.keys')}</h2>
          {detail.data.api_keys.length === 0 ? <Empty>{t('console.partners.noKeys')}</Empty> : null}
          <ul className="rows">
            {detail.data.api_keys.map((key) => (
              <li key={key.id} className="row row-wrap">
                <div>
                  <p>
                    <code>{key.prefix}…</code> <Badge tone={KEY_TONE[key.status]}>{t(`console.partners.keyStatus.${key.status}`)}</Badge>
                  </p>
                  <p className="small muted">
                    {key.scopes.join(', ')} · {t('console.partners.lastUsed')} <DateTime iso={key.last_used_at} />
                    {key.expires_at ? (
                      <>
                        {' '}
                        · {t('console.partners.expires')} <DateTime iso={key.expires_at} />
                      </>
                    ) : null}
                  </p>
                </div>
                {manage && (key.status === 'active' || key.status === 'expiring') ? (
                  <div className="button-row">
                    <button type="button" className="button secondary" disabled={rotate.busy} onClick={() => void rotate.act(key)}>
                      {t('console.partners.rotate')}
                    </button>
                    <button type="button" className="button danger" disabled={revoke.busy} onClick={() => void revoke.act(key)}>
                      {t('console.partners.revoke')}
                    </button>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
          <ErrorNotice error={rotate.error ?? revoke.error} />
          {manage ? (
            <form
              className="form"
              onSubmit={(event) => {
                event.preventDefault();
                void createKey.act();
              }}
            >
              <fieldset className="fieldset">
                <legend>{t('console.partners.scopes')}</legend>
                {SCOPES.map((scope) => (
                  <label key={scope} className="check">
                    <input type="checkbox" checked={scopes.includes(scope)} onChange={(e) => setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))} /> <code>{scope}</code>
                  </label>
                ))}
              </fieldset>
              <ErrorNotice error={createKey.error} />
              <Submit busy={createKey.busy}>{t('console.partners.createKey')}</Submit>
            </form>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}

/** Finance records the money a partner wired in advance: credits draw on it. */
function Prefunding({ partnerId }: { partnerId: string }) {
  const { t } = useTranslation();
  const { token } = useStaff();
  const currency = usePolicy().data?.policy.currency ?? 'KRW';
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [balance, setBalance] = useState<PartnerBalance | null>(null);
  const decimal = amountFromInput(amount);
  const record = useAction(async () => {
    if (!decimal) return;
    const result = await api<{ balance: PartnerBalance }>(`/v1/admin/partners/${encodeURIComponent(partnerId)}/prefunding`, {
      method: 'POST',
      token,
      body: { amount: { amount: decimal, currency }, bank_reference: reference.trim() },
    });
    setBalance(result.balance);
    setAmount('');
    setReference('');
  });
  return (
    <section className="card" aria-labelledby="prefunding-title">
      <h2 id="prefunding-title">{t('console.partners.prefunding')}</h2>
      <p className="small muted">{t('console.partners.prefundingExplain')}</p>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void record.act();
        }}
      >
        <TextField label={t('wallet.send.amount')} inputMode="decimal" required value={amount} invalid={amount !== '' && !decimal} onChange={(e) => setAmount(e.target.value)} />
        <TextField label={t('console.partners.bankReference')} required value={reference} onChange={(e) => setReference(e.target.value)} />
        <Submit busy={record.busy}>{t('console.partners.record')}</Submit>
      </form>
      <ErrorNotice error={record.error} />
      {balance ? (
        <Notice kind="success" live>
          {t('console.partners.recorded')} {t('console.partners.available')} <MoneyText money={balance.available} />
        </Notice>
      ) : null}
    </section>
  );
}
