// Errors are values with stable codes (DESIGN §5). A domain module throws a DomainError with a
// code from its own catalogue; the API maps it to { error: { type, code, message, param, request_id } }.
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'state_error'
  | 'api_error';

export type Lang = 'ko' | 'en';

export interface ErrorSpec {
  status: number;
  type: ErrorType;
  en: string;
  ko: string;
}

/** An area's catalogue: code → status, type and a message a person understands in ko and en. */
export type ErrorCatalogue<Code extends string> = Record<Code, ErrorSpec>;

const registry = new Map<string, ErrorSpec>();

export function defineErrors<Code extends string>(catalogue: ErrorCatalogue<Code>): ErrorCatalogue<Code> {
  for (const [code, spec] of Object.entries(catalogue) as [string, ErrorSpec][]) {
    const existing = registry.get(code);
    if (existing && existing.status !== spec.status) throw new Error(`error code ${code} defined twice with different statuses`);
    registry.set(code, spec);
  }
  return catalogue;
}

export function errorSpec(code: string): ErrorSpec | undefined {
  return registry.get(code);
}

export class DomainError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  constructor(
    readonly code: string,
    readonly details: { param?: string; message?: string; data?: Record<string, unknown> } = {},
  ) {
    const spec = registry.get(code);
    super(details.message ?? spec?.en ?? code);
    this.name = 'DomainError';
    this.status = spec?.status ?? 400;
    this.type = spec?.type ?? 'invalid_request_error';
  }

  localizedMessage(lang: Lang): string {
    const spec = registry.get(this.code);
    if (this.details.message && lang === 'en') return this.details.message;
    return spec ? spec[lang] : this.message;
  }
}

/** Errors every area shares. */
export const COMMON_ERRORS = defineErrors({
  invalid_request: { status: 400, type: 'invalid_request_error', en: 'The request is not valid.', ko: '요청이 올바르지 않습니다.' },
  invalid_json: { status: 400, type: 'invalid_request_error', en: 'The request body is not valid JSON.', ko: '요청 본문이 올바른 JSON이 아닙니다.' },
  missing_field: { status: 400, type: 'invalid_request_error', en: 'A required field is missing.', ko: '필수 항목이 빠졌습니다.' },
  unknown_field: { status: 400, type: 'invalid_request_error', en: 'The request has a field that is not allowed.', ko: '허용되지 않는 항목이 있습니다.' },
  invalid_type: { status: 400, type: 'invalid_request_error', en: 'A field has the wrong type.', ko: '항목의 형식이 올바르지 않습니다.' },
  invalid_amount: { status: 400, type: 'invalid_request_error', en: 'The amount is not valid: use a positive decimal string within the currency precision.', ko: '금액이 올바르지 않습니다. 통화 정밀도 안의 양수 10진 문자열을 사용하세요.' },
  invalid_currency: { status: 400, type: 'invalid_request_error', en: 'The currency is not supported here.', ko: '지원하지 않는 통화입니다.' },
  body_too_large: { status: 413, type: 'invalid_request_error', en: 'The request body is too large.', ko: '요청 본문이 너무 큽니다.' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', en: 'The content type is not supported.', ko: '지원하지 않는 콘텐츠 형식입니다.' },
  not_found: { status: 404, type: 'not_found_error', en: 'Nothing was found here.', ko: '찾을 수 없습니다.' },
  method_not_allowed: { status: 405, type: 'invalid_request_error', en: 'This method is not allowed here.', ko: '허용되지 않는 메서드입니다.' },
  unauthenticated: { status: 401, type: 'authentication_error', en: 'Sign in or send valid credentials.', ko: '로그인하거나 올바른 인증 정보를 보내세요.' },
  forbidden: { status: 403, type: 'permission_error', en: 'You are not allowed to do this.', ko: '이 작업을 할 권한이 없습니다.' },
  rate_limited: { status: 429, type: 'rate_limit_error', en: 'Too many requests; try again shortly.', ko: '요청이 너무 많습니다. 잠시 후 다시 시도하세요.' },
  idempotency_conflict: { status: 409, type: 'idempotency_error', en: 'This Idempotency-Key was already used with a different request.', ko: '이 멱등 키는 다른 요청에 이미 사용되었습니다.' },
  idempotency_key_required: { status: 400, type: 'invalid_request_error', en: 'Send an Idempotency-Key header with this request.', ko: '이 요청에는 Idempotency-Key 헤더가 필요합니다.' },
  idempotency_in_progress: { status: 409, type: 'idempotency_error', en: 'A request with this Idempotency-Key is still being processed.', ko: '같은 멱등 키의 요청이 아직 처리 중입니다.' },
  internal_error: { status: 500, type: 'api_error', en: 'Something went wrong on our side; nothing was changed.', ko: '서버 오류가 발생했습니다. 변경된 것은 없습니다.' },
  service_unavailable: { status: 503, type: 'api_error', en: 'The service is starting or stopping; try again.', ko: '서비스가 시작 또는 종료 중입니다. 다시 시도하세요.' },
});
