// The wallet provider simulator on its own, over HTTP: its API contract, its webhooks (received by
// a bare node:http server here, verified with the shared secret), and its determinism by seed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.ts';
import { WalletProviderSimulator, type WalletSimulatorOptions } from './simulator.ts';
import { verifyWebhook } from './webhook-signature.ts';

const SECRET = 'whsec_dGVzdC13YWxsZXQtd2ViaG9vay1zZWNyZXQtMDAwMQ==';
const KEY = 'sim-test-api-key-000001';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let simulators: WalletProviderSimulator[] = [];
let receivers: Server[] = [];

afterEach(async () => {
  await Promise.all(simulators.map((s) => s.stop()));
  await Promise.all(receivers.map((r) => new Promise((resolve) => r.close(resolve))));
  simulators = [];
  receivers = [];
});

async function receiver(status = 200): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receivers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function simulator(options: Partial<WalletSimulatorOptions> = {}): Promise<WalletProviderSimulator> {
  const sim = new WalletProviderSimulator({ clock: new ManualClock('2026-01-15T01:00:00Z'), apiKey: KEY, webhookSecret: SECRET, webhookUrl: null, latency_ms: 5, seed: 3, ...options });
  await sim.start();
  simulators.push(sim);
  return sim;
}

function post(sim: WalletProviderSimulator, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}/v1/payouts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'idempotency-key': 'cot_one', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const payout = { amount: '15000', currency: 'KRW', recipient: '@minjun.kim', reference: 'cot_one' };

describe('the provider API', () => {
  it('takes a payout once per Idempotency-Key: 201, then 200 with the same payout, 409 with another body', async () => {
    const sim = await simulator();
    const first = await post(sim, payout);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; status: string };
    expect(created).toMatchObject({ status: 'processing', amount: '15000', reference: 'cot_one', failure_reason: null });
    const again = await post(sim, payout);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(created.id);
    const conflict = await post(sim, { ...payout, amount: '16000' });
    expect(conflict.status).toBe(409);
    expect(sim.payouts()).toHaveLength(1);
  });

  it('finds a payout by its id and by the key that created it; 404 otherwise', async () => {
    const sim = await simulator();
    const { id } = (await (await post(sim, payout)).json()) as { id: string };
    const get = (path: string) => fetch(`${sim.url}/v1/payouts/${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect((await get(id)).status).toBe(200);
    expect(((await (await get('cot_one')).json()) as { id: string }).id).toBe(id);
    expect((await get('cot_other')).status).toBe(404);
  });

  it.each([
    ['no API key', payout, { authorization: '' }, 401, 'unauthorized'],
    ['no Idempotency-Key', payout, { 'idempotency-key': '' }, 400, 'idempotency_key_required'],
    ['a body that is not JSON', '{"amount":', {}, 400, 'invalid_json'],
    ['an amount with decimals', { ...payout, amount: '150.5' }, {}, 400, 'invalid_request'],
    ['an unknown field', { ...payout, memo: 'x' }, {}, 400, 'invalid_request'],
    ['a currency it does not pay', { ...payout, currency: 'USD' }, {}, 400, 'unsupported_currency'],
  ] as const)('refuses %s, taking nothing', async (_name, body, headers, status, code) => {
    const sim = await simulator();
    const response = await post(sim, body, headers);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(sim.payouts()).toEqual([]);
  });

  it('answers 503 on demand, then recovers', async () => {
    const sim = await simulator();
    sim.failNext(1);
    expect((await post(sim, payout)).status).toBe(503);
    expect(sim.payouts()).toEqual([]);
    expect((await post(sim, payout)).status).toBe(201);
  });
});

describe('webhooks', () => {
  it('signs each answer with the shared secret over the exact body', async () => {
    const hook = await receiver();
    const clock = new ManualClock('2026-01-15T01:00:00Z');
    const sim = await simulator({ webhookUrl: hook.url, clock });
    await post(sim, payout);
    await sim.settle();
    expect(hook.received).toHaveLength(2);
    for (const message of hook.received) expect(verifyWebhook([SECRET], message.headers, message.body, clock.now())).toMatchObject({ ok: true });
    const events = hook.received.map((m) => JSON.parse(m.body) as { type: string; data: { status: string } });
    expect(events.map((e) => e.type)).toEqual(['payout.processing', 'payout.succeeded']);
  });

  it('retries an endpoint that answers 500, up to its attempt limit', async () => {
    const hook = await receiver(500);
    const sim = await simulator({ webhookUrl: hook.url, webhookAttemptsMax: 2 });
    await post(sim, payout);
    await sim.settle();
    expect(hook.received).toHaveLength(4);
    const attempts = (type: string) => sim.deliveries().filter((d) => d.type === type).map((d) => [d.attempt, d.statusCode]);
    expect(attempts('payout.processing')).toEqual([[1, 500], [2, 500]]);
    expect(attempts('payout.succeeded')).toEqual([[1, 500], [2, 500]]);
  });
});

describe('determinism', () => {
  async function outcomes(seed: number): Promise<string[]> {
    const sim = await simulator({ seed, rejectionRate: 0.5, timeoutRate: 0.3 });
    for (let i = 0; i < 24; i++) {
      const reference = `cot_seed${String(i).padStart(3, '0')}`;
      await post(sim, { ...payout, reference }, { 'idempotency-key': reference });
    }
    await sim.settle();
    return sim.payouts().sort((a, b) => a.reference.localeCompare(b.reference)).map((p) => `${p.id}:${p.status}:${p.failure_reason}`);
  }

  it('behaves the same with the same seed, and differently with another', async () => {
    const a = await outcomes(11);
    const b = await outcomes(11);
    const c = await outcomes(12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.some((o) => o.includes(':failed:'))).toBe(true);
    expect(a.some((o) => o.includes(':succeeded:'))).toBe(true);
  });
});
