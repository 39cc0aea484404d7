import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { micros, type Micros } from '../money/index.ts';
import { CSV_BOM, CSV_COLUMNS, csvLine, historyCsv } from './history-csv.ts';
import type { HistoryEntry } from './history.ts';

const entry = (overrides: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id: 'txf_01h455vb4pex5vsknk084sn02q',
  created_at: new Date('2026-03-31T15:00:00Z'),
  type: 'credit',
  direction: 'in',
  class: 'cashable',
  amount: micros(1n) as Micros,
  currency: 'KRW',
  status: 'posted',
  source: 'tip',
  description: null,
  note: null,
  counterparty: { kind: 'partner', id: 'ptn_x', name: 'Quiz', phone: null },
  fee: null,
  resolved_at: null,
  ...overrides,
});

/** RFC 4180 reader, enough to read back what we write. */
function parseLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      cells.push(value);
      i++;
    } else {
      const end = line.indexOf(',', i);
      cells.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return cells;
}

describe('csvLine', () => {
  it('writes local time, signed micro-precise amounts, and the fee', () => {
    const out = csvLine(entry({ direction: 'out', amount: micros(123_456_789n) as Micros, fee: micros(5_000_000n) as Micros, type: 'send' }), 'Asia/Seoul');
    expect(parseLine(out.trimEnd())).toEqual([
      'txf_01h455vb4pex5vsknk084sn02q', '2026-03-31T15:00:00.000Z', '2026-04-01 00:00:00', 'send', 'out', 'cashable', 'posted', '-12345.6789', 'KRW', '500', 'tip', 'Quiz', '', '',
    ]);
    expect(out.endsWith('\r\n')).toBe(true);
  });

  it('round-trips any text, and defuses what a spreadsheet would run as a formula', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (description, note) => {
        const cells = parseLine(csvLine(entry({ description: description || null, note: note || null }), 'Asia/Seoul').slice(0, -2));
        expect(cells).toHaveLength(CSV_COLUMNS.length);
        const expected = (text: string) => (text === '' ? '' : /^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
        expect(cells[12]).toBe(expected(description));
        expect(cells[13]).toBe(expected(note));
      }),
    );
    expect(csvLine(entry({ note: '=HYPERLINK("http://x")' }), 'UTC')).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});

describe('historyCsv', () => {
  it('starts with the BOM and the header, and streams rows in chunks', async () => {
    async function* many() {
      for (let i = 0; i < 450; i++) yield entry({ amount: micros(BigInt(i + 1)) as Micros });
    }
    const chunks: string[] = [];
    for await (const chunk of historyCsv(many(), 'Asia/Seoul')) chunks.push(chunk);
    expect(chunks[0]).toBe(`${CSV_BOM}${CSV_COLUMNS.join(',')}\r\n`);
    expect(chunks.length).toBe(4);
    const rows = chunks.slice(1).join('').split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(450);
    expect(parseLine(rows[449]!)[7]).toBe('0.045');
  });
});
