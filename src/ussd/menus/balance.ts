// Balance: what may be used now, split into cashable and spend-only value, with what is still
// clearing, reserved by payments in flight, or held over the balance cap. The main wallet only:
// pots are an app feature.
import type { Micros } from '../../money/index.ts';
import type { WalletBalances } from '../../wallets/index.ts';
import { ussdMoney } from '../format.ts';
import type { NodeTable, Turn } from '../node.ts';

/** The caller's main wallet in the policy's currency (opened on first use by wallets). */
export async function mainWallet(turn: Turn): Promise<WalletBalances> {
  const policy = await turn.policy();
  const wallets = await turn.deps.wallets.listWallets((await turn.user()).id);
  const main = wallets.find((w) => w.kind === 'main' && w.currency === policy.currency);
  if (!main) throw new Error('ussd: wallets returned no main wallet');
  return main;
}

export const balanceNodes: NodeTable = {
  balance: {
    async screen(turn) {
      const b = await mainWallet(turn);
      const money = (amount: Micros) => ussdMoney(amount, b.currency, turn.lang);
      const clearing = (b.cashable.clearing + b.spend_only.clearing) as Micros;
      const held = (b.cashable.held + b.spend_only.held) as Micros;
      const lines = [
        turn.m.available(money(b.total_available)),
        turn.m.cashable(money(b.cashable.available)),
        turn.m.spendOnly(money(b.spend_only.available)),
        ...(clearing > 0n ? [turn.m.clearing(money(clearing))] : []),
        ...(held > 0n ? [turn.m.reserved(money(held))] : []),
        ...(b.held_over_cap > 0n ? [turn.m.heldOverCap(money(b.held_over_cap))] : []),
      ];
      return { title: turn.m.balanceTitle, lines };
    },
  },
};
