// The credit jobs on a timer: post due clearances, return expired unclaimed value, release held
// value as room appears, and claim for numbers registered behind the hook's back. Each run is
// bounded; one tick never overlaps the next; a failing job is logged and tried again next tick.
import type { Logger } from '../../shared/logger.ts';
import { CLEARANCES_PER_RUN_MAX } from './clearance.ts';
import type { CreditsService } from './service.ts';
import { RETURNS_PER_RUN_MAX } from './unclaimed.ts';

export const CREDIT_JOBS_INTERVAL_MS = 5_000;
/** Full batches in a row before a job yields to the next tick. */
const ROUNDS_PER_TICK_MAX = 20;

export interface JobsRun {
  cleared: number;
  returned: number;
  released: bigint;
  claimed: number;
}

export class CreditJobs {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<JobsRun> | null = null;
  private heldCursor = '';
  private claimCursor = '';

  constructor(
    private readonly credits: CreditsService,
    private readonly logger: Logger,
    private readonly intervalMs = CREDIT_JOBS_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => undefined);
  }

  /** Every job once (until its backlog or the round limit is exhausted). */
  runOnce(): Promise<JobsRun> {
    if (this.running) return this.running;
    this.running = this.runAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async tick(): Promise<void> {
    try {
      await this.runOnce();
    } catch (error) {
      this.logger.error({ err: error }, 'credit jobs failed');
    }
  }

  private async runAll(): Promise<JobsRun> {
    const run: JobsRun = { cleared: 0, returned: 0, released: 0n, claimed: 0 };
    run.cleared = await this.repeat(() => this.credits.clearDueCredits(), CLEARANCES_PER_RUN_MAX);
    run.returned = await this.repeat(() => this.credits.returnExpiredUnclaimed(), RETURNS_PER_RUN_MAX);
    const claim = await this.credits.claimForRegisteredPhones(this.claimCursor);
    this.claimCursor = claim.next;
    run.claimed = claim.claimed;
    const release = await this.credits.releaseHeldSweep(this.heldCursor);
    this.heldCursor = release.next;
    run.released = release.released;
    return run;
  }

  private async repeat(job: () => Promise<number>, full: number): Promise<number> {
    let total = 0;
    for (let round = 0; round < ROUNDS_PER_TICK_MAX; round++) {
      const done = await job();
      total += done;
      if (done < full) break;
    }
    return total;
  }
}
