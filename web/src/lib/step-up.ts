// Sensitive actions answer 403 the first time and send an SMS code: identity's step_up_required
// (the retry carries challenge_id + code) and the wallets' otp_required (challenge_id + otp).
// Both put the challenge id in details; the caller names the fields of its retry.
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { useAction } from './use-api.ts';

export interface Proof {
  challengeId: string;
  code: string;
}

const STEP_UP_CODES = ['step_up_required', 'otp_required'];

export function challengeOf(error: unknown): string | null {
  if (error instanceof ApiError && STEP_UP_CODES.includes(error.code) && typeof error.details.challenge_id === 'string') return error.details.challenge_id;
  return null;
}

export function useStepUp(run: (proof: Proof | null) => Promise<void>) {
  const [challengeId, setChallengeId] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const action = useAction(async () => {
    try {
      await run(challengeId ? { challengeId, code } : null);
      setChallengeId(null);
      setCode('');
    } catch (error) {
      const challenge = challengeOf(error);
      if (challenge) {
        setChallengeId(challenge);
        setCode('');
        return;
      }
      throw error;
    }
  });
  const reset = () => {
    setChallengeId(null);
    setCode('');
  };
  return { ...action, challengeId, code, setCode, reset };
}

/** identity's retry fields. */
export const identityProof = (proof: Proof | null) => (proof ? { challenge_id: proof.challengeId, code: proof.code } : {});
/** the wallets' retry fields. */
export const walletProof = (proof: Proof | null) => (proof ? { challenge_id: proof.challengeId, otp: proof.code } : {});
/** cash-out's retry field: one object. */
export const cashoutProof = (proof: Proof | null) => (proof ? { otp: { challenge_id: proof.challengeId, code: proof.code } } : {});
