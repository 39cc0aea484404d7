// In the demo nobody's phone receives the SMS: say plainly where the code can be read.
import { Trans, useTranslation } from 'react-i18next';
import { Link } from '../lib/router.tsx';

export function DemoOtpHint({ phone }: { phone?: string | null }) {
  const { t } = useTranslation();
  return (
    <div className="notice notice-info demo-hint">
      <p>
        <strong>{t('demo.otpTitle')}</strong>
      </p>
      <p>
        <Trans i18nKey="demo.otpConsole" components={{ console: <Link to="/console/sms" target="_blank" rel="noopener" /> }} />
      </p>
      <p>
        {t('demo.otpCli')} <code>npx smallchange sms --to {phone || '010-1234-5678'}</code>
      </p>
    </div>
  );
}
