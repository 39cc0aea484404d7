// Browser tests drive the real product: the server assembled by createRuntime on a test database
// (PGlite, or PostgreSQL with TEST_DATABASE_URL), listening on a free port and serving the built
// web app, and Debian's chromium through playwright-core (no browser download).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { withTransaction } from '../../src/db/index.ts';
import type { StaffRole } from '../../src/api/auth.ts';
import type { PartnerScope } from '../../src/identity/index.ts';
import type { Micros } from '../../src/money/index.ts';
import { createTestRuntime, type TestRuntime } from '../../test/helpers/runtime.ts';
import { fund, type WalletWorld } from '../../test/helpers/wallets.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM_PATH);
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

/** The describe title: says plainly when and why the browser tests are skipped. */
export function suiteTitle(title: string): string {
  if (chromiumPresent) return title;
  return `${title} — SKIPPED: no chromium at ${CHROMIUM_PATH} (apt-get install chromium fonts-noto-cjk, or set CHROMIUM_PATH)`;
}
if (!chromiumPresent) console.warn(`browser tests skipped: no chromium at ${CHROMIUM_PATH}`);

export const PHONE = { width: 360, height: 740 } as const;
export const DESKTOP = { width: 1280, height: 860 } as const;

export interface Product {
  runtime: TestRuntime;
  url: string;
  close(): Promise<void>;
}

/** Builds web/dist if its sources changed (as `npm test` does), then starts the server. */
export async function startProduct(): Promise<Product> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-web-'));
  // DEMO=on: the demo SMS inbox shows codes, as a person trying the product would read them.
  // The demo world itself is not seeded: each test makes the people it needs.
  // A free port for the partner-wallet simulator: test files run side by side.
  const runtime = await createTestRuntime({ env: { DEMO: 'on', DATA_DIR: dataDir, WALLET_SIMULATOR_PORT: '0' }, background: true });
  await runtime.ctx.services.wallets.ensureSystemAccounts('KRW');
  await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  const address = runtime.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not listen on a port');
  return {
    runtime,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  // playwright-core gives each launch a fresh --user-data-dir of its own.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export async function newContext(browser: Browser, viewport: { width: number; height: number }, lang: 'ko' | 'en' = 'en'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: lang === 'ko' ? 'ko-KR' : 'en-US', deviceScaleFactor: 1, reducedMotion: 'reduce' });
  // Generous: the whole suite shares two cores with PGlite and chromium.
  context.setDefaultTimeout(30_000);
  return context;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // The wallet's bottom bar is fixed to the viewport; in a full-page picture it would cover the middle.
  await page.screenshot({ path, fullPage: true, animations: 'disabled', style: '.bottom-nav { position: static !important; }' });
  return path;
}

/**
 * The README's pictures (docs/screenshots): written only when DOCS_SCREENSHOTS=1, so a normal
 * test run never changes committed files. Viewport-sized, as a person sees the screen.
 */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.DOCS_SCREENSHOTS !== '1') return;
  const dir = join(ROOT, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), animations: 'disabled' });
}

/** axe-core on the page as it stands: no serious or critical WCAG 2.1 A/AA violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`).join('\n  ');
  expect(report, `accessibility violations on ${where}`).toBe('');
}

/** Visits a page at both sizes: checks it with axe and keeps a screenshot of each. */
export async function checkPage(page: Page, name: string, ready: () => Promise<void>): Promise<void> {
  for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    await page.setViewportSize(viewport);
    await ready();
    await expectAccessible(page, `${name} (${size})`);
    await screenshot(page, `${name}-${size}`);
  }
}

// ---- fixtures through the services, as an operator's setup would make them ----------------------

export async function createStaff(product: Product, role: StaffRole, email = `${role}@demo.test`, password = 'correct horse battery staple'): Promise<{ email: string; password: string; token: string }> {
  const identity = product.runtime.ctx.services.identity;
  await withTransaction(product.runtime.ctx.database.db, (trx) => identity.createStaff(trx, { system: 'test' }, { email, name: `Demo ${role}`, role, password }));
  const login = await identity.staffLogin(email, password);
  return { email, password, token: login.token };
}

export async function createPartner(product: Product, scopes: PartnerScope[], name = 'Demo rewards app'): Promise<{ partnerId: string; apiKey: string }> {
  const identity = product.runtime.ctx.services.identity;
  return withTransaction(product.runtime.ctx.database.db, async (trx) => {
    const partner = await identity.createPartner(trx, { system: 'test' }, name);
    const key = await identity.createApiKey(trx, { system: 'test' }, partner.id, scopes);
    return { partnerId: partner.id, apiKey: key.secret };
  });
}

/**
 * Money in a wallet as a partner credit lands (the wallets tests' fixture, standing in for the
 * credits API until it is on main). `micros`: 1 won = 10,000.
 */
export async function fundWallet(product: Product, userId: string, micros: bigint, options: Parameters<typeof fund>[3] = {}): Promise<void> {
  const world = { wallets: product.runtime.ctx.services.wallets, database: product.runtime.database, ctx: product.runtime.ctx } as unknown as WalletWorld;
  await fund(world, userId, micros as Micros, options);
}

// ---- the public API, as a client would call it -------------------------------------------------

export async function apiCall<T>(product: Product, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${product.url}${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** The newest code sent to a number, read from the demo SMS inbox (GET /v1/admin/sms). */
export async function readOtp(product: Product, staffToken: string, phone: string, after?: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { status, body } = await apiCall<{ data: { id: string; body: string | null }[] }>(product, 'GET', `/v1/admin/sms?to=${encodeURIComponent(phone)}&limit=5`, { token: staffToken });
    if (status !== 200) throw new Error(`SMS inbox answered ${status}`);
    const newest = body.data[0];
    const code = newest?.body ? /\b(\d{6})\b/.exec(newest.body)?.[1] : undefined;
    if (code && newest && newest.id !== after) return code;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no code reached the SMS inbox for ${phone}`);
}

export async function newestSmsId(product: Product, staffToken: string, phone: string): Promise<string | undefined> {
  const { body } = await apiCall<{ data: { id: string }[] }>(product, 'GET', `/v1/admin/sms?to=${encodeURIComponent(phone)}&limit=1`, { token: staffToken });
  return body.data[0]?.id;
}

/** Registers a user through the API with a device other than the browser's (so the browser's sign-in asks for a code). */
export async function registerUser(product: Product, staffToken: string, phone: string, pin: string): Promise<{ token: string; userId: string }> {
  const started = await apiCall<{ id: string }>(product, 'POST', '/v1/registrations', { body: { phone, carrier: 'SKT', lang: 'en' } });
  expect(started.status).toBe(201);
  const code = await readOtp(product, staffToken, phone);
  const done = await apiCall<{ token: string; user: { id: string } }>(product, 'POST', `/v1/registrations/${started.body.id}/verify`, { body: { code, pin, device_id: 'api-setup-device', device_label: 'setup' } });
  expect(done.status).toBe(201);
  return { token: done.body.token, userId: done.body.user.id };
}
