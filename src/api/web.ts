// The web app (web/, built by Vite into web/dist) served by the API server itself, so the app and
// the API share one origin. Client routes (/wallet/…, /console/…) fall back to index.html; the
// API's own paths never do: an unknown /v1/… stays a JSON 404.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { AreaPlugin } from './app.ts';

export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths owned by the server: the SPA fallback must not answer for them. */
export const SERVER_PATHS = ['/v1', '/docs', '/openapi.json', '/policy', '/ussd', '/healthz', '/readyz', '/metrics'] as const;

export function isServerPath(path: string): boolean {
  return SERVER_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets a few style attributes (chart swatches).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>smallchange</title>
<body style="font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1>The web app is not built yet</h1><p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.
The API is running: <a href="/docs">/docs</a>.</p></body></html>`;

export function webRoutes(options: { distDir?: string } = {}): AreaPlugin {
  const root = options.distDir ?? WEB_DIST_DIR;
  return async (app) => {
    const built = existsSync(`${root}/index.html`);
    if (built) await app.register(fastifyStatic, { root, serve: false });

    const handler = async (request: { url: string }, reply: FastifyReply) => {
      let path: string;
      try {
        path = decodeURIComponent(request.url.split('?')[0] ?? '/');
      } catch {
        return reply.callNotFound();
      }
      if (isServerPath(path)) return reply.callNotFound();
      if (!built) return htmlHeaders(reply).code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      const last = path.slice(path.lastIndexOf('/') + 1);
      if (last.includes('.')) {
        // Hashed bundle files never change under the same name; anything else is re-checked hourly.
        const immutable = path.startsWith('/assets/');
        return reply.sendFile(path.slice(1), { maxAge: immutable ? 31_536_000_000 : 3_600_000, immutable });
      }
      // The page itself is always revalidated, so a new build is picked up at the next visit.
      return htmlHeaders(reply).header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };
    app.get('/', { schema: { hide: true } }, handler);
    app.get('/*', { schema: { hide: true } }, handler);
  };
}
