// The body of a webhook, in the Standard Webhooks shape { type, timestamp, data }. A module builds
// it when it enqueues (channel 'webhook', template = the event type), so the outbox row holds the
// exact bytes that are signed and sent. Amounts go in as wire money ({ amount: "12.3456",
// currency }); a bigint here is a mistake and throws.
export interface WebhookEvent<D extends Record<string, unknown> = Record<string, unknown>> {
  type: string;
  timestamp: string;
  data: D;
}

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function renderWebhookEvent(type: string, data: Record<string, unknown>, at: Date): string {
  if (!EVENT_TYPE.test(type)) throw new Error(`webhook event type "${type}" must look like "credit.posted"`);
  const event: WebhookEvent = { type, timestamp: at.toISOString(), data };
  return JSON.stringify(event);
}
