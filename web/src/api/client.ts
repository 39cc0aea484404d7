// The one way the app talks to the server: JSON over the public API, in the person's language,
// with their bearer token. Errors keep the API's own (already localised) message and code.
import { currentLang } from '../i18n/index.ts';

export interface ApiErrorBody {
  type: string;
  code: string;
  message: string;
  param?: string;
  request_id?: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.param = body.param;
    this.requestId = body.request_id;
    this.details = body.details ?? {};
  }
}

/** The server could not be reached at all (offline, server down): not an API answer. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NetworkError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Money-moving POSTs carry one; a retried click reuses it so nothing happens twice. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** A body sent as is (e.g. an XML statement) with its content type, instead of JSON. */
  rawBody?: string;
  contentType?: string;
}

type UnauthorizedListener = (token: string) => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** A session that expired or was revoked elsewhere: its owner signs the person out. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function headersFor(options: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLang() };
  if (options.rawBody !== undefined) headers['content-type'] = options.contentType ?? 'text/plain';
  else if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  return headers;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: ApiErrorBody };
    if (parsed.error?.code) return new ApiError(response.status, parsed.error);
  } catch {
    // Not the API's JSON error (a proxy or a crash page): fall through to a plain one.
  }
  return new ApiError(response.status, { type: 'api_error', code: `http_${response.status}`, message: text.slice(0, 200) || response.statusText });
}

export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers: headersFor(options),
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError(error);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    // Only a session the server no longer knows signs out; a wrong PIN is also a 401, and must not.
    if (response.status === 401 && error.code === 'unauthenticated' && options.token) for (const listener of unauthorizedListeners) listener(options.token);
    throw error;
  }
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function newIdempotencyKey(): string {
  return `web-${crypto.randomUUID()}`;
}
