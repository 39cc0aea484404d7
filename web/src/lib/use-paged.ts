// Cursor pages (`starting_after` = the last id of the previous page, `has_more`): a stack of
// cursors so that "previous" goes back exactly.
import { useEffect, useState } from 'react';
import type { List } from '../api/types.ts';
import { useApi } from './use-api.ts';

export function usePaged<T extends { id: string }>(path: string | null, token: string, query: Record<string, string | undefined> = {}, limit = 20) {
  const [cursors, setCursors] = useState<string[]>([]);
  const key = JSON.stringify(query);
  // A new filter starts again from the first page.
  useEffect(() => setCursors([]), [key, path]);
  const after = cursors[cursors.length - 1];
  const state = useApi<List<T>>(path, { token, query: { ...query, limit, starting_after: after } });
  const items = state.data?.data ?? [];
  return {
    ...state,
    items,
    page: cursors.length + 1,
    hasNext: Boolean(state.data?.has_more),
    hasPrevious: cursors.length > 0,
    next: () => {
      const last = items[items.length - 1];
      if (last) setCursors([...cursors, last.id]);
    },
    previous: () => setCursors(cursors.slice(0, -1)),
  };
}
