// Where my cash-outs go: a bank account proved mine (the 1-won check on the Account page) or my
// account at a partner wallet. Adding one needs an SMS code; removing one is immediate.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Destination, Kyc, List } from '../api/types.ts';
import { StepUpField } from '../components/step-up-field.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, Notice, Page, SelectField, Submit, TextField } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { bankName } from '../lib/banks.ts';
import { Link } from '../lib/router.tsx';
import { cashoutProof, useStepUp } from '../lib/step-up.ts';
import { useAction, useApi } from '../lib/use-api.ts';
import { useMe } from './me.tsx';

export function useDestinations() {
  const { token } = useMe();
  return useApi<List<Destination>>('/v1/me/destinations', { token });
}

export function DestinationsPage() {
  const { t } = useTranslation();
  const { token, me } = useMe();
  const destinations = useDestinations();
  const kyc = useApi<Kyc>('/v1/me/kyc', { token });
  const [kind, setKind] = useState<'bank' | 'wallet'>('bank');
  const [bankCode, setBankCode] = useState('');
  const [accountNumber, setAccountNumber] = useState('');
  const [provider, setProvider] = useState('');
  const [account, setAccount] = useState('');
  const [label, setLabel] = useState('');
  const [added, setAdded] = useState(false);
  const verified = (kyc.data?.bank_accounts ?? []).filter((b) => b.status === 'verified');
  const lang = currentLang();
  const chosenBank = bankCode || verified[0]?.bank_code || '';

  const add = useStepUp(async (proof) => {
    const body =
      kind === 'bank'
        ? { kind, bank_code: chosenBank, account_number: accountNumber.replace(/[\s-]/g, ''), ...(label.trim() ? { label: label.trim() } : {}), ...cashoutProof(proof) }
        : { kind, provider: provider.trim(), account: account.trim(), ...(label.trim() ? { label: label.trim() } : {}), ...cashoutProof(proof) };
    await api<Destination>('/v1/me/destinations', { method: 'POST', token, body });
    setAdded(true);
    setAccountNumber('');
    setAccount('');
    setLabel('');
    destinations.reload();
  });
  const remove = useAction(async (destination: Destination) => {
    await api(`/v1/me/destinations/${encodeURIComponent(destination.id)}`, { method: 'DELETE', token });
    destinations.reload();
  });

  return (
    <Page title={t('wallet.destinations.title')}>
      {destinations.loading && !destinations.data ? <Loading /> : null}
      <ErrorNotice error={destinations.error ?? remove.error} onRetry={destinations.error ? destinations.reload : undefined} />
      {destinations.data && destinations.data.data.length === 0 ? <Empty>{t('wallet.destinations.none')}</Empty> : null}
      {destinations.data && destinations.data.data.length > 0 ? (
        <ul className="rows card">
          {destinations.data.data.map((destination) => (
            <li key={destination.id} className="row row-wrap">
              <div>
                <p className="entry-title">{destination.label ?? destination.display}</p>
                <p className="small muted">
                  {destination.label ? `${destination.display} · ` : ''}
                  {t(`channels.${destination.kind}`)} · <DateTime iso={destination.created_at} /> {destination.paid_before ? <Badge tone="good">{t('wallet.destinations.paidBefore')}</Badge> : <Badge tone="warn">{t('wallet.destinations.new')}</Badge>}
                </p>
              </div>
              <button type="button" className="button secondary" disabled={remove.busy} onClick={() => void remove.act(destination)}>
                {t('wallet.destinations.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <section className="card" aria-labelledby="add-destination">
        <h2 id="add-destination">{t('wallet.destinations.add')}</h2>
        <p className="small muted">{t('wallet.destinations.newWaits')}</p>
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            setAdded(false);
            void add.act();
          }}
        >
          <SelectField
            label={t('wallet.destinations.kind')}
            value={kind}
            onChange={(e) => setKind(e.target.value === 'wallet' ? 'wallet' : 'bank')}
            options={[
              { value: 'bank', label: t('channels.bank') },
              { value: 'wallet', label: t('channels.wallet') },
            ]}
          />
          {kind === 'bank' ? (
            verified.length === 0 ? (
              <Notice kind="warning">
                {t('wallet.destinations.needVerified')} <Link to="/wallet/account">{t('wallet.more.account')}</Link>
              </Notice>
            ) : (
              <>
                <SelectField
                  label={t('wallet.account.bank')}
                  value={chosenBank}
                  onChange={(e) => setBankCode(e.target.value)}
                  options={[...new Set(verified.map((b) => b.bank_code))].map((code) => ({ value: code, label: bankName(code, lang) }))}
                />
                <TextField
                  label={t('wallet.account.accountNumber')}
                  inputMode="numeric"
                  autoComplete="off"
                  required
                  value={accountNumber}
                  onChange={(e) => setAccountNumber(e.target.value)}
                  hint={t('wallet.destinations.verifiedHint', { accounts: verified.filter((b) => b.bank_code === chosenBank).map((b) => b.account_number_masked).join(', ') })}
                />
              </>
            )
          ) : (
            <>
              <TextField label={t('wallet.destinations.provider')} required value={provider} onChange={(e) => setProvider(e.target.value)} hint={t('wallet.destinations.providerHint')} />
              <TextField label={t('wallet.destinations.walletAccount')} required value={account} onChange={(e) => setAccount(e.target.value)} />
            </>
          )}
          <TextField label={t('wallet.destinations.label')} maxLength={40} value={label} onChange={(e) => setLabel(e.target.value)} />
          <StepUpField challengeId={add.challengeId} code={add.code} setCode={add.setCode} phone={me?.phone} />
          <ErrorNotice error={add.error} />
          {added ? (
            <Notice kind="success" live>
              {t('wallet.destinations.added')}
            </Notice>
          ) : null}
          <Submit busy={add.busy}>{add.challengeId ? t('wallet.auth.confirm') : t('wallet.destinations.addButton')}</Submit>
        </form>
      </section>
    </Page>
  );
}
