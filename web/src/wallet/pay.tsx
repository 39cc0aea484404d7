// Pay a shop by its merchant code: the API names the shop first, then the amount (and the PIN when
// the API asks for it). The receipt says how much came from spend-only value and how much from cash.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api/client.ts';
import type { MerchantRef, Payment } from '../api/cash-types.ts';
import { ErrorNotice, MoneyText, Notice, Page, Submit, TextField } from '../components/ui.tsx';
import { amountFromInput, type Money } from '../lib/money.ts';
import { useAction } from '../lib/use-api.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useMe } from './me.tsx';

export function PayPage() {
  const { t } = useTranslation();
  const { token } = useMe();
  const policy = usePolicy();
  const currency = policy.data?.policy.currency ?? 'KRW';
  // The policy in force, as the API publishes it: amounts are { amount, currency }.
  const pinAbove = (policy.data?.policy as { payments?: { pin_required_above?: Money } } | undefined)?.payments?.pin_required_above;
  const [code, setCode] = useState('');
  const [merchant, setMerchant] = useState<MerchantRef | null>(null);
  const [amount, setAmount] = useState('');
  const [pin, setPin] = useState('');
  const [reference, setReference] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [paid, setPaid] = useState<Payment | null>(null);
  const decimal = amountFromInput(amount);
  const lookup = useAction(async () => {
    setMerchant(await api<MerchantRef>('/v1/merchants/lookup', { token, query: { code: code.trim() } }));
  });
  const pay = useAction(async () => {
    if (!merchant || !decimal) return;
    const payment = await api<Payment>('/v1/payments', {
      method: 'POST', token, idempotencyKey: key,
      body: { merchant: merchant.merchant_code, amount: { amount: decimal, currency }, ...(pin ? { pin } : {}), ...(reference.trim() ? { reference: reference.trim() } : {}) },
    });
    setPaid(payment);
    setKey(newIdempotencyKey());
  });
  const reset = () => {
    setMerchant(null);
    setPaid(null);
    setAmount('');
    setPin('');
    setReference('');
    pay.setError(null);
  };
  if (paid) {
    return (
      <Page title={t('wallet.pay.title')}>
        <Notice kind="success" live>
          <p>
            <strong>{t('wallet.pay.done', { merchant: paid.merchant.name })}</strong>
          </p>
          <dl className="pairs">
            <div>
              <dt>{t('wallet.pay.amount')}</dt>
              <dd data-testid="paid-amount">
                <MoneyText money={paid.amount} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.pay.fromSpendOnly')}</dt>
              <dd>
                <MoneyText money={paid.funding.spend_only} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.pay.fromCashable')}</dt>
              <dd>
                <MoneyText money={paid.funding.cashable} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.receipt.number')}</dt>
              <dd>{paid.receipt_number}</dd>
            </div>
          </dl>
        </Notice>
        <button type="button" className="button secondary" onClick={reset}>
          {t('wallet.pay.another')}
        </button>
      </Page>
    );
  }
  return (
    <Page title={t('wallet.pay.title')}>
      {!merchant ? (
        <form
          className="form card"
          onSubmit={(event) => {
            event.preventDefault();
            void lookup.act();
          }}
        >
          <TextField label={t('wallet.pay.code')} required autoCapitalize="characters" value={code} hint={t('wallet.pay.codeHint')} onChange={(e) => setCode(e.target.value)} />
          <ErrorNotice error={lookup.error} />
          <Submit busy={lookup.busy}>{t('wallet.pay.find')}</Submit>
        </form>
      ) : (
        <form
          className="form card"
          onSubmit={(event) => {
            event.preventDefault();
            void pay.act();
          }}
        >
          <p>
            {t('wallet.pay.to')} <strong data-testid="merchant-name">{merchant.name}</strong> ({merchant.merchant_code})
          </p>
          <TextField
            label={t('wallet.pay.amount')}
            inputMode="decimal"
            required
            value={amount}
            invalid={amount !== '' && !decimal}
            hint={amount !== '' && !decimal ? t('wallet.send.badAmount') : undefined}
            onChange={(e) => setAmount(e.target.value)}
          />
          <TextField label={t('wallet.pay.reference')} maxLength={64} value={reference} onChange={(e) => setReference(e.target.value)} />
          <TextField
            label={t('wallet.pay.pin')}
            type="password"
            inputMode="numeric"
            autoComplete="current-password"
            pattern="[0-9]{6}"
            maxLength={6}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
          {pinAbove ? (
            <p className="small muted">
              {t('wallet.pay.pinHint')} <MoneyText money={pinAbove} />
            </p>
          ) : null}
          <ErrorNotice error={pay.error} />
          <Submit busy={pay.busy}>{t('wallet.pay.button')}</Submit>
          <button type="button" className="button link" onClick={reset}>
            {t('wallet.send.change')}
          </button>
        </form>
      )}
    </Page>
  );
}
