// Identity's tables (migrations 0010–0014) as Kysely sees them.
import type { Generated } from 'kysely';
import type { StaffRole } from '../api/auth.ts';
import type { Lang } from '../shared/errors.ts';
import type { Carrier } from './phone.ts';

export type Tier = 0 | 1 | 2 | 3;
export type FrozenBy = 'self' | 'staff';
export type UnboundReason = 'number_terminated' | 'number_reassigned';
export type IdDocumentType = 'resident_registration' | 'driver_license' | 'passport' | 'alien_registration';
export type BankAccountStatus = 'pending' | 'verified' | 'failed' | 'removed';
export type ChallengeChannel = 'sms' | 'bank_deposit';
export type ActorKind = 'staff' | 'user' | 'partner' | 'system';

export interface UsersTable {
  id: string;
  phone: string | null;
  phone_verified_at: Date | null;
  previous_phone: string | null;
  phone_unbound_at: Date | null;
  phone_unbound_reason: UnboundReason | null;
  carrier: Carrier;
  lang: Lang;
  tier: Generated<Tier>;
  status: Generated<'active' | 'closed'>;
  legal_name: string | null;
  birth_date: string | null;
  identity_verified_at: Date | null;
  pin_hash: string;
  pin_salt: string;
  pin_key_version: number;
  pin_changed_at: Date;
  pin_failures: Generated<number>;
  locked_until: Date | null;
  payout_hold_until: Date | null;
  frozen_by: FrozenBy | null;
  frozen_reason: string | null;
  frozen_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface UserDevicesTable {
  id: string;
  user_id: string;
  device_hash: string;
  label: string | null;
  first_seen_at: Date;
  last_seen_at: Date;
}

export interface StaffTable {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  status: Generated<'active' | 'disabled'>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  subject_kind: 'user' | 'staff';
  user_id: string | null;
  staff_id: string | null;
  device_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export interface OtpChallengesTable {
  id: string;
  user_id: string | null;
  phone: string | null;
  channel: ChallengeChannel;
  action: string;
  params_hash: string;
  context: Generated<Record<string, unknown>>;
  code_hash: string;
  key_version: number;
  attempts: Generated<number>;
  max_attempts: number;
  expires_at: Date;
  consumed_at: Date | null;
  created_at: Date;
}

export interface UserIdDocumentsTable {
  user_id: string;
  doc_type: IdDocumentType;
  number_enc: string;
  key_version: number;
  masked: string;
  recorded_at: Date;
}

export interface BankAccountsTable {
  id: string;
  user_id: string;
  account_enc: string;
  key_version: number;
  last4: string;
  holder_name: string;
  status: BankAccountStatus;
  challenge_id: string | null;
  created_at: Date;
  verified_at: Date | null;
  updated_at: Date;
}

export interface PartnersTable {
  id: string;
  name: string;
  status: Generated<'active' | 'disabled'>;
  created_at: Date;
  updated_at: Date;
}

export interface PartnerApiKeysTable {
  id: string;
  partner_id: string;
  prefix: string;
  secret_hash: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  replaced_by: string | null;
}

export interface CarrierEventsTable {
  id: string;
  source: string;
  external_id: string;
  type: UnboundReason;
  phone: string;
  carrier: string | null;
  occurred_at: Date;
  received_at: Date;
  unbound_user_id: string | null;
}

export interface AuditLogTable {
  id: string;
  at: Date;
  actor_kind: ActorKind;
  actor_id: string | null;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

declare module '../db/schema.ts' {
  interface DB {
    users: UsersTable;
    user_devices: UserDevicesTable;
    staff: StaffTable;
    sessions: SessionsTable;
    otp_challenges: OtpChallengesTable;
    user_id_documents: UserIdDocumentsTable;
    bank_accounts: BankAccountsTable;
    partners: PartnersTable;
    partner_api_keys: PartnerApiKeysTable;
    carrier_events: CarrierEventsTable;
    audit_log: AuditLogTable;
  }
}
