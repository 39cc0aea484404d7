// IdentityService: the one object other modules and the routes use. Each method documents its
// transaction rule: methods taking an `executor` run inside the caller's transaction; the others
// own their transactions (they check PINs or codes — whose failures must commit — or call an
// outside service) and must not be called while the caller holds a transaction open.
import type { Kysely } from 'kysely';
import type { Authenticator } from '../api/auth.ts';
import type { DB } from '../db/schema.ts';
import { withTransaction, type Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import * as admin from './admin-users.ts';
import { listAudit, recordAudit, type AuditEntryInput, type AuditFilter } from './audit.ts';
import { createAuthenticator } from './authenticator.ts';
import * as bank from './bank-accounts.ts';
import type { BankVerificationAdapter } from './bank-verification.ts';
import { ingestCarrierEvent, type CarrierEvent, type CarrierEventOutcome, type CarrierEventsAdapter } from './carrier-events.ts';
import { verifyChallengeCode, type Challenge } from './challenges.ts';
import type { IdentityDeps } from './deps.ts';
import * as freeze from './freeze.ts';
import type { IdentityCheckAdapter } from './identity-check.ts';
import { parseKeyRing } from './key-ring.ts';
import * as kyc from './kyc.ts';
import { completeLogin, login, type LoginInput, type LoginResult, type LoginVerifyInput } from './login.ts';
import * as partners from './partners.ts';
import { normalizePhone, type Carrier } from './phone.ts';
import * as phoneBinding from './phone-binding.ts';
import * as networkCaller from './network-caller.ts';
import * as pinChange from './pin-change.ts';
import { verifyUserPin } from './pins.ts';
import type { IdentityPolicy } from './policy.ts';
import * as registration from './registration.ts';
import * as sessions from './sessions.ts';
import * as staff from './staff.ts';
import { issueUserChallenge, requireStepUp, type StepUpProof } from './step-up.ts';
import { DeferredWrites } from './sticky.ts';
import type { IdDocumentType, Tier } from './tables.ts';
import { assertCanSend, payoutHoldUntil, toUser, type SendPurpose, type User } from './user.ts';
import { deleteDevice, selectDevices, selectUser, selectUserByPhone, selectUsers, selectUsersByPhones, type DeviceRow } from './users.sql.ts';

export interface IdentityServiceOptions {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  /** config.PIN_KEYS: "version:secret" entries. */
  pinKeys: readonly string[];
  /** config.DATA_KEYS: "version:secret" entries. */
  dataKeys: readonly string[];
  /** Read on every use, so a newly published policy applies at once. */
  policy: () => IdentityPolicy;
  identityCheck: IdentityCheckAdapter;
  bankVerification: BankVerificationAdapter;
}

export class IdentityService {
  readonly authenticator: Authenticator;
  private readonly deps: IdentityDeps;
  private readonly registeredListeners: ((user: User) => Promise<void>)[] = [];

  constructor(options: IdentityServiceOptions) {
    this.deps = {
      db: options.db,
      clock: options.clock,
      policy: options.policy,
      pinKeys: parseKeyRing(options.pinKeys, 'PIN_KEYS'),
      dataKeys: parseKeyRing(options.dataKeys, 'DATA_KEYS', true),
      identityCheck: options.identityCheck,
      bankVerification: options.bankVerification,
      deferred: new DeferredWrites(options.db, options.logger),
      logger: options.logger,
    };
    this.authenticator = createAuthenticator(this.deps);
  }

  // ---- For other modules (wallets, credits, cash-out, USSD, agents) ----------------------------

  /** The user, or throws 404 user_not_found. */
  async getUser(executor: Executor, userId: string): Promise<User> {
    const row = await selectUser(executor, userId);
    if (!row) throw new DomainError('user_not_found', { param: 'user_id' });
    return toUser(row);
  }

  async findUser(executor: Executor, userId: string): Promise<User | null> {
    const row = await selectUser(executor, userId);
    return row ? toUser(row) : null;
  }

  /**
   * The account a number leads to now, or null (nobody registered it, or its carrier ended the old
   * owner's binding): null means "park the credit as unclaimed". Throws 400 invalid_phone_number.
   */
  async resolveRecipientByPhone(executor: Executor, phone: string): Promise<User | null> {
    const row = await selectUserByPhone(executor, normalizePhone(phone));
    return row ? toUser(row) : null;
  }

  /** The batch form of findUser (credit ingest by user id): a map from id to user for those that exist. */
  async findUsers(executor: Executor, userIds: readonly string[]): Promise<Map<string, User>> {
    const rows = await selectUsers(executor, [...new Set(userIds)]);
    return new Map(rows.map((row) => [row.id, toUser(row)]));
  }

  /** The batch form for credit ingest: E.164 numbers in, a map from E.164 to user for those bound. */
  async resolveRecipientsByPhone(executor: Executor, phonesE164: readonly string[]): Promise<Map<string, User>> {
    const rows = await selectUsersByPhones(executor, [...new Set(phonesE164)]);
    return new Map(rows.map((row) => [row.phone!, toUser(row)]));
  }

  /**
   * Checks the PIN for a money-moving action; every wrong PIN counts toward the lockout wherever it
   * was typed. Throws invalid_credentials (wrong, locked, closed) or user_not_found. Prefer the root
   * db (then the count is exact under concurrency); inside a transaction a wrong PIN is recorded
   * right after it ends.
   */
  async verifyPin(executor: Executor, userId: string, pin: string): Promise<User> {
    return verifyUserPin(executor, this.deps, userId, pin);
  }

  /** Sends a step-up code to the user's number, bound to `action` and `params` (JSON; bigints allowed). */
  async issueChallenge(executor: Executor, userId: string, action: string, params: unknown): Promise<Challenge> {
    return issueUserChallenge(executor, this.deps, userId, action, params);
  }

  /**
   * Checks and uses up a step-up code. `params` must equal those given to issueChallenge; `userId`
   * must be the caller's user (a code for another account is challenge_not_found). Throws
   * otp_invalid (details.attempts_left), otp_expired, otp_used, otp_attempts_exceeded,
   * otp_binding_mismatch, challenge_not_found. A wrong code counts even if your transaction rolls back.
   */
  async verifyChallenge(executor: Executor, challengeId: string, otp: string, action: string, params: unknown, userId: string): Promise<Challenge> {
    return verifyChallengeCode(executor, this.deps, { challengeId, code: otp, action, params, userId });
  }

  /** Without a proof sends a code and throws 403 step_up_required (details.challenge_id); with one verifies it. Owns its transactions. */
  async requireStepUp(userId: string, action: string, params: unknown, proof: StepUpProof): Promise<Challenge> {
    return requireStepUp(this.deps, userId, action, params, proof);
  }

  /** Throws account_closed, account_frozen, phone_unbound, or payout_hold (not for 'payment'). */
  assertCanSend(user: User, purpose: SendPurpose = 'payout'): void {
    assertCanSend(user, this.deps.clock.now(), purpose);
  }

  /** When the post-PIN-reset hold ends, or null when there is none. */
  payoutHoldUntil(user: User): Date | null {
    return payoutHoldUntil(user, this.deps.clock.now());
  }

  /** A self-freeze from any face (app, web, USSD, agent). Takes effect in the caller's transaction. */
  async freezeSelf(executor: Executor, userId: string, channel: freeze.FreezeChannel): Promise<User> {
    return freeze.freezeSelf(executor, this.deps, userId, channel);
  }

  /** An inbound SMS from `phone`: FREEZE / 정지 / 동결 freezes the sender's account. Owns its transaction. */
  async handleSmsKeyword(phone: string, text: string): Promise<freeze.SmsKeywordResult> {
    return freeze.handleSmsKeyword(this.deps, phone, text);
  }

  /** Appends to the audit log (staff actions in other modules). */
  async recordAudit(executor: Executor, entry: AuditEntryInput): Promise<string> {
    return recordAudit(executor, this.deps.clock, entry);
  }

  async listBankAccounts(executor: Executor, userId: string): Promise<bank.BankAccountView[]> {
    return bank.listBankAccounts(executor, this.deps, userId);
  }

  /** Decrypted bank code and number of a verified account, for the payout rail only. */
  async revealBankAccount(executor: Executor, userId: string, bankAccountId: string) {
    return bank.revealBankAccount(executor, this.deps, userId, bankAccountId);
  }

  /** The partner behind an API key presented outside HTTP (the CLI acting as a partner), or null. */
  async authenticateApiKey(presented: string): Promise<partners.PartnerKeyPrincipal | null> {
    return partners.authenticateApiKey(this.deps.db, this.deps, presented);
  }

  /**
   * What a payout needs to know about its user in one read: the user, when the session's device
   * (Principal.deviceId, a dev_… id) first signed in, and whether a bank account is still verified.
   */
  async payoutContext(
    executor: Executor,
    userId: string,
    refs: { deviceId?: string | null; bankAccountId?: string | null } = {},
  ): Promise<{ user: User; deviceFirstSeen: Date | null; bankAccountVerified: boolean }> {
    const row = await executor
      .selectFrom('users')
      .selectAll('users')
      .select((eb) => [
        eb.selectFrom('user_devices').select('first_seen_at').where('id', '=', refs.deviceId ?? '').where('user_id', '=', userId).as('device_first_seen_at'),
        eb.selectFrom('bank_accounts').select('status').where('id', '=', refs.bankAccountId ?? '').where('user_id', '=', userId).as('bank_account_status'),
      ])
      .where('users.id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new DomainError('user_not_found', { param: 'user_id' });
    const { device_first_seen_at: deviceFirstSeen, bank_account_status: bankStatus, ...user } = row;
    return { user: toUser(user), deviceFirstSeen: deviceFirstSeen ?? null, bankAccountVerified: bankStatus === 'verified' };
  }

  /** revealBankAccount for many accounts at once (a payout batch); unverified ones are left out. */
  async revealBankAccounts(executor: Executor, refs: ReadonlyArray<{ userId: string; bankAccountId: string }>) {
    return bank.revealBankAccounts(executor, this.deps, refs);
  }

  async getPartner(executor: Executor, partnerId: string): Promise<partners.Partner> {
    return partners.getPartner(executor, partnerId);
  }

  // ---- Registration, sessions, devices ----------------------------------------------------------

  async startRegistration(executor: Executor, input: registration.RegistrationStart): Promise<registration.Registration> {
    return registration.startRegistration(executor, this.deps, input);
  }

  /** Owns its transactions. */
  async completeRegistration(input: registration.RegistrationComplete): Promise<registration.SignedIn> {
    sessions.assertDeviceId(input.deviceId);
    const signedIn = await registration.completeRegistration(this.deps, input);
    await this.announcePhone(signedIn.user);
    return signedIn;
  }

  /** Owns its transactions. */
  async login(input: LoginInput): Promise<LoginResult> {
    sessions.assertDeviceId(input.deviceId);
    return login(this.deps, input);
  }

  /** Owns its transactions. */
  async completeLogin(input: LoginVerifyInput): Promise<registration.SignedIn> {
    sessions.assertDeviceId(input.deviceId);
    return completeLogin(this.deps, input);
  }

  async setLanguage(executor: Executor, userId: string, lang: 'ko' | 'en'): Promise<User> {
    const row = await executor.updateTable('users').set({ lang, updated_at: this.deps.clock.now() }).where('id', '=', userId).returningAll().executeTakeFirst();
    if (!row) throw new DomainError('user_not_found', { param: 'user_id' });
    return toUser(row);
  }

  async listSessions(executor: Executor, userId: string): Promise<sessions.Session[]> {
    return sessions.listUserSessions(executor, this.deps, userId);
  }

  async revokeSession(executor: Executor, owner: { userId?: string; staffId?: string }, sessionId: string, reason = 'revoked'): Promise<sessions.Session> {
    return sessions.revokeSession(executor, this.deps, owner, sessionId, reason);
  }

  async listDevices(executor: Executor, userId: string): Promise<DeviceRow[]> {
    return selectDevices(executor, userId);
  }

  /** Forgets a device (its next login needs a code again) and signs out its sessions. */
  async removeDevice(executor: Executor, userId: string, deviceId: string): Promise<void> {
    await sessions.revokeDeviceSessions(executor, this.deps, userId, deviceId);
    if (!(await deleteDevice(executor, userId, deviceId))) throw new DomainError('device_not_found', { param: 'id' });
  }

  // ---- Callers the carrier network authenticated (USSD) -------------------------------------------

  /** Opens a tier-0 account without an SMS code: the network proved the number (network-caller.ts). Owns its transaction. */
  async registerNetworkCaller(input: networkCaller.NetworkRegistration): Promise<User> {
    const user = await networkCaller.registerNetworkCaller(this.deps, input);
    await this.announcePhone(user);
    return user;
  }

  /** Changes the PIN with the current PIN, without an SMS code (network-caller.ts). Owns its transactions. */
  async changePinNetworkCaller(userId: string, input: { currentPin: string; newPin: string; channel: networkCaller.NetworkChannel }): Promise<User> {
    return networkCaller.changePinNetworkCaller(this.deps, userId, input);
  }

  // ---- PINs, freeze, phone ------------------------------------------------------------------------

  /** Owns its transactions; step_up_required first time. */
  async changePin(userId: string, input: pinChange.PinChangeInput): Promise<User> {
    return pinChange.changePin(this.deps, userId, input);
  }

  async startPinReset(executor: Executor, phone: string): Promise<pinChange.PinResetStart> {
    return pinChange.startPinReset(executor, this.deps, phone);
  }

  /** Owns its transactions; calls the identity check for tier ≥ 1. */
  async completePinReset(input: pinChange.PinResetComplete): Promise<registration.SignedIn> {
    sessions.assertDeviceId(input.deviceId);
    return pinChange.completePinReset(this.deps, input);
  }

  /** Owns its transactions; step_up_required first time. */
  async unfreezeSelf(userId: string, pin: string, proof: StepUpProof): Promise<User> {
    return freeze.unfreezeSelf(this.deps, userId, pin, proof);
  }

  async startPhoneBinding(executor: Executor, userId: string, phone: string, carrier?: Carrier | null) {
    return phoneBinding.startPhoneBinding(executor, this.deps, userId, phone, carrier);
  }

  /** Owns its transactions. */
  async completePhoneBinding(userId: string, challengeId: string, code: string, pin: string): Promise<User> {
    const user = await phoneBinding.completePhoneBinding(this.deps, userId, challengeId, code, pin);
    await this.announcePhone(user);
    return user;
  }

  /**
   * Called after a user comes to hold a verified number (registration, or binding a new number),
   * once that has committed: e.g. wallets claims the credits parked for the number. A listener's
   * failure is logged, never undoes the registration: its owner must be able to catch up later.
   */
  onRegistered(listener: (user: User) => Promise<void>): void {
    this.registeredListeners.push(listener);
  }

  private async announcePhone(user: User): Promise<void> {
    for (const listener of this.registeredListeners) {
      try {
        await listener(user);
      } catch (error) {
        this.deps.logger.error({ err: error, user_id: user.id }, 'onRegistered listener failed');
      }
    }
  }

  // ---- KYC -------------------------------------------------------------------------------------------

  /** Owns its transactions; calls the carrier identity check. */
  async checkIdentity(userId: string, input: kyc.IdentityInput): Promise<User> {
    return kyc.checkIdentity(this.deps, userId, input);
  }

  async recordIdDocument(executor: Executor, userId: string, type: IdDocumentType, number: string) {
    return kyc.recordIdDocument(executor, this.deps, userId, type, number);
  }

  async getIdDocument(executor: Executor, userId: string): Promise<kyc.IdDocumentView | null> {
    return kyc.getIdDocument(executor, userId);
  }

  /** Owns its transactions; calls the bank. */
  async startBankVerification(userId: string, bankCode: string, accountNumber: string): Promise<bank.BankVerificationStarted> {
    return bank.startBankVerification(this.deps, userId, bankCode, accountNumber);
  }

  /** Owns its transactions. */
  async confirmBankAccount(userId: string, bankAccountId: string, code: string) {
    return bank.confirmBankAccount(this.deps, userId, bankAccountId, code);
  }

  /** Re-encrypts personal identifiers under the newest DATA_KEYS version; run until it returns 0. */
  async rotateDataKeys(limit = 500): Promise<number> {
    return withTransaction(this.deps.db, (trx) => kyc.rotateDataKeys(trx, this.deps, limit));
  }

  // ---- Staff ---------------------------------------------------------------------------------------

  /** Owns its transactions. */
  async staffLogin(email: string, password: string, client: sessions.ClientInfo = {}) {
    return staff.staffLogin(this.deps, email, password, client);
  }

  async createStaff(executor: Executor, actor: StaffActor, input: staff.NewStaff, requestId?: string): Promise<staff.Staff> {
    return staff.createStaff(executor, this.deps, actorOf(actor), input, requestId);
  }

  async getStaff(executor: Executor, staffId: string): Promise<staff.Staff> {
    return staff.getStaff(executor, staffId);
  }

  async listStaff(executor: Executor, options: { limit: number; startingAfter?: string }) {
    return staff.listStaff(executor, options);
  }

  async updateStaff(executor: Executor, actor: StaffActor, staffId: string, change: staff.StaffChange, requestId?: string): Promise<staff.Staff> {
    return staff.updateStaff(executor, this.deps, actorOf(actor), staffId, change, requestId);
  }

  async searchUsers(executor: Executor, search: admin.UserSearch) {
    return admin.searchUsers(executor, search);
  }

  async getUserDetail(executor: Executor, actor: StaffActor, userId: string, requestId?: string): Promise<admin.UserDetail> {
    return admin.getUserDetail(executor, this.deps, actorOf(actor), userId, requestId);
  }

  async unlockUser(executor: Executor, actor: StaffActor, userId: string, reason: string, requestId?: string): Promise<User> {
    return admin.unlockUser(executor, this.deps, actorOf(actor), userId, reason, requestId);
  }

  async staffFreeze(executor: Executor, actor: StaffActor, userId: string, reason: string, requestId?: string): Promise<User> {
    return freeze.staffFreeze(executor, this.deps, actorOf(actor), userId, reason, requestId);
  }

  async staffUnfreeze(executor: Executor, actor: StaffActor, userId: string, reason: string, requestId?: string): Promise<User> {
    return freeze.staffUnfreeze(executor, this.deps, actorOf(actor), userId, reason, requestId);
  }

  async staffSetTier(executor: Executor, actor: StaffActor, userId: string, tier: Tier, reason: string, requestId?: string): Promise<User> {
    return kyc.staffSetTier(executor, this.deps, actorOf(actor), userId, tier, reason, requestId);
  }

  async listAudit(executor: Executor, filter: AuditFilter) {
    return listAudit(executor, filter);
  }

  // ---- Partners ------------------------------------------------------------------------------------

  async createPartner(executor: Executor, actor: StaffActor, name: string, requestId?: string) {
    return partners.createPartner(executor, this.deps, actorOf(actor), name, requestId);
  }

  async listPartners(executor: Executor, options: { limit: number; startingAfter?: string }) {
    return partners.listPartners(executor, options);
  }

  async updatePartner(executor: Executor, actor: StaffActor, partnerId: string, change: { name?: string; status?: 'active' | 'disabled' }, requestId?: string) {
    return partners.updatePartner(executor, this.deps, actorOf(actor), partnerId, change, requestId);
  }

  async listApiKeys(executor: Executor, partnerId: string) {
    return partners.listApiKeys(executor, partnerId);
  }

  /** The returned `secret` is the full key: show it once, it is not stored. */
  async createApiKey(executor: Executor, actor: StaffActor, partnerId: string, scopes: string[], requestId?: string) {
    return partners.createApiKey(executor, this.deps, actorOf(actor), partnerId, scopes, requestId);
  }

  async rotateApiKey(executor: Executor, actor: StaffActor, partnerId: string, keyId: string, overlapHours: number, requestId?: string) {
    return partners.rotateApiKey(executor, this.deps, actorOf(actor), partnerId, keyId, overlapHours, requestId);
  }

  async revokeApiKey(executor: Executor, actor: StaffActor, partnerId: string, keyId: string, requestId?: string) {
    return partners.revokeApiKey(executor, this.deps, actorOf(actor), partnerId, keyId, requestId);
  }

  // ---- Carrier events --------------------------------------------------------------------------------

  async ingestCarrierEvent(executor: Executor, source: string, event: CarrierEvent): Promise<CarrierEventOutcome> {
    return ingestCarrierEvent(executor, this.deps, source, event);
  }

  /** Pulls from a carrier feed (or its simulator) and applies each event in its own transaction. */
  async pollCarrierEvents(adapter: CarrierEventsAdapter, limit = 100): Promise<CarrierEventOutcome[]> {
    const events = await adapter.pull(limit);
    const outcomes: CarrierEventOutcome[] = [];
    for (const event of events) {
      outcomes.push(await withTransaction(this.deps.db, (trx) => ingestCarrierEvent(trx, this.deps, adapter.source, event)));
    }
    return outcomes;
  }

  // ---- Lifecycle ---------------------------------------------------------------------------------------

  /** Waits for security counters recorded after a caller's transaction (shutdown, tests). */
  async settle(): Promise<void> {
    await this.deps.deferred.settle();
  }
}

/** Who acts, for the audit log: a staff member (by id) or the system (jobs, CLI). */
export type StaffActor = { staffId: string } | { system: string };

function actorOf(actor: StaffActor) {
  return 'staffId' in actor ? { kind: 'staff' as const, id: actor.staffId } : { kind: 'system' as const, id: actor.system };
}
