// A caller whose number has no account: choose a language, accept the policy, set a PIN. The
// network authenticated the number, so there is no SMS code; the account starts at tier 0.
import { pinWeakness } from '../../identity/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { carrierOfNetwork, ussdMoney } from '../format.ts';
import { back, end, go, home, PIN_SHAPE, pick, stay, type NodeTable } from '../node.ts';

const LANGUAGES = [
  { key: '1', label: '한국어', lang: 'ko' as const },
  { key: '2', label: 'English', lang: 'en' as const },
];

export const registrationNodes: NodeTable = {
  'reg.lang': {
    screen: () => ({ title: 'smallchange', options: LANGUAGES }),
    answer(turn, input) {
      const choice = pick(LANGUAGES, input);
      if (!choice) return stay(turn.m.invalidChoice);
      turn.state.lang = choice.lang;
      return go('reg.terms');
    },
  },

  'reg.terms': {
    async screen(turn) {
      const policy = await turn.policy();
      const cap = ussdMoney(policy.tiers[0]!.balance_cap, policy.currency, turn.lang);
      return {
        title: turn.m.termsTitle,
        // The link is also in the summary (option 2); on an 80-character Korean screen it would push
        // the choices onto a second page, where a first-time caller would not look for them.
        lines: [turn.m.termsBody(cap), ...(turn.lang === 'en' ? [turn.m.termsLink(`${turn.deps.publicUrl}/policy?lang=${turn.lang}`)] : [])],
        options: [{ key: '1', label: turn.m.accept }, { key: '2', label: turn.m.readSummary }],
      };
    },
    answer(turn, input) {
      if (input === '1') return go('reg.pin');
      if (input === '2') return go('policy');
      return stay(turn.m.invalidChoice);
    },
  },

  'reg.pin': {
    screen: (turn) => ({ prompt: turn.m.choosePin }),
    answer(turn, input) {
      if (!PIN_SHAPE.test(input)) return stay(turn.m.pinFormat);
      if (pinWeakness(input, { phone: turn.phone })) return stay(turn.m.pinWeak);
      return go('reg.pin2', { 'reg.pin': turn.answerRange });
    },
  },

  'reg.pin2': {
    screen: (turn) => ({ prompt: turn.m.repeatPin }),
    async answer(turn, input) {
      const pin = turn.answerAt(turn.state.data['reg.pin'] as number[]);
      if (input !== pin) return back(turn.m.pinMismatch);
      try {
        const user = await turn.deps.identity.registerNetworkCaller({
          phone: turn.phone,
          carrier: carrierOfNetwork(turn.networkCode),
          lang: turn.lang,
          pin,
          channel: 'ussd',
        });
        turn.state.userId = user.id;
        // The PIN was just set here: what it guards may be shown in this dialog without asking again.
        turn.state.data = { viewer: true };
        return home(turn.m.registered);
      } catch (error) {
        if (error instanceof DomainError && error.code === 'weak_pin') return back(turn.m.pinWeak);
        if (error instanceof DomainError && error.code === 'phone_already_registered') return end(turn.m.alreadyRegistered);
        throw error;
      }
    },
  },
};
