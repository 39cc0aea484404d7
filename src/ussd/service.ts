// The USSD face assembled: the menus for the services that are wired, and the engine over them.
import type { UssdDeps } from './deps.ts';
import { sessionIdleMs, UssdEngine, type UssdCall, type UssdReply } from './engine.ts';
import type { NodeTable } from './node.ts';
import { balanceNodes } from './menus/balance.ts';
import { callbackNodes } from './menus/callback.ts';
import { cashoutNodes } from './menus/cashout.ts';
import type { FeatureSlot, UssdFeature } from './feature.ts';
import { freezeNodes } from './menus/freeze.ts';
import { historyNodes } from './menus/history.ts';
import { languageNodes } from './menus/language.ts';
import { limitsNodes } from './menus/limits.ts';
import { mainMenuNodes, type MenuEntry } from './menus/main.ts';
import type { Messages } from './messages.ts';
import { pinChangeNodes } from './menus/pin-change.ts';
import { pinNodes } from './menus/pin.ts';
import { policyNodes } from './menus/policy.ts';
import { registrationNodes } from './menus/registration.ts';
import { deleteEndedSessions, expireIdleSessions } from './sessions.sql.ts';

/** Ended dialogs are kept this long (support may ask what a caller saw), then forgotten. */
const ENDED_SESSIONS_KEPT_HOURS = 24;

/**
 * The main menu, in its fixed order. Entries whose service is not wired (cash-out; the agent code
 * and voucher features, see feature.ts) are left out and the numbers close up.
 */
function menuEntries(deps: UssdDeps): MenuEntry[] {
  const feature = (slot: FeatureSlot): MenuEntry[] => (deps.features ?? []).filter((f) => f.slot === slot).map((f) => f.entry);
  return [
    { label: (m) => m.menuBalance, node: 'balance', private: true },
    { label: (m) => m.menuHistory, node: 'history', private: true },
    // Not behind the viewing PIN: the PIN is asked on the quote, the last step.
    ...(deps.cashout ? [{ label: (m: Messages) => m.menuCashout, node: 'cashout' }] : []),
    ...feature('agent_code'),
    ...feature('voucher'),
    { label: (m) => m.menuPin, node: 'pin.current' },
    { label: (m) => m.menuLimits, node: 'limits' },
    { label: (m) => m.menuFreeze, node: 'freeze' },
    { label: (m) => m.menuCallback, node: 'callback' },
    { label: (m) => m.menuPolicy, node: 'policy' },
    { label: (m) => m.menuLanguage, node: 'language' },
  ];
}

/** Every node of the menus, by id. */
export function buildNodes(deps: UssdDeps): NodeTable {
  const features: readonly UssdFeature[] = deps.features ?? [];
  return {
    ...registrationNodes,
    ...mainMenuNodes(menuEntries(deps)),
    ...(deps.cashout ? cashoutNodes : {}),
    ...Object.assign({}, ...features.map((f) => f.nodes)),
    ...pinNodes,
    ...balanceNodes,
    ...historyNodes,
    ...limitsNodes,
    ...pinChangeNodes,
    ...freezeNodes,
    ...callbackNodes,
    ...policyNodes,
    ...languageNodes,
  };
}

export class UssdService {
  readonly nodes: NodeTable;
  private readonly engine: UssdEngine;

  constructor(private readonly deps: UssdDeps) {
    this.nodes = buildNodes(deps);
    this.engine = new UssdEngine(deps, this.nodes);
  }

  /** One gateway request: the reply to send back. Never throws for anything the caller typed. */
  handle(call: UssdCall): Promise<UssdReply> {
    return this.engine.handle(call);
  }

  /** Marks dialogs idle past the timeout as timed out and forgets old ended ones. */
  async sweep(): Promise<{ timedOut: number; deleted: number }> {
    const now = this.deps.clock.now();
    const timedOut = await expireIdleSessions(this.deps.db, new Date(now.getTime() - (await sessionIdleMs(this.deps, now))), now);
    const deleted = await deleteEndedSessions(this.deps.db, new Date(now.getTime() - ENDED_SESSIONS_KEPT_HOURS * 3_600_000));
    return { timedOut, deleted };
  }
}
