// History as CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads Hangul right),
// CRLF line ends (RFC 4180), amounts as decimal strings in major units — signed, negative when
// money left the wallet — and local times in the operator's zone next to the UTC instant.
// Text that a spreadsheet would run as a formula (=, +, -, @ first) is defused with a quote.
import { formatAmount } from '../money/index.ts';
import { localDateTime } from '../policy/index.ts';
import type { Counterparty, HistoryEntry } from './history.ts';

export const CSV_BOM = '\uFEFF';
export const CSV_COLUMNS = [
  'id', 'created_at', 'local_time', 'type', 'direction', 'class', 'status', 'amount', 'currency', 'fee', 'source', 'counterparty', 'description', 'note',
] as const;

/** Rows gathered into one chunk before it is written: fewer, larger writes. */
const ROWS_PER_CHUNK = 200;

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Free text from partners and people: never let a spreadsheet evaluate it. */
function textCell(value: string | null): string {
  if (value === null) return '';
  return quote(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

function counterpartyText(party: Counterparty | null): string | null {
  if (!party) return null;
  return party.name ?? party.phone ?? party.id ?? party.kind;
}

function localTime(at: Date, timeZone: string): string {
  const t = localDateTime(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.date} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}

export function csvHeaderLine(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvLine(entry: HistoryEntry, timeZone: string): string {
  const amount = formatAmount(entry.amount, entry.currency);
  const cells = [
    entry.id,
    entry.created_at.toISOString(),
    localTime(entry.created_at, timeZone),
    entry.type,
    entry.direction,
    entry.class,
    entry.status,
    entry.direction === 'out' ? `-${amount}` : amount,
    entry.currency,
    entry.fee === null ? '' : formatAmount(entry.fee, entry.currency),
    textCell(entry.source),
    textCell(counterpartyText(entry.counterparty)),
    textCell(entry.description),
    textCell(entry.note),
  ];
  return `${cells.join(',')}\r\n`;
}

/** The whole file as a stream of chunks: BOM and header first, then the entries as they come. */
export async function* historyCsv(entries: AsyncIterable<HistoryEntry>, timeZone: string): AsyncGenerator<string> {
  yield CSV_BOM + csvHeaderLine();
  let chunk = '';
  let rows = 0;
  for await (const entry of entries) {
    chunk += csvLine(entry, timeZone);
    if (++rows === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      rows = 0;
    }
  }
  if (chunk) yield chunk;
}
