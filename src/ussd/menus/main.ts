// The main menu: what a registered caller can do, numbered in a fixed order. Entries for features
// whose service is not wired (see UssdFeatures) are left out, and the numbers close up.
import { go, numbered, pick, stay, type NodeTable, type Turn } from '../node.ts';
import type { Messages } from '../messages.ts';
import { viewBehindPin } from './pin.ts';

export interface MenuEntry {
  label: (m: Messages) => string;
  /** The node it opens. */
  node: string;
  /** Shows the person's money: asks for the PIN first (once per dialog). */
  private?: boolean;
}

export function mainMenuNodes(entries: readonly MenuEntry[]): NodeTable {
  const options = (turn: Turn) => numbered(entries.map((entry) => ({ entry, label: entry.label(turn.m) })));
  return {
    main: {
      screen: (turn) => ({ title: turn.m.app, options: options(turn) }),
      answer(turn, input) {
        const choice = pick(options(turn), input);
        if (!choice) return stay(turn.m.invalidChoice);
        return choice.entry.private ? viewBehindPin(turn, choice.entry.node) : go(choice.entry.node);
      },
    },
  };
}
