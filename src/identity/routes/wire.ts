// Domain objects → response bodies (snake_case, ISO timestamps, nothing secret).
import type { z } from 'zod';
import type { AuditEntry } from '../audit.ts';
import type { BankAccountView } from '../bank-accounts.ts';
import type { IdDocumentView } from '../kyc.ts';
import { keyIsLive, type ApiKey, type Partner } from '../partners.ts';
import type { Session } from '../sessions.ts';
import type { Staff } from '../staff.ts';
import type { User } from '../user.ts';
import type { DeviceRow } from '../users.sql.ts';
import type { Challenge } from '../challenges.ts';
import type { apiKeyWire, auditWire, bankAccountWire, challengeWire, deviceWire, idDocumentWire, partnerWire, sessionWire, staffWire, userWire } from './fields.ts';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function userOut(user: User): z.infer<typeof userWire> {
  return {
    id: user.id,
    object: 'user',
    phone: user.phone,
    carrier: user.carrier,
    lang: user.lang,
    tier: user.tier,
    status: user.status,
    identity: { verified: user.identityVerifiedAt !== null, name: user.legalName, birth_date: user.birthDate },
    frozen: user.frozen ? { by: user.frozen.by, reason: user.frozen.by === 'staff' ? user.frozen.reason : null, at: iso(user.frozen.at) } : null,
    phone_unbound: user.phoneUnboundAt ? { at: iso(user.phoneUnboundAt), reason: user.phoneUnboundReason ?? 'number_terminated', previous_phone: user.previousPhone } : null,
    locked_until: isoOrNull(user.lockedUntil),
    payout_hold_until: isoOrNull(user.payoutHoldUntil),
    pin_changed_at: iso(user.pinChangedAt),
    created_at: iso(user.createdAt),
  };
}

export function sessionOut(session: Session, currentId?: string): z.infer<typeof sessionWire> {
  return {
    id: session.id,
    object: 'session',
    kind: session.kind,
    device_id: session.deviceId,
    ip: session.ip,
    user_agent: session.userAgent,
    created_at: iso(session.createdAt),
    expires_at: iso(session.expiresAt),
    last_used_at: iso(session.lastUsedAt),
    revoked_at: isoOrNull(session.revokedAt),
    current: session.id === currentId,
  };
}

export function challengeOut(challenge: Challenge): z.infer<typeof challengeWire> {
  return { id: challenge.id, object: 'otp_challenge', action: challenge.action, channel: challenge.channel, expires_at: iso(challenge.expiresAt) };
}

export function deviceOut(device: DeviceRow): z.infer<typeof deviceWire> {
  return { id: device.id, object: 'device', label: device.label, first_seen_at: iso(device.first_seen_at), last_seen_at: iso(device.last_seen_at) };
}

export function bankAccountOut(account: BankAccountView): z.infer<typeof bankAccountWire> {
  return {
    id: account.id,
    object: 'bank_account',
    bank_code: account.bankCode,
    account_number_masked: account.maskedNumber,
    holder_name: account.holderName,
    status: account.status,
    created_at: iso(account.createdAt),
    verified_at: isoOrNull(account.verifiedAt),
  };
}

export function idDocumentOut(document: IdDocumentView): z.infer<typeof idDocumentWire> {
  return { type: document.type, number_masked: document.masked, recorded_at: iso(document.recordedAt) };
}

export function staffOut(staff: Staff): z.infer<typeof staffWire> {
  return { id: staff.id, object: 'staff', email: staff.email, name: staff.name, role: staff.role, status: staff.status, locked_until: isoOrNull(staff.lockedUntil), created_at: iso(staff.createdAt) };
}

export function partnerOut(partner: Partner): z.infer<typeof partnerWire> {
  return { id: partner.id, object: 'partner', name: partner.name, status: partner.status, created_at: iso(partner.createdAt) };
}

export function apiKeyOut(key: ApiKey, now: Date): z.infer<typeof apiKeyWire> {
  const status = key.revokedAt ? 'revoked' : !keyIsLive(key, now) ? 'expired' : key.expiresAt ? 'expiring' : 'active';
  return {
    id: key.id,
    object: 'api_key',
    partner_id: key.partnerId,
    prefix: key.prefix,
    scopes: key.scopes,
    status,
    created_at: iso(key.createdAt),
    expires_at: isoOrNull(key.expiresAt),
    revoked_at: isoOrNull(key.revokedAt),
    last_used_at: isoOrNull(key.lastUsedAt),
    replaced_by: key.replacedBy,
  };
}

export function auditOut(entry: AuditEntry): z.infer<typeof auditWire> {
  return {
    id: entry.id,
    object: 'audit_entry',
    at: iso(entry.at),
    actor: { kind: entry.actorKind, id: entry.actorId },
    action: entry.action,
    target: entry.targetKind && entry.targetId ? { kind: entry.targetKind, id: entry.targetId } : null,
    reason: entry.reason,
    before: entry.before,
    after: entry.after,
    request_id: entry.requestId,
  };
}
