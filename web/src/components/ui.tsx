// Building blocks every face uses: page heading with focus, loading and error states that say
// what happened, labelled fields, money.
import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../api/client.ts';
import { currentLang, LANGS, setLang, type Lang } from '../i18n/index.ts';
import { formatDateTime, formatMoney, type Money } from '../lib/money.ts';

let firstPage = true;

/** The page's h1 takes focus after a navigation, so screen readers announce the new screen. */
export function Page({ title, children, actions, narrow }: { title: string; children: ReactNode; actions?: ReactNode; narrow?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · smallchange`;
    if (firstPage) {
      firstPage = false;
      return;
    }
    heading.current?.focus();
  }, [title]);
  return (
    <section className={narrow ? 'page page-narrow' : 'page'} aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label ?? t('common.loading')}
    </p>
  );
}

export function errorText(error: unknown, t: (key: string) => string): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof NetworkError) return t('errors.network');
  return t('errors.unexpected');
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p>{errorText(error, t)}</p>
      {error instanceof ApiError ? (
        <p className="small muted">
          {t('errors.code')}: <code>{error.code}</code>
          {error.requestId ? (
            <>
              {' · '}
              {t('errors.requestId')}: <code>{error.requestId}</code>
            </>
          ) : null}
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" className="button secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Notice({ kind = 'info', children, live }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode; live?: boolean }) {
  return (
    <div className={`notice notice-${kind}`} role={live ? 'status' : undefined}>
      {children}
    </div>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: ReactNode;
  /** The API's param for the last error: marks this field invalid when it matches. */
  invalid?: boolean;
}

export function TextField({ label, hint, invalid, id, className, ...input }: FieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-describedby={hintId} aria-invalid={invalid || undefined} {...input} />
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  options: { value: string; label: string }[];
}

export function SelectField({ label, options, id, ...select }: SelectProps) {
  const generated = useId();
  const selectId = id ?? generated;
  return (
    <div className="field">
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} {...select}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function MoneyText({ money, className }: { money: Money; className?: string }) {
  useTranslation();
  return <span className={`money ${className ?? ''}`}>{formatMoney(money, currentLang())}</span>;
}

export function DateTime({ iso }: { iso: string | null | undefined }) {
  useTranslation();
  if (!iso) return <span className="muted">—</span>;
  return <time dateTime={iso}>{formatDateTime(iso, currentLang())}</time>;
}

export function LangSwitch() {
  const { t, i18n } = useTranslation();
  const names: Record<Lang, string> = { ko: '한국어', en: 'English' };
  return (
    <div className="lang-switch" role="group" aria-label={t('common.language')}>
      {LANGS.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          aria-pressed={i18n.language === lang}
          onClick={() => void setLang(lang)}
        >
          {names[lang]}
        </button>
      ))}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Badge({ tone = 'neutral', children }: { tone?: 'neutral' | 'good' | 'warn' | 'bad'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Submit({ busy, children, className }: { busy: boolean; children: ReactNode; className?: string }) {
  const { t } = useTranslation();
  return (
    <button type="submit" className={`button primary ${className ?? ''}`} disabled={busy} aria-busy={busy}>
      {busy ? t('common.working') : children}
    </button>
  );
}

/** A table that may scroll sideways on a phone: focusable, so the keyboard can scroll it too. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
