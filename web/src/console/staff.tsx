// Staff accounts (admin): create, change role, disable, lift a password lockout.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Staff } from '../api/types.ts';
import { Pager } from '../components/pager.tsx';
import { Badge, ErrorNotice, Loading, Page, SelectField, Submit, TextField, TableWrap } from '../components/ui.tsx';
import { useAction } from '../lib/use-api.ts';
import { usePaged } from '../lib/use-paged.ts';
import { useStaff } from './staff-context.tsx';

const ROLES = ['admin', 'support', 'compliance', 'finance', 'agent'] as const;

export function StaffPage() {
  const { t } = useTranslation();
  const { token, staffId } = useStaff();
  const staff = usePaged<Staff>('/v1/admin/staff', token);
  const [form, setForm] = useState({ email: '', name: '', role: 'support', password: '' });
  const create = useAction(async () => {
    await api<Staff>('/v1/admin/staff', { method: 'POST', token, body: form });
    setForm({ email: '', name: '', role: 'support', password: '' });
    staff.reload();
  });
  const update = useAction(async (id: string, body: Record<string, unknown>) => {
    await api<Staff>(`/v1/admin/staff/${encodeURIComponent(id)}`, { method: 'PATCH', token, body });
    staff.reload();
  });
  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));
  return (
    <Page title={t('console.staff.title')}>
      {staff.loading ? <Loading /> : null}
      <ErrorNotice error={staff.error ?? update.error} onRetry={staff.error ? staff.reload : undefined} />
      <TableWrap label={t('console.staff.title')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('console.staff.name')}</th>
              <th scope="col">{t('console.login.email')}</th>
              <th scope="col">{t('console.staff.role')}</th>
              <th scope="col">{t('console.staff.status')}</th>
              <th scope="col">{t('console.staff.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {staff.items.map((member) => (
              <tr key={member.id}>
                <td>{member.name}</td>
                <td>{member.email}</td>
                <td>
                  <label className="visually-hidden" htmlFor={`role-${member.id}`}>
                    {t('console.staff.roleOf', { name: member.name })}
                  </label>
                  <select id={`role-${member.id}`} value={member.role} disabled={update.busy || member.id === staffId} onChange={(e) => void update.act(member.id, { role: e.target.value })}>
                    {roleOptions.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <Badge tone={member.status === 'active' ? 'good' : 'bad'}>{t(`console.partners.statuses.${member.status}`)}</Badge> {member.locked_until ? <Badge tone="warn">{t('console.users.locked')}</Badge> : null}
                </td>
                <td>
                  {member.id !== staffId ? (
                    <div className="button-row">
                      <button type="button" className="button secondary" disabled={update.busy} onClick={() => void update.act(member.id, { status: member.status === 'active' ? 'disabled' : 'active' })}>
                        {member.status === 'active' ? t('console.partners.disable') : t('console.partners.enable')}
                      </button>
                      {member.locked_until ? (
                        <button type="button" className="button secondary" disabled={update.busy} onClick={() => void update.act(member.id, { unlock: true })}>
                          {t('console.users.action.unlock')}
                        </button>
                      ) : null}
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <Pager {...staff} />
      <section className="card" aria-labelledby="new-staff-title">
        <h2 id="new-staff-title">{t('console.staff.create')}</h2>
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            void create.act();
          }}
        >
          <TextField label={t('console.staff.name')} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <TextField label={t('console.login.email')} type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          <SelectField label={t('console.staff.role')} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })} options={roleOptions} />
          <TextField label={t('console.login.password')} type="password" autoComplete="new-password" required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          <ErrorNotice error={create.error} />
          <Submit busy={create.busy}>{t('console.staff.create')}</Submit>
        </form>
      </section>
    </Page>
  );
}
