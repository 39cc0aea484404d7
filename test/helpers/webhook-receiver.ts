// A partner's webhook endpoint for tests: a real HTTP server on 127.0.0.1 (port 0) that records
// each request, checks its Standard Webhooks signature against the secrets it is given (with the
// standardwebhooks package, as a partner would), and answers as scripted.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** For each secret given to the receiver: whether the request verified with it. */
  verified: boolean[];
}

export interface Reply {
  status: number;
  /** Wait this long before answering (to test timeouts). */
  delay_ms?: number;
  body?: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Secrets to verify with; set after the endpoint is created (the secret is shown then). */
  secrets: string[];
  /** Replies for the next requests, in order; afterwards `fallback`. */
  script: Reply[];
  fallback: Reply;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    secrets: [],
    script: [],
    fallback: { status: 200 },
    close: async () => undefined,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
    const verified = receiver.secrets.map((secret) => {
      try {
        new Webhook(secret).verify(body, headers);
        return true;
      } catch {
        return false;
      }
    });
    receiver.received.push({ headers, body, verified });
    const reply = receiver.script.shift() ?? receiver.fallback;
    const answer = () => {
      if (response.destroyed) return;
      response.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body ?? '');
    };
    if (reply.delay_ms) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, reply.delay_ms);
      timers.add(timer);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hooks`;
  receiver.close = async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
