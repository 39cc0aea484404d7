// Signing in, signing up and a forgotten PIN: phone + PIN, and the SMS code when the API asks.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { OtpRequired, SignedIn } from '../api/types.ts';
import { DemoOtpHint } from '../components/otp-hint.tsx';
import { ErrorNotice, Notice, Page, SelectField, Submit, TextField } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { deviceId, deviceLabel, expiredNotice, userSession } from '../lib/session.ts';
import { useAction } from '../lib/use-api.ts';

const CARRIERS = ['SKT', 'KT', 'LGU', 'MVNO'] as const;

function signIn(result: SignedIn, next: string | null) {
  userSession.set({ token: result.token, userId: result.user.id, phone: result.user.phone });
  navigate(next && next.startsWith('/wallet') ? next : '/wallet', { replace: true });
}

function PinField({ label, value, onChange, autoComplete, invalid }: { label: string; value: string; onChange: (v: string) => void; autoComplete: string; invalid?: boolean }) {
  const { t } = useTranslation();
  return (
    <TextField
      label={label}
      type="password"
      inputMode="numeric"
      autoComplete={autoComplete}
      pattern="[0-9]{6}"
      maxLength={6}
      required
      value={value}
      invalid={invalid}
      hint={t('wallet.auth.pinHint')}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
    />
  );
}

function CodeField({ value, onChange, invalid }: { value: string; onChange: (v: string) => void; invalid?: boolean }) {
  const { t } = useTranslation();
  return (
    <TextField
      label={t('wallet.auth.code')}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      required
      value={value}
      invalid={invalid}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
    />
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const [phone, setPhone] = useState('');
  const [pin, setPin] = useState('');
  const [code, setCode] = useState('');
  const [challenge, setChallenge] = useState<OtpRequired | null>(null);
  const [expired] = useState(() => {
    const was = expiredNotice.user;
    expiredNotice.user = false;
    return was;
  });
  const login = useAction(async () => {
    const result = await api<SignedIn | OtpRequired>('/v1/sessions', { method: 'POST', body: { phone, pin, device_id: deviceId(), device_label: deviceLabel() } });
    if (result.status === 'otp_required') setChallenge(result);
    else signIn(result, search.get('next'));
  });
  const verify = useAction(async () => {
    if (!challenge) return;
    const result = await api<SignedIn>('/v1/sessions/verify', { method: 'POST', body: { challenge_id: challenge.challenge_id, code, device_id: deviceId(), device_label: deviceLabel() } });
    signIn(result, search.get('next'));
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void (challenge ? verify.act() : login.act());
  };

  return (
    <Page title={t('wallet.auth.loginTitle')} narrow>
      {expired ? <Notice kind="warning">{t('wallet.auth.expired')}</Notice> : null}
      <form onSubmit={submit} className="form" noValidate={false}>
        {!challenge ? (
          <>
            <TextField label={t('wallet.auth.phone')} type="tel" inputMode="tel" autoComplete="tel" required value={phone} onChange={(e) => setPhone(e.target.value)} hint={t('wallet.auth.phoneHint')} />
            <PinField label={t('wallet.auth.pin')} value={pin} onChange={setPin} autoComplete="current-password" />
            <ErrorNotice error={login.error} />
            <Submit busy={login.busy}>{t('wallet.auth.signIn')}</Submit>
          </>
        ) : (
          <>
            <Notice kind="info" live>
              {t('wallet.auth.newDevice')}
            </Notice>
            <CodeField value={code} onChange={setCode} />
            <DemoOtpHint phone={phone} />
            <ErrorNotice error={verify.error} />
            <Submit busy={verify.busy}>{t('wallet.auth.confirm')}</Submit>
            <button type="button" className="button link" onClick={() => { setChallenge(null); setCode(''); }}>
              {t('common.back')}
            </button>
          </>
        )}
      </form>
      <p className="auth-links">
        <Link to="/wallet/register">{t('wallet.auth.noAccount')}</Link>
        <Link to="/wallet/pin-reset">{t('wallet.auth.forgotPin')}</Link>
      </p>
    </Page>
  );
}

export function RegisterPage() {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [carrier, setCarrier] = useState<string>('SKT');
  const [registration, setRegistration] = useState<{ id: string; phone: string } | null>(null);
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [pinAgain, setPinAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const start = useAction(async () => {
    const result = await api<{ id: string; phone: string }>('/v1/registrations', { method: 'POST', body: { phone, carrier, lang: currentLang() } });
    setRegistration(result);
  });
  const finish = useAction(async () => {
    if (!registration) return;
    const result = await api<SignedIn>(`/v1/registrations/${encodeURIComponent(registration.id)}/verify`, {
      method: 'POST',
      body: { code, pin, device_id: deviceId(), device_label: deviceLabel() },
    });
    signIn(result, null);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!registration) {
      void start.act();
      return;
    }
    setMismatch(pin !== pinAgain);
    if (pin === pinAgain) void finish.act();
  };
  return (
    <Page title={t('wallet.auth.registerTitle')} narrow>
      <form onSubmit={submit} className="form">
        {!registration ? (
          <>
            <TextField label={t('wallet.auth.phone')} type="tel" inputMode="tel" autoComplete="tel" required value={phone} onChange={(e) => setPhone(e.target.value)} hint={t('wallet.auth.phoneHint')} />
            <SelectField label={t('wallet.auth.carrier')} value={carrier} onChange={(e) => setCarrier(e.target.value)} options={CARRIERS.map((c) => ({ value: c, label: t(`carriers.${c}`) }))} />
            <ErrorNotice error={start.error} />
            <Submit busy={start.busy}>{t('wallet.auth.sendCode')}</Submit>
          </>
        ) : (
          <>
            <Notice kind="info" live>
              {t('wallet.auth.codeSent', { phone: registration.phone })}
            </Notice>
            <CodeField value={code} onChange={setCode} />
            <DemoOtpHint phone={registration.phone} />
            <PinField label={t('wallet.auth.newPin')} value={pin} onChange={setPin} autoComplete="new-password" />
            <PinField label={t('wallet.auth.newPinAgain')} value={pinAgain} onChange={setPinAgain} autoComplete="new-password" invalid={mismatch} />
            {mismatch ? (
              <p className="field-error" role="alert">
                {t('wallet.auth.pinMismatch')}
              </p>
            ) : null}
            <ErrorNotice error={finish.error} />
            <Submit busy={finish.busy}>{t('wallet.auth.createAccount')}</Submit>
          </>
        )}
      </form>
      <p className="auth-links">
        <Link to="/wallet/login">{t('wallet.auth.haveAccount')}</Link>
      </p>
    </Page>
  );
}

export function PinResetPage() {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [reset, setReset] = useState<{ id: string } | null>(null);
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const start = useAction(async () => {
    setReset(await api<{ id: string }>('/v1/pin-resets', { method: 'POST', body: { phone } }));
  });
  const finish = useAction(async () => {
    if (!reset) return;
    const body: Record<string, string> = { code, new_pin: pin, device_id: deviceId(), device_label: deviceLabel() };
    if (name.trim() && birthDate) Object.assign(body, { name: name.trim(), birth_date: birthDate });
    signIn(await api<SignedIn>(`/v1/pin-resets/${encodeURIComponent(reset.id)}/complete`, { method: 'POST', body }), null);
  });
  return (
    <Page title={t('wallet.auth.resetTitle')} narrow>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void (reset ? finish.act() : start.act());
        }}
      >
        {!reset ? (
          <>
            <TextField label={t('wallet.auth.phone')} type="tel" inputMode="tel" autoComplete="tel" required value={phone} onChange={(e) => setPhone(e.target.value)} />
            <ErrorNotice error={start.error} />
            <Submit busy={start.busy}>{t('wallet.auth.sendCode')}</Submit>
          </>
        ) : (
          <>
            <Notice kind="info" live>
              {t('wallet.auth.resetSent')}
            </Notice>
            <CodeField value={code} onChange={setCode} />
            <DemoOtpHint phone={phone} />
            <PinField label={t('wallet.auth.newPin')} value={pin} onChange={setPin} autoComplete="new-password" />
            <fieldset className="fieldset">
              <legend>{t('wallet.auth.identityAgain')}</legend>
              <TextField label={t('wallet.account.name')} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
              <TextField label={t('wallet.account.birthDate')} type="date" autoComplete="bday" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} />
            </fieldset>
            <Notice kind="warning">{t('wallet.auth.resetHold')}</Notice>
            <ErrorNotice error={finish.error} />
            <Submit busy={finish.busy}>{t('wallet.auth.setPin')}</Submit>
          </>
        )}
      </form>
      <p className="auth-links">
        <Link to="/wallet/login">{t('wallet.auth.backToLogin')}</Link>
      </p>
    </Page>
  );
}
