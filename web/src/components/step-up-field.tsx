// The SMS code a sensitive action asked for, with where to read it in the demo.
import { useTranslation } from 'react-i18next';
import { CodeInput } from './code-field.tsx';
import { DemoOtpHint } from './otp-hint.tsx';
import { Notice } from './ui.tsx';

export function StepUpField({ challengeId, code, setCode, phone, message }: { challengeId: string | null; code: string; setCode: (code: string) => void; phone: string | null | undefined; message?: string }) {
  const { t } = useTranslation();
  if (!challengeId) return null;
  return (
    <>
      <Notice kind="info" live>
        {message ?? t('wallet.stepUp.sent')}
      </Notice>
      <CodeInput value={code} onChange={setCode} />
      <DemoOtpHint phone={phone} />
    </>
  );
}
