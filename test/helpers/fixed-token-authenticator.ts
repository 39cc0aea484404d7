// TEST DOUBLE — not used by the product. An Authenticator (src/api/auth.ts) that knows a fixed set
// of bearer tokens and a fixed permission table, so that route tests can act as any kind of caller
// before (and independently of) the identity module's real sessions and API keys.
import type { FastifyRequest } from 'fastify';
import type { Authenticator, Principal, StaffRole } from '../../src/api/auth.ts';

export class FixedTokenAuthenticator implements Authenticator {
  constructor(
    private readonly tokens: Record<string, Principal>,
    private readonly permissions: Partial<Record<StaffRole, string[]>> = {},
  ) {}

  async authenticate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return null;
    return this.tokens[header.slice('Bearer '.length)] ?? null;
  }

  staffCan(role: StaffRole, permission: string): boolean {
    return this.permissions[role]?.includes(permission) ?? false;
  }

  partnerCan(scopes: string[], permission: string): boolean {
    return scopes.includes(permission);
  }
}

/** One token per kind of caller and per staff role: `token.admin`, `token.user`, … */
export function everyRoleTokens(): Record<string, Principal> {
  const staff = (role: StaffRole): Principal => ({ kind: 'staff', staffId: `stf_${role}`, role, sessionId: `ses_${role}`, lang: 'en' });
  return {
    'token.admin': staff('admin'),
    'token.support': staff('support'),
    'token.compliance': staff('compliance'),
    'token.finance': staff('finance'),
    'token.agent': staff('agent'),
    'token.user': { kind: 'user', userId: 'usr_test', sessionId: 'ses_user', lang: 'ko' },
    'token.partner': { kind: 'partner', partnerId: 'ptn_test', keyId: 'key_test', scopes: ['credits:write', 'policy:publish'] },
  };
}
