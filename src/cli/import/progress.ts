// The import's progress on stderr: a bar redrawn in place on a terminal, a plain line every few
// seconds otherwise (logs, CI), with the throughput and an estimate of the time left.

export interface ProgressState {
  /** Bytes of the input whose lines have their results. */
  bytesDone: number;
  bytesTotal: number;
  lines: number;
  credits: number;
  failed: number;
  startedMs: number;
}

function eta(state: ProgressState, nowMs: number): string {
  const done = state.bytesDone / Math.max(state.bytesTotal, 1);
  if (done <= 0 || done >= 1) return '';
  const seconds = Math.round(((nowMs - state.startedMs) / 1000) * ((1 - done) / done));
  return seconds >= 60 ? ` ETA ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : ` ETA ${seconds}s`;
}

export function rate(count: number, startedMs: number, nowMs: number): number {
  const seconds = (nowMs - startedMs) / 1000;
  return seconds > 0 ? Math.round(count / seconds) : 0;
}

export function renderProgress(state: ProgressState, nowMs: number, width = 30): string {
  const fraction = Math.min(1, state.bytesDone / Math.max(state.bytesTotal, 1));
  const filled = Math.round(fraction * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${bar}] ${percent} ${state.lines.toLocaleString('en-US')} lines, ${state.credits.toLocaleString('en-US')} credited, ${state.failed.toLocaleString('en-US')} failed, ${rate(state.lines, state.startedMs, nowMs).toLocaleString('en-US')} lines/s${eta(state, nowMs)}`;
}

export class ProgressBar {
  private lastMs = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(state: ProgressState, force = false): void {
    const nowMs = this.now();
    const interactive = this.stream.isTTY === true;
    if (!force && nowMs - this.lastMs < (interactive ? 200 : 2000)) return;
    this.lastMs = nowMs;
    const text = renderProgress(state, nowMs);
    if (interactive) {
      this.stream.write(`\r${text}\x1b[K`);
      this.drawn = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
  }
}
