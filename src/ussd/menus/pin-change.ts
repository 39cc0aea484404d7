// Change PIN: the current PIN, the new one, the new one again. Nothing is checked against the
// account until the last entry, so the PINs are all typed before identity sees them; identity
// counts a wrong current PIN toward the lockout. No SMS code: the network authenticated the caller.
import { pinWeakness } from '../../identity/index.ts';
import { DomainError } from '../../shared/errors.ts';
import { back, backTo, end, go, PIN_SHAPE, stay, type NodeTable } from '../node.ts';
import { wrongPinNotice } from './pin.ts';

export const pinChangeNodes: NodeTable = {
  'pin.current': {
    screen: (turn) => ({ prompt: turn.m.currentPin }),
    answer(turn, input) {
      if (!PIN_SHAPE.test(input)) return stay(turn.m.pinFormat);
      return go('pin.new', { 'pin.current': turn.answerRange });
    },
  },

  'pin.new': {
    screen: (turn) => ({ prompt: turn.m.newPin }),
    async answer(turn, input) {
      if (!PIN_SHAPE.test(input)) return stay(turn.m.pinFormat);
      const user = await turn.user();
      if (pinWeakness(input, { phone: user.phone ?? turn.phone, ...(user.birthDate ? { birthDate: user.birthDate } : {}) })) return stay(turn.m.pinWeak);
      return go('pin.repeat', { 'pin.new': turn.answerRange });
    },
  },

  'pin.repeat': {
    screen: (turn) => ({ prompt: turn.m.repeatNewPin }),
    async answer(turn, input) {
      const newPin = turn.answerAt(turn.state.data['pin.new'] as number[]);
      if (input !== newPin) return back(turn.m.pinMismatch);
      const currentPin = turn.answerAt(turn.state.data['pin.current'] as number[]);
      try {
        await turn.deps.identity.changePinNetworkCaller((await turn.user()).id, { currentPin, newPin, channel: 'ussd' });
        return end(turn.m.pinChanged);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === 'invalid_credentials') return backTo('pin.current', await wrongPinNotice(turn));
        if (error.code === 'same_pin') return backTo('pin.new', turn.m.samePin);
        if (error.code === 'weak_pin') return backTo('pin.new', turn.m.pinWeak);
        throw error;
      }
    },
  },
};
