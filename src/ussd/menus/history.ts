// The last five movements of the main wallet, newest first: date, signed amount, what it was.
import type { HistoryEntry } from '../../wallets/index.ts';
import type { Policy } from '../../policy/index.ts';
import { ussdDate, ussdSigned } from '../format.ts';
import type { Messages } from '../messages.ts';
import type { NodeTable, Turn } from '../node.ts';
import { mainWallet } from './balance.ts';

export const HISTORY_ENTRIES = 5;

function what(m: Messages, policy: Policy, lang: Turn['lang'], entry: HistoryEntry): string {
  const source = entry.source ? policy.sources[entry.source]?.label[lang] : undefined;
  const label = entry.type === 'credit' && source ? source : m.entryTypes[entry.type];
  return entry.status === 'clearing' || entry.status === 'pending' ? `${label} ${m.entryPending}` : entry.status === 'reversed' || entry.status === 'voided' || entry.status === 'expired' ? `${label} ${m.entryUndone}` : label;
}

export const historyNodes: NodeTable = {
  history: {
    async screen(turn) {
      const policy = await turn.policy();
      const wallet = await mainWallet(turn);
      const page = await turn.deps.wallets.history((await turn.user()).id, wallet.wallet, { from: null, to: null, types: null, sources: null }, { limit: HISTORY_ENTRIES, startingAfter: null });
      const lines = page.entries.map((entry) => `${ussdDate(entry.created_at, policy.time_zone)} ${ussdSigned(entry.amount, entry.currency, entry.direction)} ${what(turn.m, policy, turn.lang, entry)}`);
      return { title: turn.m.historyTitle(wallet.currency), lines: lines.length ? lines : [turn.m.historyEmpty] };
    },
  },
};
