// Who is calling. Identity implements the Authenticator (sessions, API keys); routes only say
// which kinds of caller and which permission they need, and read `request.principal`.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { DomainError, type Lang } from '../shared/errors.ts';

export type StaffRole = 'admin' | 'support' | 'compliance' | 'finance' | 'agent';

export type Principal =
  | { kind: 'user'; userId: string; sessionId: string; lang: Lang; deviceId?: string }
  | { kind: 'staff'; staffId: string; role: StaffRole; sessionId: string; lang: Lang }
  | { kind: 'partner'; partnerId: string; keyId: string; scopes: string[] };

export type PrincipalKind = Principal['kind'];

export interface Authenticator {
  /** Resolves the bearer token (session or API key); null when there is none or it is not valid. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
  /** Whether a staff role holds a permission such as 'policy:publish' (the permission table). */
  staffCan(role: StaffRole, permission: string): boolean;
  /** Whether a partner key's scopes allow a permission such as 'credits:write'. */
  partnerCan(scopes: string[], permission: string): boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface RequireOptions {
  /** Kinds of caller allowed on the route. */
  kinds: PrincipalKind[];
  /** Staff/partner permission needed; users are governed by ownership checks in the service. */
  permission?: string;
}

/** A preHandler that authenticates and authorises, or answers 401/403 with the standard error. */
export function requireAuth(authenticator: () => Authenticator, options: RequireOptions): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const auth = authenticator();
    const principal = await auth.authenticate(request);
    if (!principal) throw new DomainError('unauthenticated');
    if (!options.kinds.includes(principal.kind)) throw new DomainError('forbidden');
    if (options.permission) {
      if (principal.kind === 'staff' && !auth.staffCan(principal.role, options.permission)) throw new DomainError('forbidden');
      if (principal.kind === 'partner' && !auth.partnerCan(principal.scopes, options.permission)) throw new DomainError('forbidden');
    }
    request.principal = principal;
  };
}

export function principalOf<K extends PrincipalKind>(request: FastifyRequest, kind: K): Extract<Principal, { kind: K }> {
  const principal = request.principal;
  if (!principal || principal.kind !== kind) throw new DomainError('forbidden');
  return principal as Extract<Principal, { kind: K }>;
}
