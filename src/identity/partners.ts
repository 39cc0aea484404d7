// Partners and their API keys. A key is `sk_live_<prefix>_<secret>`: shown once at creation, the
// prefix stays visible (to tell keys apart in logs and the console), the secret is kept as its
// SHA-256 and compared in constant time. Rotation issues a new key with the same scopes and lets
// the old one work for an overlap period; revocation ends a key at once.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { recordAudit, type AuditActor } from './audit.ts';
import type { IdentityDeps } from './deps.ts';
import { HOUR_MS } from './policy.ts';
import { safeEqualHex, sha256Hex } from './secrets.ts';

export const API_KEY_PREFIX = 'sk_live_';
const KEY_PATTERN = /^sk_live_([a-z0-9]{12})_([a-f0-9]{64})$/;
export const KEY_OVERLAP_HOURS_MAX = 168;

export interface Partner {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  createdAt: Date;
}

export interface ApiKey {
  id: string;
  partnerId: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  replacedBy: string | null;
}

type PartnerRow = { id: string; name: string; status: 'active' | 'disabled'; created_at: Date };
type KeyRow = { id: string; partner_id: string; prefix: string; scopes: string[]; created_at: Date; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null; replaced_by: string | null };

const toPartner = (row: PartnerRow): Partner => ({ id: row.id, name: row.name, status: row.status, createdAt: row.created_at });
const toKey = (row: KeyRow): ApiKey => ({
  id: row.id,
  partnerId: row.partner_id,
  prefix: `${API_KEY_PREFIX}${row.prefix}`,
  scopes: row.scopes,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
  replacedBy: row.replaced_by,
});

export function keyIsLive(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return !key.revokedAt && (!key.expiresAt || key.expiresAt.getTime() > now.getTime());
}

export async function createPartner(executor: Executor, deps: IdentityDeps, actor: AuditActor, name: string, requestId?: string): Promise<Partner> {
  const now = deps.clock.now();
  const row = await executor.insertInto('partners').values({ id: newId('ptn'), name: name.trim(), created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
  await recordAudit(executor, deps.clock, { actor, action: 'partner.created', target: { kind: 'partner', id: row.id }, after: { name: row.name }, requestId: requestId ?? null });
  return toPartner(row);
}

export async function getPartner(executor: Executor, partnerId: string): Promise<Partner> {
  const row = await executor.selectFrom('partners').selectAll().where('id', '=', partnerId).executeTakeFirst();
  if (!row) throw new DomainError('partner_not_found', { param: 'id' });
  return toPartner(row);
}

export async function listPartners(executor: Executor, options: { limit: number; startingAfter?: string }): Promise<{ data: Partner[]; hasMore: boolean }> {
  let query = executor.selectFrom('partners').selectAll();
  if (options.startingAfter) query = query.where('id', '>', options.startingAfter);
  const rows = await query.orderBy('id').limit(options.limit + 1).execute();
  return { data: rows.slice(0, options.limit).map(toPartner), hasMore: rows.length > options.limit };
}

export async function updatePartner(executor: Executor, deps: IdentityDeps, actor: AuditActor, partnerId: string, change: { name?: string; status?: 'active' | 'disabled' }, requestId?: string): Promise<Partner> {
  const before = await executor.selectFrom('partners').selectAll().where('id', '=', partnerId).forUpdate().executeTakeFirst();
  if (!before) throw new DomainError('partner_not_found', { param: 'id' });
  const row = await executor
    .updateTable('partners')
    .set({ ...(change.name ? { name: change.name.trim() } : {}), ...(change.status ? { status: change.status } : {}), updated_at: deps.clock.now() })
    .where('id', '=', partnerId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(executor, deps.clock, { actor, action: 'partner.updated', target: { kind: 'partner', id: partnerId }, before: { name: before.name, status: before.status }, after: { name: row.name, status: row.status }, requestId: requestId ?? null });
  return toPartner(row);
}

export async function listApiKeys(executor: Executor, partnerId: string): Promise<ApiKey[]> {
  await getPartner(executor, partnerId);
  const rows = await executor.selectFrom('partner_api_keys').selectAll().where('partner_id', '=', partnerId).orderBy('created_at', 'desc').limit(100).execute();
  return rows.map(toKey);
}

async function insertKey(executor: Executor, deps: IdentityDeps, partnerId: string, scopes: string[]): Promise<{ key: ApiKey; secret: string }> {
  const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secretPart = randomBytes(32).toString('hex');
  const row = await executor
    .insertInto('partner_api_keys')
    .values({
      id: newId('key'),
      partner_id: partnerId,
      prefix,
      secret_hash: sha256Hex(secretPart),
      scopes: sql<string[]>`${JSON.stringify([...new Set(scopes)].sort())}::jsonb`,
      created_at: deps.clock.now(),
      expires_at: null,
      revoked_at: null,
      last_used_at: null,
      replaced_by: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key: toKey(row), secret: `${API_KEY_PREFIX}${prefix}_${secretPart}` };
}

/** Returns the full key once; only its hash is kept. */
export async function createApiKey(executor: Executor, deps: IdentityDeps, actor: AuditActor, partnerId: string, scopes: string[], requestId?: string): Promise<{ key: ApiKey; secret: string }> {
  const partner = await getPartner(executor, partnerId);
  if (partner.status !== 'active') throw new DomainError('partner_disabled');
  const created = await insertKey(executor, deps, partnerId, scopes);
  await recordAudit(executor, deps.clock, { actor, action: 'partner.key_created', target: { kind: 'partner', id: partnerId }, after: { key_id: created.key.id, prefix: created.key.prefix, scopes: created.key.scopes }, requestId: requestId ?? null });
  return created;
}

async function lockedKey(executor: Executor, partnerId: string, keyId: string) {
  const row = await executor.selectFrom('partner_api_keys').selectAll().where('id', '=', keyId).where('partner_id', '=', partnerId).forUpdate().executeTakeFirst();
  if (!row) throw new DomainError('api_key_not_found', { param: 'key_id' });
  return row;
}

export async function rotateApiKey(executor: Executor, deps: IdentityDeps, actor: AuditActor, partnerId: string, keyId: string, overlapHours: number, requestId?: string): Promise<{ key: ApiKey; secret: string; previous: ApiKey }> {
  const partner = await getPartner(executor, partnerId);
  if (partner.status !== 'active') throw new DomainError('partner_disabled');
  const old = await lockedKey(executor, partnerId, keyId);
  const now = deps.clock.now();
  if (!keyIsLive(toKey(old), now)) throw new DomainError('api_key_revoked', { param: 'key_id' });
  const created = await insertKey(executor, deps, partnerId, old.scopes);
  const overlapEnd = new Date(now.getTime() + Math.min(Math.max(overlapHours, 0), KEY_OVERLAP_HOURS_MAX) * HOUR_MS);
  const expiresAt = old.expires_at && old.expires_at.getTime() < overlapEnd.getTime() ? old.expires_at : overlapEnd;
  const previous = await executor.updateTable('partner_api_keys').set({ expires_at: expiresAt, replaced_by: created.key.id }).where('id', '=', keyId).returningAll().executeTakeFirstOrThrow();
  await recordAudit(executor, deps.clock, {
    actor,
    action: 'partner.key_rotated',
    target: { kind: 'partner', id: partnerId },
    before: { key_id: keyId, expires_at: old.expires_at?.toISOString() ?? null },
    after: { key_id: keyId, expires_at: expiresAt.toISOString(), replaced_by: created.key.id, new_prefix: created.key.prefix },
    requestId: requestId ?? null,
  });
  return { ...created, previous: toKey(previous) };
}

export async function revokeApiKey(executor: Executor, deps: IdentityDeps, actor: AuditActor, partnerId: string, keyId: string, requestId?: string): Promise<ApiKey> {
  const old = await lockedKey(executor, partnerId, keyId);
  if (old.revoked_at) return toKey(old);
  const row = await executor.updateTable('partner_api_keys').set({ revoked_at: deps.clock.now() }).where('id', '=', keyId).returningAll().executeTakeFirstOrThrow();
  await recordAudit(executor, deps.clock, { actor, action: 'partner.key_revoked', target: { kind: 'partner', id: partnerId }, after: { key_id: keyId, prefix: toKey(row).prefix }, requestId: requestId ?? null });
  return toKey(row);
}

export interface PartnerKeyPrincipal {
  partnerId: string;
  keyId: string;
  scopes: string[];
}

/** The partner behind a presented key, or null (malformed, unknown, wrong secret, revoked, expired, partner disabled). */
export async function authenticateApiKey(executor: Executor, deps: IdentityDeps, presented: string): Promise<PartnerKeyPrincipal | null> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  const [, prefix, secretPart] = match as unknown as [string, string, string];
  const row = await executor
    .selectFrom('partner_api_keys')
    .innerJoin('partners', 'partners.id', 'partner_api_keys.partner_id')
    .select(['partner_api_keys.id', 'partner_api_keys.partner_id', 'partner_api_keys.secret_hash', 'partner_api_keys.scopes', 'partner_api_keys.expires_at', 'partner_api_keys.revoked_at', 'partner_api_keys.last_used_at', 'partners.status'])
    .where('partner_api_keys.prefix', '=', prefix)
    .executeTakeFirst();
  if (!row || !safeEqualHex(sha256Hex(secretPart), row.secret_hash)) return null;
  const now = deps.clock.now();
  if (row.status !== 'active' || !keyIsLive({ revokedAt: row.revoked_at, expiresAt: row.expires_at }, now)) return null;
  // Recording use once a minute is enough for "last used" and keeps the hot path read-only.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await executor.updateTable('partner_api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { partnerId: row.partner_id, keyId: row.id, scopes: row.scopes };
}
