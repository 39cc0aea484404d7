// Cash at an agent and spending, in real Chromium: a person cashes out to an agent and gets a
// withdrawal code; the agent enters it at the counter and pays; both see the result. The person
// finds agents nearby, buys a voucher and pays a shop by its code; the counter takes a cash-in,
// asks for rebalancing and downloads the day's statement.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { agentDepositStatement } from '../../src/agents/index.ts';
import { DEMO_DEBTOR } from '../../src/cashout/index.ts';
import { toLocalDate } from '../../src/policy/index.ts';
import { apiCall, checkPage, chromiumPresent, createPartner, createStaff, DESKTOP, docsScreenshot, fundWallet, launchBrowser, newContext, newestSmsId, PHONE, readOtp, registerUser, screenshot, startProduct, suiteTitle, type Product } from './harness.ts';

/** Waits for a success text; an error notice instead fails at once with what it says. */
async function outcome(page: Page | Locator, success: string): Promise<void> {
  const failed = await Promise.race([
    page.getByText(success).first().waitFor({ timeout: 15_000 }).then(() => null, () => 'nothing (timed out)'),
    page.locator('.notice-error').first().waitFor({ timeout: 16_000 }).then(async () => page.locator('.notice-error').first().textContent(), () => null),
  ]);
  expect(failed, `instead of "${success}"`).toBeNull();
}

const ALL_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));

describe.skipIf(!chromiumPresent)(suiteTitle('cash at an agent, vouchers and shops, in the browser'), () => {
  let product: Product;
  let browser: Browser;
  let admin: { email: string; password: string; token: string };
  let counterLogin: { email: string; password: string; token: string };
  let finance: { token: string };
  let gym: { partnerId: string; apiKey: string };
  let user: Page;
  let counter: Page;
  const phone = '010-5555-0101';
  const pin = '582914';

  beforeAll(async () => {
    [product, browser] = await Promise.all([startProduct(), launchBrowser()]);
    admin = await createStaff(product, 'admin', 'admin@shop.test');
    counterLogin = await createStaff(product, 'agent', 'counter@mapo.test');
    finance = await createStaff(product, 'finance', 'finance@shop.test');
    // The shop: its owner is a fully verified person; its counter is the agent login; cash in the drawer.
    const owner = await registerUser(product, admin.token, '010-5555-0909', '749301');
    // Tier 3 needs tier 2 (ID document, bank account) first: write the outcome of that due diligence directly, as the agents fixture does.
    await sql`UPDATE users SET tier = 3 WHERE id = ${owner.userId}`.execute(product.runtime.database.db);
    const staffMe = await apiCall<{ staff: { id: string } }>(product, 'GET', '/v1/staff/me', { token: counterLogin.token });
    const shop = await apiCall<{ id: string }>(product, 'POST', '/v1/admin/agents', {
      token: admin.token,
      body: { name: 'Mapo corner store', lat: 37.5563, lng: 126.9236, opening_hours: ALL_DAY, staff: staffMe.body.staff.id, owner: owner.userId, cash_on_hand: { amount: '1000000', currency: 'KRW' } },
    });
    expect(shop.status, JSON.stringify(shop.body)).toBe(201);
    const merchant = await apiCall(product, 'POST', '/v1/merchants', {
      token: admin.token,
      body: { name: 'Corner Cafe', code: 'CAFE01', settlement_account: { bank_code: '088', account_number: '110123456789', holder_name: '카페 주인' } },
    });
    expect(merchant.status, JSON.stringify(merchant.body)).toBe(201);
    // A second shop whose partner key asks for subscriptions through the merchant API.
    gym = await createPartner(product, ['merchant:operate'], 'Gym app');
    const gymShop = await apiCall(product, 'POST', '/v1/merchants', {
      token: admin.token,
      body: { name: 'Mapo Gym', code: 'GYM01', partner: gym.partnerId, settlement_account: { bank_code: '088', account_number: '110987654321', holder_name: '체육관' } },
    });
    expect(gymShop.status, JSON.stringify(gymShop.body)).toBe(201);
    const person = await registerUser(product, admin.token, phone, pin);
    await fundWallet(product, person.userId, 100_000n * 10_000n);
    user = await (await newContext(browser, PHONE)).newPage();
    counter = await (await newContext(browser, DESKTOP)).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await product?.close();
  });

  it('the person cashes out to an agent: fee and net first, then the code and its expiry', async () => {
    await user.goto(`${product.url}/wallet/login`);
    await user.getByLabel('Mobile number').fill(phone);
    await user.getByLabel('PIN', { exact: true }).fill(pin);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByLabel('Code from the SMS').fill(await readOtp(product, admin.token, phone));
    await user.getByRole('button', { name: 'Confirm' }).click();
    await user.getByTestId('total-available').waitFor();

    await user.goto(`${product.url}/wallet/cashout`);
    await user.getByLabel('To', { exact: true }).selectOption('agent');
    await user.getByLabel('Amount').fill('30000');
    await user.getByRole('button', { name: 'See what I get' }).click();
    await user.getByRole('heading', { name: 'Check before you confirm' }).waitFor();
    expect(await user.getByTestId('quote-fee').textContent()).toMatch(/^₩[1-9]/);
    await user.getByText('Cash at an agent (withdrawal code)').last().waitFor();
    const before = await newestSmsId(product, admin.token, phone);
    await user.getByLabel('PIN', { exact: true }).fill(pin);
    await user.getByRole('button', { name: 'Confirm cash-out' }).click();
    // The policy may ask for a code on this device; answer it when it does.
    const asked = await Promise.race([
      user.getByTestId('withdrawal-code').waitFor().then(() => false),
      user.getByLabel('Code from the SMS').waitFor().then(() => true),
    ]);
    if (asked) {
      await user.getByLabel('Code from the SMS').fill(await readOtp(product, admin.token, phone, before));
      await user.getByRole('button', { name: 'Confirm cash-out' }).click();
    }
    await user.getByTestId('withdrawal-code').waitFor();
    expect(await user.getByTestId('withdrawal-code').textContent()).toMatch(/^\d{8}$/);
    await user.getByText('Valid until').waitFor();
    await checkPage(user, 'wallet-withdrawal-code', () => user.getByTestId('withdrawal-code').waitFor());
    await user.setViewportSize(PHONE);
  });

  it('the agent enters the code at the counter and pays out; both see the result', async () => {
    const code = (await user.getByTestId('withdrawal-code').textContent())!;
    const net = (await user.getByRole('definition').first().textContent())!.replace(/[^\d.]/g, '');
    await counter.goto(`${product.url}/agent/login`);
    await counter.getByLabel('Email').fill(counterLogin.email);
    await counter.getByLabel('Password').fill(counterLogin.password);
    await counter.getByRole('button', { name: 'Sign in' }).click();
    await counter.getByRole('heading', { name: 'Mapo corner store today' }).waitFor();
    // Below the low-float alert (the policy's 500,000): the counter is told to rebalance.
    await counter.getByText('Your float is low').waitFor();
    await checkPage(counter, 'agent-counter', () => counter.getByRole('heading', { name: 'Pay out a withdrawal code' }).waitFor());

    await counter.getByRole('textbox', { name: 'Withdrawal code' }).fill(code);
    await counter.getByRole('region', { name: 'Pay out a withdrawal code' }).getByLabel('Amount').fill(net);
    await counter.getByRole('button', { name: 'Pay out' }).click();
    await outcome(counter, 'Paid: hand over the cash.');
    expect((await counter.getByTestId('payout-amount').textContent())!.replace(/[^\d.]/g, '')).toBe(net);
    expect(await counter.getByTestId('payout-commission').textContent()).toMatch(/^₩[1-9]/);
    // The float now holds the e-money the person gave up; the statement lists the payout.
    await expect.poll(async () => (await counter.getByTestId('agent-float').textContent())?.replace(/[^\d.]/g, '')).toBe(net);
    await counter.getByRole('cell', { name: 'Cash-out paid' }).waitFor();
    await counter.setViewportSize(PHONE);
    await docsScreenshot(counter, 'agent');
    await counter.setViewportSize(DESKTOP);

    // The same code again is refused: it was used.
    await counter.getByRole('textbox', { name: 'Withdrawal code' }).fill(code);
    await counter.getByRole('region', { name: 'Pay out a withdrawal code' }).getByLabel('Amount').fill(net);
    await counter.getByRole('button', { name: 'Pay out' }).click();
    await counter.getByRole('alert').first().waitFor();

    await user.getByRole('link', { name: 'Follow this cash-out' }).click();
    await user.getByRole('heading', { name: 'Cash-out', exact: true }).waitFor();
    await user.getByText('Paid', { exact: true }).first().waitFor({ timeout: 30_000 });
    await screenshot(user, 'wallet-agent-cashout-paid-phone');
  });

  it('the counter asks for rebalancing; once finance approves, it takes cash-ins and downloads the statement as CSV', async () => {
    const rebalance = counter.getByRole('region', { name: 'Request rebalancing' });
    await rebalance.getByLabel('Amount').fill('600000');
    await rebalance.getByRole('button', { name: 'Send request' }).click();
    await outcome(rebalance, 'Request sent to finance:');
    // Finance approves it against the bank deposit (the console's work; here through the API).
    const requested = await apiCall<{ data: { id: string }[] }>(product, 'GET', '/v1/admin/agent-rebalances?status=requested', { token: finance.token });
    expect(requested.body.data).toHaveLength(1);
    // The shop's cash reached the trust account: the bank's statement shows the deposit, reconciled.
    await product.runtime.ctx.services.reconciliation.reconcileXml(agentDepositStatement({
      account: DEMO_DEBTOR, statementId: 'E2E-AGENT-DEP-1', date: toLocalDate(new Date(), 'Asia/Seoul'), createdAt: new Date(), openingMinor: 0n,
      deposits: [{ amountMinor: 600_000n, bankReference: 'KB-DEP-0001', from: 'MAPO CORNER STORE' }],
    }), { source: 'api', actor: { kind: 'system', name: 'e2e' } });
    const approved = await fetch(`${product.url}/v1/admin/agent-rebalances/${requested.body.data[0]!.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${finance.token}`, 'content-type': 'application/json', 'idempotency-key': 'approve-1' },
      body: JSON.stringify({ deposit: 'KB-DEP-0001' }),
    });
    expect(approved.status).toBe(200);
    await counter.reload();
    await counter.getByRole('heading', { name: 'Mapo corner store today' }).waitFor();
    expect(await counter.getByText('Your float is low').count()).toBe(0);

    const cashIn = counter.getByRole('region', { name: 'Cash in to a phone number' });
    await cashIn.getByLabel('Mobile number').fill(phone);
    await cashIn.getByLabel('Amount').fill('10000');
    await cashIn.getByRole('button', { name: 'Take cash in' }).click();
    await outcome(cashIn, 'Credited to the wallet');
    // Above the policy threshold (50,000) the person confirms on their phone first.
    await cashIn.getByLabel('Mobile number').fill(phone);
    await cashIn.getByLabel('Amount').fill('60000');
    await cashIn.getByRole('button', { name: 'Take cash in' }).click();
    await outcome(cashIn, 'Waiting for the person to confirm on their phone');
    await cashIn.getByRole('button', { name: 'Check again' }).click();
    await cashIn.getByText('Waiting for the person to confirm on their phone').waitFor();

    await counter.getByRole('cell', { name: 'Cash-in' }).first().waitFor();
    const [download] = await Promise.all([counter.waitForEvent('download'), counter.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    await counter.getByText(/^Saved .*\.csv$/).waitFor();
    await checkPage(counter, 'agent-counter-day', () => counter.getByRole('cell', { name: 'Cash-in' }).first().waitFor());
  });

  it('the person confirms the large cash-in with the PIN in the wallet; the counter sees it credited', async () => {
    await user.goto(`${product.url}/wallet`);
    await user.getByText('A cash-in at an agent waits for your confirmation.').waitFor();
    await user.getByRole('link', { name: 'Review' }).click();
    const pending = user.getByTestId('pending-cash-in');
    await pending.getByText('₩60,000').waitFor();
    await checkPage(user, 'wallet-cash-ins', () => pending.waitFor());
    await user.setViewportSize(PHONE);
    await pending.getByLabel('PIN', { exact: true }).fill(pin);
    await pending.getByRole('button', { name: 'Confirm: it was me' }).click();
    await outcome(user, 'Confirmed: in your wallet now:');
    await user.getByText('Nothing waits for you.').waitFor();

    const cashIn = counter.getByRole('region', { name: 'Cash in to a phone number' });
    await cashIn.getByRole('button', { name: 'Check again' }).click();
    await outcome(cashIn, 'Credited to the wallet');
  });

  it('the person finds agents near a typed-in position, with whether they can pay the amount', async () => {
    await user.goto(`${product.url}/wallet/agents`);
    await user.getByLabel('Latitude').fill('37.5560');
    await user.getByLabel('Longitude').fill('126.9230');
    await user.getByLabel('Cash I want (optional)').fill('20000');
    await user.getByRole('button', { name: 'Find agents' }).click();
    const list = user.getByTestId('nearby-agents');
    await list.getByText('Mapo corner store').waitFor();
    await list.getByText('Open now').waitFor();
    await list.getByText('Can pay this amount').waitFor();
    await checkPage(user, 'wallet-agents-nearby', () => list.waitFor());
    await user.setViewportSize(PHONE);
  });

  it('the person buys a voucher (code and PIN shown once), sees what is left, and pays a shop by its code', async () => {
    await user.goto(`${product.url}/wallet/vouchers`);
    await user.getByLabel('Value').fill('10000');
    await user.getByLabel('Shop codes').fill('CAFE01');
    await user.getByLabel('PIN', { exact: true }).fill(pin);
    await user.getByRole('button', { name: 'Buy voucher' }).click();
    await outcome(user, 'Voucher bought.');
    expect(await user.getByTestId('voucher-code').textContent()).toMatch(/\d{4}/);
    expect(await user.getByTestId('voucher-pin').textContent()).toMatch(/\d/);
    const card = user.getByTestId('voucher').first();
    await card.getByText('Corner Cafe').waitFor();
    expect(await card.getByTestId('voucher-remaining').textContent()).toBe('₩10,000 / ₩10,000');
    await checkPage(user, 'wallet-vouchers', () => card.waitFor());
    await user.setViewportSize(PHONE);
    // Given to someone else: a new code and PIN go to them; the card shows the masked number.
    await card.getByLabel('Give it to (mobile number)').fill('010-5555-0909');
    await card.getByRole('button', { name: 'Give voucher' }).click();
    await outcome(card, 'Given to');

    await user.goto(`${product.url}/wallet/pay`);
    // Keyboard only: type the code, Enter submits.
    await user.getByLabel('Shop code').fill('CAFE01');
    await user.keyboard.press('Enter');
    await outcome(user, 'Paying');
    expect(await user.getByTestId('merchant-name').textContent()).toBe('Corner Cafe');
    await user.getByLabel('Amount').fill('4500');
    await user.getByLabel('PIN', { exact: true }).fill(pin);
    await user.getByRole('button', { name: 'Pay', exact: true }).click();
    await outcome(user, 'Paid Corner Cafe.');
    expect(await user.getByTestId('paid-amount').textContent()).toBe('₩4,500');
    await checkPage(user, 'wallet-pay-done', () => user.getByTestId('paid-amount').waitFor());
    await user.setViewportSize(PHONE);
  });

  it('a shop asks for a subscription; the person authorises it with the PIN and cancels it at once', async () => {
    const asked = await apiCall<{ id: string }>(product, 'POST', '/v1/merchant/subscriptions', {
      token: gym.apiKey,
      body: { phone, amount: { amount: '9900', currency: 'KRW' }, period: 'monthly', description: 'Gym membership' },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    await user.goto(`${product.url}/wallet/subscriptions`);
    const card = user.getByTestId('subscription').first();
    await card.getByText('Waiting for you').waitFor();
    await card.getByText('Gym membership').waitFor();
    await checkPage(user, 'wallet-subscriptions', () => card.waitFor());
    await user.setViewportSize(PHONE);
    await card.getByLabel('PIN', { exact: true }).fill(pin);
    await card.getByRole('button', { name: 'Authorise with my PIN' }).click();
    await outcome(card, 'Next charge');
    await card.getByRole('button', { name: 'Cancel subscription' }).click();
    await card.getByRole('button', { name: 'Yes, cancel now' }).click();
    await outcome(card, 'Cancelled: no further charge.');
    await card.getByText('Cancelled', { exact: true }).first().waitFor();
    // Korean too.
    await user.getByRole('button', { name: '한국어' }).click();
    await user.getByRole('heading', { name: '정기 결제' }).waitFor();
    await user.getByRole('button', { name: 'English' }).click();
  });
});
