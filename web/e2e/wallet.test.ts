// A person in the wallet, in real Chromium: signs up (code from the demo SMS inbox), signs in on a
// new browser (the API asks for a code), looks around, freezes and unfreezes the account.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, checkPage, chromiumPresent, createStaff, launchBrowser, newContext, newestSmsId, PHONE, readOtp, registerUser, screenshot, startProduct, suiteTitle, type Product } from './harness.ts';

describe.skipIf(!chromiumPresent)(suiteTitle('wallet in the browser'), () => {
  let product: Product;
  let browser: Browser;
  let staffToken: string;

  beforeAll(async () => {
    [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
    staffToken = (await createStaff(product, 'support', 'support@demo.test')).token;
  });
  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });

  async function signIn(page: Page, phone: string, pin: string) {
    await page.goto(`${product.url}/wallet`);
    await page.getByLabel('Mobile number').fill(phone);
    await page.getByLabel('PIN', { exact: true }).fill(pin);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('signs up with the code from the demo SMS inbox and lands in the wallet', async () => {
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(`${product.url}/`);
    await checkPage(page, 'landing', () => page.getByRole('heading', { level: 1 }).waitFor());
    await page.setViewportSize(PHONE);
    await page.getByRole('link', { name: /Wallet/ }).click();
    await page.getByRole('link', { name: /Create one/ }).click();
    const phone = '010-5555-0101';
    await page.getByLabel('Mobile number').fill(phone);
    await page.getByLabel('Mobile carrier').selectOption('KT');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByLabel('Code from the SMS').waitFor();
    await checkPage(page, 'wallet-register-code', () => page.getByText('npx smallchange sms').waitFor());
    await page.setViewportSize(PHONE);
    await page.getByLabel('Code from the SMS').fill(await readOtp(product, staffToken, phone));
    await page.getByLabel('New PIN', { exact: true }).fill('480273');
    await page.getByLabel('New PIN again').fill('480273');
    await page.getByRole('button', { name: 'Create my wallet' }).click();
    await page.getByRole('heading', { name: 'My wallet' }).waitFor();
    expect(await page.getByText('010-5555-0101').isVisible()).toBe(true);
    // A new wallet is empty, and says so in numbers.
    await expect.poll(() => page.getByTestId('total-available').textContent()).toBe('₩0');
    await context.close();
  });

  it('signs in on a new browser with phone, PIN and the SMS code, then uses the account screens', async () => {
    const phone = '010-5555-0202';
    const pin = '739418';
    await registerUser(product, staffToken, phone, pin);
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await signIn(page, phone, pin);
    // A wrong code first: the API's own message is shown.
    await page.getByLabel('Code from the SMS').waitFor();
    await checkPage(page, 'wallet-login-otp', () => page.getByText('No real SMS is sent').waitFor());
    await page.setViewportSize(PHONE);
    const code = await readOtp(product, staffToken, phone);
    await page.getByLabel('Code from the SMS').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/code/i);
    await page.getByLabel('Code from the SMS').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'My wallet' }).waitFor();
    await checkPage(page, 'wallet-home', () => page.getByText('Tier 0').waitFor());

    await page.setViewportSize(PHONE);
    await page.getByRole('navigation', { name: 'Shortcuts' }).getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Where you are signed in' }).waitFor();
    await checkPage(page, 'wallet-security', () => page.getByText('This browser').waitFor());

    await page.setViewportSize(PHONE);
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'More' }).click();
    await page.getByRole('link', { name: 'Account and verification' }).click();
    await checkPage(page, 'wallet-account', () => page.getByRole('heading', { name: 'Identity check (tier 1)' }).waitFor());

    await page.goto(`${product.url}/wallet/policy`);
    await checkPage(page, 'wallet-policy', () => page.getByRole('heading', { name: 'Limits by tier' }).waitFor());
    await page.goto(`${product.url}/wallet/help`);
    await checkPage(page, 'wallet-help', () => page.getByRole('heading', { name: 'How to dispute a transaction' }).waitFor());
    await context.close();
  });

  it('freezes the account at once and lifts the freeze with PIN and SMS code', async () => {
    const phone = '010-5555-0303';
    const pin = '582914';
    const { token } = await registerUser(product, staffToken, phone, pin);
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await signIn(page, phone, pin);
    await page.getByLabel('Code from the SMS').fill(await readOtp(product, staffToken, phone));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('link', { name: 'Freeze my account' }).click();
    await page.getByRole('button', { name: 'Freeze my account now' }).click();
    await page.getByRole('button', { name: 'Yes, freeze it' }).click();
    await page.getByText('Your account is frozen').waitFor();
    const me = await apiCall<{ frozen: { by: string } | null }>(product, 'GET', '/v1/me', { token });
    expect(me.body.frozen?.by).toBe('self');
    await checkPage(page, 'wallet-frozen', () => page.getByRole('heading', { name: 'Lift the freeze' }).waitFor());

    await page.setViewportSize(PHONE);
    const before = await newestSmsId(product, staffToken, phone);
    await page.getByLabel('PIN', { exact: true }).fill(pin);
    await page.getByRole('button', { name: 'Lift the freeze' }).click();
    await page.getByLabel('Code from the SMS').waitFor();
    await page.getByLabel('Code from the SMS').fill(await readOtp(product, staffToken, phone, before));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Freeze my account now' }).waitFor();
    expect((await apiCall<{ frozen: unknown }>(product, 'GET', '/v1/me', { token })).body.frozen).toBeNull();
    await screenshot(page, 'wallet-unfrozen-phone');
    await context.close();
  });

  it('switches to Korean and formats amounts for Korea', async () => {
    const context = await newContext(browser, PHONE, 'en');
    const page = await context.newPage();
    await page.goto(`${product.url}/wallet/policy`);
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('heading', { name: '수수료, 한도, 규칙' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    // The policy's KRW amounts, formatted from their decimal strings the Korean way.
    await expect.poll(() => page.getByText('500,000원').count()).toBeGreaterThan(0);
    await checkPage(page, 'wallet-policy-ko', () => page.getByRole('heading', { name: '단계별 한도' }).waitFor());
    await context.close();
  });
});
