// The agent portal, for shop staff at the counter (staff role `agent`). It signs in like the
// console; what an agent may do is what the API grants `agents:operate`.
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PolicyWire } from '../api/types.ts';
import { ErrorNotice, LangSwitch, Loading, MoneyText, Notice, Page } from '../components/ui.tsx';
import { StaffContext } from '../console/staff-context.tsx';
import { StaffLoginPage, staffSignOut } from '../console/staff-login.tsx';
import { currentLang } from '../i18n/index.ts';
import { Link, navigate } from '../lib/router.tsx';
import { staffSession } from '../lib/session.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { feeText } from '../wallet/policy.tsx';
import { Counter } from './counter.tsx';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Shell({ children, signedIn }: { children: ReactNode; signedIn: boolean }) {
  const { t } = useTranslation();
  const session = staffSession.use();
  return (
    <div className="agent-shell">
      <a className="skip-link" href="#main">
        {t('common.skip')}
      </a>
      <header className="topbar">
        <Link to={signedIn ? '/agent' : '/'} className="brand">
          smallchange <span className="brand-sub">{t('agent.name')}</span>
        </Link>
        <LangSwitch />
        {signedIn && session ? (
          <button type="button" className="button secondary" onClick={() => staffSignOut(session.token, '/agent/login')}>
            {t('console.signOut')}
          </button>
        ) : null}
      </header>
      <main id="main" className="agent-main">
        {children}
      </main>
    </div>
  );
}

export function AgentApp({ path }: { path: string }) {
  const { t } = useTranslation();
  const session = staffSession.use();
  if (path === '/agent/login') {
    if (session) return <Redirect to="/agent" />;
    return (
      <Shell signedIn={false}>
        <StaffLoginPage home="/agent" title={t('agent.loginTitle')} hint={t('agent.loginHint')} />
      </Shell>
    );
  }
  if (!session) return <Redirect to={`/agent/login?next=${encodeURIComponent(path)}`} />;
  return (
    <StaffContext.Provider value={session}>
      <Shell signedIn>
        <AgentHome />
      </Shell>
    </StaffContext.Provider>
  );
}

function AgentHome() {
  const { t } = useTranslation();
  const session = staffSession.use();
  const policy = usePolicy();
  const operates = session?.permissions.includes('agents:operate') ?? false;
  return (
    <Page title={t('agent.homeTitle')}>
      <p className="muted">{t('agent.signedInAs', { name: session?.name ?? '', role: t(`roles.${session?.role ?? 'agent'}`) })}</p>
      {!operates ? <Notice kind="warning">{t('agent.notAnAgent')}</Notice> : null}
      {policy.loading ? <Loading /> : null}
      <ErrorNotice error={policy.error} onRetry={policy.reload} />
      {operates && session && policy.data ? <Counter token={session.token} currency={policy.data.policy.currency} timeZone={policy.data.policy.time_zone} /> : null}
      {policy.data ? <AgentTerms policy={policy.data.policy} /> : null}
    </Page>
  );
}

function AgentTerms({ policy }: { policy: PolicyWire }) {
  const { t } = useTranslation();
  const lang = currentLang();
  const agents = policy.agents as {
    commission: { cash_in: PolicyWire['fees']['bank']; cash_out: PolicyWire['fees']['bank'] };
    float: { low_alert: { amount: string; currency: string }; minimum: { amount: string; currency: string } };
    withdrawal_code_ttl_minutes: number;
  };
  return (
    <section className="card" aria-labelledby="terms-title">
      <h2 id="terms-title">{t('agent.terms')}</h2>
      <dl className="pairs">
        <div>
          <dt>{t('agent.commissionCashIn')}</dt>
          <dd>{feeText(agents.commission.cash_in, lang, t)}</dd>
        </div>
        <div>
          <dt>{t('agent.commissionCashOut')}</dt>
          <dd>{feeText(agents.commission.cash_out, lang, t)}</dd>
        </div>
        <div>
          <dt>{t('agent.floatLowAlert')}</dt>
          <dd>
            <MoneyText money={agents.float.low_alert} />
          </dd>
        </div>
        <div>
          <dt>{t('agent.floatMinimum')}</dt>
          <dd>
            <MoneyText money={agents.float.minimum} />
          </dd>
        </div>
        <div>
          <dt>{t('agent.codeTtl')}</dt>
          <dd>{t('agent.minutes', { count: agents.withdrawal_code_ttl_minutes })}</dd>
        </div>
      </dl>
    </section>
  );
}
