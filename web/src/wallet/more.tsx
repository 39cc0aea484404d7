// Everything the wallet offers, in one list (the bottom bar has room for four).
import { useTranslation } from 'react-i18next';
import { Page } from '../components/ui.tsx';
import { Link } from '../lib/router.tsx';
import { useMe } from './me.tsx';
import { signOut } from './sign-out.ts';

export function MorePage() {
  const { t } = useTranslation();
  const { token } = useMe();
  const links: [string, string][] = [
    ['/wallet/history', t('wallet.nav.history')],
    ['/wallet/cashout', t('wallet.nav.cashout')],
    ['/wallet/cashouts', t('wallet.cashout.mine')],
    ['/wallet/destinations', t('wallet.destinations.title')],
    ['/wallet/auto-sweep', t('wallet.sweep.title')],
    ['/wallet/send', t('wallet.more.send')],
    ['/wallet/pay', t('wallet.pay.title')],
    ['/wallet/vouchers', t('wallet.vouchers.title')],
    ['/wallet/subscriptions', t('wallet.subs.title')],
    ['/wallet/agents', t('wallet.agents.title')],
    ['/wallet/cash-ins', t('wallet.cashIns.title')],
    ['/wallet/limits', t('wallet.more.limits')],
    ['/wallet/account', t('wallet.more.account')],
    ['/wallet/security', t('wallet.more.security')],
    ['/wallet/freeze', t('wallet.more.freeze')],
    ['/wallet/policy', t('wallet.more.policy')],
    ['/wallet/help', t('wallet.more.help')],
  ];
  return (
    <Page title={t('wallet.more.title')}>
      <ul className="menu-list">
        {links.map(([to, label]) => (
          <li key={to}>
            <Link to={to}>{label}</Link>
          </li>
        ))}
      </ul>
      <button type="button" className="button secondary wide" onClick={() => signOut(token)}>
        {t('wallet.more.signOut')}
      </button>
    </Page>
  );
}
