// Send cashable money to a phone number: first the quote (fee, what arrives, whether a code will be
// asked), then the PIN — the money moves only after the person has seen the numbers.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api/client.ts';
import type { Transfer, TransferQuote } from '../api/types.ts';
import { CodeInput, PinInput } from '../components/code-field.tsx';
import { DemoOtpHint } from '../components/otp-hint.tsx';
import { ErrorNotice, MoneyText, Notice, Page, Submit, TextField } from '../components/ui.tsx';
import { amountFromInput } from '../lib/money.ts';
import { formatPhone } from '../lib/phone.ts';
import { Link } from '../lib/router.tsx';
import { useStepUp, walletProof } from '../lib/step-up.ts';
import { useAction } from '../lib/use-api.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useMe } from './me.tsx';

export function SendPage() {
  const { t } = useTranslation();
  const { token, me } = useMe();
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [pin, setPin] = useState('');
  const [quote, setQuote] = useState<TransferQuote | null>(null);
  const [sent, setSent] = useState<Transfer | null>(null);
  // One key per intended send: a retried confirmation can never send twice.
  const [key, setKey] = useState(newIdempotencyKey);
  const decimal = amountFromInput(amount);
  const currency = usePolicy().data?.policy.currency ?? 'KRW';

  const ask = useAction(async () => {
    if (!decimal) return;
    setQuote(await api<TransferQuote>('/v1/transfers/quote', { method: 'POST', token, body: { to, amount: { amount: decimal, currency } } }));
  });
  const confirm = useStepUp(async (proof) => {
    if (!quote) return;
    const body = { to, amount: quote.amount, pin, ...(note.trim() ? { note: note.trim() } : {}), ...walletProof(proof) };
    setSent(await api<Transfer>('/v1/transfers', { method: 'POST', token, idempotencyKey: key, body }));
    setPin('');
  });
  const again = () => {
    setSent(null);
    setQuote(null);
    setAmount('');
    setNote('');
    setKey(newIdempotencyKey());
  };

  if (sent) {
    return (
      <Page title={t('wallet.send.doneTitle')}>
        <div className="card">
          <Notice kind="success" live>
            {t('wallet.send.done', { to: formatPhone(sent.to) })}
          </Notice>
          <dl className="pairs">
            <div>
              <dt>{t('wallet.send.amount')}</dt>
              <dd>
                <MoneyText money={sent.amount} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.send.fee')}</dt>
              <dd>
                <MoneyText money={sent.fee} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.send.net')}</dt>
              <dd>
                <MoneyText money={sent.net} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.send.reference')}</dt>
              <dd>
                <code>{sent.id}</code>
              </dd>
            </div>
          </dl>
          <div className="button-row">
            <button type="button" className="button secondary" onClick={again}>
              {t('wallet.send.another')}
            </button>
            <Link to="/wallet/history" className="button secondary">
              {t('wallet.nav.history')}
            </Link>
          </div>
        </div>
      </Page>
    );
  }

  return (
    <Page title={t('wallet.send.title')}>
      <form
        className="form card"
        onSubmit={(event) => {
          event.preventDefault();
          if (!quote) void ask.act();
          else void confirm.act();
        }}
      >
        <TextField label={t('wallet.send.to')} type="tel" inputMode="tel" autoComplete="off" required value={to} disabled={Boolean(quote)} onChange={(e) => setTo(e.target.value)} />
        <TextField
          label={t('wallet.send.amount')}
          inputMode="decimal"
          required
          value={amount}
          disabled={Boolean(quote)}
          invalid={amount !== '' && !decimal}
          hint={amount !== '' && !decimal ? t('wallet.send.badAmount') : t('wallet.send.amountHint')}
          onChange={(e) => setAmount(e.target.value)}
        />
        <TextField label={t('wallet.send.note')} maxLength={140} value={note} disabled={Boolean(quote)} onChange={(e) => setNote(e.target.value)} />
        {!quote ? (
          <>
            <ErrorNotice error={ask.error} />
            <Submit busy={ask.busy}>{t('wallet.send.review')}</Submit>
          </>
        ) : (
          <>
            <section className="quote" aria-labelledby="quote-title">
              <h2 id="quote-title">{t('wallet.send.check')}</h2>
              <dl className="pairs">
                <div>
                  <dt>{t('wallet.send.to')}</dt>
                  <dd>{formatPhone(quote.to)}</dd>
                </div>
                <div>
                  <dt>{t('wallet.send.amount')}</dt>
                  <dd>
                    <MoneyText money={quote.amount} />
                  </dd>
                </div>
                <div>
                  <dt>{t('wallet.send.fee')}</dt>
                  <dd>
                    <MoneyText money={quote.fee} />
                  </dd>
                </div>
                <div className="total">
                  <dt>{t('wallet.send.net')}</dt>
                  <dd>
                    <MoneyText money={quote.net} />
                  </dd>
                </div>
                <div>
                  <dt>{t('wallet.send.available')}</dt>
                  <dd>
                    <MoneyText money={quote.available} />
                  </dd>
                </div>
              </dl>
              {quote.otp_required ? <p className="small">{t('wallet.send.otpWillBeAsked')}</p> : null}
            </section>
            <PinInput label={t('wallet.auth.pin')} value={pin} onChange={setPin} />
            {confirm.challengeId ? (
              <>
                <Notice kind="info" live>
                  {t('wallet.stepUp.sent')}
                </Notice>
                <CodeInput value={confirm.code} onChange={confirm.setCode} />
                <DemoOtpHint phone={me?.phone} />
              </>
            ) : null}
            <ErrorNotice error={confirm.error} />
            <Submit busy={confirm.busy}>{t('wallet.send.confirm')}</Submit>
            <button
              type="button"
              className="button link"
              onClick={() => {
                setQuote(null);
                confirm.reset();
              }}
            >
              {t('wallet.send.change')}
            </button>
          </>
        )}
      </form>
    </Page>
  );
}
