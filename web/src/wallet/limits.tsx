// My limits: what the tier allows, what I set myself, what I used today and this month. Lowering
// my own cap applies at once; raising it needs an SMS code and waits for the cooling-off.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { LimitChange, LimitKind, Limits, PeriodLimit } from '../api/types.ts';
import { CodeInput } from '../components/code-field.tsx';
import { DemoOtpHint } from '../components/otp-hint.tsx';
import { Badge, DateTime, ErrorNotice, Loading, MoneyText, Notice, Page, Submit, TextField } from '../components/ui.tsx';
import { amountFromInput } from '../lib/money.ts';
import { useStepUp, walletProof } from '../lib/step-up.ts';
import { useApi } from '../lib/use-api.ts';
import { usePaged } from '../lib/use-paged.ts';
import { useMe } from './me.tsx';

const KINDS: LimitKind[] = ['cash_out', 'send', 'spend'];
const PERIODS = ['daily', 'monthly'] as const;
type Period = (typeof PERIODS)[number];
type Drafts = Record<LimitKind, Record<Period, string>>;

function draftsOf(limits: Limits): Drafts {
  const draft = (p: PeriodLimit) => p.self_cap?.amount ?? '';
  return Object.fromEntries(KINDS.map((kind) => [kind, { daily: draft(limits.limits[kind].daily), monthly: draft(limits.limits[kind].monthly) }])) as Drafts;
}

function Usage({ period, limit }: { period: Period; limit: PeriodLimit }) {
  const { t } = useTranslation();
  return (
    <div className="usage">
      <p className="small muted">{t(`wallet.limits.${period}`)}</p>
      <p>
        <MoneyText money={limit.used} /> / <MoneyText money={limit.effective_cap} />
      </p>
      <p className="small">
        {t('wallet.limits.remaining')} <MoneyText money={limit.remaining} />
      </p>
      <p className="small muted">
        {t('wallet.limits.tierCap')} <MoneyText money={limit.tier_cap} />
        {limit.self_cap ? (
          <>
            {' · '}
            {t('wallet.limits.myCap')} <MoneyText money={limit.self_cap} />
          </>
        ) : null}
      </p>
      {limit.pending ? (
        <p className="small">
          <Badge tone="warn">{t('wallet.limits.waiting')}</Badge> {limit.pending.cap ? <MoneyText money={limit.pending.cap} /> : t('wallet.limits.noOwnCap')} · <DateTime iso={limit.pending.effective_at} />
        </p>
      ) : null}
    </div>
  );
}

export function LimitsPage() {
  const { t } = useTranslation();
  const { token, me } = useMe();
  const limits = useApi<Limits>('/v1/me/limits', { token });
  const changes = usePaged<LimitChange>('/v1/me/limits/changes', token, {}, 10);
  const [drafts, setDrafts] = useState<Drafts | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (limits.data) setDrafts(draftsOf(limits.data));
  }, [limits.data]);

  const save = useStepUp(async (proof) => {
    if (!limits.data || !drafts) return;
    const body: Record<string, unknown> = { ...walletProof(proof) };
    for (const kind of KINDS) {
      for (const period of PERIODS) {
        const before = limits.data.limits[kind][period].self_cap?.amount ?? '';
        const text = drafts[kind][period].trim();
        const amount = text === '' ? null : amountFromInput(text);
        if (text !== '' && amount === null) continue;
        if ((amount ?? '') === before) continue;
        body[kind] = { ...(body[kind] as object | undefined), [period]: amount === null ? null : { amount, currency: limits.data.currency } };
      }
    }
    await api<Limits>('/v1/me/limits', { method: 'PUT', token, body });
    setSaved(true);
    limits.reload();
    changes.reload();
  });

  const data = limits.data;
  return (
    <Page title={t('wallet.limits.title')}>
      {limits.loading && !data ? <Loading /> : null}
      <ErrorNotice error={limits.error} onRetry={limits.reload} />
      {data ? (
        <>
          <p className="muted small">{t('wallet.limits.explain', { hours: data.raise_cooldown_hours })}</p>
          {KINDS.map((kind) => (
            <section key={kind} className="card" aria-labelledby={`limit-${kind}`}>
              <h2 id={`limit-${kind}`}>{t(`wallet.limits.kinds.${kind}`)}</h2>
              <div className="usage-grid">
                {PERIODS.map((period) => (
                  <Usage key={period} period={period} limit={data.limits[kind][period]} />
                ))}
              </div>
            </section>
          ))}
          <section className="card" aria-labelledby="velocity-title">
            <h2 id="velocity-title">{t('wallet.limits.velocity')}</h2>
            <p>
              {t('wallet.limits.velocityCount', { used: data.velocity.used_count, max: data.velocity.count_per_day })} · <MoneyText money={data.velocity.used_sum} /> / <MoneyText money={data.velocity.sum_per_day} />
            </p>
          </section>
          {drafts ? (
            <section className="card" aria-labelledby="set-title">
              <h2 id="set-title">{t('wallet.limits.setOwn')}</h2>
              <form
                className="form"
                onSubmit={(event) => {
                  event.preventDefault();
                  setSaved(false);
                  void save.act();
                }}
              >
                {KINDS.map((kind) => (
                  <fieldset key={kind} className="fieldset">
                    <legend>{t(`wallet.limits.kinds.${kind}`)}</legend>
                    <div className="inline-form">
                      {PERIODS.map((period) => {
                        const value = drafts[kind][period];
                        const bad = value.trim() !== '' && amountFromInput(value) === null;
                        return (
                          <TextField
                            key={period}
                            label={t(`wallet.limits.${period}`)}
                            inputMode="decimal"
                            value={value}
                            invalid={bad}
                            placeholder={t('wallet.limits.none')}
                            hint={bad ? t('wallet.send.badAmount') : undefined}
                            onChange={(e) => setDrafts({ ...drafts, [kind]: { ...drafts[kind], [period]: e.target.value } })}
                          />
                        );
                      })}
                    </div>
                  </fieldset>
                ))}
                <p className="small muted">{t('wallet.limits.emptyMeansNone')}</p>
                {save.challengeId ? (
                  <>
                    <Notice kind="info" live>
                      {t('wallet.limits.raiseCode')}
                    </Notice>
                    <CodeInput value={save.code} onChange={save.setCode} />
                    <DemoOtpHint phone={me?.phone} />
                  </>
                ) : null}
                <ErrorNotice error={save.error} />
                {saved ? (
                  <Notice kind="success" live>
                    {t('wallet.limits.saved')}
                  </Notice>
                ) : null}
                <Submit busy={save.busy}>{save.challengeId ? t('wallet.auth.confirm') : t('common.save')}</Submit>
              </form>
            </section>
          ) : null}
          {changes.items.length > 0 ? (
            <section className="card" aria-labelledby="changes-title">
              <h2 id="changes-title">{t('wallet.limits.changes')}</h2>
              <ul className="rows">
                {changes.items.map((change) => (
                  <li key={change.id} className="row row-wrap">
                    <span>
                      {t(`wallet.limits.kinds.${change.kind}`)} · {t(`wallet.limits.${change.period}`)}: {change.cap ? <MoneyText money={change.cap} /> : t('wallet.limits.noOwnCap')}
                    </span>
                    <span className="small">
                      <Badge tone={change.status === 'applied' ? 'good' : change.status === 'waiting' ? 'warn' : 'neutral'}>{t(`wallet.limits.status.${change.status}`)}</Badge> <DateTime iso={change.effective_at} />
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
