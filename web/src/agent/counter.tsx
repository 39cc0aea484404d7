// The counter's work: pay out a person's withdrawal code, take cash in for a phone number, today's
// float and commission (with the low-float alert the API computes), ask finance to rebalance, and
// the day's statement. Every rule (commission, thresholds, who confirms) is the API's.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../api/client.ts';
import { downloadFile } from '../api/download.ts';
import { todayIn, type AgentCashIn, type AgentRebalance, type AgentShop, type AgentStatement, type AgentWithdrawal } from '../api/cash-types.ts';
import { DateTime, ErrorNotice, Loading, MoneyText, Notice, SelectField, Submit, TableWrap, TextField } from '../components/ui.tsx';
import { amountFromInput } from '../lib/money.ts';
import { currentLang } from '../i18n/index.ts';
import { useAction, useApi } from '../lib/use-api.ts';

function AmountField({ value, onChange, label }: { value: string; onChange: (v: string) => void; label?: string }) {
  const { t } = useTranslation();
  const bad = value !== '' && !amountFromInput(value);
  return (
    <TextField
      label={label ?? t('agent.amount')}
      inputMode="decimal"
      required
      value={value}
      invalid={bad}
      hint={bad ? t('wallet.send.badAmount') : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

export function Counter({ token, currency, timeZone }: { token: string; currency: string; timeZone: string }) {
  const { t } = useTranslation();
  const shop = useApi<AgentShop>('/v1/agent/me', { token });
  const [date, setDate] = useState(() => todayIn(timeZone));
  const statement = useApi<AgentStatement>('/v1/agent/statement', { token, query: { date } });
  const refresh = () => {
    shop.reload();
    statement.reload();
  };
  if (shop.loading && !shop.data) return <Loading />;
  if (shop.error) return <ErrorNotice error={shop.error} onRetry={shop.reload} />;
  const me = shop.data;
  if (!me) return null;
  return (
    <>
      <section className="card" aria-labelledby="today-title">
        <h2 id="today-title">{t('agent.today', { name: me.name })}</h2>
        {me.low_float ? (
          <Notice kind="warning" live>
            {t('agent.lowFloat')}
          </Notice>
        ) : null}
        <dl className="pairs">
          <div>
            <dt>{t('agent.float')}</dt>
            <dd data-testid="agent-float">{me.float ? <MoneyText money={me.float} /> : '—'}</dd>
          </div>
          <div>
            <dt>{t('agent.commissionBalance')}</dt>
            <dd data-testid="agent-commission">{me.commission_balance ? <MoneyText money={me.commission_balance} /> : '—'}</dd>
          </div>
          <div>
            <dt>{t('agent.cashOnHand')}</dt>
            <dd>
              <MoneyText money={me.cash_on_hand} />
            </dd>
          </div>
          {statement.data ? (
            <div>
              <dt>{t('agent.commissionToday')}</dt>
              <dd>
                <MoneyText money={statement.data.commission} />
              </dd>
            </div>
          ) : null}
        </dl>
      </section>
      <PayOut token={token} currency={currency} onDone={refresh} />
      <CashIn token={token} currency={currency} onDone={refresh} />
      <Rebalance token={token} currency={currency} />
      <Statement token={token} date={date} setDate={setDate} state={statement} timeZone={timeZone} />
    </>
  );
}

function PayOut({ token, currency, onDone }: { token: string; currency: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [result, setResult] = useState<AgentWithdrawal | null>(null);
  const pay = useAction(async () => {
    const decimal = amountFromInput(amount);
    if (!decimal) return;
    const paid = await api<AgentWithdrawal>('/v1/agent/withdrawals', { method: 'POST', token, idempotencyKey: key, body: { code: code.replace(/\D/g, ''), amount: { amount: decimal, currency } } });
    setResult(paid);
    setCode('');
    setAmount('');
    setKey(newIdempotencyKey());
    onDone();
  });
  return (
    <section className="card" aria-labelledby="payout-title">
      <h2 id="payout-title">{t('agent.payOut')}</h2>
      <p className="small muted">{t('agent.payOutHint')}</p>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          setResult(null);
          void pay.act();
        }}
      >
        <TextField label={t('agent.code')} inputMode="numeric" autoComplete="off" required maxLength={10} value={code} onChange={(e) => setCode(e.target.value)} hint={t('agent.codeHint')} />
        <AmountField value={amount} onChange={setAmount} />
        <ErrorNotice error={pay.error} />
        <Submit busy={pay.busy}>{t('agent.payOutButton')}</Submit>
      </form>
      {result ? (
        <Notice kind="success" live>
          <p>
            <strong>{t('agent.paidOut')}</strong>
          </p>
          <dl className="pairs">
            <div>
              <dt>{t('agent.handOver')}</dt>
              <dd data-testid="payout-amount">
                <MoneyText money={result.amount} />
              </dd>
            </div>
            <div>
              <dt>{t('agent.commissionEarned')}</dt>
              <dd data-testid="payout-commission">
                <MoneyText money={result.commission} />
              </dd>
            </div>
            <div>
              <dt>{t('agent.receipt')}</dt>
              <dd>{result.receipt_number ?? '—'}</dd>
            </div>
          </dl>
        </Notice>
      ) : null}
    </section>
  );
}

function CashIn({ token, currency, onDone }: { token: string; currency: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [amount, setAmount] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [result, setResult] = useState<AgentCashIn | null>(null);
  const take = useAction(async () => {
    const decimal = amountFromInput(amount);
    if (!decimal) return;
    const row = await api<AgentCashIn>('/v1/agent/cash-ins', { method: 'POST', token, idempotencyKey: key, body: { phone, amount: { amount: decimal, currency } } });
    setResult(row);
    setKey(newIdempotencyKey());
    if (row.status === 'completed') {
      setPhone('');
      setAmount('');
    }
    onDone();
  });
  const check = useAction(async () => {
    if (!result) return;
    const row = await api<AgentCashIn>(`/v1/agent/cash-ins/${encodeURIComponent(result.id)}`, { token });
    setResult(row);
    if (row.status !== 'awaiting_user') onDone();
  });
  return (
    <section className="card" aria-labelledby="cashin-title">
      <h2 id="cashin-title">{t('agent.cashIn')}</h2>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          setResult(null);
          void take.act();
        }}
      >
        <TextField label={t('agent.phone')} type="tel" autoComplete="off" required value={phone} onChange={(e) => setPhone(e.target.value)} />
        <AmountField value={amount} onChange={setAmount} />
        <ErrorNotice error={take.error} />
        <Submit busy={take.busy}>{t('agent.cashInButton')}</Submit>
      </form>
      {result ? (
        <Notice kind={result.status === 'completed' ? 'success' : result.status === 'awaiting_user' ? 'info' : 'warning'} live>
          <p>
            <strong>{t(`agent.cashInStatus.${result.status}`)}</strong> <MoneyText money={result.amount} />
          </p>
          {result.status === 'awaiting_user' ? (
            <>
              <p className="small">
                {t('agent.awaitingUntil')} <DateTime iso={result.expires_at} />
              </p>
              <ErrorNotice error={check.error} />
              <button type="button" className="button secondary" disabled={check.busy} onClick={() => void check.act()}>
                {t('agent.checkAgain')}
              </button>
            </>
          ) : null}
          {result.status === 'completed' ? (
            <p className="small">
              {t('agent.commissionEarned')}: <MoneyText money={result.commission} />
            </p>
          ) : null}
        </Notice>
      ) : null}
    </section>
  );
}

function Rebalance({ token, currency }: { token: string; currency: string }) {
  const { t } = useTranslation();
  const [direction, setDirection] = useState<'top_up' | 'withdrawal'>('top_up');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<AgentRebalance | null>(null);
  const ask = useAction(async () => {
    const decimal = amountFromInput(amount);
    if (!decimal) return;
    setDone(await api<AgentRebalance>('/v1/agent/rebalances', { method: 'POST', token, body: { direction, amount: { amount: decimal, currency }, ...(note.trim() ? { note: note.trim() } : {}) } }));
    setAmount('');
    setNote('');
  });
  return (
    <section className="card" aria-labelledby="rebalance-title">
      <h2 id="rebalance-title">{t('agent.rebalance')}</h2>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          setDone(null);
          void ask.act();
        }}
      >
        <SelectField
          label={t('agent.direction')}
          value={direction}
          onChange={(e) => setDirection(e.target.value === 'withdrawal' ? 'withdrawal' : 'top_up')}
          options={[
            { value: 'top_up', label: t('agent.topUp') },
            { value: 'withdrawal', label: t('agent.withdraw') },
          ]}
        />
        <AmountField value={amount} onChange={setAmount} />
        <TextField label={t('agent.note')} maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} />
        <ErrorNotice error={ask.error} />
        <Submit busy={ask.busy}>{t('agent.rebalanceButton')}</Submit>
      </form>
      {done ? (
        <Notice kind="success" live>
          {t('agent.rebalanceRequested')} <MoneyText money={done.amount} />
        </Notice>
      ) : null}
    </section>
  );
}

function Statement({ token, date, setDate, state, timeZone }: {
  token: string; date: string; setDate: (d: string) => void; state: { data: AgentStatement | null; error: unknown; loading: boolean; reload: () => void }; timeZone: string;
}) {
  const { t } = useTranslation();
  // One day's statement: the time of day is enough, in the operator's zone the day is counted in.
  const timeOf = (iso: string) => new Intl.DateTimeFormat(currentLang() === 'ko' ? 'ko-KR' : 'en-US', { timeStyle: 'short', timeZone }).format(new Date(iso));
  const [saved, setSaved] = useState<string | null>(null);
  const csv = useAction(async () => {
    const file = await downloadFile('/v1/agent/statement', { token, query: { date, format: 'csv' }, fallbackName: `statement-${date}.csv` });
    setSaved(file.name);
  });
  const s = state.data;
  return (
    <section className="card" aria-labelledby="statement-title">
      <h2 id="statement-title">{t('agent.statement')}</h2>
      <div className="row row-wrap">
        <TextField label={t('agent.date')} type="date" value={date} required onChange={(e) => e.target.value && setDate(e.target.value)} />
        <button type="button" className="button secondary" disabled={csv.busy} aria-busy={csv.busy} onClick={() => void csv.act()}>
          {csv.busy ? t('common.working') : t('agent.downloadCsv')}
        </button>
      </div>
      <ErrorNotice error={csv.error} />
      {saved ? <p className="small muted" role="status">{t('agent.saved', { name: saved })}</p> : null}
      {state.loading && !s ? <Loading /> : null}
      <ErrorNotice error={state.error} onRetry={state.reload} />
      {s ? (
        <>
          <dl className="pairs">
            <div>
              <dt>{t('agent.openingFloat')}</dt>
              <dd>
                <MoneyText money={s.opening_float} />
              </dd>
            </div>
            <div>
              <dt>{t('agent.floatIn')}</dt>
              <dd>
                <MoneyText money={s.float_in} />
              </dd>
            </div>
            <div>
              <dt>{t('agent.floatOut')}</dt>
              <dd>
                <MoneyText money={s.float_out} />
              </dd>
            </div>
            <div>
              <dt>{t('agent.closingFloat')}</dt>
              <dd>
                <MoneyText money={s.closing_float} />
              </dd>
            </div>
          </dl>
          {s.lines.length === 0 ? (
            <p className="empty">{t('agent.noLines')}</p>
          ) : (
            <TableWrap label={t('agent.statement')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('agent.time')}</th>
                    <th scope="col">{t('agent.kind')}</th>
                    <th scope="col">{t('agent.floatDelta')}</th>
                    <th scope="col">{t('agent.commission')}</th>
                    <th scope="col">{t('agent.receipt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.lines.map((line) => (
                    <tr key={`${line.at}-${line.reference}`}>
                      <td className="nowrap">
                        <time dateTime={line.at}>{timeOf(line.at)}</time>
                      </td>
                      <td>{t(`agent.kinds.${line.kind}`, { defaultValue: line.kind })}</td>
                      <td>
                        <MoneyText money={line.float_delta} />
                      </td>
                      <td>
                        <MoneyText money={line.commission} />
                      </td>
                      <td>{line.receipt ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </>
      ) : null}
    </section>
  );
}
