// The rules in force, in short: what each tier may hold and move, what cash-out costs, how long
// credits clear. The full text is the server's /policy page.
import { useTranslation } from 'react-i18next';
import type { FeeRule, PolicyWire } from '../api/types.ts';
import { DateTime, ErrorNotice, Loading, MoneyText, Page } from '../components/ui.tsx';
import { currentLang, type Lang } from '../i18n/index.ts';
import { formatMoney, formatPercentBps, isZeroAmount } from '../lib/money.ts';
import { usePolicy } from '../lib/use-policy.ts';

export function feeText(fee: FeeRule, lang: Lang, t: (key: string, options?: Record<string, unknown>) => string): string {
  const parts: string[] = [];
  if (!isZeroAmount(fee.fixed.amount)) parts.push(formatMoney(fee.fixed, lang));
  if (fee.percent_bps > 0) parts.push(formatPercentBps(fee.percent_bps, lang));
  let text = parts.length ? parts.join(' + ') : t('wallet.policy.free');
  const bounds: string[] = [];
  if (!isZeroAmount(fee.min.amount)) bounds.push(t('wallet.policy.min', { amount: formatMoney(fee.min, lang) }));
  if (fee.max) bounds.push(t('wallet.policy.max', { amount: formatMoney(fee.max, lang) }));
  if (bounds.length) text += ` (${bounds.join(', ')})`;
  if (fee.free_allowance_per_month) text += ` · ${t('wallet.policy.freePerMonth', { count: fee.free_allowance_per_month })}`;
  return text;
}

export function PolicySummaryPage() {
  const { t } = useTranslation();
  const policy = usePolicy();
  const lang = currentLang();
  return (
    <Page title={t('wallet.policy.title')}>
      {policy.loading ? <Loading /> : null}
      <ErrorNotice error={policy.error} onRetry={policy.reload} />
      {policy.data ? (
        <>
          <p className="muted">
            {t('wallet.policy.version', { version: policy.data.version })} · {t('wallet.policy.since')} <DateTime iso={policy.data.effective_from} />
          </p>
          <p>
            <a href={`/policy?lang=${lang}`}>{t('wallet.policy.fullPage')}</a>
          </p>
          <Fees policy={policy.data.policy} />
          <Tiers policy={policy.data.policy} />
          <Sources policy={policy.data.policy} />
        </>
      ) : null}
    </Page>
  );
}

function Fees({ policy }: { policy: PolicyWire }) {
  const { t } = useTranslation();
  const lang = currentLang();
  const channels = ['bank', 'wallet', 'agent', 'atm', 'send'] as const;
  return (
    <section className="card" aria-labelledby="fees-title">
      <h2 id="fees-title">{t('wallet.policy.fees')}</h2>
      <dl className="pairs">
        {channels.map((channel) => (
          <div key={channel}>
            <dt>{t(`channels.${channel}`)}</dt>
            <dd>{feeText(policy.fees[channel], lang, t)}</dd>
          </div>
        ))}
        <div>
          <dt>{t('wallet.policy.cashoutMinimum')}</dt>
          <dd>
            <MoneyText money={policy.cashout.minimum} />
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Tiers({ policy }: { policy: PolicyWire }) {
  const { t } = useTranslation();
  const lang = currentLang();
  return (
    <section className="card" aria-labelledby="tiers-title">
      <h2 id="tiers-title">{t('wallet.policy.tiers')}</h2>
      {policy.tiers.map((tier) => (
        <div key={tier.tier} className="tier-block">
          <h3>
            {t('wallet.home.tier', { tier: tier.tier })} · {tier.name[lang]}
          </h3>
          <dl className="pairs">
            <div>
              <dt>{t('wallet.policy.balanceCap')}</dt>
              <dd>
                <MoneyText money={tier.balance_cap} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.policy.cashOutDaily')}</dt>
              <dd>
                <MoneyText money={tier.cash_out.daily} /> / <MoneyText money={tier.cash_out.monthly} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.policy.sendDaily')}</dt>
              <dd>
                <MoneyText money={tier.send.daily} /> / <MoneyText money={tier.send.monthly} />
              </dd>
            </div>
            <div>
              <dt>{t('wallet.policy.perTransaction')}</dt>
              <dd>
                <MoneyText money={tier.per_transaction.max} />
              </dd>
            </div>
          </dl>
        </div>
      ))}
    </section>
  );
}

function Sources({ policy }: { policy: PolicyWire }) {
  const { t } = useTranslation();
  const lang = currentLang();
  return (
    <section className="card" aria-labelledby="sources-title">
      <h2 id="sources-title">{t('wallet.policy.sources')}</h2>
      <dl className="pairs">
        {Object.entries(policy.sources).map(([key, source]) => (
          <div key={key}>
            <dt>{source.label[lang]}</dt>
            <dd>
              {t(`classes.${source.funding_class}`)}
              {source.clearance_hours > 0 ? ` · ${t('wallet.policy.clears', { hours: source.clearance_hours })}` : ''}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
