// identity's public face: what other modules, the composition root and the faces may use.
//
// Wiring (src/main.ts):
//   const { service, simulators } = createIdentity({ db: database.db, clock, logger, config, policy: () => mapPolicy(policy.current()) });
//   ctx.services.identity = service;
//   ctx.authenticator = service.authenticator;        // the Authenticator (sessions + partner keys)
//   buildApp(ctx, { areas: [identityRoutes, …] });
// Migrations 0010–0014 belong to this module.
import type { IdentityService } from './service.ts';

export { IdentityService, type IdentityServiceOptions, type StaffActor } from './service.ts';
export { createIdentity, type CreateIdentityOptions, type IdentitySimulators } from './setup.ts';
export { createIdentityRoutes, identityRoutes, type IdentityRouteOptions } from './routes/index.ts';
export { DEFAULT_IDENTITY_POLICY, OTP_TTL_SECONDS_MAX, type IdentityPolicy } from './policy.ts';
export { IDENTITY_ERRORS, type IdentityErrorCode } from './errors.ts';
export { CARRIERS, isCarrier, maskPhone, normalizePhone, tryNormalizePhone, type Carrier } from './phone.ts';
export { PARTNER_SCOPES, PERMISSIONS, STAFF_ROLES, partnerCan, permissionsOf, staffCan, type PartnerScope, type Permission } from './permissions.ts';
export { assertCanSend, isLocked, payoutHoldUntil, type SendPurpose, type User } from './user.ts';
export { pinWeakness, assertPinStrong, type WeakPinReason } from './weak-pin.ts';
export type { Challenge } from './challenges.ts';
export type { StepUpProof } from './step-up.ts';
export type { Session, ClientInfo } from './sessions.ts';
export type { AuditActor, AuditEntry, AuditEntryInput } from './audit.ts';
export type { BankAccountView } from './bank-accounts.ts';
export type { Partner, ApiKey } from './partners.ts';
export type { Staff } from './staff.ts';
export type { Tier, IdDocumentType } from './tables.ts';
export { AdapterUnavailableError } from './adapter-error.ts';
export { IdentityCheckSimulator, type IdentityCheckAdapter, type IdentityCheckRequest, type IdentityCheckResult } from './identity-check.ts';
export { BankVerificationSimulator, type BankVerificationAdapter, type VerificationDepositRequest, type VerificationDepositResult } from './bank-verification.ts';
export { CarrierEventsSimulator, type CarrierEvent, type CarrierEventsAdapter, type CarrierEventOutcome } from './carrier-events.ts';
export type { NetworkChannel, NetworkRegistration } from './network-caller.ts';
export { FREEZE_KEYWORDS, type FreezeChannel, type SmsKeywordResult } from './freeze.ts';

declare module '../api/context.ts' {
  interface AppServices {
    identity: IdentityService;
  }
}
