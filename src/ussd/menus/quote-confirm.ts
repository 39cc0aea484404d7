// The last steps every cash-out menu shares (cash out, agent code): the quote screen takes the
// PIN → the cash-out service confirms → when its policy wants an SMS step-up code, the code screen,
// with the PIN read back from the gateway's text (nothing secret is stored) → the menu's own final
// screen. One place for how the service's refusals land, so both menus answer them alike:
//   - a wrong PIN stays on the quote with the lockout numbers (identity counts it);
//   - a wrong code stays on the code screen; an expired, used or exhausted code goes back to the
//     PIN (confirming again sends a fresh one);
//   - an expired quote goes back to where the amount was chosen;
//   - any other refusal (limits, balance, freeze) shows on the quote in the service's words.
import { DomainError } from '../../shared/errors.ts';
import type { ScreenSpec } from '../layout.ts';
import { backTo, go, PIN_SHAPE, stay, type NodeTable, type Step, type Turn } from '../node.ts';
import { wrongPinNotice } from './pin.ts';

const OTP_SHAPE = /^\d{6}$/;

/** The SMS step-up code typed in the dialog, with the challenge it answers. */
export interface StepUpCode {
  challengeId: string;
  code: string;
}

export interface QuoteConfirmFlow {
  /** Node ids: `${prefix}.quote` (the quote, PIN prompt) and `${prefix}.otp` (the SMS code). */
  prefix: string;
  /** Where an expired quote sends the caller to choose again. */
  restartNode: string;
  quoteScreen(turn: Turn): ScreenSpec | Promise<ScreenSpec>;
  /** Confirms the quote shown with the cash-out service (which throws its refusals); the final step. */
  confirm(turn: Turn, pin: string, otp: StepUpCode | null): Promise<Step>;
}

export function quoteConfirmNodes(flow: QuoteConfirmFlow): NodeTable {
  const quoteNode = `${flow.prefix}.quote`;
  const otpNode = `${flow.prefix}.otp`;
  const challengeKey = `${flow.prefix}.challenge`;
  const pinKey = `${flow.prefix}.pin`;

  async function attempt(turn: Turn, pin: string, otp: StepUpCode | null): Promise<Step> {
    // A refusal shows on the quote screen (the PIN prompt again); from the code screen, back to it.
    const toQuote = (notice: string): Step => (turn.state.node === quoteNode ? stay(notice) : backTo(quoteNode, notice));
    try {
      return await flow.confirm(turn, pin, otp);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      switch (error.code) {
        case 'invalid_credentials':
          return toQuote(await wrongPinNotice(turn));
        case 'otp_required': {
          const challengeId = error.details.data?.challenge_id;
          if (typeof challengeId !== 'string') throw error;
          // Where the PIN lies in the gateway's text, not the PIN: the code screen reads it back.
          return go(otpNode, { [challengeKey]: challengeId, [pinKey]: turn.answerRange }, { notice: turn.m.otpSent });
        }
        case 'otp_invalid':
          return stay(turn.m.otpWrong);
        case 'quote_expired':
          return backTo(flow.restartNode, turn.m.quoteExpired);
        default:
          // Also otp_expired, otp_used, otp_attempts_exceeded, …: back to the PIN, which sends a fresh code.
          if (error.status >= 500) throw error;
          return toQuote(error.localizedMessage(turn.lang));
      }
    }
  }

  return {
    [quoteNode]: {
      screen: (turn) => flow.quoteScreen(turn),
      async answer(turn, input) {
        if (!PIN_SHAPE.test(input)) return stay(turn.m.pinFormat);
        return attempt(turn, input, null);
      },
    },
    [otpNode]: {
      screen: (turn) => ({ prompt: turn.m.otpPrompt }),
      async answer(turn, input) {
        if (!OTP_SHAPE.test(input)) return stay(turn.m.otpFormat);
        const pin = turn.answerAt(turn.state.data[pinKey] as number[]);
        return attempt(turn, pin, { challengeId: turn.state.data[challengeKey] as string, code: input });
      },
    },
  };
}
