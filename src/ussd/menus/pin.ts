// PIN entry over USSD. A PIN that is not 6 digits is a typing slip, refused before the PIN check
// (as the API refuses it before the service); any 6 digits go to identity, where a wrong PIN counts
// toward the lockout like everywhere else.
import { DomainError } from '../../shared/errors.ts';
import { go, PIN_SHAPE, stay, type NodeTable, type Step, type Turn } from '../node.ts';

/** The notice for a wrong PIN, with the lockout numbers of the policy in force. */
export async function wrongPinNotice(turn: Turn): Promise<string> {
  const { security } = await turn.policy();
  return turn.m.pinWrong(security.pin_lockout_attempts, security.pin_lockout_minutes);
}

/** null when the PIN is right; else the notice to show. */
export async function checkPin(turn: Turn, pin: string): Promise<string | null> {
  if (!PIN_SHAPE.test(pin)) return turn.m.pinFormat;
  try {
    await turn.deps.identity.verifyPin(turn.deps.db, (await turn.user()).id, pin);
    return null;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'invalid_credentials') return wrongPinNotice(turn);
    throw error;
  }
}

/**
 * What shows a person's money (balance, history) asks for the PIN once per dialog: basic phones
 * are often shared in a family, and the dialog is the phone's, not the person's.
 */
export function viewBehindPin(turn: Turn, target: string): Step {
  return turn.state.data.viewer === true ? go(target) : go('pin.view', { after: target });
}

export const pinNodes: NodeTable = {
  'pin.view': {
    screen: (turn) => ({ prompt: turn.m.enterPin }),
    async answer(turn, input) {
      const problem = await checkPin(turn, input);
      if (problem) return stay(problem);
      const after = turn.state.data.after;
      return go(typeof after === 'string' ? after : 'main', { viewer: true }, { replace: true });
    },
  },
};
