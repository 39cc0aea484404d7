// Single credits from concurrent requests are planned and written together: each request waits
// one event-loop turn for others of the same partner, and they go through ingest as one chunk.
// The per-chunk queries (replays, phones, wallets, balances) and the ledger call are then shared
// by dozens of requests instead of paid by each — the group commit of the credit path. Every
// request still gets its own result: a refused credit is refused alone.
import { CHUNK_SIZE, type ItemResult } from './ingest.ts';
import type { CreditRequest } from './request.ts';

interface Waiting {
  request: CreditRequest;
  resolve: (result: ItemResult) => void;
  reject: (error: unknown) => void;
}

type Ingest = (partnerId: string, requests: CreditRequest[]) => Promise<ItemResult[]>;

/** Chunks of one partner in flight at once; the rest wait and are gathered meanwhile. */
const IN_FLIGHT_MAX = 2;
/** Requests waiting at most, per partner: beyond it a request is refused rather than queued without bound. */
const WAITING_MAX = 50_000;

export class CreditCoalescer {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly inFlight = new Map<string, number>();
  private timer: NodeJS.Immediate | null = null;

  constructor(private readonly ingest: Ingest) {}

  submit(partnerId: string, request: CreditRequest): Promise<ItemResult> {
    const queue = this.waiting.get(partnerId) ?? [];
    if (queue.length >= WAITING_MAX) return Promise.resolve({ ok: false, error: { code: 'rate_limited' } });
    return new Promise((resolve, reject) => {
      queue.push({ request, resolve, reject });
      this.waiting.set(partnerId, queue);
      this.timer ??= setImmediate(() => {
        this.timer = null;
        this.flush();
      });
    });
  }

  private flush(): void {
    for (const [partnerId, queue] of this.waiting) {
      while (queue.length > 0 && (this.inFlight.get(partnerId) ?? 0) < IN_FLIGHT_MAX) this.dispatch(partnerId, queue.splice(0, CHUNK_SIZE));
      if (queue.length === 0) this.waiting.delete(partnerId);
    }
  }

  private dispatch(partnerId: string, taken: Waiting[]): void {
    this.inFlight.set(partnerId, (this.inFlight.get(partnerId) ?? 0) + 1);
    this.ingest(partnerId, taken.map((w) => w.request))
      .then(
        (results) => taken.forEach((w, i) => w.resolve(results[i]!)),
        (error: unknown) => taken.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        const left = (this.inFlight.get(partnerId) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(partnerId);
        else this.inFlight.set(partnerId, left);
        if (this.waiting.has(partnerId)) this.flush();
      });
  }
}
