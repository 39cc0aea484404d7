// A readable difference between two policy documents, for staff reviewing a change before and
// after publishing it: one line per changed field, with dotted paths like the validation errors.
// Holiday lists are matched by date, so adding one holiday is one change, not a shifted list.

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface PolicyChange {
  path: string;
  change: ChangeKind;
  from?: unknown;
  to?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Arrays whose items all carry a `date` are keyed by it; others by position. */
function keyed(items: unknown[]): Map<string, unknown> {
  const byDate = items.every((item) => isObject(item) && typeof item.date === 'string');
  return new Map(items.map((item, index) => [byDate ? String((item as { date: string }).date) : String(index), item]));
}

function walk(from: unknown, to: unknown, path: string, out: PolicyChange[]): void {
  if (Array.isArray(from) && Array.isArray(to)) {
    const a = keyed(from);
    const b = keyed(to);
    for (const [key, item] of a) walk(item, b.has(key) ? b.get(key) : undefined, `${path}.${key}`, out);
    for (const [key, item] of b) if (!a.has(key)) out.push({ path: `${path}.${key}`, change: 'added', to: item });
    return;
  }
  if (isObject(from) && isObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const key of keys) {
      const child = path ? `${path}.${key}` : key;
      if (!Object.hasOwn(to, key)) out.push({ path: child, change: 'removed', from: from[key] });
      else if (!Object.hasOwn(from, key)) out.push({ path: child, change: 'added', to: to[key] });
      else walk(from[key], to[key], child, out);
    }
    return;
  }
  if (to === undefined) {
    out.push({ path, change: 'removed', from });
    return;
  }
  if (JSON.stringify(from) !== JSON.stringify(to)) out.push({ path, change: 'changed', from, to });
}

export function diffDocuments(from: unknown, to: unknown): PolicyChange[] {
  const out: PolicyChange[] = [];
  walk(from, to, '', out);
  return out;
}

/** "~ fees.bank.fixed: "500" → "300"", "+ …", "- …": one line per change. */
export function formatChanges(changes: PolicyChange[]): string {
  return changes
    .map((c) => {
      if (c.change === 'added') return `+ ${c.path}: ${JSON.stringify(c.to)}`;
      if (c.change === 'removed') return `- ${c.path}: ${JSON.stringify(c.from)}`;
      return `~ ${c.path}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`;
    })
    .join('\n');
}
