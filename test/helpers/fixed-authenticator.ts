// A test-only Authenticator with fixed bearer tokens, one per kind of caller, and a small
// permission table. Identity's real authenticator replaces it in the product; routes only see the
// Authenticator interface, so a route test needs no identity module.
import type { FastifyRequest } from 'fastify';
import type { Authenticator, Principal, StaffRole } from '../../src/api/auth.ts';

export const PRINCIPALS = {
  admin: { kind: 'staff', staffId: 'stf_admin', role: 'admin', sessionId: 'ses_admin', lang: 'en' },
  support: { kind: 'staff', staffId: 'stf_support', role: 'support', sessionId: 'ses_support', lang: 'en' },
  compliance: { kind: 'staff', staffId: 'stf_compliance', role: 'compliance', sessionId: 'ses_compliance', lang: 'en' },
  finance: { kind: 'staff', staffId: 'stf_finance', role: 'finance', sessionId: 'ses_finance', lang: 'en' },
  agent: { kind: 'staff', staffId: 'stf_agent', role: 'agent', sessionId: 'ses_agent', lang: 'ko' },
  user: { kind: 'user', userId: 'usr_one', sessionId: 'ses_user', lang: 'ko' },
  partner: { kind: 'partner', partnerId: 'ptn_alpha', keyId: 'key_alpha', scopes: ['webhooks:manage', 'credits:write'] },
  partner_other: { kind: 'partner', partnerId: 'ptn_beta', keyId: 'key_beta', scopes: ['webhooks:manage'] },
  partner_unscoped: { kind: 'partner', partnerId: 'ptn_gamma', keyId: 'key_gamma', scopes: ['credits:write'] },
} as const satisfies Record<string, Principal>;

export type TokenName = keyof typeof PRINCIPALS;

/** The bearer token that authenticates as `name`. */
export function tokenOf(name: TokenName): string {
  return `test-token-${name}`;
}

export function authHeader(name: TokenName): { authorization: string } {
  return { authorization: `Bearer ${tokenOf(name)}` };
}

export class FixedAuthenticator implements Authenticator {
  constructor(private readonly permissions: Partial<Record<StaffRole, readonly string[]>>) {}

  async authenticate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
    const name = header.slice('Bearer test-token-'.length) as TokenName;
    return header.startsWith('Bearer test-token-') && Object.hasOwn(PRINCIPALS, name) ? PRINCIPALS[name] : null;
  }

  staffCan(role: StaffRole, permission: string): boolean {
    return this.permissions[role]?.includes(permission) ?? false;
  }

  partnerCan(scopes: string[], permission: string): boolean {
    return scopes.includes(permission);
  }
}
