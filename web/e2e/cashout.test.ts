// The main flow in real Chromium: a person signs in, sees a partner's credit arrive
// (through the partner API, on prefunding that finance recorded in the console), proves a bank
// account, cashes out to it seeing the fee and net before the PIN, finance sends the payouts, the
// bank (simulator) answers, and the person sees the receipt and downloads it as a PDF.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall, checkPage, chromiumPresent, createPartner, createStaff, DESKTOP, docsScreenshot, launchBrowser, newContext, newestSmsId, PHONE, readOtp, registerUser, screenshot, startProduct,
  suiteTitle, type Product,
} from './harness.ts';

describe.skipIf(!chromiumPresent)(suiteTitle('cash-out to a bank, in the browser'), () => {
  let product: Product;
  let browser: Browser;
  let admin: { email: string; password: string; token: string };
  let partner: { partnerId: string; apiKey: string };
  let user: Page;
  let staff: Page;
  const phone = '010-4444-0101';
  const e164 = '+821044440101';
  const pin = '582914';
  const bankCode = '088';
  const accountNumber = '110123456789';

  beforeAll(async () => {
    [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
    admin = await createStaff(product, 'admin', 'admin@demo.test');
    partner = await createPartner(product, ['credits:write', 'credits:read'], 'Cashwalk');
    await registerUser(product, admin.token, phone, pin);
    // The carrier's directory knows this subscriber: the identity check can pass.
    product.runtime.simulators.identity!.identityCheck.addSubscriber(e164, { name: '김민준', birthDate: '1990-01-31', carrier: 'SKT' });
    user = await (await newContext(browser, PHONE)).newPage();
    staff = await (await newContext(browser, DESKTOP)).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });

  it('finance records the partner’s prefunding in the console', async () => {
    await staff.goto(`${product.url}/console/login`);
    await staff.getByLabel('Email').fill(admin.email);
    await staff.getByLabel('Password').fill(admin.password);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.getByRole('link', { name: 'Partners' }).click();
    await staff.getByRole('link', { name: 'Cashwalk' }).click();
    await staff.getByLabel('Amount').fill('1,000,000');
    await staff.getByLabel('Bank reference').fill('KB-2026-000123');
    await staff.getByRole('button', { name: 'Record deposit' }).click();
    await staff.getByText('Recorded.').waitFor();
    expect(await staff.getByText('₩1,000,000').count()).toBeGreaterThan(0);
  });

  it('the person signs in and sees a partner credit arrive, with its dust', async () => {
    await user.goto(`${product.url}/wallet/login`);
    await user.getByLabel('Mobile number').fill(phone);
    await user.getByLabel('PIN', { exact: true }).fill(pin);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByLabel('Code from the SMS').fill(await readOtp(product, admin.token, phone));
    await user.getByRole('button', { name: 'Confirm' }).click();
    const total = user.getByTestId('total-available');
    await expect.poll(() => total.textContent()).toBe('₩0');

    const credit = await apiCall<{ status: string }>(product, 'POST', '/v1/credits', {
      token: partner.apiKey,
      body: { partner_reference: 'tips-2026-0001', recipient: { phone }, amount: { amount: '25000.35', currency: 'KRW' }, source: 'tip', description: 'Tips from viewers' },
    });
    expect(credit.status, JSON.stringify(credit.body)).toBe(201);
    await user.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => total.textContent()).toBe('₩25,000.35');
    await user.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'History' }).click();
    await user.getByText('Tips from viewers').waitFor();
    await screenshot(user, 'cashout-credit-arrived-phone');
  });

  it('proves a bank account (identity check, 1-won deposit) and saves it as a destination with an SMS code', async () => {
    await user.goto(`${product.url}/wallet/account`);
    await user.getByLabel('Legal name').fill('김민준');
    await user.getByLabel('Date of birth').fill('1990-01-31');
    await user.getByRole('button', { name: 'Check my identity' }).click();
    await user.getByText('Verified').first().waitFor();
    await user.getByLabel('Bank', { exact: true }).selectOption(bankCode);
    await user.getByLabel('Account number').fill(accountNumber);
    await user.getByRole('button', { name: 'Add bank account' }).click();
    await user.getByLabel('Code from the 1-won deposit').waitFor();
    // The person reads the code in their bank app: here, the bank simulator's deposit memo.
    const deposit = product.runtime.simulators.identity!.bank.depositsTo(bankCode, accountNumber).at(-1)!;
    await user.getByLabel('Code from the 1-won deposit').fill(/(\d{6})/.exec(deposit.memo)![1]!);
    await user.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => user.getByText('Verified', { exact: true }).count()).toBeGreaterThan(1);

    await user.goto(`${product.url}/wallet/destinations`);
    await user.getByLabel('Account number').fill(accountNumber);
    const before = await newestSmsId(product, admin.token, phone);
    await user.getByRole('button', { name: 'Add destination' }).click();
    await user.getByLabel('Code from the SMS').fill(await readOtp(product, admin.token, phone, before));
    await user.getByRole('button', { name: 'Confirm' }).click();
    await user.getByText('Destination added.').waitFor();
    await checkPage(user, 'wallet-destinations', () => user.getByText('****6789').first().waitFor());
    await user.setViewportSize(PHONE);
  });

  it('cashes out everything: fee, net and the dust kept are shown before the PIN; finance sends it; the receipt arrives', async () => {
    // A day later: the new destination's cooling-off is over.
    await sql`UPDATE cashout_destinations SET created_at = now() - interval '48 hours'`.execute(product.runtime.database.db);
    await user.goto(`${product.url}/wallet/cashout`);
    await user.getByLabel('Cash out everything I can').check();
    await user.getByRole('button', { name: 'See what I get' }).click();
    await user.getByRole('heading', { name: 'Check before you confirm' }).waitFor();
    expect(await user.getByTestId('quote-net').textContent()).toBe('₩25,000');
    expect(await user.getByTestId('quote-fee').textContent()).toBe('₩0');
    await user.getByText('₩0.35').first().waitFor();
    await checkPage(user, 'wallet-cashout-quote', () => user.getByTestId('quote-net').waitFor());
    await user.setViewportSize(PHONE);
    await docsScreenshot(user, 'wallet-cashout');

    const before = await newestSmsId(product, admin.token, phone);
    await user.getByLabel('PIN', { exact: true }).fill(pin);
    await user.getByRole('button', { name: 'Confirm cash-out' }).click();
    // The first payout to a destination asks for a code.
    await user.getByLabel('Code from the SMS').fill(await readOtp(product, admin.token, phone, before));
    await user.getByRole('button', { name: 'Confirm cash-out' }).click();
    await user.getByRole('heading', { name: 'Cash-out', exact: true }).waitFor();
    await user.getByText('Sent to the bank').first().waitFor();
    await checkPage(user, 'wallet-cashout-submitted', () => user.getByText('Steps').waitFor());
    await user.setViewportSize(PHONE);

    await staff.getByRole('link', { name: 'Payouts' }).click();
    await staff.getByRole('button', { name: 'Send waiting payouts now' }).click();
    await staff.getByText('1 payout sent by Bank transfer.').waitFor();
    await checkPage(staff, 'console-payouts', () => staff.getByRole('region', { name: 'Batches sent' }).waitFor());

    // The page follows the cash-out until the bank's answer settles it.
    await user.getByRole('link', { name: 'See the receipt' }).waitFor({ timeout: 60_000 });
    await user.getByText('Paid', { exact: true }).first().waitFor();
    await user.getByRole('link', { name: 'See the receipt' }).click();
    await user.getByText(/^RCT-/).waitFor();
    await checkPage(user, 'wallet-receipt', () => user.getByText('Paid to you').waitFor());
    await user.setViewportSize(PHONE);
    const [download] = await Promise.all([user.waitForEvent('download'), user.getByRole('button', { name: 'Download PDF' }).click()]);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/^RCT-.*\.pdf$/);
    await user.getByText(/^Saved RCT-/).waitFor();
    await expect.poll(async () => (await apiCall<{ data: { balances: { total_available: { amount: string } } }[] }>(product, 'GET', '/v1/wallets', { token: (await userToken()) })).body.data[0]!.balances.total_available.amount).toBe('0.35');
  });

  async function userToken(): Promise<string> {
    const stored = await user.evaluate<string | null>('sessionStorage.getItem("smallchange.user")');
    return (JSON.parse(stored ?? '{}') as { token: string }).token;
  }
});
