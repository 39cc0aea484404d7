// The support module's public face. Today: call-back requests (migration 0091); cases, SLAs and
// disputes join it in milestone 2.
//
// Wiring (src/runtime.ts):
//   const support = new SupportService({ clock, recordAudit: (executor, entry) => identity.service.recordAudit(executor, entry) });
//   ctx.services.support = support;   areas: [..., supportRoutes]
import type { SupportService } from './callbacks.ts';

export { SupportService, CALLBACK_TOPICS, referenceOf, type CallbackRequest, type NewCallbackRequest, type SupportDeps } from './callbacks.ts';
export type { CallbackTopic, CallbackChannel, CallbackStatus } from './callbacks.sql.ts';
export { SUPPORT_ERRORS } from './errors.ts';
export { supportRoutes } from './routes.ts';

declare module '../api/context.ts' {
  interface AppServices {
    support: SupportService;
  }
}
