// User search and a user's page: tier, identity, devices, bank accounts, recent audit, and the
// account actions the role allows (each with a reason that lands in the audit log).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { User, UserDetail } from '../api/types.ts';
import { Pager } from '../components/pager.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, Notice, Page, SelectField, Submit, TextField, TableWrap } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { bankName } from '../lib/banks.ts';
import { formatPhone } from '../lib/phone.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePaged } from '../lib/use-paged.ts';
import { AuditTable } from './audit.tsx';
import { useStaff } from './staff-context.tsx';

export function userStatusBadges(user: User, t: (key: string) => string, locked?: boolean) {
  return (
    <>
      {user.status === 'closed' ? <Badge tone="bad">{t('console.users.closed')}</Badge> : null}
      {user.frozen ? <Badge tone="bad">{user.frozen.by === 'self' ? t('console.users.frozenSelf') : t('console.users.frozenStaff')}</Badge> : null}
      {locked || user.locked_until ? <Badge tone="warn">{t('console.users.locked')}</Badge> : null}
      {!user.frozen && user.status === 'active' && !(locked || user.locked_until) ? <Badge tone="good">{t('console.users.active')}</Badge> : null}
    </>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  const { token } = useStaff();
  const { search } = useLocation();
  const [phone, setPhone] = useState(search.get('phone') ?? '');
  const [name, setName] = useState(search.get('name') ?? '');
  const [tier, setTier] = useState(search.get('tier') ?? '');
  const [frozen, setFrozen] = useState(search.get('frozen') ?? '');
  const query = { phone: search.get('phone') ?? undefined, name: search.get('name') ?? undefined, tier: search.get('tier') ?? undefined, frozen: search.get('frozen') ?? undefined };
  const searched = Object.values(query).some(Boolean);
  const users = usePaged<User>(searched ? '/v1/admin/users' : null, token, query);
  const submit = () => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ phone: phone.trim(), name: name.trim(), tier, frozen })) if (value) params.set(key, value);
    navigate(`/console/users${params.toString() ? `?${params}` : ''}`);
  };
  return (
    <Page title={t('console.users.title')}>
      <form
        className="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <TextField label={t('console.users.phone')} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
        <TextField label={t('console.users.name')} value={name} onChange={(e) => setName(e.target.value)} />
        <SelectField label={t('console.users.tier')} value={tier} onChange={(e) => setTier(e.target.value)} options={[{ value: '', label: t('common.any') }, ...['0', '1', '2', '3'].map((v) => ({ value: v, label: v }))]} />
        <SelectField
          label={t('console.users.frozen')}
          value={frozen}
          onChange={(e) => setFrozen(e.target.value)}
          options={[
            { value: '', label: t('common.any') },
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ]}
        />
        <button type="submit" className="button primary">
          {t('common.search')}
        </button>
      </form>
      {!searched ? <p className="muted">{t('console.users.searchHint')}</p> : null}
      {users.loading ? <Loading /> : null}
      <ErrorNotice error={users.error} onRetry={users.reload} />
      {searched && users.data && users.items.length === 0 ? <Empty>{t('console.users.none')}</Empty> : null}
      {users.items.length > 0 ? (
        <TableWrap label={t('console.users.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.users.phone')}</th>
                <th scope="col">{t('console.users.name')}</th>
                <th scope="col">{t('console.users.tier')}</th>
                <th scope="col">{t('console.users.status')}</th>
                <th scope="col">{t('console.users.joined')}</th>
              </tr>
            </thead>
            <tbody>
              {users.items.map((user) => (
                <tr key={user.id}>
                  <td>
                    <Link to={`/console/users/${user.id}`}>{user.phone ? formatPhone(user.phone) : user.id}</Link>
                  </td>
                  <td>{user.identity.name ?? '—'}</td>
                  <td>{user.tier}</td>
                  <td>{userStatusBadges(user, t)}</td>
                  <td>
                    <DateTime iso={user.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager {...users} />
    </Page>
  );
}

export function UserPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { token } = useStaff();
  const detail = useApi<UserDetail>(`/v1/admin/users/${encodeURIComponent(id)}`, { token });
  const lang = currentLang();
  const data = detail.data;
  return (
    <Page title={data?.user.phone ? formatPhone(data.user.phone) : t('console.users.user')}>
      <p>
        <Link to="/console/users">← {t('console.users.back')}</Link>
      </p>
      {detail.loading && !data ? <Loading /> : null}
      <ErrorNotice error={detail.error} onRetry={detail.reload} />
      {data ? (
        <>
          <div className="grid-2">
            <section className="card" aria-labelledby="profile-title">
              <h2 id="profile-title">{t('console.users.profile')}</h2>
              <p>{userStatusBadges(data.user, t, data.locked)}</p>
              <dl className="pairs">
                <div>
                  <dt>{t('console.users.id')}</dt>
                  <dd>
                    <code>{data.user.id}</code>
                  </dd>
                </div>
                <div>
                  <dt>{t('console.users.tier')}</dt>
                  <dd>{data.user.tier}</dd>
                </div>
                <div>
                  <dt>{t('console.users.carrier')}</dt>
                  <dd>{t(`carriers.${data.user.carrier}`)}</dd>
                </div>
                <div>
                  <dt>{t('console.users.name')}</dt>
                  <dd>
                    {data.user.identity.name ?? '—'} {data.user.identity.verified ? <Badge tone="good">{t('wallet.account.verified')}</Badge> : null}
                  </dd>
                </div>
                <div>
                  <dt>{t('console.users.joined')}</dt>
                  <dd>
                    <DateTime iso={data.user.created_at} />
                  </dd>
                </div>
                <div>
                  <dt>{t('console.users.activeSessions')}</dt>
                  <dd>{data.active_sessions}</dd>
                </div>
                {data.user.frozen ? (
                  <div>
                    <dt>{t('console.users.frozenAt')}</dt>
                    <dd>
                      <DateTime iso={data.user.frozen.at} /> {data.user.frozen.reason ? `· ${data.user.frozen.reason}` : ''}
                    </dd>
                  </div>
                ) : null}
                {data.user.payout_hold_until ? (
                  <div>
                    <dt>{t('console.users.payoutHold')}</dt>
                    <dd>
                      <DateTime iso={data.user.payout_hold_until} />
                    </dd>
                  </div>
                ) : null}
                {data.id_document ? (
                  <div>
                    <dt>{t('wallet.account.idDocument')}</dt>
                    <dd>
                      {t(`idTypes.${data.id_document.type}`)} <code>{data.id_document.number_masked}</code>
                    </dd>
                  </div>
                ) : null}
              </dl>
            </section>
            <UserActions detail={data} onDone={detail.reload} />
          </div>
          <section className="card" aria-labelledby="banks-title">
            <h2 id="banks-title">{t('wallet.account.banks')}</h2>
            {data.bank_accounts.length === 0 ? <Empty>{t('common.none')}</Empty> : null}
            <ul className="rows">
              {data.bank_accounts.map((account) => (
                <li key={account.id} className="row">
                  <span>
                    {bankName(account.bank_code, lang)} <code>{account.account_number_masked}</code> · {account.holder_name}
                  </span>
                  <Badge tone={account.status === 'verified' ? 'good' : 'warn'}>{t(`bankStatus.${account.status}`)}</Badge>
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="devices-title">
            <h2 id="devices-title">{t('wallet.security.devices')}</h2>
            {data.devices.length === 0 ? <Empty>{t('common.none')}</Empty> : null}
            <ul className="rows">
              {data.devices.map((device) => (
                <li key={device.id} className="row">
                  <span>{device.label ?? device.id}</span>
                  <span className="small muted">
                    <DateTime iso={device.last_seen_at} />
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="recent-title">
            <h2 id="recent-title">{t('console.users.recentAudit')}</h2>
            <AuditTable entries={data.recent_audit} />
          </section>
        </>
      ) : null}
    </Page>
  );
}

function UserActions({ detail, onDone }: { detail: UserDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const { token, can } = useStaff();
  const [reason, setReason] = useState('');
  const [tier, setTier] = useState(String(detail.user.tier));
  const [done, setDone] = useState<string | null>(null);
  const user = detail.user;
  const run = useAction(async (action: 'unlock' | 'freeze' | 'unfreeze' | 'tier') => {
    const body = action === 'tier' ? { tier: Number.parseInt(tier, 10), reason } : { reason };
    await api<User>(`/v1/admin/users/${encodeURIComponent(user.id)}/${action}`, { method: 'POST', token, body });
    setDone(t(`console.users.done.${action}`));
    setReason('');
    onDone();
  });
  const actions: { key: 'unlock' | 'freeze' | 'unfreeze'; show: boolean; danger?: boolean }[] = [
    { key: 'unlock', show: can('users:lock') && (detail.locked || Boolean(user.locked_until)) },
    { key: 'freeze', show: can('users:freeze') && !user.frozen, danger: true },
    { key: 'unfreeze', show: can('users:freeze') && Boolean(user.frozen) },
  ];
  const any = actions.some((a) => a.show) || can('users:tier');
  if (!any) return null;
  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('console.users.actions')}</h2>
      <TextField label={t('console.users.reason')} value={reason} onChange={(e) => setReason(e.target.value)} hint={t('console.users.reasonHint')} />
      <div className="button-row">
        {actions
          .filter((a) => a.show)
          .map((a) => (
            <button key={a.key} type="button" className={`button ${a.danger ? 'danger' : 'secondary'}`} disabled={run.busy} onClick={() => void run.act(a.key)}>
              {t(`console.users.action.${a.key}`)}
            </button>
          ))}
      </div>
      {can('users:tier') ? (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void run.act('tier');
          }}
        >
          <SelectField label={t('console.users.setTier')} value={tier} onChange={(e) => setTier(e.target.value)} options={['0', '1', '2', '3'].map((v) => ({ value: v, label: v }))} />
          <Submit busy={run.busy}>{t('console.users.action.tier')}</Submit>
        </form>
      ) : null}
      <ErrorNotice error={run.error} />
      {done && !run.error ? (
        <Notice kind="success" live>
          {done}
        </Notice>
      ) : null}
    </section>
  );
}
