// Cash out: first a binding quote — the fee, what arrives, what stays as dust, when it arrives —
// then the PIN (and an SMS code when the policy asks). Nothing moves before the person confirms.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api/client.ts';
import type { Cashout, CashoutQuote, List, Wallet } from '../api/types.ts';
import { PinInput } from '../components/code-field.tsx';
import { StepUpField } from '../components/step-up-field.tsx';
import { DateTime, ErrorNotice, Loading, MoneyText, Notice, Page, SelectField, Submit, TextField } from '../components/ui.tsx';
import { amountFromInput, isZeroAmount } from '../lib/money.ts';
import { Link, navigate } from '../lib/router.tsx';
import { cashoutProof, useStepUp } from '../lib/step-up.ts';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useDestinations } from './destinations.tsx';
import { useMe } from './me.tsx';

function useSecondsLeft(until: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until ? Math.max(0, Math.round((new Date(until).getTime() - now) / 1000)) : null;
}

export function CashoutPage() {
  const { t } = useTranslation();
  const { token, me } = useMe();
  const wallets = useApi<List<Wallet>>('/v1/wallets', { token });
  const destinations = useDestinations();
  const policy = usePolicy();
  const main = wallets.data?.data.find((w) => w.kind === 'main');
  // A saved destination's id, or one of the cash channels (no destination: a code to show at the counter).
  const [destinationId, setDestinationId] = useState('');
  const [pickup, setPickup] = useState<{ cashout: Cashout; code: string; expiresAt: string } | null>(null);
  const [amount, setAmount] = useState('');
  const [all, setAll] = useState(false);
  const [pin, setPin] = useState('');
  const [quote, setQuote] = useState<CashoutQuote | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const secondsLeft = useSecondsLeft(quote?.expires_at ?? null);
  const list = destinations.data?.data ?? [];
  const chosen = destinationId || (list[0]?.id ?? 'agent');
  const cashChannel = chosen === 'agent' || chosen === 'atm' ? chosen : null;
  const destination = cashChannel ? undefined : (list.find((d) => d.id === chosen) ?? list[0]);
  const decimal = amountFromInput(amount);
  const currency = policy.data?.policy.currency ?? main?.currency ?? 'KRW';

  const ask = useAction(async () => {
    if (!main || (!destination && !cashChannel) || (!all && !decimal)) return;
    setQuote(
      await api<CashoutQuote>('/v1/cashouts/quotes', {
        method: 'POST',
        token,
        body: {
          wallet: main.id,
          amount: all ? 'all' : { amount: decimal, currency },
          ...(cashChannel ? { channel: cashChannel } : { channel: destination!.kind, destination: destination!.id }),
        },
      }),
    );
    setKey(newIdempotencyKey());
  });
  const confirm = useStepUp(async (proof) => {
    if (!quote) return;
    const cashout = await api<Cashout & { withdrawal_code?: { code: string; expires_at: string } }>('/v1/cashouts', {
      method: 'POST', token, idempotencyKey: key, body: { quote: quote.id, pin, ...cashoutProof(proof) },
    });
    // Cash channels: the code is shown once here (and sent by SMS); the counter or ATM asks for it.
    if (cashout.withdrawal_code) {
      setPickup({ cashout, code: cashout.withdrawal_code.code, expiresAt: cashout.withdrawal_code.expires_at });
      return;
    }
    navigate(`/wallet/cashouts/${encodeURIComponent(cashout.id)}`);
  });
  const expired = secondsLeft === 0;
  if (pickup) return <PickupCode {...pickup} />;

  return (
    <Page title={t('wallet.cashout.title')}>
      {wallets.loading || destinations.loading ? <Loading /> : null}
      <ErrorNotice error={wallets.error ?? destinations.error} />
      {main ? (
        <p className="muted">
          {t('wallet.cashout.cashable')} <MoneyText money={main.balances.cashable.available} />
          {policy.data ? (
            <>
              {' · '}
              {t('wallet.cashout.minimum')} <MoneyText money={policy.data.policy.cashout.minimum} />
            </>
          ) : null}
        </p>
      ) : null}
      {destinations.data && list.length === 0 && !cashChannel ? (
        <Notice kind="info">
          {t('wallet.cashout.noDestination')} <Link to="/wallet/destinations">{t('wallet.destinations.add')}</Link>
        </Notice>
      ) : null}
      {main && destinations.data ? (
        <form
          className="form card"
          onSubmit={(event) => {
            event.preventDefault();
            if (!quote || expired) void ask.act();
            else void confirm.act();
          }}
        >
          <SelectField
            label={t('wallet.cashout.to')}
            value={cashChannel ?? destination?.id ?? ''}
            disabled={Boolean(quote)}
            onChange={(e) => setDestinationId(e.target.value)}
            options={[
              ...list.map((d) => ({ value: d.id, label: d.label ? `${d.label} (${d.display})` : d.display })),
              { value: 'agent', label: t('wallet.cash.atAgent') },
              { value: 'atm', label: t('wallet.cash.atAtm') },
            ]}
          />
          <label className="check">
            <input type="checkbox" checked={all} disabled={Boolean(quote)} onChange={(e) => setAll(e.target.checked)} /> {t('wallet.cashout.all')}
          </label>
          {!all ? (
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
          ) : null}
          {!quote ? (
            <>
              <ErrorNotice error={ask.error} />
              <Submit busy={ask.busy}>{t('wallet.cashout.getQuote')}</Submit>
            </>
          ) : (
            <>
              <QuoteView quote={quote} secondsLeft={secondsLeft} />
              {expired ? (
                <>
                  <Notice kind="warning" live>
                    {t('wallet.cashout.expired')}
                  </Notice>
                  <ErrorNotice error={ask.error} />
                  <Submit busy={ask.busy}>{t('wallet.cashout.newQuote')}</Submit>
                </>
              ) : (
                <>
                  <PinInput label={t('wallet.auth.pin')} value={pin} onChange={setPin} />
                  <StepUpField challengeId={confirm.challengeId} code={confirm.code} setCode={confirm.setCode} phone={me?.phone} />
                  <ErrorNotice error={confirm.error} />
                  <Submit busy={confirm.busy}>{t('wallet.cashout.confirm')}</Submit>
                </>
              )}
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
      ) : null}
      <p className="card-links">
        <Link to="/wallet/cashouts">{t('wallet.cashout.mine')}</Link>
        <Link to="/wallet/destinations">{t('wallet.destinations.title')}</Link>
        <Link to="/wallet/auto-sweep">{t('wallet.sweep.title')}</Link>
      </p>
    </Page>
  );
}

function QuoteView({ quote, secondsLeft }: { quote: CashoutQuote; secondsLeft: number | null }) {
  const { t } = useTranslation();
  return (
    <section className="quote" aria-labelledby="quote-title">
      <h2 id="quote-title">{t('wallet.cashout.check')}</h2>
      <dl className="pairs">
        <div>
          <dt>{t('wallet.cashout.asked')}</dt>
          <dd>
            <MoneyText money={quote.amount} />
          </dd>
        </div>
        <div>
          <dt>{t('wallet.send.fee')}</dt>
          <dd data-testid="quote-fee">
            <MoneyText money={quote.fee} />
          </dd>
        </div>
        <div className="total">
          <dt>{t('wallet.cashout.net')}</dt>
          <dd data-testid="quote-net">
            <MoneyText money={quote.net} />
          </dd>
        </div>
        <div>
          <dt>{t('wallet.cashout.debit')}</dt>
          <dd>
            <MoneyText money={quote.debit} />
          </dd>
        </div>
        {!isZeroAmount(quote.dust_kept.amount) ? (
          <div>
            <dt>{t('wallet.cashout.dust')}</dt>
            <dd>
              <MoneyText money={quote.dust_kept} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('wallet.cashout.arrives')}</dt>
          <dd>
            <DateTime iso={quote.expected_arrival.expected_at} />
          </dd>
        </div>
        <div>
          <dt>{t('wallet.cashout.to')}</dt>
          <dd>{quote.channel === 'agent' ? t('wallet.cash.atAgent') : quote.channel === 'atm' ? t('wallet.cash.atAtm') : quote.destination.display}</dd>
        </div>
      </dl>
      {quote.otp_required ? <p className="small">{t('wallet.cashout.otpWillBeAsked')}</p> : null}
      {secondsLeft !== null && secondsLeft > 0 ? (
        <p className="small muted" aria-live="off">
          {t('wallet.cashout.validFor', { seconds: secondsLeft })}
        </p>
      ) : null}
    </section>
  );
}

function PickupCode({ cashout, code, expiresAt }: { cashout: Cashout; code: string; expiresAt: string }) {
  const { t } = useTranslation();
  const secondsLeft = useSecondsLeft(expiresAt);
  return (
    <Page title={t('wallet.cash.codeTitle')}>
      <section className="card" aria-labelledby="code-title">
        <h2 id="code-title">{cashout.channel === 'atm' ? t('wallet.cash.codeAtAtm') : t('wallet.cash.codeAtAgent')}</h2>
        <p className="pickup-code" data-testid="withdrawal-code" aria-label={t('wallet.cash.code')}>
          {code}
        </p>
        <dl className="pairs">
          <div>
            <dt>{t('wallet.cash.cashHanded')}</dt>
            <dd>
              <MoneyText money={cashout.net} />
            </dd>
          </div>
          <div>
            <dt>{t('wallet.send.fee')}</dt>
            <dd>
              <MoneyText money={cashout.fee} />
            </dd>
          </div>
          <div>
            <dt>{t('wallet.cash.codeExpires')}</dt>
            <dd>
              <DateTime iso={expiresAt} />
            </dd>
          </div>
        </dl>
        {secondsLeft === 0 ? <Notice kind="warning">{t('wallet.cash.codeExpired')}</Notice> : <p className="small muted">{t('wallet.cash.codeHint')}</p>}
      </section>
      <p className="card-links">
        <Link to={`/wallet/cashouts/${encodeURIComponent(cashout.id)}`}>{t('wallet.cash.codeFollow')}</Link>
        <Link to="/wallet/agents">{t('wallet.agents.title')}</Link>
      </p>
    </Page>
  );
}
