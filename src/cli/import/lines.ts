// Lines of an input file from a byte offset, each with the offset just past it, so that an import
// can say exactly how much of the file is done. A line longer than the credits API allows is
// reported as such and skipped to its end, so memory stays flat whatever the file holds.
import { createReadStream } from 'node:fs';

export interface InputLine {
  /** 1-based line number in the whole file. */
  line: number;
  /** Offset just past the line's newline (or the end of the file). */
  end: number;
  /** null when the line is longer than allowed. */
  text: string | null;
}

const NEWLINE = 0x0a;

export async function* readInputLines(
  path: string,
  options: { start: number; firstLine: number; lineBytesMax: number; onChunk?: (chunk: Buffer) => void; stop?: () => boolean },
): AsyncGenerator<InputLine> {
  let line = options.firstLine - 1;
  let offset = options.start;
  let parts: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const finish = (end: number): InputLine => {
    line++;
    const text = overflow ? null : Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
    parts = [];
    size = 0;
    overflow = false;
    return { line, end, text };
  };
  for await (const piece of createReadStream(path, { start: options.start, highWaterMark: 64 * 1024 })) {
    const chunk = piece as Buffer;
    options.onChunk?.(chunk);
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
      if (!overflow) {
        if (size + (at - from) > options.lineBytesMax) overflow = true;
        else parts.push(chunk.subarray(from, at));
      }
      from = at + 1;
      yield finish(offset + from);
      if (options.stop?.()) return;
    }
    if (from < chunk.length && !overflow) {
      size += chunk.length - from;
      if (size > options.lineBytesMax) {
        overflow = true;
        parts = [];
      } else parts.push(chunk.subarray(from));
    }
    offset += chunk.length;
  }
  if (size > 0 || overflow) yield finish(offset);
}
