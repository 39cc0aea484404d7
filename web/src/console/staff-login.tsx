// Staff sign in with email and password; the operator console and the agent portal share it and
// differ in what the role may do.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { StaffSignedIn } from '../api/types.ts';
import { ErrorNotice, Notice, Page, Submit, TextField } from '../components/ui.tsx';
import { navigate, useLocation } from '../lib/router.tsx';
import { expiredNotice, staffSession } from '../lib/session.ts';
import { useAction } from '../lib/use-api.ts';

export function StaffLoginPage({ home, title, hint }: { home: string; title: string; hint: string }) {
  const { t } = useTranslation();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [expired] = useState(() => {
    const was = expiredNotice.staff;
    expiredNotice.staff = false;
    return was;
  });
  const login = useAction(async () => {
    const result = await api<StaffSignedIn>('/v1/staff/sessions', { method: 'POST', body: { email, password } });
    staffSession.set({ token: result.token, staffId: result.staff.id, name: result.staff.name, email: result.staff.email, role: result.staff.role, permissions: result.permissions });
    const next = search.get('next');
    navigate(next && next.startsWith(home) ? next : home, { replace: true });
  });
  return (
    <Page title={title} narrow>
      {expired ? <Notice kind="warning">{t('console.login.expired')}</Notice> : null}
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void login.act();
        }}
      >
        <TextField label={t('console.login.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label={t('console.login.password')} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorNotice error={login.error} />
        <Submit busy={login.busy}>{t('console.login.signIn')}</Submit>
      </form>
      <p className="small muted">{hint}</p>
    </Page>
  );
}

export function staffSignOut(token: string, to: string): void {
  void api('/v1/staff/sessions/current', { method: 'DELETE', token }).catch(() => undefined);
  staffSession.set(null);
  navigate(to, { replace: true });
}
