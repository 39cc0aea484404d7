// My limits: per kind (cash-out, spending, sending) the daily and monthly caps that apply, what is
// used and left — and lowering one's own cap, which applies at once. Raising (or removing) a cap
// needs an SMS code and a cooling-off (wallets' rule), and a basic phone cannot read an SMS in the
// middle of a dialog: over USSD a person can only tighten their limits, and is told to raise
// them in the app. No PIN: lowering a limit only protects, like a freeze.
import { parseAmount, MoneyError, type Micros } from '../../money/index.ts';
import type { LimitKind } from '../../policy/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { ussdMoney } from '../format.ts';
import type { Messages } from '../messages.ts';
import { end, go, pick, stay, type NodeTable, type Turn } from '../node.ts';

const KINDS: readonly LimitKind[] = ['cash_out', 'spend', 'send'];
const PERIODS = ['daily', 'monthly'] as const;
type Period = (typeof PERIODS)[number];

function kindLabel(m: Messages, kind: LimitKind): string {
  return kind === 'cash_out' ? m.limitCashout : kind === 'spend' ? m.limitSpend : m.limitSend;
}

function periodLabel(m: Messages, period: Period): string {
  return period === 'daily' ? m.perDay : m.perMonth;
}

function chosenKind(turn: Turn): LimitKind {
  const kind = turn.state.data['limits.kind'];
  return KINDS.includes(kind as LimitKind) ? (kind as LimitKind) : 'cash_out';
}

function chosenPeriod(turn: Turn): Period {
  return turn.state.data['limits.period'] === 'monthly' ? 'monthly' : 'daily';
}

const kindOptions = (turn: Turn) => KINDS.map((kind, i) => ({ key: String(i + 1), label: kindLabel(turn.m, kind), kind }));
const periodOptions = (turn: Turn) => PERIODS.map((period, i) => ({ key: String(i + 1), label: turn.m.lowerLimit(periodLabel(turn.m, period)), period }));

export const limitsNodes: NodeTable = {
  limits: {
    screen: (turn) => ({ title: turn.m.limitsTitle, options: kindOptions(turn) }),
    answer(turn, input) {
      const choice = pick(kindOptions(turn), input);
      if (!choice) return stay(turn.m.invalidChoice);
      return go('limits.kind', { 'limits.kind': choice.kind });
    },
  },

  'limits.kind': {
    async screen(turn) {
      const view = await turn.deps.wallets.limits((await turn.user()).id);
      const kind = chosenKind(turn);
      const money = (amount: Micros) => ussdMoney(amount, view.currency, turn.lang);
      const lines = PERIODS.map((period) => {
        const limit = view.limits[kind][period];
        return turn.m.limitLine(periodLabel(turn.m, period), money(limit.effective_cap), money(limit.used), money(limit.remaining));
      });
      return { title: kindLabel(turn.m, kind), lines, options: periodOptions(turn) };
    },
    answer(turn, input) {
      const choice = pick(periodOptions(turn), input);
      if (!choice) return stay(turn.m.invalidChoice);
      return go('limits.amount', { 'limits.period': choice.period });
    },
  },

  'limits.amount': {
    async screen(turn) {
      const view = await turn.deps.wallets.limits((await turn.user()).id);
      const current = view.limits[chosenKind(turn)][chosenPeriod(turn)].effective_cap;
      return { lines: [turn.m.limitNow(ussdMoney(current, view.currency, turn.lang))], prompt: turn.m.newLimitPrompt };
    },
    async answer(turn, input) {
      const userId = (await turn.user()).id;
      const view = await turn.deps.wallets.limits(userId);
      let cap: Micros;
      try {
        if (!/^\d{1,12}$/.test(input)) return stay(turn.m.invalidAmount);
        cap = parseAmount(input, view.currency, { allowZero: true });
      } catch (error) {
        if (error instanceof MoneyError) return stay(turn.m.invalidAmount);
        throw error;
      }
      const kind = chosenKind(turn);
      const period = chosenPeriod(turn);
      const current = view.limits[kind][period].effective_cap;
      if (cap >= current) return stay(turn.m.onlyLower(ussdMoney(current, view.currency, turn.lang)));
      try {
        await turn.deps.wallets.setLimits(userId, [{ kind, period, cap }], { otp: null, challengeId: null });
      } catch (error) {
        if (error instanceof DomainError && error.code === 'otp_required') return stay(turn.m.raiseInApp);
        throw error;
      }
      return end(turn.m.limitSet(kindLabel(turn.m, kind), periodLabel(turn.m, period), ussdMoney(cap, view.currency, turn.lang)));
    },
  },
};
