// The front door: one product, four ways in.
import { useTranslation } from 'react-i18next';
import { LangSwitch, Page } from './components/ui.tsx';
import { Link } from './lib/router.tsx';

export function Landing() {
  const { t } = useTranslation();
  const faces = [
    { to: '/wallet', title: t('landing.wallet'), text: t('landing.walletText') },
    { to: '/agent', title: t('landing.agent'), text: t('landing.agentText') },
    { to: '/console', title: t('landing.console'), text: t('landing.consoleText') },
    { to: '/ussd-simulator', title: t('landing.ussd'), text: t('landing.ussdText') },
  ];
  return (
    <div className="landing">
      <a className="skip-link" href="#main">
        {t('common.skip')}
      </a>
      <header className="topbar">
        <span className="brand">smallchange</span>
        <LangSwitch />
      </header>
      <main id="main">
        <Page title={t('landing.title')}>
          <p className="lead">{t('landing.lead')}</p>
          <ul className="faces">
            {faces.map((face) => (
              <li key={face.to}>
                <Link to={face.to} className="face">
                  <span className="face-title">{face.title}</span>
                  <span className="face-text">{face.text}</span>
                </Link>
              </li>
            ))}
          </ul>
          <p className="small">
            <a href="/policy">{t('landing.policy')}</a> · <a href="/docs">{t('landing.docs')}</a> · <a href="/openapi.json">OpenAPI</a>
          </p>
        </Page>
      </main>
    </div>
  );
}
