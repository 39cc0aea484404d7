// The Authenticator the API uses: a bearer token is a user or staff session (scs_…) or a partner
// API key (sk_live_…). Anything else, expired, revoked, or belonging to a closed account or a
// disabled staff member or partner, is no principal at all.
import type { FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from '../api/auth.ts';
import { requestLang } from '../api/errors.ts';
import type { Executor } from '../db/index.ts';
import type { Lang } from '../shared/errors.ts';
import type { IdentityDeps } from './deps.ts';
import { partnerCan, staffCan } from './permissions.ts';
import { API_KEY_PREFIX, authenticateApiKey } from './partners.ts';
import { sha256Hex } from './secrets.ts';
import { SESSION_TOKEN_PREFIX } from './sessions.ts';

const TOKEN_MAX_LENGTH = 200;

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length > TOKEN_MAX_LENGTH + 7) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

export async function authenticateSession(executor: Executor, deps: IdentityDeps, token: string, staffLang: Lang = 'en'): Promise<Principal | null> {
  const now = deps.clock.now();
  const row = await executor
    .selectFrom('sessions')
    .leftJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('staff', 'staff.id', 'sessions.staff_id')
    .select([
      'sessions.id',
      'sessions.subject_kind',
      'sessions.user_id',
      'sessions.staff_id',
      'sessions.device_id',
      'sessions.expires_at',
      'sessions.revoked_at',
      'sessions.last_used_at',
      'users.status as user_status',
      'users.lang as user_lang',
      'staff.status as staff_status',
      'staff.role as staff_role',
    ])
    .where('sessions.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at.getTime() <= now.getTime()) return null;
  // Last use is kept to the minute: enough for the session list, and most requests stay read-only.
  if (now.getTime() - row.last_used_at.getTime() > 60_000) {
    await executor.updateTable('sessions').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  if (row.subject_kind === 'user') {
    if (!row.user_id || row.user_status !== 'active') return null;
    return { kind: 'user', userId: row.user_id, sessionId: row.id, lang: row.user_lang ?? 'ko', ...(row.device_id ? { deviceId: row.device_id } : {}) };
  }
  if (!row.staff_id || row.staff_status !== 'active' || !row.staff_role) return null;
  return { kind: 'staff', staffId: row.staff_id, role: row.staff_role, sessionId: row.id, lang: staffLang };
}

export function createAuthenticator(deps: IdentityDeps): Authenticator {
  return {
    async authenticate(request) {
      const token = bearerToken(request);
      if (!token) return null;
      if (token.startsWith(SESSION_TOKEN_PREFIX)) return authenticateSession(deps.db, deps, token, requestLang(request));
      if (token.startsWith(API_KEY_PREFIX)) {
        const key = await authenticateApiKey(deps.db, deps, token);
        return key ? { kind: 'partner', partnerId: key.partnerId, keyId: key.keyId, scopes: key.scopes } : null;
      }
      return null;
    },
    staffCan,
    partnerCan,
  };
}
