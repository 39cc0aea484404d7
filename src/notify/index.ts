// The public face of notify: the worker that delivers outbox rows (SMS, Standard Webhooks), the
// SMS templates modules render when they enqueue, the webhook event body, the demo inbox, and the
// HTTP routes. The composition root builds createNotifyService(...) into ctx.services.notify.
import type { NotifyService } from './service.ts';

declare module '../api/context.ts' {
  interface AppServices {
    notify: NotifyService;
  }
}

export { createNotifyService, type NotifyService, type NotifyServiceOptions, type NotifySettings } from './service.ts';
export { notifyRoutes } from './routes.ts';
export { NotifyWorker, type NotifyWorkerOptions, type RunSummary } from './worker.ts';
export {
  renderSms,
  isSmsTemplate,
  isSensitiveTemplate,
  maskPhone,
  smsBytes,
  SMS_BYTES_MAX,
  SMS_TEMPLATES,
  TemplateError,
  type SmsParams,
  type SmsTemplate,
} from '../outbox/index.ts';
export { renderWebhookEvent, type WebhookEvent } from '../outbox/index.ts';
export { DemoInboxProvider, ScriptedSmsProvider, SmsSendError, readDeliveredSms, type DeliveredSms, type SmsProvider, type SmsSendRequest } from './sms.ts';
export { WebhookSender, WEBHOOK_TIMEOUT_MS, generateWebhookSecret, signatureHeader } from './webhooks.ts';
export { getWebhookEndpoint, putWebhookEndpoint, checkWebhookUrl } from './endpoints.ts';
export { readSmsInbox, type InboxMessage } from './inbox.ts';
export { replayMessage } from './replay.ts';
export { SMS_RETRY, WEBHOOK_RETRY, type RetryPolicy } from './retry.ts';
export { NOTIFY_ERRORS } from './errors.ts';
