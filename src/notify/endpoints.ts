// A partner's webhook endpoint: its URL, on/off, and its signing secrets. A new secret is shown
// once, in the answer to the PUT that made it; afterwards only its prefix is ever shown.
import { isIP } from 'node:net';
import type { Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import './errors.ts';
import { idToUuid, newId, uuidToId } from '../shared/ids.ts';
import { generateWebhookSecret } from './webhooks.ts';
import {
  expireSecret,
  findEndpoint,
  insertEndpoint,
  insertSecret,
  listSecrets,
  lockEndpoint,
  updateEndpoint,
  type EndpointRow,
  type SecretRow,
} from './webhook-store.ts';

/** At most this many secrets sign at once; a rotation past it retires the oldest at once. */
export const SECRETS_ACTIVE_MAX = 3;
/** How long the previous secret keeps signing after a rotation, unless the partner says otherwise. */
export const ROTATION_OVERLAP_HOURS_DEFAULT = 24;
export const ROTATION_OVERLAP_HOURS_MAX = 168;
const URL_CHARS_MAX = 2048;
const HOUR_MS = 3_600_000;

export interface EndpointSecretView {
  version: number;
  /** "whsec_AbCd…": enough to tell secrets apart, useless for signing. */
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  active: boolean;
}

export interface EndpointView {
  id: string;
  partner_id: string;
  url: string;
  enabled: boolean;
  secrets: EndpointSecretView[];
  created_at: Date;
  updated_at: Date;
}

export interface EndpointChange {
  url?: string;
  enabled?: boolean;
  rotate_secret?: boolean;
  /** After a rotation, hours the previous secret still signs (0 = retire it now). */
  previous_secret_hours?: number;
}

export interface UrlPolicy {
  /** http:// and loopback/private hosts allowed (development, tests, the demo's simulators). */
  allowInsecure: boolean;
}

export async function getWebhookEndpoint(executor: Executor, clock: Clock, partnerId: string): Promise<EndpointView | null> {
  const endpoint = await findEndpoint(executor, partnerId);
  if (!endpoint) return null;
  return viewOf(endpoint, await listSecrets(executor, endpoint.id), clock.now());
}

/**
 * Creates or changes the partner's endpoint. Creating one makes its first secret; rotate_secret
 * makes a new one and puts an expiry on the others. Returns the new secret, if any, in clear.
 * Run it in a transaction: the row lock orders concurrent rotations.
 */
export async function putWebhookEndpoint(
  trx: Executor,
  clock: Clock,
  partnerId: string,
  change: EndpointChange,
  policy: UrlPolicy,
): Promise<{ endpoint: EndpointView; secret: string | null }> {
  const now = clock.now();
  const url = change.url === undefined ? undefined : checkWebhookUrl(change.url, policy);
  let endpoint = await lockEndpoint(trx, partnerId);
  let secret: string | null = null;
  if (!endpoint) {
    if (url === undefined) throw new DomainError('missing_field', { param: 'url', message: 'A new webhook endpoint needs a url.' });
    endpoint = { id: idToUuid(newId('whk'), 'whk')!, partner_id: partnerId, url, enabled: change.enabled ?? true, created_at: now, updated_at: now };
    await insertEndpoint(trx, endpoint);
    secret = generateWebhookSecret();
    await insertSecret(trx, endpoint.id, { version: 1, secret, created_at: now, expires_at: null });
  } else {
    if (url !== undefined || change.enabled !== undefined) {
      endpoint = await updateEndpoint(trx, endpoint.id, { ...(url !== undefined ? { url } : {}), ...(change.enabled !== undefined ? { enabled: change.enabled } : {}), updated_at: now });
    }
    if (change.rotate_secret) secret = await rotateSecret(trx, endpoint.id, now, change.previous_secret_hours ?? ROTATION_OVERLAP_HOURS_DEFAULT);
  }
  return { endpoint: viewOf(endpoint, await listSecrets(trx, endpoint.id), now), secret };
}

async function rotateSecret(trx: Executor, endpointId: string, now: Date, overlap_hours: number): Promise<string> {
  const secrets = await listSecrets(trx, endpointId);
  const overlapEnd = new Date(now.getTime() + overlap_hours * HOUR_MS);
  const stillActive = secrets.filter((s) => isActive(s, now));
  for (const [index, old] of stillActive.entries()) {
    // The newest SECRETS_ACTIVE_MAX - 1 old ones may overlap; older ones retire now.
    const until = index < SECRETS_ACTIVE_MAX - 1 ? overlapEnd : now;
    if (old.expires_at === null || old.expires_at > until) await expireSecret(trx, endpointId, old.version, until);
  }
  const secret = generateWebhookSecret();
  const version = (secrets[0]?.version ?? 0) + 1;
  await insertSecret(trx, endpointId, { version, secret, created_at: now, expires_at: null });
  return secret;
}

function isActive(secret: SecretRow, now: Date): boolean {
  return secret.expires_at === null || secret.expires_at > now;
}

function viewOf(endpoint: EndpointRow, secrets: SecretRow[], now: Date): EndpointView {
  return {
    id: uuidToId(endpoint.id, 'whk'),
    partner_id: endpoint.partner_id,
    url: endpoint.url,
    enabled: endpoint.enabled,
    secrets: secrets.map((s) => ({
      version: s.version,
      prefix: `${s.secret.slice(0, 'whsec_'.length + 4)}…`,
      created_at: s.created_at,
      expires_at: s.expires_at,
      active: isActive(s, now),
    })),
    created_at: endpoint.created_at,
    updated_at: endpoint.updated_at,
  };
}

/**
 * Partners choose where we POST, so in production the URL must be https on a public host: an
 * endpoint on localhost or a private address would turn our worker into a probe of our own
 * network. (A public name that resolves to a private address is not caught here: the network
 * egress rules are the real fence.)
 */
export function checkWebhookUrl(text: string, policy: UrlPolicy): string {
  const fail = (): never => {
    throw new DomainError('invalid_webhook_url', { param: 'url' });
  };
  if (text.length > URL_CHARS_MAX) return fail();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail();
  }
  if (url.username || url.password || url.hash) return fail();
  if (url.protocol !== 'https:' && !(policy.allowInsecure && url.protocol === 'http:')) return fail();
  if (!policy.allowInsecure && isPrivateHost(url.hostname)) return fail();
  return url.toString();
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const version = isIP(host);
  if (version === 4) {
    const [a = 0, b = 0] = host.split('.').map((part) => Number.parseInt(part, 10));
    return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168);
  }
  if (version === 6) {
    return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  }
  return false;
}
