// NDJSON in, line by line, from a byte stream: never more than one line (≤ LINE_BYTES_MAX) held,
// whatever the size of the body. A longer line is reported and skipped to its end.
export const LINE_BYTES_MAX = 8192;

export type Line = { number: number; text: string } | { number: number; tooLong: true };

const NEWLINE = 0x0a;

function clean(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

export async function* readLines(body: AsyncIterable<Buffer | string>, lineBytesMax = LINE_BYTES_MAX): AsyncGenerator<Line> {
  // The start of a line that began in an earlier chunk. Chunks are not reused by the stream once
  // handed over, so holding slices of them is safe.
  let parts: Buffer[] = [];
  let size = 0;
  let number = 0;
  let overflow = false;
  const result = (text: string): Line | null => (text.trim() === '' ? null : { number, text: clean(text) });

  for await (const piece of body) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      number++;
      let line: Line | null;
      if (overflow || size + (at - start) > lineBytesMax) line = { number, tooLong: true };
      // Most lines lie within one chunk: decode them in place, without copying.
      else if (size === 0) line = result(chunk.toString('utf8', start, at));
      else line = result(Buffer.concat([...parts, chunk.subarray(start, at)]).toString('utf8'));
      parts = [];
      size = 0;
      overflow = false;
      start = at + 1;
      // Blank lines are counted but carry no credit.
      if (line) yield line;
    }
    if (start < chunk.length && !overflow) {
      size += chunk.length - start;
      if (size > lineBytesMax) {
        overflow = true;
        parts = [];
      } else parts.push(chunk.subarray(start));
    }
  }
  if (size > 0 || overflow) {
    number++;
    const line = overflow || size > lineBytesMax ? { number, tooLong: true as const } : result(Buffer.concat(parts).toString('utf8'));
    if (line) yield line;
  }
}
