// pino JSON logs. Redaction is the last line of defence: PINs, OTPs, secrets and the USSD
// `text` field must never reach a log line, whatever a route logs by mistake.
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'pin', '*.pin', '*.*.pin', 'new_pin', '*.new_pin', 'otp', '*.otp', '*.*.otp', 'code', '*.code',
  'password', '*.password', 'secret', '*.secret', 'api_key', '*.api_key', 'token', '*.token',
  'text', '*.text', '*.*.text', 'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-ussd-gateway-secret"]',
  'id_number', '*.id_number',
];

/** A query string on the USSD endpoint could carry a gateway's `text` (PINs): it is never logged. */
function loggedUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const query = url.indexOf('?');
  return query >= 0 && url.startsWith('/ussd') ? `${url.slice(0, query)}?[redacted]` : url;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with loggedUrl. */
function serializeRequest(req: LoggedRequest) {
  return { method: req.method, url: loggedUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export function createLogger(level: string, name = 'smallchange', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers: { req: serializeRequest } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
