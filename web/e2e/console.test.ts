// Staff in the operator console, in real Chromium: sign in from the keyboard, find a user and
// freeze them with a reason, issue a partner key, publish a policy version and compare it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, checkPage, docsScreenshot, chromiumPresent, createStaff, DESKTOP, launchBrowser, newContext, PHONE, registerUser, screenshot, startProduct, suiteTitle, type Product } from './harness.ts';

describe.skipIf(!chromiumPresent)(suiteTitle('operator console in the browser'), () => {
  let product: Product;
  let browser: Browser;
  let admin: { email: string; password: string; token: string };
  let userId: string;

  beforeAll(async () => {
    [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
    admin = await createStaff(product, 'admin', 'admin@demo.test');
    ({ userId } = await registerUser(product, admin.token, '010-7777-0101', '480273'));
  });
  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });

  async function signInWithKeyboard(page: Page, email: string, password: string) {
    await page.goto(`${product.url}/console`);
    await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      if ((await page.locator(':focus').getAttribute('type')) === 'email') break;
    }
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  }

  it('signs in from the keyboard and finds a user; a wrong password shows the API’s message', async () => {
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    await page.goto(`${product.url}/console/login`);
    await checkPage(page, 'console-login', () => page.getByLabel('Email').waitFor());
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(async () => (await page.getByRole('alert').textContent()) ?? '').toMatch(/password|incorrect|wrong/i);

    await page.setViewportSize(DESKTOP);
    await signInWithKeyboard(page, admin.email, admin.password);
    await checkPage(page, 'console-overview', () => page.getByRole('img', { name: 'SMS sent per day' }).waitFor());
    await docsScreenshot(page, 'console');

    await page.setViewportSize(DESKTOP);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Phone').fill('010-7777-0101');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: '010-7777-0101' }).click();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    await page.getByLabel('Reason').fill('Reported lost phone by call');
    await page.getByRole('button', { name: 'Freeze', exact: true }).click();
    await page.getByText('Frozen.').waitFor();
    const me = await apiCall<{ user: { frozen: { by: string; reason: string } | null } }>(product, 'GET', `/v1/admin/users/${userId}`, { token: admin.token });
    expect(me.body.user.frozen).toMatchObject({ by: 'staff', reason: 'Reported lost phone by call' });
    await checkPage(page, 'console-user', () => page.getByText('Frozen by staff').first().waitFor());

    await page.setViewportSize(DESKTOP);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await checkPage(page, 'console-audit', () => page.getByText('Reported lost phone by call').first().waitFor());
    await page.setViewportSize(DESKTOP);
    await page.getByRole('link', { name: 'SMS outbox' }).click();
    await checkPage(page, 'console-sms', () => page.getByText('010-7777-0101').first().waitFor());
    await context.close();
  });

  it('creates a partner and an API key whose secret is shown once', async () => {
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    await signInWithKeyboard(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Partners' }).click();
    await page.getByLabel('New partner name').fill('Cashwalk rewards');
    await page.getByRole('button', { name: 'Create partner' }).click();
    await page.getByRole('link', { name: 'Cashwalk rewards' }).click();
    await page.getByRole('button', { name: 'Create API key' }).click();
    const secret = (await page.locator('code.secret').textContent()) ?? '';
    expect(secret).toMatch(/^sk_/);
    // The secret works as a partner key against the API.
    const { status } = await apiCall(product, 'GET', '/v1/webhook-endpoint', { token: secret });
    expect([200, 403, 404]).toContain(status);
    await checkPage(page, 'console-partner', () => page.getByText('credits:write').first().waitFor());
    await context.close();
  });

  it('publishes a new policy version and shows what changed', async () => {
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    await signInWithKeyboard(page, admin.email, admin.password);
    await page.getByRole('link', { name: 'Policy' }).click();
    const editor = page.getByLabel('Policy document (YAML)');
    await expect.poll(async () => (await editor.inputValue()).length).toBeGreaterThan(1000);
    const yaml = await editor.inputValue();
    const cooldown = /raise_cooldown_hours: (\d+)/.exec(yaml);
    expect(cooldown).not.toBeNull();
    const next = Number.parseInt(cooldown![1]!, 10) + 24;

    // A broken document first: the API's validation message is shown and nothing is published.
    await editor.fill(yaml.replace(/raise_cooldown_hours: \d+/, 'raise_cooldown_hours: lots'));
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('alert').waitFor();
    expect((await apiCall<{ data: unknown[] }>(product, 'GET', '/v1/policy/versions')).body.data).toHaveLength(1);

    await editor.fill(yaml.replace(/raise_cooldown_hours: \d+/, `raise_cooldown_hours: ${next}`));
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published as version 2.').waitFor();
    const inForce = await apiCall<{ version: number; policy: { self_limits: { raise_cooldown_hours: number } } }>(product, 'GET', '/v1/policy');
    expect(inForce.body).toMatchObject({ version: 2, policy: { self_limits: { raise_cooldown_hours: next } } });
    await page.getByRole('cell', { name: 'self_limits.raise_cooldown_hours' }).waitFor();
    await checkPage(page, 'console-policy', () => page.getByRole('heading', { name: 'Compare versions' }).waitFor());
    await context.close();
  });

  it('shows each role only its pages; the menu works on a phone', async () => {
    const support = await createStaff(product, 'support', 'support@demo.test');
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await signInWithKeyboard(page, support.email, support.password);
    await page.getByRole('button', { name: 'Menu' }).click();
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'Users' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Partners' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Staff' }).count()).toBe(0);
    await screenshot(page, 'console-menu-phone');
    await page.goto(`${product.url}/console/partners`);
    await page.getByText('Your role does not include this page.').waitFor();
    await context.close();
  });
});
