// The web app's serving: client routes get index.html, files get their bytes with cache headers,
// and the server's own paths never fall back to the app (an unknown /v1/… stays a JSON 404).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { isServerPath, SERVER_PATHS, webRoutes } from './web.ts';

const INDEX = '<!doctype html><title>app</title><div id="root"></div>';

describe('web app serving', () => {
  let tc: TestContext;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'sc-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
    tc = await createTestContext();
    app = await buildTestApp(tc, [webRoutes({ distDir: dist })]);
    unbuilt = await buildTestApp(tc, [webRoutes({ distDir: join(dist, 'missing') })]);
  });
  afterAll(async () => {
    await app.close();
    await unbuilt.close();
    await tc.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it.each(['/', '/wallet', '/wallet/login', '/console/users/usr_123', '/agent', '/ussd-simulator', '/policyish', '/v1x'])('answers the client route %s with index.html, never cached', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.body).toBe(INDEX);
  });

  it('serves hashed assets as immutable and other files for an hour', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it.each(['/v1/nope', '/v1/admin/nothing/here', '/docs/nope', '/policy/x', '/ussd', '/ussd/x', '/healthz/x', '/metrics/x', '/openapi.json/x', '/assets/missing.js', '/nope.png'])(
    'keeps %s a JSON 404 (no fallback to the app)',
    async (url) => {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toMatchObject({ error: { code: 'not_found', type: expect.any(String), request_id: expect.any(String) } });
    },
  );

  it('refuses a malformed path without falling back to the app', async () => {
    const response = await app.inject({ method: 'GET', url: '/wallet/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toBe(INDEX);
  });

  it('does not serve files outside the build', async () => {
    for (const url of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.body).not.toContain('"name"');
      expect([200, 403, 404]).toContain(response.statusCode);
      if (response.statusCode === 200) expect(response.body).toBe(INDEX);
    }
  });

  it('says plainly when the app is not built, and still 404s API paths', async () => {
    const page = await unbuilt.inject({ method: 'GET', url: '/wallet' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build:web');
    expect((await unbuilt.inject({ method: 'GET', url: '/v1/nope' })).statusCode).toBe(404);
  });

  it('names every server-owned prefix exactly', () => {
    for (const prefix of SERVER_PATHS) {
      expect(isServerPath(prefix)).toBe(true);
      expect(isServerPath(`${prefix}/x`)).toBe(true);
      expect(isServerPath(`${prefix}x`)).toBe(false);
    }
    expect(isServerPath('/wallet')).toBe(false);
  });
});
