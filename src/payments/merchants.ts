// Merchants: registered by operator staff with a code people type or scan (the QR payload encodes
// the code with a check so a misread never pays the wrong shop), a settlement bank account checked
// with the Korean bank rules, and a receivable account in the ledger that payments credit and
// settlements empty. A merchant's systems call the API as a partner whose keys carry the
// merchant:operate scope; the merchant row names that partner.
import { createHash } from 'node:crypto';
import type { Executor } from '../db/index.ts';
import { AccountFlags, isSuccess, type AccountId } from '../ledger/index.ts';
import type { CurrencyCode } from '../money/index.ts';
import { validateKoreanBankAccount } from '../rails/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, idToUuid, uuidToId, uuidv7 } from '../shared/ids.ts';
import { ACCOUNT_CODES } from '../wallets/index.ts';
import type { PaymentsDeps } from './deps.ts';
import { insertMerchant, selectMerchant, selectMerchantByCode, selectMerchantByPartner } from './merchants.sql.ts';
import type { MerchantRow } from './tables.ts';
import './errors.ts';

export const MERCHANT_CODE = /^[A-Z0-9]{4,16}$/;
const QR_PREFIX = 'SCPAY1';
const QR_PATTERN = /^SCPAY1\.([A-Z0-9]{4,16})\.([0-9A-F]{4})$/;

/** Four hex digits over the code: a scan that drops or swaps a character does not parse. */
function qrCheck(code: string): string {
  return createHash('sha256').update(`smallchange:qr:${code}`).digest('hex').slice(0, 4).toUpperCase();
}

/** What the merchant's printed QR code holds: "SCPAY1.CAFE01.7F3A". */
export function qrPayloadOf(code: string): string {
  return `${QR_PREFIX}.${code}.${qrCheck(code)}`;
}

/** The merchant code inside a scanned payload, or 400 invalid_qr_payload. */
export function merchantCodeFromQr(payload: string): string {
  const match = QR_PATTERN.exec(payload.trim());
  if (!match || qrCheck(match[1]!) !== match[2]) throw new DomainError('invalid_qr_payload', { param: 'qr' });
  return match[1]!;
}

export function receivableAccountId(merchantId: string, currency: CurrencyCode): AccountId {
  return derivedUuid(`smallchange:merchant:${merchantId}:receivable:${currency}`) as AccountId;
}

export interface NewMerchant {
  name: string;
  code: string;
  /** The partner whose merchant:operate keys act for this merchant. */
  partnerId: string | null;
  settlement: { bankCode: string; accountNumber: string; holderName: string };
}

export async function registerMerchant(trx: Executor, deps: PaymentsDeps, actor: { staffId: string; requestId?: string }, input: NewMerchant): Promise<MerchantRow> {
  if (!MERCHANT_CODE.test(input.code)) throw new DomainError('invalid_merchant_code', { param: 'code' });
  const account = validateKoreanBankAccount(input.settlement.bankCode, input.settlement.accountNumber, 'settlement_account.');
  if (await selectMerchantByCode(trx, input.code)) throw new DomainError('merchant_code_taken', { param: 'code' });
  if (input.partnerId) {
    await deps.identity.getPartner(trx, input.partnerId).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'partner_not_found') throw new DomainError('partner_not_found', { param: 'partner' });
      throw error;
    });
    if (await selectMerchantByPartner(trx, input.partnerId)) throw new DomainError('merchant_partner_taken', { param: 'partner' });
  }
  const currency = (await deps.policy.inForce()).policy.currency;
  const id = uuidv7();
  const receivable = receivableAccountId(id, currency);
  // The receivable cannot go below zero: refunds and settlements take only what payments brought.
  const [created] = await deps.ledger.createAccounts(
    [{ id: receivable, currency, code: ACCOUNT_CODES.merchant_receivable, flags: AccountFlags.debits_must_not_exceed_credits, owner: merchantIdOf(id) }],
    trx,
  );
  if (!isSuccess(created!)) throw new Error(`merchant receivable account: ${created}`);
  const row: MerchantRow = {
    id,
    code: input.code,
    name: input.name,
    partner_id: input.partnerId,
    status: 'active',
    currency,
    receivable_account: receivable,
    settlement_bank_code: account.bank.code,
    settlement_account: account.accountNumber,
    settlement_holder: input.settlement.holderName,
    created_by: actor.staffId,
    created_at: deps.clock.now(),
  };
  await insertMerchant(trx, row);
  await deps.identity.recordAudit(trx, {
    actor: { kind: 'staff', id: actor.staffId },
    action: 'merchant.registered',
    target: { kind: 'merchant', id: merchantIdOf(id) },
    after: { code: row.code, name: row.name, partner_id: row.partner_id, settlement_bank_code: row.settlement_bank_code },
    requestId: actor.requestId ?? null,
  });
  return row;
}

export function merchantIdOf(uuid: string): `mer_${string}` {
  return uuidToId(uuid, 'mer');
}

/** A merchant people may pay: by code or QR payload; unknown → 404, disabled → 409. */
export async function payableMerchant(executor: Executor, ref: { code?: string | undefined; qr?: string | undefined }): Promise<MerchantRow> {
  if ((ref.code === undefined) === (ref.qr === undefined)) throw new DomainError('merchant_or_qr_required', { param: 'merchant' });
  const code = ref.qr !== undefined ? merchantCodeFromQr(ref.qr) : ref.code!.trim().toUpperCase();
  const param = ref.qr !== undefined ? 'qr' : 'merchant';
  if (!MERCHANT_CODE.test(code)) throw new DomainError('merchant_not_found', { param });
  const merchant = await selectMerchantByCode(executor, code);
  if (!merchant) throw new DomainError('merchant_not_found', { param });
  if (merchant.status !== 'active') throw new DomainError('merchant_disabled', { param });
  return merchant;
}

/** The merchant a merchant:operate key acts for; a key of a partner with no merchant is refused. */
export async function merchantOfPartner(executor: Executor, partnerId: string): Promise<MerchantRow> {
  const merchant = await selectMerchantByPartner(executor, partnerId);
  if (!merchant) throw new DomainError('forbidden');
  return merchant;
}

export async function merchantById(executor: Executor, id: string): Promise<MerchantRow> {
  const uuid = idToUuid(id, 'mer');
  const merchant = uuid ? await selectMerchant(executor, uuid) : undefined;
  if (!merchant) throw new DomainError('merchant_not_found', { param: 'id' });
  return merchant;
}
