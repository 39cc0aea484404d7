import { useTranslation } from 'react-i18next';

export function Pager({ page, hasNext, hasPrevious, next, previous }: { page: number; hasNext: boolean; hasPrevious: boolean; next: () => void; previous: () => void }) {
  const { t } = useTranslation();
  if (!hasNext && !hasPrevious) return null;
  return (
    <nav className="pager" aria-label={t('common.pages')}>
      <button type="button" className="button secondary" disabled={!hasPrevious} onClick={previous}>
        {t('common.previous')}
      </button>
      <span aria-live="polite">{t('common.page', { page })}</span>
      <button type="button" className="button secondary" disabled={!hasNext} onClick={next}>
        {t('common.next')}
      </button>
    </nav>
  );
}
