// The USSD face's public face.
//
// Wiring (src/runtime.ts):
//   const ussd = new UssdService({ db, clock, logger, identity, policy, wallets, support, cashout, publicUrl, features });
//   (cashout: the "Cash out" menu; features: agentCodeFeature(cashout), voucherFeature(payments), see feature.ts)
//   ctx.services.ussd = ussd;   areas: [..., ussdRoutes]
//   a timer calls ussd.sweep() (timeouts, forgetting old dialogs).
// Migration 0090 belongs to this module.
import type { UssdService } from './service.ts';

export { UssdService, buildNodes } from './service.ts';
export { ussdRoutes, GATEWAY_SECRET_HEADER, TEXT_CHARS_MAX, gatewaySecretMatches } from './routes.ts';
export { SESSION_IDLE_SECONDS, wireReply, type UssdCall, type UssdReply } from './engine.ts';
export { ussdLength, fitsOneMessage, isGsm7, GSM7_SEPTETS_MAX, UCS2_UNITS_MAX, type UssdLength } from './gsm.ts';
export type { UssdDeps } from './deps.ts';
export type { UssdFeature, FeatureSlot } from './feature.ts';
export type { MenuEntry } from './menus/main.ts';
export { checkPin, wrongPinNotice } from './menus/pin.ts';
export { agentCodeFeature } from './menus/agent-code.ts';
export { voucherFeature } from './menus/voucher.ts';
export { go, stay, back, backTo, home, end, endWithSecret, pick, numbered, PIN_SHAPE, type NodeTable, type UssdNode, type Turn, type Step } from './node.ts';
export { ussdMoney, ussdDate } from './format.ts';

declare module '../api/context.ts' {
  interface AppServices {
    ussd: UssdService;
  }
}
