// Liveness, readiness and metrics. /readyz is 200 only once migrations ran and the database answers.
import { sql } from 'kysely';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.ts';

export const healthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (!ctx.state.ready || ctx.state.shuttingDown) {
      return reply.status(503).send({ status: ctx.state.shuttingDown ? 'stopping' : 'starting' });
    }
    try {
      await sql`SELECT 1`.execute(ctx.database.db);
      return { status: 'ready', database: ctx.database.kind };
    } catch {
      return reply.status(503).send({ status: 'database_unavailable' });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
};
