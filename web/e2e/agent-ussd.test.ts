// The agent portal and the USSD simulator, in real Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, docsScreenshot, chromiumPresent, createStaff, launchBrowser, newContext, PHONE, registerUser, startProduct, suiteTitle, type Product } from './harness.ts';

describe.skipIf(!chromiumPresent)(suiteTitle('agent portal and USSD simulator in the browser'), () => {
  let product: Product;
  let browser: Browser;

  beforeAll(async () => {
    [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });

  it('an agent signs in to the portal and sees the terms of the policy in force', async () => {
    const agent = await createStaff(product, 'agent', 'counter@shop.test');
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(`${product.url}/agent`);
    await checkPage(page, 'agent-login', () => page.getByRole('heading', { name: 'Agent sign-in' }).waitFor());
    await page.getByLabel('Email').fill(agent.email);
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Counter' }).waitFor();
    await checkPage(page, 'agent-home', () => page.getByText('Commission on cash-out').waitFor());
    // docs/screenshots/agent.png is taken by agent-cash.test.ts, with a shop at work.
    expect(await page.getByText('This account is not an agent account').count()).toBe(0);
    await context.close();
  });

  it('the simulator is a phone usable from the keyboard; a malformed code is refused on the phone', async () => {
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(`${product.url}/ussd-simulator`);
    await checkPage(page, 'ussd-idle', () => page.getByRole('heading', { name: 'Dial *123#' }).waitFor());
    await page.setViewportSize(PHONE);
    await page.getByLabel('Number to dial').focus();
    await page.keyboard.type('*12');
    await page.keyboard.press('Enter');
    await page.getByText('Invalid MMI code').waitFor();
    await page.getByRole('button', { name: 'Key 5' }).click();
    expect(await page.getByLabel('Number to dial').inputValue()).toBe('*125');

    await context.close();
  });

  it('dials *123#, walks to the balance with the PIN through POST /ussd as a gateway would, and a wrong gateway secret is refused', async () => {
    const admin = await createStaff(product, 'support', 'ussd-support@demo.test');
    await registerUser(product, admin.token, '010-8888-0101', '480273');
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(`${product.url}/ussd-simulator`);
    await page.getByLabel('Phone number of this simulated phone').fill('+821088880101');
    await page.getByLabel('Number to dial').fill('*123#');
    await page.getByRole('button', { name: 'Call' }).click();
    await page.getByLabel('Your reply').waitFor();
    const menu = (await page.getByTestId('ussd-screen').textContent()) ?? '';
    expect(menu).not.toMatch(/Connection problem/);
    expect(menu.trim().length).toBeGreaterThan(0);
    await checkPage(page, 'ussd-menu', () => page.getByLabel('Your reply').waitFor());
    await page.setViewportSize({ width: 800, height: 740 });
    await docsScreenshot(page, 'ussd');

    const balanceKey = /^(\d+)\.? Balance$/m.exec(menu)?.[1];
    expect(balanceKey, JSON.stringify(menu)).toBeDefined();
    await page.getByLabel('Your reply').fill(balanceKey!);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Enter your PIN').waitFor();
    await page.getByLabel('Your reply').fill('480273');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText(/Available:/).waitFor();
    await page.getByRole('button', { name: 'End', exact: true }).click();

    // A page that does not know the gateway's secret is not a gateway.
    await page.getByLabel('Gateway secret').fill('not-the-secret');
    await page.getByLabel('Number to dial').fill('*123#');
    await page.getByRole('button', { name: 'Call' }).click();
    await page.getByText('Connection problem').waitFor();
    await context.close();
  });
});
