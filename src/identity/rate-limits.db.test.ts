// Rate limits where guessing or SMS cost matter: sign-in attempts per client IP, and codes per phone.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildTestApp, createTestContext, type TestContext } from '../../test/helpers/context.ts';
import { nextPhone } from '../../test/helpers/identity.ts';
import { createIdentityRoutes } from './index.ts';

let tc: TestContext;
let app: FastifyInstance;
beforeAll(async () => {
  tc = await createTestContext();
  app = await buildTestApp(tc, [createIdentityRoutes({ authAttemptsPerMinute: 3 })]);
});
afterAll(async () => {
  await app.close();
  await tc.close();
});

test('sign-in attempts are limited per client IP', async () => {
  const attempt = (ip: string) => app.inject({ method: 'POST', url: '/v1/sessions', remoteAddress: ip, payload: { phone: nextPhone(), pin: '480273', device_id: 'device-limits-1' } });
  for (let i = 0; i < 3; i++) expect((await attempt('10.0.0.1')).statusCode).toBe(401);
  const limited = await attempt('10.0.0.1');
  expect(limited.statusCode).toBe(429);
  expect(limited.json().error.code).toBe('rate_limited');
  expect((await attempt('10.0.0.2')).statusCode).toBe(401);
});

test('codes to one phone are limited per hour whatever the IP', async () => {
  const phone = nextPhone();
  const start = (i: number) => app.inject({ method: 'POST', url: '/v1/registrations', remoteAddress: `10.1.0.${i}`, payload: { phone, carrier: 'SKT' } });
  for (let i = 0; i < 5; i++) expect((await start(i)).statusCode).toBe(201);
  const refused = await start(9);
  expect(refused.statusCode).toBe(429);
  expect(refused.json().error.code).toBe('otp_rate_limited');
});
