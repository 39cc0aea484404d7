import { useTranslation } from 'react-i18next';
import { Page } from './components/ui.tsx';
import { Link } from './lib/router.tsx';

export function NotFoundPage({ reason }: { reason?: string }) {
  const { t } = useTranslation();
  return (
    <Page title={t('notFound.title')}>
      <p>{reason ?? t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </Page>
  );
}
