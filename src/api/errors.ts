// Maps everything a route can throw to the one error shape:
// { "error": { "type", "code", "message", "param", "request_id" } } — in the caller's language.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, errorSpec, type Lang } from '../shared/errors.ts';
import { MoneyError } from '../money/index.ts';

export interface ErrorBody {
  error: { type: string; code: string; message: string; param?: string; request_id: string };
}

export function requestLang(request: FastifyRequest): Lang {
  const header = request.headers['accept-language'];
  if (typeof header !== 'string') return 'en';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('ko') ? 'ko' : 'en';
}

function body(request: FastifyRequest, code: string, param?: string, detail?: string): { status: number; payload: ErrorBody } {
  const spec = errorSpec(code) ?? errorSpec('invalid_request')!;
  const lang = requestLang(request);
  const message = detail && lang === 'en' ? `${spec.en} ${detail}` : spec[lang];
  return {
    status: spec.status,
    payload: { error: { type: spec.type, code, message, ...(param ? { param } : {}), request_id: request.id } },
  };
}

interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  input?: unknown;
  params?: { code?: string };
}

interface ValidationEntry {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { issue?: ZodLikeIssue; keys?: string[]; input?: unknown; params?: { code?: string } };
}

/**
 * fastify-type-provider-zod 7 hands each zod issue over as { keyword: code, instancePath, message,
 * params: the issue's other fields }. Zod 4 leaves the input out of issues, so a missing field is
 * known by its message ("… received undefined").
 */
function issueOfEntry(entry: ValidationEntry): ZodLikeIssue | undefined {
  if (!entry.keyword) return undefined;
  const message = entry.message ?? '';
  const params = entry.params ?? {};
  const missing = 'input' in params ? params.input === undefined : /received undefined$/.test(message);
  return {
    code: entry.keyword,
    path: (entry.instancePath ?? '').split('/').filter(Boolean),
    message,
    keys: params.keys,
    input: missing ? undefined : null,
    params: params.params,
  };
}

/** The first zod issue decides the code: a person fixes one thing at a time. */
function zodIssueToCode(issue: ZodLikeIssue, location: string): { code: string; param?: string; detail?: string } {
  const path = issue.path.map(String).join('.');
  const param = path || undefined;
  if (issue.params?.code) return { code: issue.params.code, param, detail: issue.message };
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys?.[0] ?? '';
    return { code: 'unknown_field', param: [path, key].filter(Boolean).join('.'), detail: `Unknown field "${key}".` };
  }
  // zod 4 leaves `input` out of issues unless asked; its message says "received undefined".
  const absent = 'input' in issue ? issue.input === undefined : /received undefined$/.test(issue.message);
  if (issue.code === 'invalid_type' && absent) {
    return { code: 'missing_field', param, detail: `"${path || location}" is required.` };
  }
  if (issue.code === 'invalid_type') return { code: 'invalid_type', param, detail: issue.message };
  return { code: 'invalid_request', param, detail: issue.message };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, code: string, param?: string, detail?: string): FastifyReply {
  const { status, payload } = body(request, code, param, detail);
  return reply.status(status).type('application/json; charset=utf-8').send(payload);
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0] as unknown as ValidationEntry;
    const issue = first.params?.issue ?? issueOfEntry(first);
    if (issue) {
      const mapped = zodIssueToCode(issue, error.validationContext ?? 'body');
      return sendError(request, reply, mapped.code, mapped.param, mapped.detail);
    }
    return sendError(request, reply, 'invalid_request', first.instancePath?.replace(/^\//, '').replace(/\//g, '.'));
  }
  if (error instanceof DomainError) {
    const lang = requestLang(request);
    const spec = errorSpec(error.code);
    return reply.status(error.status).send({
      error: {
        type: spec?.type ?? error.type,
        code: error.code,
        message: error.localizedMessage(lang),
        ...(error.details.param ? { param: error.details.param } : {}),
        ...(error.details.data ? { details: error.details.data } : {}),
        request_id: request.id,
      },
    });
  }
  if (error instanceof MoneyError) return sendError(request, reply, 'invalid_amount', 'amount', error.message);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendError(request, reply, 'body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendError(request, reply, 'unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendError(request, reply, 'invalid_json', undefined, 'The body is empty.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendError(request, reply, 'invalid_json');
    default:
      break;
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) return sendError(request, reply, 'invalid_json');
  if (error.statusCode === 429) return sendError(request, reply, 'rate_limited');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return sendError(request, reply, 'invalid_request', undefined, error.message);
  request.log.error({ err: error }, 'unhandled error');
  return sendError(request, reply, 'internal_error');
}
