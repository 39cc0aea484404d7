// Where I am signed in, which devices I used, and my PIN.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Device, List, Session, User } from '../api/types.ts';
import { CodeInput, PinInput } from '../components/code-field.tsx';
import { DemoOtpHint } from '../components/otp-hint.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, Notice, Page, Submit } from '../components/ui.tsx';
import { describeUserAgent } from '../lib/phone.ts';
import { identityProof, useStepUp } from '../lib/step-up.ts';
import { useAction, useApi } from '../lib/use-api.ts';
import { useMe } from './me.tsx';
import { signOut } from './sign-out.ts';

export function SecurityPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('wallet.security.title')}>
      <Sessions />
      <Devices />
      <ChangePin />
    </Page>
  );
}

function Sessions() {
  const { t } = useTranslation();
  const { token } = useMe();
  const sessions = useApi<List<Session>>('/v1/sessions', { token });
  const revoke = useAction(async (session: Session) => {
    if (session.current) return signOut(token);
    await api(`/v1/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE', token });
    sessions.reload();
  });
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('wallet.security.sessions')}</h2>
      {sessions.loading ? <Loading /> : null}
      <ErrorNotice error={sessions.error ?? revoke.error} onRetry={sessions.error ? sessions.reload : undefined} />
      {sessions.data && sessions.data.data.length === 0 ? <Empty>{t('wallet.security.noSessions')}</Empty> : null}
      <ul className="rows">
        {sessions.data?.data.map((session) => (
          <li key={session.id} className="row">
            <div>
              <p>
                <span title={session.user_agent ?? undefined}>{describeUserAgent(session.user_agent) ?? t('wallet.security.unknownDevice')}</span> {session.current ? <Badge tone="good">{t('wallet.security.thisOne')}</Badge> : null}
              </p>
              <p className="small muted">
                {t('wallet.security.lastUsed')} <DateTime iso={session.last_used_at} /> · {session.ip ?? '—'}
              </p>
            </div>
            <button type="button" className="button secondary" disabled={revoke.busy} onClick={() => void revoke.act(session)}>
              {t('wallet.security.signOutSession')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Devices() {
  const { t } = useTranslation();
  const { token } = useMe();
  const devices = useApi<List<Device>>('/v1/me/devices', { token });
  const forget = useAction(async (device: Device) => {
    await api(`/v1/me/devices/${encodeURIComponent(device.id)}`, { method: 'DELETE', token });
    devices.reload();
  });
  return (
    <section className="card" aria-labelledby="devices-title">
      <h2 id="devices-title">{t('wallet.security.devices')}</h2>
      <p className="small muted">{t('wallet.security.devicesHint')}</p>
      {devices.loading ? <Loading /> : null}
      <ErrorNotice error={devices.error ?? forget.error} />
      <ul className="rows">
        {devices.data?.data.map((device) => (
          <li key={device.id} className="row">
            <div>
              <p>{device.label ?? t('wallet.security.unknownDevice')}</p>
              <p className="small muted">
                {t('wallet.security.firstSeen')} <DateTime iso={device.first_seen_at} />
              </p>
            </div>
            <button type="button" className="button secondary" disabled={forget.busy} onClick={() => void forget.act(device)}>
              {t('wallet.security.forget')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ChangePin() {
  const { t } = useTranslation();
  const { token, me, reloadMe } = useMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const change = useStepUp(async (proof) => {
    await api<User>('/v1/me/pin', { method: 'PUT', token, body: { current_pin: current, new_pin: next, ...identityProof(proof) } });
    setDone(true);
    setCurrent('');
    setNext('');
    reloadMe();
  });
  return (
    <section className="card" aria-labelledby="pin-title">
      <h2 id="pin-title">{t('wallet.security.changePin')}</h2>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          setDone(false);
          void change.act();
        }}
      >
        <PinInput label={t('wallet.security.currentPin')} value={current} onChange={setCurrent} />
        <PinInput label={t('wallet.auth.newPin')} value={next} onChange={setNext} autoComplete="new-password" />
        {change.challengeId ? (
          <>
            <Notice kind="info" live>
              {t('wallet.stepUp.sent')}
            </Notice>
            <CodeInput value={change.code} onChange={change.setCode} />
            <DemoOtpHint phone={me?.phone} />
          </>
        ) : null}
        <ErrorNotice error={change.error} />
        {done ? (
          <Notice kind="success" live>
            {t('wallet.security.pinChanged')}
          </Notice>
        ) : null}
        <Submit busy={change.busy}>{change.challengeId ? t('wallet.auth.confirm') : t('wallet.security.changePin')}</Submit>
      </form>
    </section>
  );
}
