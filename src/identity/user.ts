// The user as other modules see it, and the rules about what a user may do with money.
import type { Carrier } from './phone.ts';
import type { Lang } from '../shared/errors.ts';
import { DomainError } from '../shared/errors.ts';
import type { FrozenBy, Tier, UnboundReason } from './tables.ts';
import type { UserRow } from './users.sql.ts';

export interface User {
  id: string;
  /** E.164; null when a carrier ended the binding and no number was verified since. */
  phone: string | null;
  phoneVerifiedAt: Date | null;
  previousPhone: string | null;
  phoneUnboundAt: Date | null;
  phoneUnboundReason: UnboundReason | null;
  carrier: Carrier;
  lang: Lang;
  tier: Tier;
  status: 'active' | 'closed';
  legalName: string | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
  identityVerifiedAt: Date | null;
  pinChangedAt: Date;
  pinFailures: number;
  lockedUntil: Date | null;
  payoutHoldUntil: Date | null;
  frozen: { by: FrozenBy; reason: string | null; at: Date } | null;
  createdAt: Date;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    phone: row.phone,
    phoneVerifiedAt: row.phone_verified_at,
    previousPhone: row.previous_phone,
    phoneUnboundAt: row.phone_unbound_at,
    phoneUnboundReason: row.phone_unbound_reason,
    carrier: row.carrier,
    lang: row.lang,
    tier: Number(row.tier) as Tier,
    status: row.status,
    legalName: row.legal_name,
    birthDate: row.birth_date,
    identityVerifiedAt: row.identity_verified_at,
    pinChangedAt: row.pin_changed_at,
    pinFailures: row.pin_failures,
    lockedUntil: row.locked_until,
    payoutHoldUntil: row.payout_hold_until,
    frozen: row.frozen_by && row.frozen_at ? { by: row.frozen_by, reason: row.frozen_reason, at: row.frozen_at } : null,
    createdAt: row.created_at,
  };
}

export function isLocked(user: Pick<User, 'lockedUntil'>, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();
}

/** When the post-PIN-reset hold on cash-outs and sends to people ends; null when there is none now. */
export function payoutHoldUntil(user: Pick<User, 'payoutHoldUntil'>, now: Date): Date | null {
  return user.payoutHoldUntil && user.payoutHoldUntil.getTime() > now.getTime() ? user.payoutHoldUntil : null;
}

/**
 * What the money is for: `payment` (to a merchant) is barred by a freeze but not by the PIN-reset
 * hold; `payout` (cash-out) and `transfer` (to a person) are barred by both.
 */
export type SendPurpose = 'payout' | 'transfer' | 'payment';

/**
 * Throws when money may not leave the account: account_closed, account_frozen, phone_unbound (no
 * verified number to confirm with), payout_hold (details.hold_until). Every face calls it through
 * the service that moves money, before the ledger.
 */
export function assertCanSend(user: User, now: Date, purpose: SendPurpose = 'payout'): void {
  if (user.status === 'closed') throw new DomainError('account_closed');
  if (user.frozen) throw new DomainError('account_frozen', { data: { frozen_by: user.frozen.by } });
  if (!user.phone) throw new DomainError('phone_unbound');
  const hold = payoutHoldUntil(user, now);
  if (hold && purpose !== 'payment') throw new DomainError('payout_hold', { data: { hold_until: hold.toISOString() } });
}
