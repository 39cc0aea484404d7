// POST /v1/credits/stream: NDJSON in, NDJSON out, unbounded. Lines are read as they arrive, parsed
// and validated one by one, gathered into chunks of CHUNK_SIZE and ingested with at most
// CHUNKS_IN_FLIGHT chunks in the ledger; each chunk's results are written as soon as it is done,
// in line order. Nothing waits for the whole body and nothing keeps what was already answered:
// the memory in use is a couple of chunks, whatever the length of the stream. When the client
// reads slowly, the generator is not pulled, so no more input is read (back-pressure both ways).
import type { CurrencyCode } from '../../money/index.ts';
import type { Lang } from '../../shared/errors.ts';
import { creditItemSchema, issueToError } from './fields.ts';
import { CHUNK_SIZE, type ItemResult } from './ingest.ts';
import { readLines } from './ndjson.ts';
import { toCreditRequest, type CreditRequest } from './request.ts';
import { CHUNKS_IN_FLIGHT, type CreditsService } from './service.ts';
import { itemOut } from './wire.ts';

interface Parsed {
  line: number;
  reference: string | null;
  request: CreditRequest | null;
  error: ItemResult | null;
}

export interface StreamSummary {
  lines: number;
  credits: number;
  failed: number;
  replayed: number;
}

function referenceOf(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const ref = (value as { partner_reference?: unknown }).partner_reference;
  return typeof ref === 'string' && ref.length <= 64 ? ref : null;
}

export async function* processCreditStream(
  credits: CreditsService,
  partnerId: string,
  currency: CurrencyCode,
  body: AsyncIterable<Buffer | string>,
  lang: Lang,
  options: { chunkSize?: number; inFlight?: number } = {},
): AsyncGenerator<string> {
  const schema = creditItemSchema(currency);
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  const inFlight = options.inFlight ?? CHUNKS_IN_FLIGHT;
  const summary: StreamSummary = { lines: 0, credits: 0, failed: 0, replayed: 0 };
  const queue: Promise<string>[] = [];

  const parse = (line: number, text: string): Parsed => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { line, reference: null, request: null, error: { ok: false, error: { code: 'invalid_json' } } };
    }
    const parsed = schema.safeParse(value, { reportInput: true });
    if (!parsed.success) return { line, reference: referenceOf(value), request: null, error: { ok: false, error: issueToError(parsed.error.issues[0]!) } };
    return { line, reference: parsed.data.partner_reference, request: toCreditRequest(parsed.data, currency), error: null };
  };

  const run = async (chunk: Parsed[]): Promise<string> => {
    const requests = chunk.flatMap((p) => (p.request ? [p.request] : []));
    let results: ItemResult[];
    try {
      results = requests.length > 0 ? await credits.ingestChunk(partnerId, requests) : [];
    } catch (error) {
      credits.deps.logger.error({ err: error, partner_id: partnerId, first_line: chunk[0]?.line }, 'credit stream chunk failed');
      results = requests.map(() => ({ ok: false, error: { code: 'internal_error' } }));
    }
    let next = 0;
    let out = '';
    for (const p of chunk) {
      const result = p.error ?? results[next++]!;
      if (result.ok) {
        summary.credits++;
        if (result.replayed) summary.replayed++;
      } else summary.failed++;
      out += `${JSON.stringify(itemOut({ line: p.line }, p.reference, result, lang))}\n`;
    }
    return out;
  };

  let chunk: Parsed[] = [];
  for await (const line of readLines(body)) {
    summary.lines = line.number;
    chunk.push('tooLong' in line ? { line: line.number, reference: null, request: null, error: { ok: false, error: { code: 'line_too_long' } } } : parse(line.number, line.text));
    if (chunk.length < chunkSize) continue;
    queue.push(run(chunk));
    chunk = [];
    // Keep `inFlight` chunks working; write the oldest as soon as there are more.
    if (queue.length >= inFlight) yield await queue.shift()!;
  }
  if (chunk.length > 0) queue.push(run(chunk));
  while (queue.length > 0) yield await queue.shift()!;
  yield `${JSON.stringify({ object: 'summary', ...summary })}\n`;
}
