// Credits files in CSV: a header row naming the columns, then one credit per row (RFC 4180:
// fields may be quoted, quotes doubled inside). Columns: partner_reference, phone or user_id,
// amount (decimal, major units), source, description (optional), currency (optional; the
// operator's), metadata.<key> (optional, any number). Each row becomes the JSON item the credits
// API takes, so the credits service validates it exactly as it validates the API's.

/** The fields of one CSV record, or null when its quotes do not close. */
export function parseCsvRecord(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
    i++;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

export const REQUIRED_COLUMNS = ['partner_reference', 'amount', 'source'] as const;

export interface CsvHeader {
  columns: string[];
}

/** Checks a header row; throws an Error naming what is wrong. */
export function readHeader(line: string): CsvHeader {
  const columns = parseCsvRecord(line.replace(/^\uFEFF/, ''))?.map((c) => c.trim());
  if (!columns) throw new Error('the CSV header has an unclosed quote');
  for (const required of REQUIRED_COLUMNS) if (!columns.includes(required)) throw new Error(`the CSV header has no "${required}" column`);
  if (columns.includes('phone') === columns.includes('user_id')) throw new Error('the CSV header needs exactly one of "phone" and "user_id"');
  const known = new Set(['partner_reference', 'phone', 'user_id', 'amount', 'currency', 'source', 'description']);
  const unknown = columns.find((c) => !known.has(c) && !/^metadata\.[A-Za-z0-9_.-]{1,40}$/.test(c));
  if (unknown !== undefined) throw new Error(`the CSV header has an unknown column "${unknown}"`);
  if (new Set(columns).size !== columns.length) throw new Error('the CSV header names a column twice');
  return { columns };
}

/** A data row as the credits API's JSON item; an error code when the row itself is malformed. */
export function rowToItem(header: CsvHeader, line: string, currency: string): { item: Record<string, unknown> } | { error: string } {
  const fields = parseCsvRecord(line);
  if (!fields) return { error: 'invalid_csv_row' };
  if (fields.length !== header.columns.length) return { error: 'invalid_csv_row' };
  const value = (column: string) => fields[header.columns.indexOf(column)];
  const metadata: Record<string, string> = {};
  header.columns.forEach((column, i) => {
    if (column.startsWith('metadata.') && fields[i] !== '') metadata[column.slice('metadata.'.length)] = fields[i]!;
  });
  const description = value('description');
  const item: Record<string, unknown> = {
    partner_reference: value('partner_reference'),
    recipient: header.columns.includes('phone') ? { phone: value('phone') } : { user_id: value('user_id') },
    amount: { amount: value('amount'), currency: value('currency') || currency },
    source: value('source'),
    ...(description ? { description } : {}),
    ...(Object.keys(metadata).length ? { metadata } : {}),
  };
  return { item };
}
