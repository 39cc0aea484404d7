// The step-up pattern for sensitive actions: a request without a code sends one and answers
// step_up_required with the challenge id; the same request repeated with challenge_id and code
// goes through. The code is bound to the action and its parameters.
import { withTransaction, type Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { issueChallengeRow, verifyChallengeCode, type Challenge } from './challenges.ts';
import type { IdentityDeps } from './deps.ts';
import { selectUser } from './users.sql.ts';

export interface StepUpProof {
  challengeId?: string | null;
  code?: string | null;
}

/** Sends a code for `action` to the user's bound number. */
export async function issueUserChallenge(executor: Executor, deps: IdentityDeps, userId: string, action: string, params: unknown): Promise<Challenge> {
  const user = await selectUser(executor, userId);
  if (!user) throw new DomainError('user_not_found', { param: 'user_id' });
  if (user.status !== 'active') throw new DomainError('account_closed');
  if (!user.phone) throw new DomainError('phone_unbound');
  const { challenge } = await issueChallengeRow(executor, deps, { userId, phone: user.phone, lang: user.lang, action, params });
  return challenge;
}

export function stepUpRequired(challenge: Challenge): DomainError {
  return new DomainError('step_up_required', {
    param: 'code',
    data: { challenge_id: challenge.id, expires_at: challenge.expiresAt.toISOString(), action: challenge.action },
  });
}

/**
 * Without a proof: sends a code (committed at once) and throws step_up_required. With one: verifies
 * it (a wrong code counts). Owns its transactions, so call it before opening yours.
 */
export async function requireStepUp(deps: IdentityDeps, userId: string, action: string, params: unknown, proof: StepUpProof): Promise<Challenge> {
  if (!proof.challengeId && !proof.code) {
    const challenge = await withTransaction(deps.db, (trx) => issueUserChallenge(trx, deps, userId, action, params));
    throw stepUpRequired(challenge);
  }
  if (!proof.challengeId) throw new DomainError('missing_field', { param: 'challenge_id' });
  if (!proof.code) throw new DomainError('missing_field', { param: 'code' });
  return verifyChallengeCode(deps.db, deps, { challengeId: proof.challengeId, code: proof.code, action, params, userId });
}
