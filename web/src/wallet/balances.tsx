// My money, by what it may be used for: cashable, spend-only, clearing, over the cap, and the
// dust below one won that no rail can pay yet (DESIGN §2–3). Amounts are shown as the API gives them.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api/client.ts';
import type { ClassBalance, List, Wallet } from '../api/types.ts';
import { Empty, ErrorNotice, Loading, MoneyText, Notice, SelectField, Submit, TextField } from '../components/ui.tsx';
import { amountFromInput, isZeroAmount } from '../lib/money.ts';
import { Link } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { useMe } from './me.tsx';

function ClassRow({ label, explain, balance }: { label: string; explain: string; balance: ClassBalance }) {
  const { t } = useTranslation();
  return (
    <div>
      <dt>
        {label}
        <span className="small muted block">{explain}</span>
      </dt>
      <dd>
        <MoneyText money={balance.available} />
        {!isZeroAmount(balance.clearing.amount) ? (
          <span className="small muted block">
            + <MoneyText money={balance.clearing} /> {t('wallet.balances.clearing')}
          </span>
        ) : null}
        {!isZeroAmount(balance.held.amount) ? (
          <span className="small muted block">
            <MoneyText money={balance.held} /> {t('wallet.balances.held')}
          </span>
        ) : null}
      </dd>
    </div>
  );
}

export function WalletCard({ wallet, onRefresh }: { wallet: Wallet; onRefresh?: () => void }) {
  const { t } = useTranslation();
  const b = wallet.balances;
  return (
    <section className="card balance-card" aria-labelledby={`wallet-${wallet.id}`}>
      <h2 id={`wallet-${wallet.id}`}>{wallet.kind === 'main' ? t('wallet.balances.main') : wallet.name}</h2>
      <p className="small muted">{t('wallet.balances.available')}</p>
      <p className="balance" data-testid="total-available">
        <MoneyText money={b.total_available} />
      </p>
      <dl className="pairs">
        <ClassRow label={t('classes.cashable')} explain={t('wallet.balances.cashableExplain')} balance={b.cashable} />
        {wallet.kind === 'main' ? <ClassRow label={t('classes.spend_only')} explain={t('wallet.balances.spendOnlyExplain')} balance={b.spend_only} /> : null}
        {!isZeroAmount(b.held_over_cap.amount) ? (
          <div>
            <dt>
              {t('wallet.balances.overCap')}
              <span className="small muted block">{t('wallet.balances.overCapExplain')}</span>
            </dt>
            <dd>
              <MoneyText money={b.held_over_cap} />
            </dd>
          </div>
        ) : null}
      </dl>
      {!isZeroAmount(b.dust.amount) ? (
        <p className="small dust">
          {t('wallet.balances.dust')} <MoneyText money={b.dust} />
        </p>
      ) : null}
      <p className="card-links">
        <Link to={`/wallet/history?wallet=${wallet.id}`}>{t('wallet.balances.history')}</Link>
        {onRefresh ? (
          <button type="button" className="button link" onClick={onRefresh}>
            {t('common.refresh')}
          </button>
        ) : null}
      </p>
    </section>
  );
}

export function Balances() {
  const { t } = useTranslation();
  const { token } = useMe();
  const wallets = useApi<List<Wallet>>('/v1/wallets', { token });
  const list = wallets.data?.data ?? [];
  const main = list.find((w) => w.kind === 'main');
  const pots = list.filter((w) => w.kind === 'pot');
  return (
    <>
      {wallets.loading && !wallets.data ? <Loading label={t('wallet.balances.loading')} /> : null}
      <ErrorNotice error={wallets.error} onRetry={wallets.reload} />
      {main ? <WalletCard wallet={main} onRefresh={wallets.reload} /> : null}
      {pots.map((pot) => (
        <WalletCard key={pot.id} wallet={pot} />
      ))}
      {wallets.data && list.length === 0 ? <Empty>{t('wallet.balances.none')}</Empty> : null}
      {main ? <Pots wallets={list} onChange={wallets.reload} /> : null}
    </>
  );
}

function Pots({ wallets, onChange }: { wallets: Wallet[]; onChange: () => void }) {
  const { t } = useTranslation();
  const { token } = useMe();
  const [name, setName] = useState('');
  const [from, setFrom] = useState(wallets[0]?.id ?? '');
  const [to, setTo] = useState(wallets[1]?.id ?? '');
  const [amount, setAmount] = useState('');
  const [moveKey, setMoveKey] = useState(newIdempotencyKey);
  const [moved, setMoved] = useState(false);
  const create = useAction(async () => {
    await api<Wallet>('/v1/wallets', { method: 'POST', token, body: { name: name.trim() } });
    setName('');
    onChange();
  });
  const move = useAction(async () => {
    const decimal = amountFromInput(amount);
    if (!decimal) return;
    const currency = wallets[0]?.currency ?? 'KRW';
    await api('/v1/wallets/moves', { method: 'POST', token, idempotencyKey: moveKey, body: { from, to, amount: { amount: decimal, currency } } });
    setMoveKey(newIdempotencyKey());
    setAmount('');
    setMoved(true);
    onChange();
  });
  const options = wallets.map((w) => ({ value: w.id, label: w.kind === 'main' ? t('wallet.balances.main') : w.name }));
  const badAmount = amount !== '' && amountFromInput(amount) === null;
  return (
    <details className="card">
      <summary>{t('wallet.pots.title')}</summary>
      <p className="small muted">{t('wallet.pots.explain')}</p>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void create.act();
        }}
      >
        <TextField label={t('wallet.pots.name')} required maxLength={40} value={name} onChange={(e) => setName(e.target.value)} />
        <Submit busy={create.busy}>{t('wallet.pots.create')}</Submit>
      </form>
      <ErrorNotice error={create.error} />
      {wallets.length > 1 ? (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            setMoved(false);
            void move.act();
          }}
        >
          <h3>{t('wallet.pots.move')}</h3>
          <SelectField label={t('wallet.pots.from')} value={from} onChange={(e) => setFrom(e.target.value)} options={options} />
          <SelectField label={t('wallet.pots.to')} value={to} onChange={(e) => setTo(e.target.value)} options={options} />
          <TextField label={t('wallet.send.amount')} inputMode="decimal" required value={amount} invalid={badAmount} onChange={(e) => setAmount(e.target.value)} hint={badAmount ? t('wallet.send.badAmount') : undefined} />
          <ErrorNotice error={move.error} />
          {moved ? (
            <Notice kind="success" live>
              {t('wallet.pots.moved')}
            </Notice>
          ) : null}
          <Submit busy={move.busy}>{t('wallet.pots.moveButton')}</Submit>
        </form>
      ) : null}
    </details>
  );
}
