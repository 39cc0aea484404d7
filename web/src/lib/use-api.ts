// Loading state for one GET: data, error, loading and reload, with stale answers ignored when
// the path changes or the screen goes away.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type RequestOptions } from '../api/client.ts';
import { useTranslation } from 'react-i18next';

export interface ApiState<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(path: string | null, options: Pick<RequestOptions, 'token' | 'query'> = {}): ApiState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [version, setVersion] = useState(0);
  const { i18n } = useTranslation();
  const query = options.query ? JSON.stringify(options.query) : '';
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api<T>(path, { ...optionsRef.current, signal: controller.signal })
      .then((result) => {
        if (!controller.signal.aborted) setData(result);
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
    // The language is a dependency: the API answers (and its messages) follow it.
  }, [path, query, options.token, version, i18n.language]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload };
}

/** A form's submit: busy flag and the error of the last attempt. */
export function useAction<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const runRef = useRef(run);
  runRef.current = run;
  const act = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await runRef.current(...args);
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { act, busy, error, setError };
}
