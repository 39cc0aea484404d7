// `smallchange credits import <file.csv|file.ndjson>`: a partner's credits in bulk, from a file,
// through the same stream service as POST /v1/credits/stream. Progress on stderr, a summary on
// stdout, failed lines in <file>.errors.ndjson. Interrupted (Ctrl-C, a kill, a crash), it resumes
// where its checkpoint (<file>.checkpoint.json) says the file was done; lines done after the last
// checkpoint are sent again and answered as replays of their partner_reference, so nothing is
// credited twice.
import { existsSync, openSync, closeSync, ftruncateSync, statSync, writeSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { DomainError } from '../shared/errors.ts';
import { CREDIT_CHUNK_SIZE, processCreditStream } from '../wallets/index.ts';
import { checkpointPath, hashOfPrefix, PrefixHasher, readCheckpoint, writeCheckpoint, type ImportTotals } from './import/checkpoint.ts';
import { readHeader, rowToItem, type CsvHeader } from './import/csv.ts';
import { readInputLines } from './import/lines.ts';
import { ProgressBar, rate } from './import/progress.ts';
import { EXIT, setExitStatus } from './exit.ts';

/** The credits API's longest line. */
const LINE_BYTES_MAX = 8192;

interface ImportOptions {
  partner?: string;
  apiKey?: string;
  format?: string;
  chunkSize: string;
  restart?: boolean;
}

class UsageError extends Error {}

function formatOf(file: string, given: string | undefined): 'csv' | 'ndjson' {
  if (given === 'csv' || given === 'ndjson') return given;
  if (given !== undefined) throw new UsageError('--format is csv or ndjson');
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw new UsageError('name the format with --format csv|ndjson (the file ends in neither .csv nor .ndjson/.jsonl)');
}

async function partnerOf(runtime: Runtime, options: ImportOptions): Promise<string> {
  const identity = runtime.ctx.services.identity;
  if (options.apiKey) {
    const principal = await identity.authenticateApiKey(options.apiKey);
    if (!principal) throw new UsageError('the API key is not valid (unknown, revoked, expired, or its partner is disabled)');
    if (!principal.scopes.includes('credits:write')) throw new UsageError('the API key lacks the credits:write scope');
    return principal.partnerId;
  }
  try {
    const partner = await identity.getPartner(runtime.ctx.database.db, options.partner!);
    if (partner.status !== 'active') throw new UsageError(`partner ${partner.id} is disabled`);
    return partner.id;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'partner_not_found') throw new UsageError(`no partner ${options.partner}`);
    throw error;
  }
}

interface Entry {
  line: number;
  end: number;
  /** The stream's line number for a line sent to the service; null for a line refused here. */
  seq: number | null;
  result: { ok: boolean; replayed: boolean; record: string | null } | null;
}

function summaryLines(totals: ImportTotals, run: { lines: number; ms: number }, file: string, complete: boolean): string {
  return [
    `${complete ? 'imported' : 'stopped'}: ${totals.lines.toLocaleString('en-US')} lines — ${totals.credits.toLocaleString('en-US')} credited (${totals.replayed.toLocaleString('en-US')} already there), ${totals.failed.toLocaleString('en-US')} failed`,
    `this run: ${run.lines.toLocaleString('en-US')} lines in ${(run.ms / 1000).toFixed(1)} s (${rate(run.lines, 0, run.ms).toLocaleString('en-US')} lines/s)`,
    ...(totals.failed > 0 ? [`failed lines: ${file}.errors.ndjson`] : []),
    ...(complete ? [] : [`run the same command again to resume (checkpoint ${checkpointPath(file)})`]),
  ].join('\n');
}

export function registerCredits(program: Command): void {
  const credits = program.command('credits').description("partner micro-credits");
  credits
    .command('import')
    .description('credit many people from a CSV or NDJSON file as a partner; resumable, never credits twice')
    .argument('<file>', 'CSV (header: partner_reference,phone|user_id,amount,source[,description][,currency][,metadata.<key>…]) or NDJSON (the POST /v1/credits item per line)')
    .option('--partner <id>', 'the partner (ptn_…) to credit as')
    .option('--api-key <key>', 'or: the partner API key (scope credits:write)')
    .option('--format <format>', 'csv or ndjson (default: from the file extension)')
    .option('--chunk-size <n>', 'credits per ledger batch', String(CREDIT_CHUNK_SIZE))
    .option('--restart', 'ignore the checkpoint and start from the first line (references still prevent double credits)')
    .addHelpText('after', '\nExit codes: 0 every line credited (or already there), 1 some lines failed or the import was interrupted, 2 usage.')
    .action(async (fileArg: string, options: ImportOptions) => {
      try {
        await importFile(resolve(fileArg), options);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        process.stderr.write(`smallchange credits import: ${error.message}\n`);
        setExitStatus(EXIT.usage);
      }
    });
}

async function importFile(file: string, options: ImportOptions): Promise<void> {
  if (Boolean(options.partner) === Boolean(options.apiKey)) throw new UsageError('give the partner: --partner <id> or --api-key <key>');
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`no file ${file}`);
  const format = formatOf(file, options.format);
  const chunkSize = Number.parseInt(options.chunkSize, 10);
  if (!/^\d{1,5}$/.test(options.chunkSize) || chunkSize < 1 || chunkSize > CREDIT_CHUNK_SIZE) throw new UsageError(`--chunk-size is 1 to ${CREDIT_CHUNK_SIZE}`);

  const config = loadConfig();
  if (!config.DATABASE_URL) mkdirSync(config.DATA_DIR, { recursive: true });
  const runtime = await createRuntime({ ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL }, { background: false });
  try {
    const partner = await partnerOf(runtime, options);
    const { policy } = await runtime.ctx.services.policy.inForce();
    const size = statSync(file).size;

    const checkpoint = options.restart ? null : readCheckpoint(file);
    if (checkpoint) {
      if (checkpoint.partner !== partner) throw new UsageError(`the checkpoint belongs to partner ${checkpoint.partner}; use --restart to import as ${partner}`);
      if (checkpoint.format !== format) throw new UsageError(`the checkpoint was made reading ${checkpoint.format}`);
      if (checkpoint.bytes_done > size || (await hashOfPrefix(file, checkpoint.bytes_done)).digest('hex') !== checkpoint.prefix_sha256) {
        throw new UsageError(`${file} changed since its checkpoint; use --restart to import it from the first line`);
      }
    }
    const start = checkpoint?.bytes_done ?? 0;
    const errorsPath = `${file}.errors.ndjson`;
    // Failed lines written after the last checkpoint will be written again: cut them off.
    const errorsFd = openSync(errorsPath, checkpoint ? 'a+' : 'w');
    let errorsBytes = checkpoint?.errors_bytes ?? 0;
    ftruncateSync(errorsFd, errorsBytes);
    const totals: ImportTotals = checkpoint ? { ...checkpoint.totals } : { lines: 0, credits: 0, replayed: 0, failed: 0 };
    if (checkpoint?.complete && start === size) {
      closeSync(errorsFd);
      process.stdout.write(`${summaryLines(totals, { lines: 0, ms: 0 }, file, true)}\n`);
      if (totals.failed > 0) setExitStatus(EXIT.problem);
      return;
    }
    if (start > 0) process.stderr.write(`resuming ${file} after line ${checkpoint!.line_done.toLocaleString('en-US')} (${start.toLocaleString('en-US')} of ${size.toLocaleString('en-US')} bytes)\n`);

    const hasher = new PrefixHasher(await hashOfPrefix(file, start), start);
    let header: CsvHeader | null = checkpoint?.columns ? { columns: checkpoint.columns } : null;
    let stopping = false;
    const onSigint = () => {
      if (stopping) process.exit(EXIT.problem);
      stopping = true;
      process.stderr.write('\nstopping after the credits in flight; run again to resume\n');
    };
    process.on('SIGINT', onSigint);

    const entries: Entry[] = [];
    const bySeq = new Map<number, Entry>();
    let seq = 0;
    let lastLine = checkpoint?.line_done ?? 0;
    let lastEnd = start;
    let readAll = false;
    const runStarted = performance.now();
    let runLines = 0;
    const progress = new ProgressBar(process.stderr);
    const state = () => ({ bytesDone: lastEnd, bytesTotal: size, lines: totals.lines, credits: totals.credits, failed: totals.failed, startedMs: runStarted });

    const refuse = (line: number, code: string, message: string) =>
      `${JSON.stringify({ line, partner_reference: null, status: 'failed', error: { code, message } })}\n`;

    async function* body(): AsyncGenerator<string> {
      const lines = readInputLines(file, {
        start,
        firstLine: (checkpoint?.line_done ?? 0) + 1,
        lineBytesMax: LINE_BYTES_MAX,
        onChunk: (chunk) => hasher.push(chunk),
        stop: () => stopping,
      });
      for await (const input of lines) {
        if (input.text !== null && input.text.trim() === '') continue;
        if (input.text === null) {
          entries.push({ line: input.line, end: input.end, seq: null, result: { ok: false, replayed: false, record: refuse(input.line, 'line_too_long', `a line holds at most ${LINE_BYTES_MAX} bytes`) } });
          continue;
        }
        let json = input.text;
        if (format === 'csv') {
          if (!header) {
            try {
              header = readHeader(input.text);
            } catch (error) {
              throw new UsageError((error as Error).message);
            }
            lastLine = input.line;
            lastEnd = input.end;
            continue;
          }
          const row = rowToItem(header, input.text, policy.currency);
          if ('error' in row) {
            entries.push({ line: input.line, end: input.end, seq: null, result: { ok: false, replayed: false, record: refuse(input.line, row.error, 'the row does not match the header (count of fields, quotes)') } });
            continue;
          }
          json = JSON.stringify(row.item);
        }
        const entry: Entry = { line: input.line, end: input.end, seq: ++seq, result: null };
        entries.push(entry);
        bySeq.set(entry.seq!, entry);
        yield `${json}\n`;
      }
      readAll = !stopping;
    }

    /** Takes every line at the front whose result is known; checkpoints past them. */
    const advance = () => {
      let moved = false;
      while (entries.length > 0 && entries[0]!.result) {
        const entry = entries.shift()!;
        const result = entry.result!;
        totals.lines++;
        runLines++;
        if (result.ok) {
          totals.credits++;
          if (result.replayed) totals.replayed++;
        } else {
          totals.failed++;
          if (result.record) errorsBytes += writeSync(errorsFd, result.record);
        }
        lastLine = entry.line;
        lastEnd = entry.end;
        moved = true;
      }
      if (!moved && !readAll) return;
      const complete = readAll && entries.length === 0;
      const bytesDone = complete ? size : lastEnd;
      writeCheckpoint(file, {
        version: 1,
        partner,
        format,
        bytes_done: bytesDone,
        line_done: lastLine,
        prefix_sha256: hasher.upTo(bytesDone),
        columns: header?.columns ?? null,
        totals,
        complete,
        updated_at: new Date().toISOString(),
        errors_bytes: errorsBytes,
      });
    };

    try {
      for await (const out of processCreditStream(runtime.ctx.services.credits, partner, policy.currency, body(), 'en', { chunkSize })) {
        for (const text of out.split('\n')) {
          if (!text) continue;
          const item = JSON.parse(text) as { object?: string; line?: number; status?: string; replayed?: boolean; partner_reference?: string | null; error?: { code: string; message?: string } };
          if (item.object === 'summary' || item.line === undefined) continue;
          const entry = bySeq.get(item.line);
          if (!entry) continue;
          bySeq.delete(item.line);
          // A failure of our own side (the database) is not the line's fault: stop, so a resume retries it.
          if (item.status === 'failed' && item.error?.code === 'internal_error') {
            stopping = true;
            continue;
          }
          entry.result = item.status === 'failed'
            ? { ok: false, replayed: false, record: `${JSON.stringify({ line: entry.line, partner_reference: item.partner_reference ?? null, error: item.error })}\n` }
            : { ok: true, replayed: item.replayed === true, record: null };
        }
        advance();
        progress.update(state());
      }
      advance();
    } finally {
      process.off('SIGINT', onSigint);
      closeSync(errorsFd);
      progress.update(state(), true);
      progress.done();
    }
    const complete = readAll && entries.length === 0;
    process.stdout.write(`${summaryLines(totals, { lines: runLines, ms: performance.now() - runStarted }, file, complete)}\n`);
    if (!complete || totals.failed > 0) setExitStatus(EXIT.problem);
  } finally {
    await runtime.close();
  }
}
