// Bank accounts proven by a 1-won deposit: the holder's name must be the identity-checked name,
// and the deposit memo carries a code the person types back (3 tries, the code's validity). Bank
// code and account number are stored encrypted; people and staff see only the last four digits.
import { withTransaction, type Executor } from '../db/index.ts';
import { DomainError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { AdapterUnavailableError } from './adapter-error.ts';
import { recordAudit } from './audit.ts';
import { issueChallengeRow, verifyChallengeCode } from './challenges.ts';
import { openText, sealText } from './data-crypto.ts';
import type { IdentityDeps } from './deps.ts';
import { upgradeToTier2IfReady } from './kyc.ts';
import type { BankAccountStatus } from './tables.ts';
import { toUser, type User } from './user.ts';
import { selectUser } from './users.sql.ts';

export const BANK_CODE_PATTERN = /^\d{3}$/;
export const ACCOUNT_NUMBER_PATTERN = /^\d{10,14}$/;

/** Account numbers are written with hyphens; the digits are what counts. */
export function normalizeAccountNumber(input: string): string {
  const digits = input.replace(/[\s-]/g, '');
  if (!ACCOUNT_NUMBER_PATTERN.test(digits)) throw new DomainError('invalid_account_number', { param: 'account_number' });
  return digits;
}

export function assertBankCode(input: string): void {
  if (!BANK_CODE_PATTERN.test(input)) throw new DomainError('invalid_bank_code', { param: 'bank_code' });
}

export interface BankAccountView {
  id: string;
  bankCode: string;
  /** "****5678" */
  maskedNumber: string;
  holderName: string;
  status: BankAccountStatus;
  createdAt: Date;
  verifiedAt: Date | null;
}

interface Sealed {
  bank_code: string;
  account_number: string;
}

function context(id: string): string {
  return `bank_accounts:${id}`;
}

type BankRow = Awaited<ReturnType<typeof selectBankRows>>[number];

async function selectBankRows(executor: Executor, userId: string) {
  return executor.selectFrom('bank_accounts').selectAll().where('user_id', '=', userId).where('status', '<>', 'removed').orderBy('created_at', 'desc').limit(50).execute();
}

function toView(deps: IdentityDeps, row: BankRow): BankAccountView {
  const sealed = JSON.parse(openText(deps.dataKeys, row.account_enc, context(row.id))) as Sealed;
  return { id: row.id, bankCode: sealed.bank_code, maskedNumber: `****${row.last4}`, holderName: row.holder_name, status: row.status, createdAt: row.created_at, verifiedAt: row.verified_at };
}

export async function listBankAccounts(executor: Executor, deps: IdentityDeps, userId: string): Promise<BankAccountView[]> {
  return (await selectBankRows(executor, userId)).map((row) => toView(deps, row));
}

/** Bank code and full number of a verified account: for the rail that pays out, never for a response. */
export async function revealBankAccount(executor: Executor, deps: IdentityDeps, userId: string, bankAccountId: string): Promise<{ bankCode: string; accountNumber: string; holderName: string }> {
  const row = await executor.selectFrom('bank_accounts').selectAll().where('id', '=', bankAccountId).where('user_id', '=', userId).where('status', '=', 'verified').executeTakeFirst();
  if (!row) throw new DomainError('bank_account_not_found', { param: 'id' });
  const sealed = JSON.parse(openText(deps.dataKeys, row.account_enc, context(row.id))) as Sealed;
  return { bankCode: sealed.bank_code, accountNumber: sealed.account_number, holderName: row.holder_name };
}

/**
 * The batch form of revealBankAccount for a payout file: one query for many verified accounts,
 * keyed by bank account id. Accounts that are not verified (or not the given user's) are absent.
 */
export async function revealBankAccounts(
  executor: Executor,
  deps: IdentityDeps,
  refs: ReadonlyArray<{ userId: string; bankAccountId: string }>,
): Promise<Map<string, { bankCode: string; accountNumber: string; holderName: string }>> {
  const revealed = new Map<string, { bankCode: string; accountNumber: string; holderName: string }>();
  const owners = new Map(refs.map((r) => [r.bankAccountId, r.userId]));
  const ids = [...owners.keys()];
  for (let start = 0; start < ids.length; start += 10_000) {
    const rows = await executor.selectFrom('bank_accounts').selectAll().where('id', 'in', ids.slice(start, start + 10_000)).where('status', '=', 'verified').execute();
    for (const row of rows) {
      if (owners.get(row.id) !== row.user_id) continue;
      const sealed = JSON.parse(openText(deps.dataKeys, row.account_enc, context(row.id))) as Sealed;
      revealed.set(row.id, { bankCode: sealed.bank_code, accountNumber: sealed.account_number, holderName: row.holder_name });
    }
  }
  return revealed;
}

export interface BankVerificationStarted {
  account: BankAccountView;
  challengeId: string;
  expiresAt: Date;
}

/** Records the account as pending and sends the 1-won deposit whose memo carries the code. */
export async function startBankVerification(deps: IdentityDeps, userId: string, bankCode: string, accountInput: string): Promise<BankVerificationStarted> {
  assertBankCode(bankCode);
  const accountNumber = normalizeAccountNumber(accountInput);
  const user = await selectUser(deps.db, userId);
  if (!user) throw new DomainError('user_not_found', { param: 'id' });
  if (Number(user.tier) < 1 || !user.legal_name) throw new DomainError('tier_requirements_unmet', { data: { required: 'identity_check' } });
  const verified = (await selectBankRows(deps.db, userId)).filter((row) => row.status === 'verified');
  if (verified.some((row) => isSameAccount(deps, row, bankCode, accountNumber))) {
    throw new DomainError('bank_account_already_verified', { param: 'account_number' });
  }
  const holderName = user.legal_name;
  const started = await withTransaction(deps.db, async (trx) => {
    const id = newId('dst');
    const now = deps.clock.now();
    const { challenge, code } = await issueChallengeRow(trx, deps, { userId, phone: null, lang: user.lang, action: 'kyc.bank_account', params: { bank_account_id: id }, channel: 'bank_deposit' });
    const sealed = sealText(deps.dataKeys, JSON.stringify({ bank_code: bankCode, account_number: accountNumber } satisfies Sealed), context(id));
    const row = await trx
      .insertInto('bank_accounts')
      .values({ id, user_id: userId, account_enc: sealed.text, key_version: sealed.keyVersion, last4: accountNumber.slice(-4), holder_name: holderName, status: 'pending', challenge_id: challenge.id, created_at: now, verified_at: null, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { row, challenge, code: code! };
  });
  // The deposit is an outside call: made after the record commits, never inside a transaction.
  let result;
  try {
    result = await deps.bankVerification.sendVerificationDeposit({ bankCode, accountNumber, holderName, memo: `SC ${started.code}`, amountWon: 1 });
  } catch (error) {
    await markFailed(deps, started.row.id);
    if (error instanceof AdapterUnavailableError) throw new DomainError('bank_unavailable');
    throw error;
  }
  if (!result.ok) {
    await markFailed(deps, started.row.id);
    throw new DomainError('bank_verification_failed', { param: 'account_number', data: { reason: result.reason } });
  }
  return { account: toView(deps, started.row), challengeId: started.challenge.id, expiresAt: started.challenge.expiresAt };
}

function isSameAccount(deps: IdentityDeps, row: BankRow, bankCode: string, accountNumber: string): boolean {
  const sealed = JSON.parse(openText(deps.dataKeys, row.account_enc, context(row.id))) as Sealed;
  return sealed.bank_code === bankCode && sealed.account_number === accountNumber;
}

async function markFailed(deps: IdentityDeps, id: string): Promise<void> {
  await deps.db.updateTable('bank_accounts').set({ status: 'failed', updated_at: deps.clock.now() }).where('id', '=', id).execute();
}

/** The code from the deposit memo; a right one verifies the account and may complete tier 2. */
export async function confirmBankAccount(deps: IdentityDeps, userId: string, bankAccountId: string, code: string): Promise<{ user: User; account: BankAccountView }> {
  const row = await deps.db.selectFrom('bank_accounts').selectAll().where('id', '=', bankAccountId).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw new DomainError('bank_account_not_found', { param: 'id' });
  if (row.status !== 'pending' || !row.challenge_id) throw new DomainError('bank_account_not_pending', { param: 'id' });
  await verifyChallengeCode(deps.db, deps, { challengeId: row.challenge_id, code, action: 'kyc.bank_account', params: { bank_account_id: row.id }, userId });
  return withTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const updated = await trx.updateTable('bank_accounts').set({ status: 'verified', verified_at: now, updated_at: now }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, deps.clock, { actor: { kind: 'user', id: userId }, action: 'kyc.bank_account_verified', target: { kind: 'user', id: userId }, after: { bank_account_id: row.id, last4: row.last4 } });
    const user = await selectUser(trx, userId, { forUpdate: true });
    const upgraded = await upgradeToTier2IfReady(trx, deps, user!);
    return { user: toUser(upgraded), account: toView(deps, updated) };
  });
}
