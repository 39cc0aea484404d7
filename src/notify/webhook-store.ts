// SQL for partner webhook endpoints, their secrets and the delivery attempts log
// (migrations/0041_notify_webhooks.sql). Functions take the executor first: the caller owns the
// transaction.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'dead';

declare module '../db/schema.ts' {
  interface DB {
    webhook_endpoints: {
      id: string;
      partner_id: string;
      url: string;
      enabled: boolean;
      created_at: Date;
      updated_at: Date;
    };
    webhook_endpoint_secrets: {
      endpoint_id: string;
      version: number;
      secret: string;
      created_at: Date;
      expires_at: Date | null;
    };
    webhook_deliveries: {
      id: string;
      message_id: string;
      partner_id: string;
      url: string | null;
      attempt: number;
      attempted_at: Date;
      status_code: number | null;
      duration_ms: number;
      outcome: DeliveryOutcome;
      error: string | null;
    };
  }
}

export interface EndpointRow {
  id: string;
  partner_id: string;
  url: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface SecretRow {
  version: number;
  secret: string;
  created_at: Date;
  expires_at: Date | null;
}

export async function findEndpoint(executor: Executor, partnerId: string): Promise<EndpointRow | null> {
  const row = await executor.selectFrom('webhook_endpoints').selectAll().where('partner_id', '=', partnerId).executeTakeFirst();
  return row ?? null;
}

/** Locks the partner's endpoint row so that two rotations at once cannot pick the same version. */
export async function lockEndpoint(executor: Executor, partnerId: string): Promise<EndpointRow | null> {
  const row = await executor.selectFrom('webhook_endpoints').selectAll().where('partner_id', '=', partnerId).forUpdate().executeTakeFirst();
  return row ?? null;
}

export async function insertEndpoint(executor: Executor, row: EndpointRow): Promise<void> {
  await executor.insertInto('webhook_endpoints').values(row).execute();
}

export async function updateEndpoint(executor: Executor, id: string, changes: { url?: string; enabled?: boolean; updated_at: Date }): Promise<EndpointRow> {
  return executor.updateTable('webhook_endpoints').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Every secret of the endpoint, newest first (expired ones included: the partner sees its history). */
export async function listSecrets(executor: Executor, endpointId: string): Promise<SecretRow[]> {
  return executor
    .selectFrom('webhook_endpoint_secrets')
    .select(['version', 'secret', 'created_at', 'expires_at'])
    .where('endpoint_id', '=', endpointId)
    .orderBy('version', 'desc')
    .execute();
}

/** Secrets that still sign at `now`, newest first. */
export async function listActiveSecrets(executor: Executor, endpointId: string, now: Date): Promise<SecretRow[]> {
  return executor
    .selectFrom('webhook_endpoint_secrets')
    .select(['version', 'secret', 'created_at', 'expires_at'])
    .where('endpoint_id', '=', endpointId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('version', 'desc')
    .execute();
}

export async function insertSecret(executor: Executor, endpointId: string, secret: SecretRow): Promise<void> {
  await executor.insertInto('webhook_endpoint_secrets').values({ endpoint_id: endpointId, ...secret }).execute();
}

export async function expireSecret(executor: Executor, endpointId: string, version: number, at: Date): Promise<void> {
  await executor
    .updateTable('webhook_endpoint_secrets')
    .set({ expires_at: at })
    .where('endpoint_id', '=', endpointId)
    .where('version', '=', version)
    .execute();
}

export interface DeliveryRow {
  id: string;
  message_id: string;
  partner_id: string;
  url: string | null;
  attempt: number;
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  outcome: DeliveryOutcome;
  error: string | null;
}

export async function insertDelivery(executor: Executor, row: DeliveryRow): Promise<void> {
  await executor.insertInto('webhook_deliveries').values(row).execute();
}

export interface DeliveryPageQuery {
  partnerId?: string;
  messageId?: string;
  limit: number;
  /** Id (uuid) of the last row of the previous page. */
  startingAfter?: string;
}

export type DeliveryListRow = DeliveryRow & { event_type: string };

/** Newest first, with the event type of the message each attempt carried. */
export async function listDeliveries(executor: Executor, query: DeliveryPageQuery): Promise<{ rows: DeliveryListRow[]; hasMore: boolean }> {
  const partner = query.partnerId ?? null;
  const message = query.messageId ?? null;
  const after = query.startingAfter ?? null;
  const result = await sql<DeliveryListRow>`
    SELECT d.id, d.message_id, d.partner_id, d.url, d.attempt, d.attempted_at, d.status_code, d.duration_ms, d.outcome, d.error,
           m.template AS event_type
    FROM webhook_deliveries d JOIN outbox_messages m ON m.id = d.message_id
    WHERE (${partner}::text IS NULL OR d.partner_id = ${partner})
      AND (${message}::uuid IS NULL OR d.message_id = ${message}::uuid)
      AND (${after}::uuid IS NULL OR (d.attempted_at, d.id) < (SELECT attempted_at, id FROM webhook_deliveries WHERE id = ${after}::uuid))
    ORDER BY d.attempted_at DESC, d.id DESC
    LIMIT ${query.limit + 1}`.execute(executor);
  return { rows: result.rows.slice(0, query.limit), hasMore: result.rows.length > query.limit };
}

export async function deliveryExists(executor: Executor, id: string): Promise<boolean> {
  const row = await executor.selectFrom('webhook_deliveries').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}
