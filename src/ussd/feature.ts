// The hook for menus that belong to other modules' services. The main menu has a fixed order,
// and two of its places are filled only when the composition root hands in a feature for them:
//
//   'agent_code'  "Agent cash-out code": the agents module issues a one-time withdrawal code that
//                 the person reads out at an agent's counter (src/agents).
//   'voucher'     "Buy voucher": the payments module sells an airtime-style voucher (src/payments).
//
// A feature is a main-menu entry and the nodes behind it, written like src/ussd/menus/*.ts (the
// node ids prefixed by the feature, e.g. 'agent.amount'), using the helpers of node.ts and
// menus/pin.ts (checkPin, wrongPinNotice) so that a PIN is asked on the last step and counted
// toward the lockout like everywhere else. Wiring, in src/runtime.ts:
//
//   new UssdService({ ..., features: [agentCodeFeature(agents), voucherFeature(payments)] })
//
// Every screen a feature adds is measured by the screen test when the test context wires it.
import type { MenuEntry } from './menus/main.ts';
import type { NodeTable } from './node.ts';

export type FeatureSlot = 'agent_code' | 'voucher';

export interface UssdFeature {
  slot: FeatureSlot;
  /** The main-menu entry (its label from messages.ts: menuAgentCode, menuVoucher). */
  entry: MenuEntry;
  nodes: NodeTable;
}
