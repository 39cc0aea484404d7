// My tier and how to raise it: the carrier identity check (tier 1), an ID document and my own
// bank account (tier 2). The API decides the tier; this screen only asks and shows.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { BankAccount, Kyc, User } from '../api/types.ts';
import { CodeInput } from '../components/code-field.tsx';
import { Badge, DateTime, ErrorNotice, Loading, Notice, Page, SelectField, Submit, TextField } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { BANKS, bankName } from '../lib/banks.ts';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useMe } from './me.tsx';

const ID_TYPES = ['resident_registration', 'driver_license', 'passport', 'alien_registration'] as const;

export function AccountPage() {
  const { t } = useTranslation();
  const { token, me } = useMe();
  const kyc = useApi<Kyc>('/v1/me/kyc', { token });
  const policy = usePolicy();
  const reload = () => kyc.reload();
  const tierName = (tier: number) => policy.data?.policy.tiers.find((item) => item.tier === tier)?.name[currentLang()] ?? '';
  return (
    <Page title={t('wallet.account.title')}>
      {kyc.loading && !kyc.data ? <Loading /> : null}
      <ErrorNotice error={kyc.error} onRetry={kyc.reload} />
      {kyc.data ? (
        <>
          <section className="card" aria-labelledby="tier-title">
            <h2 id="tier-title">{t('wallet.account.tier')}</h2>
            <p className="big">
              {t('wallet.home.tier', { tier: kyc.data.tier })} <span className="muted">{tierName(kyc.data.tier)}</span>
            </p>
            <p className="small muted">{t('wallet.account.tierExplain')}</p>
          </section>
          <IdentityCheck verified={kyc.data.identity_verified} name={me?.identity.name ?? null} onDone={reload} />
          <IdDocumentForm current={kyc.data.id_document} onDone={reload} />
          <BankAccounts accounts={kyc.data.bank_accounts} onDone={reload} />
        </>
      ) : null}
      <SmsLanguage />
    </Page>
  );
}

function IdentityCheck({ verified, name, onDone }: { verified: boolean; name: string | null; onDone: () => void }) {
  const { t } = useTranslation();
  const { token, reloadMe } = useMe();
  const [legalName, setLegalName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const check = useAction(async () => {
    await api<User>('/v1/me/kyc/identity-check', { method: 'POST', token, body: { name: legalName.trim(), birth_date: birthDate } });
    reloadMe();
    onDone();
  });
  return (
    <section className="card" aria-labelledby="identity-title">
      <h2 id="identity-title">{t('wallet.account.identity')}</h2>
      {verified ? (
        <p>
          <Badge tone="good">{t('wallet.account.verified')}</Badge> {name}
        </p>
      ) : (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            void check.act();
          }}
        >
          <p className="small muted">{t('wallet.account.identityExplain')}</p>
          <TextField label={t('wallet.account.name')} autoComplete="name" required value={legalName} onChange={(e) => setLegalName(e.target.value)} />
          <TextField label={t('wallet.account.birthDate')} type="date" autoComplete="bday" required value={birthDate} onChange={(e) => setBirthDate(e.target.value)} />
          <ErrorNotice error={check.error} />
          <Submit busy={check.busy}>{t('wallet.account.check')}</Submit>
        </form>
      )}
    </section>
  );
}

function IdDocumentForm({ current, onDone }: { current: Kyc['id_document']; onDone: () => void }) {
  const { t } = useTranslation();
  const { token } = useMe();
  const [type, setType] = useState<string>(ID_TYPES[0]);
  const [number, setNumber] = useState('');
  const save = useAction(async () => {
    await api('/v1/me/kyc/id-document', { method: 'PUT', token, body: { type, number } });
    setNumber('');
    onDone();
  });
  return (
    <section className="card" aria-labelledby="id-title">
      <h2 id="id-title">{t('wallet.account.idDocument')}</h2>
      {current ? (
        <p>
          {t(`idTypes.${current.type}`)} <code>{current.number_masked}</code> · <DateTime iso={current.recorded_at} />
        </p>
      ) : null}
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void save.act();
        }}
      >
        <SelectField label={t('wallet.account.idType')} value={type} onChange={(e) => setType(e.target.value)} options={ID_TYPES.map((value) => ({ value, label: t(`idTypes.${value}`) }))} />
        <TextField label={t('wallet.account.idNumber')} autoComplete="off" required value={number} onChange={(e) => setNumber(e.target.value)} hint={t('wallet.account.idNumberHint')} />
        <ErrorNotice error={save.error} />
        <Submit busy={save.busy}>{current ? t('wallet.account.replace') : t('common.save')}</Submit>
      </form>
    </section>
  );
}

function BankAccounts({ accounts, onDone }: { accounts: BankAccount[]; onDone: () => void }) {
  const { t } = useTranslation();
  const { token, reloadMe } = useMe();
  const [bank, setBank] = useState(BANKS[0]!.code);
  const [number, setNumber] = useState('');
  const [codes, setCodes] = useState<Record<string, string>>({});
  const add = useAction(async () => {
    await api('/v1/me/kyc/bank-accounts', { method: 'POST', token, body: { bank_code: bank, account_number: number } });
    setNumber('');
    onDone();
  });
  const confirm = useAction(async (account: BankAccount) => {
    await api(`/v1/me/kyc/bank-accounts/${encodeURIComponent(account.id)}/confirm`, { method: 'POST', token, body: { code: codes[account.id] ?? '' } });
    reloadMe();
    onDone();
  });
  const lang = currentLang();
  const tone = (status: BankAccount['status']) => (status === 'verified' ? 'good' : status === 'pending' ? 'warn' : 'bad');
  return (
    <section className="card" aria-labelledby="banks-title">
      <h2 id="banks-title">{t('wallet.account.banks')}</h2>
      <ul className="rows">
        {accounts.map((account) => (
          <li key={account.id} className="row row-wrap">
            <div>
              <p>
                {bankName(account.bank_code, lang)} <code>{account.account_number_masked}</code> <Badge tone={tone(account.status)}>{t(`bankStatus.${account.status}`)}</Badge>
              </p>
              <p className="small muted">{account.holder_name}</p>
            </div>
            {account.status === 'pending' ? (
              <form
                className="inline-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  void confirm.act(account);
                }}
              >
                <CodeInput label={t('wallet.account.depositCode')} value={codes[account.id] ?? ''} onChange={(v) => setCodes({ ...codes, [account.id]: v })} />
                <Submit busy={confirm.busy}>{t('wallet.auth.confirm')}</Submit>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      <ErrorNotice error={confirm.error} />
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void add.act();
        }}
      >
        <p className="small muted">{t('wallet.account.bankExplain')}</p>
        <SelectField label={t('wallet.account.bank')} value={bank} onChange={(e) => setBank(e.target.value)} options={BANKS.map((b) => ({ value: b.code, label: `${b[lang]} (${b.code})` }))} />
        <TextField label={t('wallet.account.accountNumber')} inputMode="numeric" autoComplete="off" required value={number} onChange={(e) => setNumber(e.target.value)} />
        <ErrorNotice error={add.error} />
        <Submit busy={add.busy}>{t('wallet.account.addBank')}</Submit>
      </form>
    </section>
  );
}

function SmsLanguage() {
  const { t } = useTranslation();
  const { token, me, reloadMe } = useMe();
  const save = useAction(async (lang: 'ko' | 'en') => {
    await api<User>('/v1/me', { method: 'PATCH', token, body: { lang } });
    reloadMe();
  });
  if (!me) return null;
  return (
    <section className="card" aria-labelledby="smslang-title">
      <h2 id="smslang-title">{t('wallet.account.smsLanguage')}</h2>
      <SelectField
        label={t('wallet.account.smsLanguageLabel')}
        value={me.lang}
        disabled={save.busy}
        onChange={(e) => void save.act(e.target.value === 'en' ? 'en' : 'ko')}
        options={[
          { value: 'ko', label: '한국어' },
          { value: 'en', label: 'English' },
        ]}
      />
      <ErrorNotice error={save.error} />
      <Notice kind="info">{t('wallet.account.smsLanguageHint')}</Notice>
    </section>
  );
}
