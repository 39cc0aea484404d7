// The wallet's first screen: who is signed in, their tier, and the way to everything else.
import { useTranslation } from 'react-i18next';
import { Badge, Page } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { formatPhone } from '../lib/phone.ts';
import { Link } from '../lib/router.tsx';
import { usePolicy } from '../lib/use-policy.ts';
import { Balances } from './balances.tsx';
import { useMe } from './me.tsx';

export function HomePage() {
  const { t } = useTranslation();
  const { me } = useMe();
  const policy = usePolicy();
  const tier = policy.data?.policy.tiers.find((item) => item.tier === me?.tier);
  return (
    <Page title={t('wallet.home.title')}>
      <Balances />
      <div className="card">
        <p className="muted small">{t('wallet.home.signedInAs')}</p>
        <p className="big">{formatPhone(me?.phone)}</p>
        <p>
          <Badge tone="good">{t('wallet.home.tier', { tier: me?.tier ?? 0 })}</Badge> {tier ? tier.name[currentLang()] : null}
        </p>
        {me && me.tier < 2 ? (
          <p>
            <Link to="/wallet/account">{t('wallet.home.raiseTier')}</Link>
          </p>
        ) : null}
      </div>
      <nav aria-label={t('wallet.home.shortcuts')}>
        <ul className="tiles">
          <li>
            <Link to="/wallet/cashout">{t('wallet.nav.cashout')}</Link>
          </li>
          <li>
            <Link to="/wallet/send">{t('wallet.more.send')}</Link>
          </li>
          <li>
            <Link to="/wallet/limits">{t('wallet.more.limits')}</Link>
          </li>
          <li>
            <Link to="/wallet/account">{t('wallet.nav.account')}</Link>
          </li>
          <li>
            <Link to="/wallet/security">{t('wallet.nav.security')}</Link>
          </li>
          <li>
            <Link to="/wallet/policy">{t('wallet.more.policy')}</Link>
          </li>
          <li>
            <Link to="/wallet/help">{t('wallet.more.help')}</Link>
          </li>
          <li>
            <Link to="/wallet/freeze" className="danger-link">
              {t('wallet.more.freeze')}
            </Link>
          </li>
        </ul>
      </nav>
    </Page>
  );
}
