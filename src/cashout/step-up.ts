// The one-time code for sensitive cash-out actions (a payout the policy wants confirmed, a new
// destination, an auto-sweep rule): without a proof a code is sent and the request answers
// 403 otp_required with the challenge id; the same request sent again with { challenge_id, code }
// goes through. The code is bound to the action and its parameters by identity.
import { withTransaction } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import type { CashoutDeps } from './deps.ts';
import './errors.ts';

export interface OtpProof {
  challengeId: string;
  code: string;
}

export async function requireOtp(
  deps: Pick<CashoutDeps, 'db' | 'identity'>,
  userId: string,
  action: string,
  params: unknown,
  proof: OtpProof | null | undefined,
  reasons: readonly string[] = [],
): Promise<void> {
  if (!proof) {
    const challenge = await withTransaction(deps.db, (trx) => deps.identity.issueChallenge(trx, userId, action, params));
    throw new DomainError('otp_required', {
      param: 'otp',
      data: { challenge_id: challenge.id, expires_at: challenge.expiresAt.toISOString(), ...(reasons.length ? { reasons } : {}) },
    });
  }
  await deps.identity.verifyChallenge(deps.db, proof.challengeId, proof.code, action, params, userId);
}
