// Fastify app assembly: shared plumbing (validation, errors, request ids, metrics, OpenAPI) and
// one plugin per area. Areas never reach into each other's routes.
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { newId } from '../shared/ids.ts';
import type { AppContext } from './context.ts';
import { errorHandler, sendError } from './errors.ts';
import { healthRoutes } from './health.ts';

export type AreaPlugin = FastifyPluginAsync<{ ctx: AppContext }>;

export interface BuildOptions {
  /** Extra area plugins (each area's routes); registered in order. */
  areas?: AreaPlugin[];
  bodyLimitBytes?: number;
  /** Requests per minute per key/IP for routes that do not set their own. */
  rateLimitPerMinute?: number;
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(given) ? given : newId('req');
    },
    ajv: { customOptions: { coerceTypes: false } },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendError(request, reply, 'not_found', undefined, `${request.method} ${request.url.split('?')[0]} does not exist.`));

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await app.register(formbody);
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute ?? 6000,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const auth = request.headers.authorization;
      return typeof auth === 'string' ? `auth:${auth.slice(-24)}` : `ip:${request.ip}`;
    },
    allowList: (request) => /^\/(healthz|readyz|metrics)$/.test(request.url),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `rate limited; retry after ${context.after}`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'smallchange API',
        version: '1',
        description: 'Micro-credits, wallets and cash-out for licensed mobile-money operators. Amounts are decimal strings in major units.',
      },
      components: {
        securitySchemes: {
          session: { type: 'http', scheme: 'bearer', description: 'User or staff session token' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'Partner API key (sk_…)' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { ctx });
  for (const area of options.areas ?? []) await app.register(area, { ctx });
  return app as unknown as FastifyInstance;
}
