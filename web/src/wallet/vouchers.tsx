// Gift vouchers: buy one from the wallet with the PIN (the code and PIN are shown once), see what
// is left on each, and give one to a phone number. A voucher only ever pays the merchants on it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api/client.ts';
import type { Voucher } from '../api/cash-types.ts';
import { PinInput } from '../components/code-field.tsx';
import { Badge, DateTime, Empty, ErrorNotice, Loading, MoneyText, Notice, Page, Submit, TextField } from '../components/ui.tsx';
import { amountFromInput } from '../lib/money.ts';
import { useAction, useApi } from '../lib/use-api.ts';
import { usePolicy } from '../lib/use-policy.ts';
import { useMe } from './me.tsx';

const STATUS_TONE = { active: 'good', used: 'neutral', expired: 'warn', locked: 'bad' } as const;

export function VouchersPage() {
  const { t } = useTranslation();
  const { token } = useMe();
  const list = useApi<{ data: Voucher[] }>('/v1/vouchers', { token });
  return (
    <Page title={t('wallet.vouchers.title')}>
      <p className="muted">{t('wallet.vouchers.intro')}</p>
      <BuyVoucher token={token} onBought={list.reload} />
      <section aria-labelledby="mine-title">
        <h2 id="mine-title">{t('wallet.vouchers.mine')}</h2>
        {list.loading && !list.data ? <Loading /> : null}
        <ErrorNotice error={list.error} onRetry={list.reload} />
        {list.data && list.data.data.length === 0 ? <Empty>{t('wallet.vouchers.none')}</Empty> : null}
        {list.data?.data.map((voucher) => <VoucherCard key={voucher.id} voucher={voucher} token={token} onChange={list.reload} />)}
      </section>
    </Page>
  );
}

function BuyVoucher({ token, onBought }: { token: string; onBought: () => void }) {
  const { t } = useTranslation();
  const policy = usePolicy();
  const currency = policy.data?.policy.currency ?? 'KRW';
  const [amount, setAmount] = useState('');
  const [merchants, setMerchants] = useState('');
  const [pin, setPin] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [bought, setBought] = useState<Voucher | null>(null);
  const decimal = amountFromInput(amount);
  const codes = merchants.split(/[\s,]+/).map((c) => c.trim()).filter(Boolean);
  const buy = useAction(async () => {
    if (!decimal) return;
    const voucher = await api<Voucher>('/v1/vouchers', { method: 'POST', token, idempotencyKey: key, body: { amount: { amount: decimal, currency }, merchants: codes, pin } });
    setBought(voucher);
    setAmount('');
    setMerchants('');
    setPin('');
    setKey(newIdempotencyKey());
    onBought();
  });
  return (
    <section className="card" aria-labelledby="buy-title">
      <h2 id="buy-title">{t('wallet.vouchers.buy')}</h2>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          setBought(null);
          void buy.act();
        }}
      >
        <TextField
          label={t('wallet.vouchers.faceValue')}
          inputMode="decimal"
          required
          value={amount}
          invalid={amount !== '' && !decimal}
          hint={amount !== '' && !decimal ? t('wallet.send.badAmount') : t('wallet.vouchers.faceValueHint')}
          onChange={(e) => setAmount(e.target.value)}
        />
        <TextField label={t('wallet.vouchers.merchants')} required autoCapitalize="characters" value={merchants} hint={t('wallet.vouchers.merchantsHint')} onChange={(e) => setMerchants(e.target.value)} />
        {decimal ? (
          <p className="small" data-testid="voucher-debit">
            {t('wallet.vouchers.debit')} <MoneyText money={{ amount: decimal, currency }} />
          </p>
        ) : null}
        <PinInput label={t('wallet.auth.pin')} value={pin} onChange={setPin} />
        <ErrorNotice error={buy.error} />
        <Submit busy={buy.busy}>{t('wallet.vouchers.buyButton')}</Submit>
      </form>
      {bought ? (
        <Notice kind="success" live>
          <p>
            <strong>{t('wallet.vouchers.bought')}</strong> {t('wallet.vouchers.shownOnce')}
          </p>
          <dl className="pairs">
            <div>
              <dt>{t('wallet.vouchers.code')}</dt>
              <dd className="secret" data-testid="voucher-code">{bought.code ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('wallet.vouchers.pin')}</dt>
              <dd className="secret" data-testid="voucher-pin">{bought.pin ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('wallet.vouchers.faceValue')}</dt>
              <dd>
                <MoneyText money={bought.face_value} />
              </dd>
            </div>
          </dl>
        </Notice>
      ) : null}
    </section>
  );
}

function VoucherCard({ voucher, token, onChange }: { voucher: Voucher; token: string; onChange: () => void }) {
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const send = useAction(async () => {
    await api<Voucher>(`/v1/vouchers/${encodeURIComponent(voucher.id)}/send`, { method: 'POST', token, body: { to } });
    setTo('');
    onChange();
  });
  const titleId = `voucher-${voucher.id}`;
  return (
    <article className="card" aria-labelledby={titleId} data-testid="voucher">
      <h3 id={titleId}>
        {t('wallet.vouchers.endingIn', { last4: voucher.code_last4 })} <Badge tone={STATUS_TONE[voucher.status]}>{t(`wallet.vouchers.status.${voucher.status}`)}</Badge>
      </h3>
      <dl className="pairs">
        <div>
          <dt>{t('wallet.vouchers.remaining')}</dt>
          <dd data-testid="voucher-remaining">
            <MoneyText money={voucher.remaining} /> / <MoneyText money={voucher.face_value} />
          </dd>
        </div>
        <div>
          <dt>{t('wallet.vouchers.usableAt')}</dt>
          <dd>{voucher.merchants.map((m) => m.name).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('wallet.vouchers.expires')}</dt>
          <dd>
            <DateTime iso={voucher.expires_at} />
          </dd>
        </div>
        {voucher.sent_to ? (
          <div>
            <dt>{t('wallet.vouchers.sentTo')}</dt>
            <dd>{voucher.sent_to}</dd>
          </div>
        ) : null}
      </dl>
      {voucher.status === 'active' && !voucher.sent_to ? (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void send.act();
          }}
        >
          <TextField label={t('wallet.vouchers.sendTo')} type="tel" required value={to} hint={t('wallet.vouchers.sendHint')} onChange={(e) => setTo(e.target.value)} />
          <ErrorNotice error={send.error} />
          <Submit busy={send.busy}>
            {t('wallet.vouchers.send')}
          </Submit>
        </form>
      ) : null}
    </article>
  );
}
