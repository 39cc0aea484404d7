// KYC tiers. 0: phone verified. 1: the carrier identity check confirmed name and birth date.
// 2: an ID document recorded (encrypted) and a bank account proven by a 1-won deposit.
// 3: enhanced due diligence, set by compliance staff. Each tier's limits live in the policy.
import { withTransaction, type Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { AdapterUnavailableError, sameName } from './adapter-error.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import { openText, sealText } from './data-crypto.ts';
import { sendSms, type IdentityDeps } from './deps.ts';
import { normalizeIdNumber } from './id-numbers.ts';
import type { IdDocumentType, Tier } from './tables.ts';
import { toUser, type User } from './user.ts';
import { selectUser, updateUser, type UserRow } from './users.sql.ts';

export interface IdentityInput {
  name: string;
  /** YYYY-MM-DD */
  birthDate: string;
}

async function requireUser(executor: Executor, userId: string, forUpdate = false): Promise<UserRow> {
  const row = await selectUser(executor, userId, { forUpdate });
  if (!row) throw new DomainError('user_not_found', { param: 'id' });
  return row;
}

async function setTier(executor: Executor, deps: IdentityDeps, row: UserRow, tier: Tier, actor: AuditActor, reason: string | null, requestId?: string): Promise<UserRow> {
  const updated = await updateUser(executor, row.id, { tier, updated_at: deps.clock.now() });
  await recordAudit(executor, deps.clock, { actor, action: 'user.tier_changed', target: { kind: 'user', id: row.id }, reason, before: { tier: row.tier }, after: { tier }, requestId: requestId ?? null });
  if (row.phone) await sendSms(executor, deps, { phone: row.phone, lang: row.lang, template: 'kyc.tier_changed', vars: { tier: String(tier) }, payload: { user_id: row.id, tier } });
  return updated;
}

/** Tier 1: asks the carrier; on a match records name and birth date. */
export async function checkIdentity(deps: IdentityDeps, userId: string, input: IdentityInput): Promise<User> {
  const user = await requireUser(deps.db, userId);
  if (!user.phone) throw new DomainError('phone_unbound');
  if (user.identity_verified_at && (!sameName(user.legal_name ?? '', input.name) || user.birth_date !== input.birthDate)) {
    throw new DomainError('identity_mismatch', { param: 'name' });
  }
  let result;
  try {
    result = await deps.identityCheck.check({ phone: user.phone, carrier: user.carrier, name: input.name, birthDate: input.birthDate });
  } catch (error) {
    if (error instanceof AdapterUnavailableError) throw new DomainError('identity_check_unavailable');
    throw error;
  }
  if (!result.ok) throw new DomainError('identity_check_failed', { param: 'name', data: { reason: result.reason } });
  return withTransaction(deps.db, async (trx) => {
    const row = await requireUser(trx, userId, true);
    const now = deps.clock.now();
    let updated = await updateUser(trx, userId, {
      legal_name: row.legal_name ?? input.name.normalize('NFC').trim(),
      birth_date: row.birth_date ?? input.birthDate,
      identity_verified_at: now,
      updated_at: now,
    });
    await recordAudit(trx, deps.clock, { actor: { kind: 'user', id: userId }, action: 'kyc.identity_checked', target: { kind: 'user', id: userId }, after: { carrier: row.carrier } });
    if (Number(updated.tier) < 1) updated = await setTier(trx, deps, updated, 1, { kind: 'system' }, 'carrier identity check passed');
    updated = await upgradeToTier2IfReady(trx, deps, updated);
    return toUser(updated);
  });
}

export interface IdDocumentView {
  type: IdDocumentType;
  masked: string;
  recordedAt: Date;
}

export async function recordIdDocument(executor: Executor, deps: IdentityDeps, userId: string, type: IdDocumentType, number: string): Promise<{ user: User; document: IdDocumentView }> {
  const row = await requireUser(executor, userId, true);
  const normalized = normalizeIdNumber(type, number);
  if (Number(row.tier) < 1 || !row.birth_date) throw new DomainError('tier_requirements_unmet', { data: { required: 'identity_check' } });
  if (normalized.birthDate && normalized.birthDate !== row.birth_date) throw new DomainError('identity_mismatch', { param: 'number' });
  const sealed = sealText(deps.dataKeys, normalized.number, idDocumentContext(userId));
  const now = deps.clock.now();
  const values = { doc_type: type, number_enc: sealed.text, key_version: sealed.keyVersion, masked: normalized.masked, recorded_at: now };
  await executor
    .insertInto('user_id_documents')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
  await recordAudit(executor, deps.clock, { actor: { kind: 'user', id: userId }, action: 'kyc.id_document_recorded', target: { kind: 'user', id: userId }, after: { type, masked: normalized.masked } });
  const updated = await upgradeToTier2IfReady(executor, deps, row);
  return { user: toUser(updated), document: { type, masked: normalized.masked, recordedAt: now } };
}

export function idDocumentContext(userId: string): string {
  return `user_id_documents:${userId}`;
}

export async function getIdDocument(executor: Executor, userId: string): Promise<IdDocumentView | null> {
  const row = await executor.selectFrom('user_id_documents').select(['doc_type', 'masked', 'recorded_at']).where('user_id', '=', userId).executeTakeFirst();
  return row ? { type: row.doc_type, masked: row.masked, recordedAt: row.recorded_at } : null;
}

/** The full number, for a compliance export or a rail that needs it; never for a response. */
export async function revealIdDocument(executor: Executor, deps: IdentityDeps, userId: string): Promise<{ type: IdDocumentType; number: string } | null> {
  const row = await executor.selectFrom('user_id_documents').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row ? { type: row.doc_type, number: openText(deps.dataKeys, row.number_enc, idDocumentContext(userId)) } : null;
}

/** Tier 1 with an ID document and a verified bank account becomes tier 2. */
export async function upgradeToTier2IfReady(executor: Executor, deps: IdentityDeps, row: UserRow): Promise<UserRow> {
  if (Number(row.tier) !== 1) return row;
  const document = await executor.selectFrom('user_id_documents').select('user_id').where('user_id', '=', row.id).executeTakeFirst();
  const bank = await executor.selectFrom('bank_accounts').select('id').where('user_id', '=', row.id).where('status', '=', 'verified').executeTakeFirst();
  if (!document || !bank) return row;
  return setTier(executor, deps, row, 2, { kind: 'system' }, 'ID document and bank account verified');
}

/**
 * Staff tier changes: compliance sets tier 3 after enhanced due diligence (from tier 2), or lowers
 * a tier. Tiers 1 and 2 are only reached through their checks.
 */
export async function staffSetTier(executor: Executor, deps: IdentityDeps, actor: AuditActor, userId: string, tier: Tier, reason: string, requestId?: string): Promise<User> {
  const row = await requireUser(executor, userId, true);
  const current = Number(row.tier) as Tier;
  if (tier === current) return toUser(row);
  if (tier > current) {
    if (tier !== 3) throw new DomainError('tier_requires_checks', { param: 'tier' });
    if (current < 2) throw new DomainError('tier_requirements_unmet', { param: 'tier', data: { required: 'tier_2' } });
  }
  return toUser(await setTier(executor, deps, row, tier, actor, reason, requestId));
}

/** Re-encrypts ID documents and bank accounts under the newest data key; returns how many rows changed. */
export async function rotateDataKeys(executor: Executor, deps: IdentityDeps, limit = 500): Promise<number> {
  const newest = deps.dataKeys.newest;
  let changed = 0;
  const documents = await executor.selectFrom('user_id_documents').selectAll().where('key_version', '<>', newest).limit(limit).forUpdate().execute();
  for (const doc of documents) {
    const context = idDocumentContext(doc.user_id);
    const sealed = sealText(deps.dataKeys, openText(deps.dataKeys, doc.number_enc, context), context);
    await executor.updateTable('user_id_documents').set({ number_enc: sealed.text, key_version: sealed.keyVersion }).where('user_id', '=', doc.user_id).execute();
    changed++;
  }
  const accounts = await executor.selectFrom('bank_accounts').selectAll().where('key_version', '<>', newest).limit(limit).forUpdate().execute();
  for (const account of accounts) {
    const context = `bank_accounts:${account.id}`;
    const sealed = sealText(deps.dataKeys, openText(deps.dataKeys, account.account_enc, context), context);
    await executor.updateTable('bank_accounts').set({ account_enc: sealed.text, key_version: sealed.keyVersion }).where('id', '=', account.id).execute();
    changed++;
  }
  return changed;
}
