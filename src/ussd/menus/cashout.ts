// Cash out: where to (the person's saved destinations that can be paid now) → how much (all, or
// an amount) → the binding quote (fee, what arrives, when) → the PIN → the result with the
// cash-out id. Quote and confirm are the cash-out service's, as the API's are: its policy, limits,
// screening and step-up rules apply unchanged, and its refusals are shown in their own words.
//
// The step-up code: when the policy wants one (a first payout to a destination, a large amount, a
// session on no known device — every USSD dialog, as a dialog has no app device), confirming
// without it sends a code by SMS and asks for it. The code is typed in the same dialog and the
// PIN, read back from the gateway's text, goes with it; nothing secret is stored.
//
// The PIN is typed on the quote screen, so the money shown and the PIN that approves it are one
// step; a wrong one counts toward the lockout (the cash-out service verifies it with identity).
import type { DestinationRow } from '../../cashout/index.ts';
import { destinationDisplay } from '../../cashout/index.ts';
import { MoneyError, parseAmount, type CurrencyCode, type Micros } from '../../money/index.ts';
import { uuidToId } from '../../shared/ids.ts';
import { ussdDate, ussdMoney } from '../format.ts';
import { end, go, numbered, pick, stay, type NodeTable, type Step, type Turn } from '../node.ts';
import { mainWallet } from './balance.ts';
import { quoteConfirmNodes, type StepUpCode } from './quote-confirm.ts';

/** Destinations offered on one screen (more flow onto pages): far beyond what people save. */
const DESTINATIONS_SHOWN_MAX = 9;


/**
 * A wallet's name as its owner saved it, clipped: a long name would not leave room for the
 * option on an 80-character Korean screen.
 */
const WALLET_NAME_CHARS_MAX = 12;
function walletName(row: { kind: string; label: string | null }): string | null {
  if (row.kind !== 'wallet' || !row.label) return null;
  const chars = [...row.label];
  return chars.length <= WALLET_NAME_CHARS_MAX ? row.label : `${chars.slice(0, WALLET_NAME_CHARS_MAX - 2).join('').trimEnd()}..`;
}

function service(turn: Turn) {
  const cashout = turn.deps.cashout;
  if (!cashout) throw new Error('ussd: cash-out menu without a cash-out service');
  return cashout;
}

/** The destinations a payout can go to now: saved, and (bank) an account still verified as theirs. */
async function usableDestinations(turn: Turn): Promise<DestinationRow[]> {
  const userId = (await turn.user()).id;
  const [saved, accounts] = await Promise.all([service(turn).listDestinations(userId), turn.deps.identity.listBankAccounts(turn.deps.db, userId)]);
  const verified = new Set(accounts.filter((a) => a.status === 'verified').map((a) => a.id));
  return saved.filter((d) => d.kind === 'wallet' || (d.bank_account_id !== null && verified.has(d.bank_account_id))).slice(0, DESTINATIONS_SHOWN_MAX);
}

function channelLabel(turn: Turn, row: DestinationRow): string {
  return row.kind === 'bank' ? turn.m.channelBank : turn.m.channelWallet;
}

async function destinationOptions(turn: Turn) {
  return numbered((await usableDestinations(turn)).map((row) => ({ row, label: `${channelLabel(turn, row)}: ${destinationDisplay(row, turn.lang, walletName(row))}` })));
}

/** The quote as the screens show it; amounts as strings (the dialog's data is JSON). */
interface ShownQuote {
  id: string;
  currency: CurrencyCode;
  requested: string;
  fee: string;
  payout: string;
  dust: string;
  expectedAt: string;
  otp: boolean;
}

function shownQuote(turn: Turn): ShownQuote {
  const d = turn.state.data;
  const [currency, requested, fee, payout, dust] = d['cashout.amounts'] as string[];
  return {
    id: d['cashout.quote'] as string,
    currency: currency as CurrencyCode,
    requested: requested!,
    fee: fee!,
    payout: payout!,
    dust: dust!,
    expectedAt: d['cashout.expected'] as string,
    otp: d['cashout.otp'] === true,
  };
}

function chosenDestination(turn: Turn): { id: string; channel: 'bank' | 'wallet'; label: string } {
  const d = turn.state.data;
  return { id: d['cashout.to'] as string, channel: d['cashout.channel'] === 'wallet' ? 'wallet' : 'bank', label: d['cashout.label'] as string };
}

/** Asks the cash-out service for a binding quote and moves to the quote screen. */
async function quote(turn: Turn, amount: Micros | 'all'): Promise<Step> {
  const to = chosenDestination(turn);
  const wallet = await mainWallet(turn);
  const row = await service(turn).quote({ userId: (await turn.user()).id, wallet: wallet.wallet, amount, channel: to.channel, destination: to.id, origin: 'user', deviceId: null });
  return go('cashout.quote', {
    'cashout.quote': uuidToId(row.id, 'quo'),
    'cashout.amounts': [row.currency, String(row.requested), String(row.fee), String(row.payout), String(row.dust)],
    'cashout.expected': row.details.arrival.expected_at,
    'cashout.otp': row.details.otp_reasons.length > 0,
  });
}

/** Confirms the quote; the step for a confirmed cash-out (refusals: quote-confirm.ts). */
async function confirm(turn: Turn, pin: string, otp: StepUpCode | null): Promise<Step> {
  const shown = shownQuote(turn);
  const m = turn.m;
  const view = await service(turn).confirm(
    { userId: (await turn.user()).id, quote: shown.id, pin, otp, deviceId: null, idempotencyKey: `ussd:${shown.id}`, origin: 'user' },
    turn.lang,
  );
  const policy = await turn.policy();
  const id = uuidToId(view.row.id, 'cot');
  const net = ussdMoney(view.row.payout, view.row.currency, turn.lang);
  if (view.row.state === 'held_for_review') return end(m.cashoutHeld(id, net, view.row.hold_until ? ussdDate(view.row.hold_until, policy.time_zone, true) : null));
  if (view.row.state === 'failed' || view.row.state === 'cancelled') return end(m.cashoutNotMade(id));
  const when = view.row.expected_at ? ussdDate(view.row.expected_at, policy.time_zone, true) : null;
  return end(m.cashoutDone(id, net, view.display, when));
}

/** An amount typed on a keypad (whole won, at most 12 digits), or null when it is not one. */
export async function typedAmount(turn: Turn, input: string): Promise<Micros | null> {
  if (!/^\d{1,12}$/.test(input)) return null;
  const { currency } = await turn.policy();
  try {
    return parseAmount(input, currency);
  } catch (error) {
    if (error instanceof MoneyError) return null;
    throw error;
  }
}

export const cashoutNodes: NodeTable = {
  cashout: {
    async screen(turn) {
      const options = await destinationOptions(turn);
      if (options.length === 0) return { title: turn.m.cashoutTitle, lines: [turn.m.noDestinations] };
      return { title: turn.m.cashoutTitle, options };
    },
    async answer(turn, input) {
      const choice = pick(await destinationOptions(turn), input);
      if (!choice) return stay(turn.m.invalidChoice);
      const label = destinationDisplay(choice.row, turn.lang, walletName(choice.row));
      return go('cashout.amount', { 'cashout.to': choice.row.id, 'cashout.channel': choice.row.kind, 'cashout.label': label });
    },
  },

  'cashout.amount': {
    screen(turn) {
      return {
        title: turn.m.cashoutTo(chosenDestination(turn).label),
        options: [
          { key: '1', label: turn.m.cashoutAll },
          { key: '2', label: turn.m.cashoutSome },
        ],
      };
    },
    async answer(turn, input) {
      if (input === '1') return quote(turn, 'all');
      if (input === '2') return go('cashout.enter');
      return stay(turn.m.invalidChoice);
    },
  },

  'cashout.enter': {
    screen: (turn) => ({ prompt: turn.m.amountPrompt }),
    async answer(turn, input) {
      const amount = await typedAmount(turn, input);
      return amount === null ? stay(turn.m.invalidAmount) : quote(turn, amount);
    },
  },

  ...quoteConfirmNodes({
    prefix: 'cashout',
    restartNode: 'cashout.amount',
    async quoteScreen(turn) {
      const q = shownQuote(turn);
      const m = turn.m;
      const policy = await turn.policy();
      const money = (amount: string) => ussdMoney(BigInt(amount) as Micros, q.currency, turn.lang);
      return {
        lines: [
          m.cashoutTo(chosenDestination(turn).label),
          m.quoteAmount(money(q.requested)),
          m.quoteFee(money(q.fee)),
          m.quoteNet(money(q.payout)),
          ...(BigInt(q.dust) > 0n ? [m.quoteDust(money(q.dust))] : []),
          m.quoteArrival(ussdDate(new Date(q.expectedAt), policy.time_zone, true)),
          ...(q.otp ? [m.quoteOtp] : []),
        ],
        prompt: m.confirmPin,
      };
    },
    confirm,
  }),
};
