import { useTranslation } from 'react-i18next';
import { TextField } from './ui.tsx';

export function CodeInput({ value, onChange, label }: { value: string; onChange: (v: string) => void; label?: string }) {
  const { t } = useTranslation();
  return (
    <TextField
      label={label ?? t('wallet.auth.code')}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      required
      value={value}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
    />
  );
}

export function PinInput({ value, onChange, label, autoComplete = 'current-password' }: { value: string; onChange: (v: string) => void; label: string; autoComplete?: string }) {
  const { t } = useTranslation();
  return (
    <TextField
      label={label}
      type="password"
      inputMode="numeric"
      autoComplete={autoComplete}
      pattern="[0-9]{6}"
      maxLength={6}
      required
      value={value}
      hint={t('wallet.auth.pinHint')}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
    />
  );
}
