// What identity's route files share: options, the typed app, the service, client info.
// Routes authenticate in onRequest (not preHandler): a caller without the right credentials gets
// 401/403 before its body is parsed or validated, and learns nothing about the route's schema.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../api/context.ts';
import type { IdentityService } from '../service.ts';
import type { ClientInfo } from '../sessions.ts';

export interface IdentityRouteOptions {
  /** Per client IP and minute: login, registration, PIN-reset and staff-login attempts. */
  authAttemptsPerMinute?: number;
}

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

export function identityOf(ctx: AppContext): IdentityService {
  return ctx.services.identity;
}

export function clientOf(request: FastifyRequest): ClientInfo {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null };
}

/** Route-level limit keyed by client IP (the global limit keys by credential). */
export function perIpLimit(max: number) {
  return { rateLimit: { max, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => `ip:${request.ip}:${request.routeOptions.url}` } };
}
