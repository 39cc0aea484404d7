// Shared benchmark plumbing: medians of alternating runs, ratios against a raw baseline measured
// in the same run, a printed table and bench/results/<suite>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Value of the baseline this figure is compared with (same run), or null for baselines. */
  baseline: number | null;
  ratio: number | null;
  baseline_name?: string;
  /** The ratio the issue asks for, when there is one. */
  target_ratio?: number;
  runs?: number[];
  notes?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs each case `runs` times, alternating cases (ABCABC…) so that drift hits all alike. */
export async function alternate<K extends string>(cases: Record<K, () => Promise<number>>, runs = 3, log = console.log): Promise<Record<K, number[]>> {
  const out = Object.fromEntries(Object.keys(cases).map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < runs; r++) {
    for (const [name, run] of Object.entries(cases) as [K, () => Promise<number>][]) {
      const value = await run();
      out[name].push(value);
      log(`  run ${r + 1}/${runs} ${name}: ${value.toFixed(0)}`);
    }
  }
  return out;
}

export function figure(name: string, runs: number[], unit: string, baseline?: { name: string; runs: number[]; target?: number }, notes?: string): Figure {
  const value = median(runs);
  const base = baseline ? median(baseline.runs) : null;
  return {
    name,
    value: Math.round(value * 10) / 10,
    unit,
    baseline: base === null ? null : Math.round(base * 10) / 10,
    ratio: base ? Math.round((value / base) * 1000) / 1000 : null,
    ...(baseline ? { baseline_name: baseline.name } : {}),
    ...(baseline?.target !== undefined ? { target_ratio: baseline.target } : {}),
    runs: runs.map((v) => Math.round(v)),
    ...(notes ? { notes } : {}),
  };
}

export function report(suite: string, figures: Figure[], context: Record<string, unknown>): void {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const path = new URL(`./results/${suite}.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
  writeFileSync(new URL(`./results/${suite}.context.json`, import.meta.url), `${JSON.stringify(context, null, 2)}\n`);
  const rows = figures.map((f) => {
    const verdict = f.target_ratio === undefined || f.ratio === null ? '' : f.ratio >= f.target_ratio ? `meets ≥ ${f.target_ratio}` : `BELOW ≥ ${f.target_ratio}`;
    return [f.name, `${f.value.toLocaleString('en-US')} ${f.unit}`, f.baseline_name ?? '', f.ratio === null ? '' : `${f.ratio.toFixed(3)}×`, verdict];
  });
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i]!.length), 4));
  console.log(`\n${suite}: medians of runs (${Object.entries(context).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')})`);
  for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`);
  console.log(`  written to bench/results/${suite}.json\n`);
}

/** A fresh database for a benchmark on the given server, with durable commits checked. */
export async function freshBenchDatabase(baseUrl: string, prefix: string): Promise<{ url: string; drop: () => Promise<void>; fsync: string; synchronousCommit: string }> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const name = `${prefix}_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  // Durable commits for every connection of this database, whatever the server default is.
  await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = on`);
  const fsync = (await admin.query('SHOW fsync')).rows[0].fsync as string;
  if (fsync !== 'on') throw new Error('fsync is off on this server: the figures would not be durable, refusing to benchmark');
  const parsed = new URL(baseUrl);
  parsed.pathname = `/${name}`;
  const probe = new pg.Client({ connectionString: parsed.toString() });
  await probe.connect();
  const synchronousCommit = (await probe.query('SHOW synchronous_commit')).rows[0].synchronous_commit as string;
  await probe.end();
  return {
    url: parsed.toString(),
    fsync,
    synchronousCommit,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function timed(work: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const count = await work();
  return count / ((performance.now() - started) / 1000);
}

/** Runs `n` workers that each pull items until the shared cursor reaches `total`. */
export async function pool(workers: number, total: number, work: (index: number, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (;;) {
        const index = next++;
        if (index >= total) return;
        await work(index, worker);
      }
    }),
  );
}
