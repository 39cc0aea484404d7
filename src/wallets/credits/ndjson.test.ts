import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines, type Line } from './ndjson.ts';

async function collect(pieces: (string | Buffer)[], max?: number): Promise<Line[]> {
  const out: Line[] = [];
  async function* source() {
    for (const p of pieces) yield typeof p === 'string' ? Buffer.from(p) : p;
  }
  for await (const line of readLines(source(), max)) out.push(line);
  return out;
}

describe('readLines', () => {
  it('splits lines across chunk boundaries, numbers them, skips blank ones, keeps a last line without newline', async () => {
    expect(await collect(['{"a":', '1}\n\n{"b"', ':2}\r\n', '{"c":3}'])).toEqual([
      { number: 1, text: '{"a":1}' },
      { number: 3, text: '{"b":2}' },
      { number: 4, text: '{"c":3}' },
    ]);
  });

  it('decodes UTF-8 split between chunks', async () => {
    const bytes = Buffer.from('{"d":"적립"}\n');
    expect(await collect([bytes.subarray(0, 8), bytes.subarray(8)])).toEqual([{ number: 1, text: '{"d":"적립"}' }]);
  });

  it('reports a line over the limit and goes on with the next', async () => {
    expect(await collect(['x'.repeat(5), 'y'.repeat(10), '\nok\n'], 8)).toEqual([{ number: 1, tooLong: true }, { number: 2, text: 'ok' }]);
  });

  it('property: any chunking of the same text gives the same lines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 12 }).map((s) => s.replace(/\n/g, '')), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }), async (lines, cuts) => {
        const text = lines.join('\n');
        const whole = await collect([text]);
        const pieces: string[] = [];
        let at = 0;
        for (let i = 0; at < text.length; i++) {
          const size = cuts[i % cuts.length]!;
          pieces.push(text.slice(at, at + size));
          at += size;
        }
        expect(await collect(pieces)).toEqual(whole);
        expect(whole.map((l) => ('text' in l ? l.text : ''))).toEqual(lines.map((l, i) => ({ l: l.replace(/\r$/, ''), i })).filter(({ l }) => l.trim() !== '').map(({ l }) => l));
      }),
    );
  });
});
