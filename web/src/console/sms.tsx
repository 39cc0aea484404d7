// The SMS outbox. In the demo no phone receives anything: this is where codes are read.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SmsMessage } from '../api/types.ts';
import { Pager } from '../components/pager.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, Page, TextField } from '../components/ui.tsx';
import { formatPhone } from '../lib/phone.ts';
import { usePaged } from '../lib/use-paged.ts';
import { useStaff } from './staff-context.tsx';

const TONE: Record<SmsMessage['status'], 'good' | 'warn' | 'bad' | 'neutral'> = { sent: 'good', pending: 'neutral', sending: 'neutral', failed: 'warn', dead: 'bad' };

export function SmsPage() {
  const { t } = useTranslation();
  const { token } = useStaff();
  const [draft, setDraft] = useState('');
  const [to, setTo] = useState('');
  const messages = usePaged<SmsMessage>('/v1/admin/sms', token, { to: to || undefined });
  return (
    <Page
      title={t('console.sms.title')}
      actions={
        <button type="button" className="button secondary" onClick={messages.reload}>
          {t('common.refresh')}
        </button>
      }
    >
      <form
        className="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setTo(draft.trim());
        }}
      >
        <TextField label={t('console.sms.to')} type="tel" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="button primary">
          {t('common.filter')}
        </button>
      </form>
      {messages.loading ? <Loading /> : null}
      <ErrorNotice error={messages.error} onRetry={messages.reload} />
      {messages.data && messages.items.length === 0 ? <Empty>{t('console.sms.none')}</Empty> : null}
      <ul className="messages">
        {messages.items.map((message) => (
          <li key={message.id} className="message">
            <p className="message-head">
              <strong>{formatPhone(message.to)}</strong> <Badge tone={TONE[message.status]}>{t(`console.sms.status.${message.status}`)}</Badge> <span className="small muted">{message.template}</span>
            </p>
            <p className="message-body" lang={message.lang}>
              {message.body_hidden ? <em>{t('console.sms.hidden')}</em> : message.body}
            </p>
            <p className="small muted">
              <DateTime iso={message.created_at} />
              {message.last_error ? ` · ${message.last_error}` : ''}
            </p>
          </li>
        ))}
      </ul>
      <Pager {...messages} />
    </Page>
  );
}
