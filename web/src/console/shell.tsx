// The operator console: a sidebar on desktop, a menu on a phone; each item only for the roles
// whose permissions its API asks for.
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from '../components/ui.tsx';
import { Link, matchPath, navigate } from '../lib/router.tsx';
import { staffSession } from '../lib/session.ts';
import { NotFoundPage } from '../not-found.tsx';
import { AuditPage } from './audit.tsx';
import { OverviewPage } from './overview.tsx';
import { PartnerPage, PartnersPage } from './partners.tsx';
import { PayoutsPage } from './payouts.tsx';
import { PolicyPage } from './policy.tsx';
import { ReconciliationPage } from './reconciliation.tsx';
import { SmsPage } from './sms.tsx';
import { StaffContext } from './staff-context.tsx';
import { StaffLoginPage, staffSignOut } from './staff-login.tsx';
import { StaffPage } from './staff.tsx';
import { UserPage, UsersPage } from './users.tsx';

interface Section {
  path: string;
  label: string;
  permission?: string;
  render: (params: Record<string, string>) => ReactNode;
  nav?: boolean;
}

function sections(t: (key: string) => string): Section[] {
  return [
    { path: '/console', label: t('console.nav.overview'), render: () => <OverviewPage /> },
    { path: '/console/users', label: t('console.nav.users'), permission: 'users:read', render: () => <UsersPage /> },
    { path: '/console/users/:id', label: t('console.nav.users'), permission: 'users:read', render: (p) => <UserPage id={p.id!} />, nav: false },
    { path: '/console/partners', label: t('console.nav.partners'), permission: 'partners:read', render: () => <PartnersPage /> },
    { path: '/console/partners/:id', label: t('console.nav.partners'), permission: 'partners:read', render: (p) => <PartnerPage id={p.id!} />, nav: false },
    { path: '/console/payouts', label: t('console.nav.payouts'), permission: 'payouts:run', render: () => <PayoutsPage /> },
    { path: '/console/reconciliation', label: t('console.nav.reconciliation'), permission: 'reconciliation:read', render: () => <ReconciliationPage /> },
    { path: '/console/policy', label: t('console.nav.policy'), render: () => <PolicyPage /> },
    { path: '/console/sms', label: t('console.nav.sms'), permission: 'sms:read', render: () => <SmsPage /> },
    { path: '/console/audit', label: t('console.nav.audit'), permission: 'audit:read', render: () => <AuditPage /> },
    { path: '/console/staff', label: t('console.nav.staff'), permission: 'staff:manage', render: () => <StaffPage /> },
  ];
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function ConsoleApp({ path }: { path: string }) {
  const { t } = useTranslation();
  const session = staffSession.use();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);

  if (path === '/console/login') {
    if (session) return <Redirect to="/console" />;
    return (
      <div className="console-shell signed-out">
        <a className="skip-link" href="#main">
          {t('common.skip')}
        </a>
        <header className="topbar">
          <Link to="/" className="brand">
            smallchange <span className="brand-sub">{t('console.name')}</span>
          </Link>
          <LangSwitch />
        </header>
        <main id="main" className="console-main">
          <StaffLoginPage home="/console" title={t('console.login.title')} hint={t('console.login.hint')} />
        </main>
      </div>
    );
  }
  if (!session) return <Redirect to={`/console/login?next=${encodeURIComponent(path)}`} />;

  const all = sections(t);
  const allowed = (section: Section) => !section.permission || session.permissions.includes(section.permission);
  let content: ReactNode = null;
  for (const section of all) {
    const params = matchPath(section.path, path);
    if (params) {
      content = allowed(section) ? section.render(params) : <NotFoundPage reason={t('console.noPermission')} />;
      break;
    }
  }
  const current = (section: Section) => path === section.path || (section.path !== '/console' && path.startsWith(`${section.path}/`));
  return (
    <StaffContext.Provider value={session}>
      <div className="console-shell">
        <a className="skip-link" href="#main">
          {t('common.skip')}
        </a>
        <header className="topbar">
          <Link to="/console" className="brand">
            smallchange <span className="brand-sub">{t('console.name')}</span>
          </Link>
          <button type="button" className="button secondary menu-toggle" aria-expanded={menuOpen} aria-controls="console-nav" onClick={() => setMenuOpen(!menuOpen)}>
            {t('console.menu')}
          </button>
          <LangSwitch />
        </header>
        <nav id="console-nav" className={menuOpen ? 'sidebar open' : 'sidebar'} aria-label={t('console.nav.label')}>
          <ul>
            {all.filter((s) => s.nav !== false && allowed(s)).map((section) => (
              <li key={section.path}>
                <Link to={section.path} aria-current={current(section) ? 'page' : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
          <div className="who">
            <p>
              {session.name}
              <br />
              <span className="small muted">
                {session.email} · {t(`roles.${session.role}`)}
              </span>
            </p>
            <button type="button" className="button secondary" onClick={() => staffSignOut(session.token, '/console/login')}>
              {t('console.signOut')}
            </button>
          </div>
        </nav>
        <main id="main" className="console-main">
          {content ?? <NotFoundPage />}
        </main>
      </div>
    </StaffContext.Provider>
  );
}
