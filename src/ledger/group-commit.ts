// Group commit: concurrent callers' batches are gathered for a moment and written in one database
// transaction — one fsync for many transfers. Each caller gets exactly its own results back.
// Bounded everywhere: batch size, batches in flight, queue length.
import type { TransferResult } from './errors.ts';
import { LedgerError } from './errors.ts';
import type { TransferInput } from './types.ts';

export interface GroupCommitOptions {
  /** How long the first caller waits for others (µs). Below 1,000 µs: one event-loop turn. */
  windowUs: number;
  /** Most transfers in one transaction (a single larger call still goes alone, whole). */
  batchMax: number;
  /** Batches in flight at once: while one waits for its fsync, the next is being written. */
  committers: number;
  /** Transfers waiting at most; beyond it callers get an error instead of unbounded memory. */
  queueMax: number;
}

type Run = (transfers: TransferInput[], segments: number[]) => Promise<TransferResult[]>;

interface Pending {
  transfers: TransferInput[];
  resolve: (results: TransferResult[]) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitStats {
  batches: number;
  transfers: number;
  largestBatch: number;
}

export class GroupCommitter {
  private queue: Pending[] = [];
  private queued = 0;
  private inFlight = 0;
  private timer: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  readonly stats: GroupCommitStats = { batches: 0, transfers: 0, largestBatch: 0 };

  constructor(
    private readonly run: Run,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(transfers: TransferInput[]): Promise<TransferResult[]> {
    if (this.closed) return Promise.reject(new LedgerError('the ledger is closed'));
    if (transfers.length === 0) return Promise.resolve([]);
    if (this.queued + transfers.length > this.options.queueMax) {
      return Promise.reject(new LedgerError(`group commit queue is full (${this.queued} transfers waiting)`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ transfers, resolve, reject });
      this.queued += transfers.length;
      this.schedule();
    });
  }

  /** Refuses new work and resolves once every batch in flight has committed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length > 0) this.flush();
    if (this.inFlight === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.inFlight >= this.options.committers) return; // a finishing batch flushes the queue
    if (this.queued >= this.options.batchMax) {
      this.flush();
      return;
    }
    if (this.timer) return;
    const windowUs = this.options.windowUs;
    this.timer = windowUs < 1000 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), Math.floor(windowUs / 1000));
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
    while (this.inFlight < this.options.committers && this.queue.length > 0) {
      const taken: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        if (taken.length > 0 && size + next.transfers.length > this.options.batchMax) break;
        taken.push(this.queue.shift()!);
        size += next.transfers.length;
      }
      this.queued -= size;
      this.dispatch(taken, size);
    }
  }

  private dispatch(taken: Pending[], size: number): void {
    this.inFlight++;
    this.stats.batches++;
    this.stats.transfers += size;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, size);
    const transfers = taken.length === 1 ? taken[0]!.transfers : taken.flatMap((p) => p.transfers);
    this.run(transfers, taken.map((p) => p.transfers.length))
      .then((results) => {
        let offset = 0;
        for (const p of taken) {
          p.resolve(results.slice(offset, offset + p.transfers.length));
          offset += p.transfers.length;
        }
      })
      .catch((error: unknown) => {
        for (const p of taken) p.reject(error);
      })
      .finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.flush();
        else if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
  }
}
