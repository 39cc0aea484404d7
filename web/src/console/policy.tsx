// Policy versions: view any version, compare two, publish a new one (validated by the API; a bad
// document comes back as the API's error, naming the field).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { List, PolicyDiff, PolicyResponse, PolicyVersionSummary } from '../api/types.ts';
import { Badge, DateTime, ErrorNotice, Loading, Notice, Page, SelectField, Submit, TextField, TableWrap } from '../components/ui.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { useStaff } from './staff-context.tsx';

const STATUS_TONE = { in_force: 'good', scheduled: 'warn', superseded: 'neutral' } as const;

/** The wire form's { amount, currency } back to the document's decimal strings. */
function toDocument(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toDocument);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 2 && typeof record.amount === 'string' && typeof record.currency === 'string') return record.amount;
    return Object.fromEntries(keys.map((key) => [key, toDocument(record[key])]));
  }
  return value;
}

async function documentYaml(policy: unknown): Promise<string> {
  // Loaded only here: the rest of the app has no use for a YAML writer.
  const { stringify } = await import('yaml');
  return stringify(toDocument(policy), { lineWidth: 0 });
}

export function PolicyPage() {
  const { t } = useTranslation();
  const { can } = useStaff();
  const versions = useApi<List<PolicyVersionSummary>>('/v1/policy/versions', { query: { limit: 100 } });
  const list = versions.data?.data ?? [];
  return (
    <Page title={t('console.policy.title')}>
      {versions.loading && !versions.data ? <Loading /> : null}
      <ErrorNotice error={versions.error} onRetry={versions.reload} />
      {list.length > 0 ? (
        <TableWrap label={t('console.policy.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.policy.version')}</th>
                <th scope="col">{t('console.policy.status')}</th>
                <th scope="col">{t('console.policy.effective')}</th>
                <th scope="col">{t('console.policy.published')}</th>
                <th scope="col">{t('console.policy.checksum')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((version) => (
                <tr key={version.version}>
                  <td>{version.version}</td>
                  <td>
                    <Badge tone={STATUS_TONE[version.status]}>{t(`console.policy.statuses.${version.status}`)}</Badge>
                  </td>
                  <td>
                    <DateTime iso={version.effective_from} />
                  </td>
                  <td>
                    <DateTime iso={version.published_at} />
                  </td>
                  <td>
                    <code title={version.checksum}>{version.checksum.slice(0, 12)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {list.length > 0 ? <ViewVersion versions={list} /> : null}
      {list.length > 1 ? <DiffVersions versions={list} /> : null}
      {can('policy:publish') && list.length > 0 ? <Publish onPublished={versions.reload} /> : null}
    </Page>
  );
}

function ViewVersion({ versions }: { versions: PolicyVersionSummary[] }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(String(versions[0]!.version));
  const policy = useApi<PolicyResponse>('/v1/policy', { query: { version } });
  const [yaml, setYaml] = useState<string | null>(null);
  useEffect(() => {
    setYaml(null);
    if (policy.data) void documentYaml(policy.data.policy).then(setYaml);
  }, [policy.data]);
  return (
    <section className="card" aria-labelledby="view-title">
      <h2 id="view-title">{t('console.policy.view')}</h2>
      <SelectField label={t('console.policy.version')} value={version} onChange={(e) => setVersion(e.target.value)} options={versions.map((v) => ({ value: String(v.version), label: String(v.version) }))} />
      {policy.loading ? <Loading /> : null}
      <ErrorNotice error={policy.error} />
      {yaml ? (
        <details>
          <summary>{t('console.policy.document', { version })}</summary>
          <pre className="code-block" tabIndex={0}>
            {yaml}
          </pre>
        </details>
      ) : null}
    </section>
  );
}

function DiffVersions({ versions }: { versions: PolicyVersionSummary[] }) {
  const { t } = useTranslation();
  const { token } = useStaff();
  const [from, setFrom] = useState(String(versions[1]!.version));
  const [to, setTo] = useState(String(versions[0]!.version));
  const diff = useApi<PolicyDiff>(from !== to ? '/v1/admin/policy/diff' : null, { token, query: { from, to } });
  const options = versions.map((v) => ({ value: String(v.version), label: String(v.version) }));
  const show = (value: unknown) => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));
  return (
    <section className="card" aria-labelledby="diff-title">
      <h2 id="diff-title">{t('console.policy.diff')}</h2>
      <div className="filters">
        <SelectField label={t('console.policy.from')} value={from} onChange={(e) => setFrom(e.target.value)} options={options} />
        <SelectField label={t('console.policy.to')} value={to} onChange={(e) => setTo(e.target.value)} options={options} />
      </div>
      {diff.loading ? <Loading /> : null}
      <ErrorNotice error={diff.error} />
      {diff.data ? (
        diff.data.changes.length === 0 ? (
          <p>{t('console.policy.noChanges')}</p>
        ) : (
          <TableWrap label={t('console.policy.diff')}>
            <table className="diff">
              <thead>
                <tr>
                  <th scope="col">{t('console.policy.path')}</th>
                  <th scope="col">{t('console.policy.before')}</th>
                  <th scope="col">{t('console.policy.after')}</th>
                </tr>
              </thead>
              <tbody>
                {diff.data.changes.map((change) => (
                  <tr key={change.path} className={`diff-${change.change}`}>
                    <td>
                      <code>{change.path}</code>
                    </td>
                    <td className="diff-from">{show(change.from)}</td>
                    <td className="diff-to">{show(change.to)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )
      ) : null}
    </section>
  );
}

function Publish({ onPublished }: { onPublished: () => void }) {
  const { t } = useTranslation();
  const { token } = useStaff();
  const inForce = useApi<PolicyResponse>('/v1/policy');
  const [yaml, setYaml] = useState('');
  const [effective, setEffective] = useState('');
  const [published, setPublished] = useState<PolicyResponse | null>(null);
  useEffect(() => {
    if (inForce.data && !yaml) void documentYaml(inForce.data.policy).then(setYaml);
  }, [inForce.data, yaml]);
  const publish = useAction(async () => {
    const body: Record<string, string> = { yaml };
    if (effective) body.effective_from = new Date(effective).toISOString();
    setPublished(await api<PolicyResponse>('/v1/admin/policy/versions', { method: 'POST', token, body }));
    onPublished();
  });
  return (
    <section className="card" aria-labelledby="publish-title">
      <h2 id="publish-title">{t('console.policy.publish')}</h2>
      <p className="small muted">{t('console.policy.publishHint')}</p>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          setPublished(null);
          void publish.act();
        }}
      >
        <div className="field">
          <label htmlFor="policy-yaml">{t('console.policy.yaml')}</label>
          <textarea id="policy-yaml" className="code-input" rows={18} spellCheck={false} wrap="off" value={yaml} onChange={(e) => setYaml(e.target.value)} required />
        </div>
        <TextField label={t('console.policy.effectiveFrom')} type="datetime-local" value={effective} onChange={(e) => setEffective(e.target.value)} hint={t('console.policy.effectiveHint')} />
        <ErrorNotice error={publish.error} />
        {published ? (
          <Notice kind="success" live>
            {t('console.policy.publishedAs', { version: published.version })} <Badge tone={STATUS_TONE[published.status]}>{t(`console.policy.statuses.${published.status}`)}</Badge>
          </Notice>
        ) : null}
        <Submit busy={publish.busy}>{t('console.policy.publishButton')}</Submit>
      </form>
    </section>
  );
}
