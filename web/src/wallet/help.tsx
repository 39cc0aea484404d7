// The help entry point: what to do first (freeze), how to dispute, whom to contact — all from
// the policy in force, so the numbers here are the operator's.
import { useTranslation } from 'react-i18next';
import { ErrorNotice, Loading, Page } from '../components/ui.tsx';
import { currentLang } from '../i18n/index.ts';
import { Link } from '../lib/router.tsx';
import { fillPlaceholders } from '../lib/placeholders.ts';
import { usePolicy } from '../lib/use-policy.ts';

export function HelpPage() {
  const { t } = useTranslation();
  const policy = usePolicy();
  const lang = currentLang();
  const rights = policy.data?.policy.rights_text[lang];
  const fill = (text: string) => fillPlaceholders(text, policy.data?.policy, lang);
  return (
    <Page title={t('wallet.help.title')}>
      <section className="card" aria-labelledby="urgent-title">
        <h2 id="urgent-title">{t('wallet.help.urgent')}</h2>
        <p>{t('wallet.help.urgentText')}</p>
        <Link to="/wallet/freeze" className="button danger">
          {t('wallet.more.freeze')}
        </Link>
        <p className="small muted">{t('wallet.help.ussd')}</p>
      </section>
      {policy.loading ? <Loading /> : null}
      <ErrorNotice error={policy.error} onRetry={policy.reload} />
      {rights ? (
        <>
          <section className="card" aria-labelledby="dispute-title">
            <h2 id="dispute-title">{t('wallet.help.dispute')}</h2>
            <ol>
              {rights.how_to_dispute.map((step) => (
                <li key={step}>{fill(step)}</li>
              ))}
            </ol>
          </section>
          <section className="card" aria-labelledby="contact-title">
            <h2 id="contact-title">{t('wallet.help.contact')}</h2>
            <p className="pre-line">{fill(rights.contact)}</p>
          </section>
          <section className="card" aria-labelledby="rights-title">
            <h2 id="rights-title">{fill(rights.title)}</h2>
            <ul>
              {rights.rights.map((right) => (
                <li key={right}>{fill(right)}</li>
              ))}
            </ul>
            <p>
              <a href={`/policy?lang=${lang}`}>{t('wallet.policy.fullPage')}</a>
            </p>
          </section>
        </>
      ) : null}
      <section className="card" aria-labelledby="demo-title">
        <h2 id="demo-title">{t('wallet.help.demo')}</h2>
        <p>{t('wallet.help.demoText')}</p>
      </section>
    </Page>
  );
}
