// The wallet provider's way in: POST /v1/rails/wallet/webhooks. No session or API key — the
// Standard Webhooks signature over the exact bytes is the authentication — so this plugin reads
// JSON bodies as text (signatures are over bytes, not over a re-serialised object).
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../../api/app.ts';
import type { WalletRail } from './wallet-rail.ts';

export const WEBHOOK_BODY_BYTES_MAX = 64 * 1024;

declare module '../../api/context.ts' {
  interface AppServices {
    walletRail: WalletRail;
  }
}

const errorWire = z.object({ error: z.object({ type: z.string(), code: z.string(), message: z.string(), param: z.string().optional(), request_id: z.string() }) });

export const walletRailRoutes: AreaPlugin = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_BYTES_MAX }, (_request, body, done) => done(null, body));

  app.post('/v1/rails/wallet/webhooks', {
    schema: {
      tags: ['rails'],
      summary: 'Payout answers from the partner wallet provider (Standard Webhooks signed)',
      description: 'Verified against the shared secret over the raw body; a bad or stale signature is refused and nothing is recorded. The same webhook-id twice is acknowledged once.',
      response: { 200: z.object({ received: z.literal(true), duplicate: z.boolean() }), 400: errorWire, 401: errorWire },
    },
  }, async (request) => {
    const body = typeof request.body === 'string' ? request.body : '';
    const receipt = await ctx.services.walletRail.receiveWebhook(request.headers, body);
    return { received: true as const, duplicate: receipt.duplicate };
  });
};
