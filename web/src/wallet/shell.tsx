// The wallet face: a phone-first column with a bottom navigation; signed-out people see the
// sign-in screens, the policy and help.
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../api/types.ts';
import { Icon } from '../components/icons.tsx';
import { ErrorNotice, LangSwitch, Loading, Notice } from '../components/ui.tsx';
import { Link, matchPath, navigate } from '../lib/router.tsx';
import { userSession } from '../lib/session.ts';
import { useApi } from '../lib/use-api.ts';
import { LoginPage, PinResetPage, RegisterPage } from './auth-pages.tsx';
import { AccountPage } from './account.tsx';
import { FreezePage } from './freeze.tsx';
import { HelpPage } from './help.tsx';
import { AutoSweepPage } from './auto-sweep.tsx';
import { AgentsNearbyPage } from './agents.tsx';
import { CashInsPage, PendingCashInsBanner } from './cash-ins.tsx';
import { PayPage } from './pay.tsx';
import { SubscriptionsPage } from './subscriptions.tsx';
import { VouchersPage } from './vouchers.tsx';
import { CashoutPage } from './cashout.tsx';
import { CashoutDetailPage, CashoutsPage, ReceiptPage } from './cashouts.tsx';
import { DestinationsPage } from './destinations.tsx';
import { HistoryPage } from './history.tsx';
import { HomePage } from './home.tsx';
import { LimitsPage } from './limits.tsx';
import { SendPage } from './send.tsx';
import { MeContext, useMe } from './me.tsx';
import { MorePage } from './more.tsx';
import { PolicySummaryPage } from './policy.tsx';
import { SecurityPage } from './security.tsx';
import { NotFoundPage } from '../not-found.tsx';

const PUBLIC: Record<string, () => ReactNode> = {
  '/wallet/login': () => <LoginPage />,
  '/wallet/register': () => <RegisterPage />,
  '/wallet/pin-reset': () => <PinResetPage />,
  '/wallet/policy': () => <PolicySummaryPage />,
  '/wallet/help': () => <HelpPage />,
};

const PRIVATE: [string, (params: Record<string, string>) => ReactNode][] = [
  ['/wallet', () => <HomePage />],
  ['/wallet/account', () => <AccountPage />],
  ['/wallet/security', () => <SecurityPage />],
  ['/wallet/freeze', () => <FreezePage />],
  ['/wallet/more', () => <MorePage />],
  ['/wallet/history', () => <HistoryPage />],
  ['/wallet/limits', () => <LimitsPage />],
  ['/wallet/send', () => <SendPage />],
  ['/wallet/cashout', () => <CashoutPage />],
  ['/wallet/cashouts', () => <CashoutsPage />],
  ['/wallet/cashouts/:id', (p) => <CashoutDetailPage id={p.id!} />],
  ['/wallet/cashouts/:id/receipt', (p) => <ReceiptPage id={p.id!} />],
  ['/wallet/destinations', () => <DestinationsPage />],
  ['/wallet/auto-sweep', () => <AutoSweepPage />],
  ['/wallet/agents', () => <AgentsNearbyPage />],
  ['/wallet/vouchers', () => <VouchersPage />],
  ['/wallet/subscriptions', () => <SubscriptionsPage />],
  ['/wallet/pay', () => <PayPage />],
  ['/wallet/cash-ins', () => <CashInsPage />],
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function WalletApp({ path }: { path: string }) {
  const { t } = useTranslation();
  const session = userSession.use();
  const publicPage = PUBLIC[path];
  const signedInOnly = !publicPage;
  if (signedInOnly && !session) return <Redirect to={`/wallet/login?next=${encodeURIComponent(path)}`} />;
  if (session && ['/wallet/login', '/wallet/register'].includes(path)) return <Redirect to="/wallet" />;

  let content: ReactNode = publicPage?.() ?? null;
  if (!content) {
    for (const [pattern, render] of PRIVATE) {
      const params = matchPath(pattern, path);
      if (params) {
        content = render(params);
        break;
      }
    }
  }
  const body = content ?? <NotFoundPage />;
  return (
    <div className="wallet-shell">
      <a className="skip-link" href="#main">
        {t('common.skip')}
      </a>
      <header className="topbar">
        <Link to={session ? '/wallet' : '/'} className="brand">
          smallchange
        </Link>
        <Link to="/wallet/help" className="topbar-link">
          {t('wallet.more.help')}
        </Link>
        <LangSwitch />
      </header>
      {session ? <SignedIn token={session.token} path={path}>{body}</SignedIn> : <main id="main" className="wallet-main">{body}</main>}
    </div>
  );
}

function SignedIn({ token, path, children }: { token: string; path: string; children: ReactNode }) {
  const me = useApi<User>('/v1/me', { token });
  return (
    <MeContext.Provider value={{ me: me.data, token, reloadMe: me.reload }}>
      <main id="main" className="wallet-main">
        {me.error ? <ErrorNotice error={me.error} onRetry={me.reload} /> : null}
        {me.loading && !me.data ? <Loading /> : <><AccountBanners path={path} />{children}</>}
      </main>
      <BottomNav path={path} />
    </MeContext.Provider>
  );
}

function AccountBanners({ path }: { path: string }) {
  const { t } = useTranslation();
  const { me, token } = useMe();
  if (!me) return null;
  return (
    <>
      {/* Asked again on each screen change: a confirmation elsewhere makes it go away. */}
      {path === '/wallet/cash-ins' ? null : <PendingCashInsBanner key={path} token={token} />}
      {me.frozen ? (
        <Notice kind="warning">
          {me.frozen.by === 'self' ? t('wallet.banner.frozenSelf') : t('wallet.banner.frozenStaff')} <Link to="/wallet/freeze">{t('wallet.banner.freezeDetails')}</Link>
        </Notice>
      ) : null}
      {me.payout_hold_until ? <Notice kind="warning">{t('wallet.banner.payoutHold')}</Notice> : null}
    </>
  );
}

function BottomNav({ path }: { path: string }) {
  const { t } = useTranslation();
  const items = [
    { to: '/wallet', label: t('wallet.nav.home'), icon: 'home' },
    { to: '/wallet/history', label: t('wallet.nav.history'), icon: 'list' },
    { to: '/wallet/cashout', label: t('wallet.nav.cashout'), icon: 'cash' },
    { to: '/wallet/more', label: t('wallet.nav.more'), icon: 'menu' },
  ];
  return (
    <nav className="bottom-nav" aria-label={t('wallet.nav.label')}>
      {items.map((item) => (
        <Link key={item.to} to={item.to} aria-current={path === item.to || (item.to !== '/wallet' && path.startsWith(`${item.to}s/`)) ? 'page' : undefined}>
          <Icon name={item.icon} />
          <span>{item.label}</span>
        </Link>
      ))}
    </nav>
  );
}
