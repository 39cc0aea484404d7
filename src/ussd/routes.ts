// POST /ussd: the Africa's Talking USSD callback. The gateway posts a form (sessionId,
// serviceCode, phoneNumber, networkCode, text) and shows the text/plain reply: "CON …" waits for
// the next input, "END …" closes the dialog.
//
// Only the gateway may call it: the phone number is trusted because the carrier network
// authenticated it, so the request must prove it comes from the gateway — a shared secret in the
// X-USSD-Gateway-Secret header (config USSD_GATEWAY_SECRETS; several during a rotation), checked
// before the body is read. A partner API key would not do: gateways such as Africa's Talking
// cannot send an Authorization header, while a fixed header is set by the reverse proxy or the
// gateway's callback configuration.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AreaPlugin } from '../api/app.ts';
import { tryNormalizePhone } from '../identity/index.ts';
import { DomainError } from '../shared/errors.ts';
import { wireReply } from './engine.ts';

export const GATEWAY_SECRET_HEADER = 'x-ussd-gateway-secret';
/** A dialog's inputs, joined: far beyond any real dialog, small enough to bound the work. */
export const TEXT_CHARS_MAX = 2000;

/** Extra fields are ignored: a gateway adding one must not break everybody's sessions. */
const gatewayForm = z.object({
  sessionId: z.string().trim().min(1).max(128),
  serviceCode: z.string().trim().min(1).max(64),
  phoneNumber: z.string().min(1).max(32),
  networkCode: z.string().trim().max(16).optional(),
  text: z.string().max(TEXT_CHARS_MAX).optional(),
});

const UNAVAILABLE = 'END Service unavailable. 서비스를 이용할 수 없습니다.';

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time: compares digests, so neither length nor content leaks. */
export function gatewaySecretMatches(given: unknown, secrets: readonly string[]): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 256) return false;
  const mine = digest(given);
  let ok = false;
  for (const secret of secrets) ok = timingSafeEqual(mine, digest(secret)) || ok;
  return ok;
}

/**
 * A form-encoded "+" arrives as a space when the gateway did not escape it: " 821012345678"
 * is "+821012345678".
 */
function gatewayPhone(value: string): string | null {
  const trimmed = value.trim();
  return tryNormalizePhone(/^\d{8,15}$/.test(trimmed) && value.startsWith(' ') ? `+${trimmed}` : trimmed);
}

function sendText(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.status(status).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(body);
}

export const ussdRoutes: AreaPlugin = async (app, { ctx }) => {
  if (ctx.config.NODE_ENV === 'production' && ctx.config.USSD_GATEWAY_SECRETS.includes('demo-ussd-gateway-secret-change-me')) {
    throw new Error('USSD_GATEWAY_SECRETS still holds the demo secret: set your own before going live');
  }

  app.post('/ussd', {
    config: {
      // One gateway carries every caller: limit it generously; the PIN lockout guards each account.
      rateLimit: { max: 60_000, timeWindow: 60_000 },
    },
    schema: {
      tags: ['ussd'],
      summary: "USSD gateway callback (Africa's Talking convention): form fields in, text/plain CON/END out",
      description: 'Needs the X-USSD-Gateway-Secret header. Body (application/x-www-form-urlencoded): sessionId, serviceCode, phoneNumber, networkCode, text.',
    },
    onRequest: async (request: FastifyRequest) => {
      if (!gatewaySecretMatches(request.headers[GATEWAY_SECRET_HEADER], ctx.config.USSD_GATEWAY_SECRETS)) throw new DomainError('unauthenticated');
    },
  }, async (request, reply) => {
    const parsed = gatewayForm.safeParse(request.body ?? {});
    if (!parsed.success) {
      request.log.warn({ fields: parsed.error.issues.map((issue) => issue.path.join('.')) }, 'ussd: malformed gateway request');
      return sendText(reply, 400, UNAVAILABLE);
    }
    const form = parsed.data;
    const phone = gatewayPhone(form.phoneNumber);
    if (!phone) {
      request.log.warn('ussd: phone number not a valid mobile number');
      return sendText(reply, 400, UNAVAILABLE);
    }
    const result = await ctx.services.ussd.handle({
      sessionId: form.sessionId,
      serviceCode: form.serviceCode,
      phone,
      networkCode: form.networkCode || null,
      text: form.text ?? '',
    });
    return sendText(reply, 200, wireReply(result));
  });
};
