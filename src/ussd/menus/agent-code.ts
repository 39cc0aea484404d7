// Agent cash-out code: how much (all, or an amount) → the binding quote for the `agent` channel
// (fee and net; a cash channel needs no saved destination) → the PIN → the 8-digit withdrawal code
// and until when it is valid. Quote and confirm are the cash-out service's, as the API's are: its
// policy, limits, screening and step-up rules apply unchanged, and the code it issues is the one
// an agent's counter redeems (src/agents); the same code also goes out by SMS.
//
// As in the cash-out menu (the steps they share: quote-confirm.ts), the PIN is typed on the quote
// screen and never echoed; a wrong one counts toward the lockout; an SMS step-up code, when asked
// for, is typed in the same dialog with the PIN read back from the gateway's text (nothing secret
// is stored).
import type { CashoutService } from '../../cashout/index.ts';
import type { CurrencyCode, Micros } from '../../money/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { uuidToId } from '../../shared/ids.ts';
import type { UssdFeature } from '../feature.ts';
import { ussdDate, ussdMoney } from '../format.ts';
import { end, endWithSecret, go, stay, type NodeTable, type Step, type Turn } from '../node.ts';
import { mainWallet } from './balance.ts';
import { typedAmount } from './cashout.ts';
import { quoteConfirmNodes, type StepUpCode } from './quote-confirm.ts';

interface ShownQuote {
  id: string;
  currency: CurrencyCode;
  requested: string;
  fee: string;
  payout: string;
  otp: boolean;
}

function shownQuote(turn: Turn): ShownQuote {
  const d = turn.state.data;
  const [currency, requested, fee, payout] = d['agent.amounts'] as string[];
  return { id: d['agent.quote'] as string, currency: currency as CurrencyCode, requested: requested!, fee: fee!, payout: payout!, otp: d['agent.otp'] === true };
}

export function agentCodeNodes(cashout: CashoutService): NodeTable {
  async function quote(turn: Turn, amount: Micros | 'all'): Promise<Step> {
    const wallet = await mainWallet(turn);
    try {
      const row = await cashout.quote({ userId: (await turn.user()).id, wallet: wallet.wallet, amount, channel: 'agent', origin: 'user', deviceId: null });
      return go('agent.quote', {
        'agent.quote': uuidToId(row.id, 'quo'),
        'agent.amounts': [row.currency, String(row.requested), String(row.fee), String(row.payout)],
        'agent.otp': row.details.otp_reasons.length > 0,
      });
    } catch (error) {
      // Not enough money, a limit, a frozen account: the service's own words, on the same screen.
      if (error instanceof DomainError && error.status < 500) return stay(error.localizedMessage(turn.lang));
      throw error;
    }
  }

  /** Confirms the quote; the code screen for an issued code (refusals: quote-confirm.ts). */
  async function confirm(turn: Turn, pin: string, otp: StepUpCode | null): Promise<Step> {
    const shown = shownQuote(turn);
    const m = turn.m;
    const view = await cashout.confirm(
      { userId: (await turn.user()).id, quote: shown.id, pin, otp, deviceId: null, idempotencyKey: `ussd:${shown.id}`, origin: 'user' },
      turn.lang,
    );
    const policy = await turn.policy();
    const id = uuidToId(view.row.id, 'cot');
    const net = ussdMoney(view.row.payout, view.row.currency, turn.lang);
    if (view.pickup) {
      const until = ussdDate(view.pickup.expiresAt, policy.time_zone, true);
      return endWithSecret([m.agentCodeDone(view.pickup.code, net, until)], [m.agentCodeSent(net, until)]);
    }
    if (view.row.state === 'held_for_review') return end(m.cashoutHeld(id, net, view.row.hold_until ? ussdDate(view.row.hold_until, policy.time_zone, true) : null));
    return end(m.cashoutNotMade(id));
  }

  return {
    agent: {
      screen: (turn) => ({
        title: turn.m.agentTitle,
        options: [
          { key: '1', label: turn.m.cashoutAll },
          { key: '2', label: turn.m.cashoutSome },
        ],
      }),
      answer(turn, input) {
        if (input === '1') return quote(turn, 'all');
        if (input === '2') return go('agent.enter');
        return stay(turn.m.invalidChoice);
      },
    },

    'agent.enter': {
      screen: (turn) => ({ prompt: turn.m.amountPrompt }),
      async answer(turn, input) {
        const amount = await typedAmount(turn, input);
        return amount === null ? stay(turn.m.invalidAmount) : quote(turn, amount);
      },
    },

    ...quoteConfirmNodes({
      prefix: 'agent',
      restartNode: 'agent',
      quoteScreen(turn) {
        const q = shownQuote(turn);
        const m = turn.m;
        const money = (amount: string) => ussdMoney(BigInt(amount) as Micros, q.currency, turn.lang);
        return {
          lines: [m.agentTitle, m.quoteAmount(money(q.requested)), m.quoteFee(money(q.fee)), m.quoteNet(money(q.payout)), ...(q.otp ? [m.quoteOtp] : [])],
          prompt: m.confirmPin,
        };
      },
      confirm,
    }),
  };
}

/** The "Agent cash-out code" entry of the main menu, over the cash-out service's `agent` channel. */
export function agentCodeFeature(cashout: CashoutService): UssdFeature {
  return { slot: 'agent_code', entry: { label: (m) => m.menuAgentCode, node: 'agent' }, nodes: agentCodeNodes(cashout) };
}
