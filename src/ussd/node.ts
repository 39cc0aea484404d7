// The shape of a menu screen. A node shows a screen and answers an input with a step: go to
// another node, stay with a notice, go back, go home, or end the dialog with a final screen.
import type { User } from '../identity/index.ts';
import type { Policy } from '../policy/index.ts';
import type { Lang } from '../shared/errors.ts';
import type { UssdDeps } from './deps.ts';
import type { ScreenSpec } from './layout.ts';
import type { Messages } from './messages.ts';
import type { FlowData, Frame } from './sessions.sql.ts';

export interface SessionState {
  node: string;
  page: number;
  pageCount: number;
  stack: Frame[];
  data: FlowData;
  lang: Lang | null;
  userId: string | null;
  /** The final screen as shown when it differs from the stored one (a secret); never persisted. */
  shownFinal?: string[];
}

/** One request's view of the dialog, handed to every node. */
export interface Turn {
  readonly deps: UssdDeps;
  readonly state: SessionState;
  /** E.164, authenticated by the network. */
  readonly phone: string;
  readonly networkCode: string | null;
  readonly now: Date;
  readonly lang: Lang;
  readonly m: Messages;
  /** Where this turn's answer lies in the gateway's `text` ([start, end) characters). */
  readonly answerRange: [number, number];
  /**
   * An earlier answer of this dialog, read back from the gateway's `text`: how a second PIN entry
   * is compared with the first without any PIN being stored.
   */
  answerAt(range: readonly number[]): string;
  user(): Promise<User>;
  policy(): Promise<Policy>;
}

export type Step =
  | { kind: 'go'; node: string; data?: FlowData; replace?: boolean; notice?: string }
  | { kind: 'stay'; notice: string }
  | { kind: 'back'; notice?: string; to?: string }
  | { kind: 'home'; notice?: string }
  | { kind: 'end'; lines: string[]; stored?: string[] };

export interface UssdNode {
  screen(turn: Turn): Promise<ScreenSpec> | ScreenSpec;
  /** Absent: the screen offers only navigation (0, 00, 99). */
  answer?(turn: Turn, input: string): Promise<Step> | Step;
}

export type NodeTable = Record<string, UssdNode>;

export const go = (node: string, data?: FlowData, extra: { replace?: boolean; notice?: string } = {}): Step => ({ kind: 'go', node, ...(data ? { data } : {}), ...extra });
export const stay = (notice: string): Step => ({ kind: 'stay', notice });
export const back = (notice?: string): Step => ({ kind: 'back', ...(notice ? { notice } : {}) });
/** Back to the nearest earlier screen `node` (e.g. the first of several PIN entries). */
export const backTo = (node: string, notice?: string): Step => ({ kind: 'back', to: node, ...(notice ? { notice } : {}) });
export const home = (notice?: string): Step => ({ kind: 'home', ...(notice ? { notice } : {}) });
export const end = (...lines: string[]): Step => ({ kind: 'end', lines });
/** A final screen that shows a one-time secret: `stored` is what the dialog's row keeps instead (see UssdReply.stored). */
export const endWithSecret = (lines: string[], stored: string[]): Step => ({ kind: 'end', lines, stored });

/** The option an input picks, or null. */
export function pick<T extends { key: string }>(options: readonly T[], input: string): T | null {
  return options.find((o) => o.key === input) ?? null;
}

/** Numbers options 1, 2, 3… in order. */
export function numbered<T extends { label: string }>(items: readonly T[]): (T & { key: string })[] {
  return items.map((item, i) => ({ ...item, key: String(i + 1) }));
}

export const PIN_SHAPE = /^\d{6}$/;
