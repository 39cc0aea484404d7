// Korean banks by their 3-digit KFTC (금융결제원) code, and the account-number lengths each uses.
// Korean account numbers carry no public check digit, so the honest check is the one a bank's
// own form makes: digits only, and a length the bank issues. The ranges include each bank's
// virtual-account (가상계좌) length; anything outside them is a typo, not a new product.
// Foreign banks' Seoul branches (HSBC, Deutsche, …) are left out: a person's payout account is
// never there, and a code we do not list is refused rather than guessed at.
import { DomainError } from '../../shared/errors.ts';
// The catalogue must be registered wherever its codes can be thrown.
import '../errors.ts';

export interface KoreanBank {
  /** KFTC bank code, 3 digits. */
  code: string;
  ko: string;
  en: string;
  /** Digits of an account number after hyphens and spaces are removed. */
  accountDigits: { min: number; max: number };
}

function bank(code: string, ko: string, en: string, min: number, max: number): KoreanBank {
  return { code, ko, en, accountDigits: { min, max } };
}

export const KOREAN_BANKS: readonly KoreanBank[] = Object.freeze([
  bank('002', 'KDB산업은행', 'Korea Development Bank', 11, 14),
  bank('003', 'IBK기업은행', 'Industrial Bank of Korea', 10, 14),
  bank('004', 'KB국민은행', 'KB Kookmin Bank', 11, 14),
  bank('007', 'Sh수협은행', 'Suhyup Bank', 11, 12),
  bank('011', 'NH농협은행', 'NH NongHyup Bank', 11, 14),
  bank('012', '지역 농·축협', 'NongHyup local cooperatives', 13, 14),
  bank('020', '우리은행', 'Woori Bank', 11, 14),
  bank('023', 'SC제일은행', 'SC First Bank (Standard Chartered Korea)', 11, 14),
  bank('027', '한국씨티은행', 'Citibank Korea', 10, 13),
  bank('031', 'iM뱅크(대구은행)', 'iM Bank (formerly DGB Daegu Bank)', 11, 14),
  bank('032', '부산은행', 'BNK Busan Bank', 12, 13),
  bank('034', '광주은행', 'Kwangju Bank', 12, 13),
  bank('035', '제주은행', 'Jeju Bank', 10, 12),
  bank('037', '전북은행', 'Jeonbuk Bank', 12, 13),
  bank('039', '경남은행', 'BNK Kyongnam Bank', 12, 13),
  bank('045', '새마을금고', 'MG Saemaul Geumgo', 13, 14),
  bank('048', '신협', 'Shinhyup (credit unions)', 12, 13),
  bank('050', '저축은행', 'Savings banks', 10, 14),
  bank('064', '산림조합', 'Forestry cooperatives (NFCF)', 11, 13),
  bank('071', '우체국', 'Korea Post (ePost Bank)', 14, 14),
  bank('081', '하나은행', 'Hana Bank', 11, 14),
  bank('088', '신한은행', 'Shinhan Bank', 11, 14),
  bank('089', '케이뱅크', 'K Bank', 12, 12),
  bank('090', '카카오뱅크', 'KakaoBank', 13, 13),
  bank('092', '토스뱅크', 'Toss Bank', 12, 12),
]);

const BY_CODE = new Map(KOREAN_BANKS.map((b) => [b.code, b]));

export function findKoreanBank(code: string): KoreanBank | undefined {
  return BY_CODE.get(code);
}

/** Digits only, or null: people paste "110-123-456789" or "110 123 456789". */
export function normalizeAccountNumber(raw: string): string | null {
  const digits = raw.replace(/[-\s]/g, '');
  return /^[0-9]+$/.test(digits) ? digits : null;
}

export type AccountCheck =
  | { ok: true; bank: KoreanBank; accountNumber: string }
  | { ok: false; code: 'invalid_bank_code' | 'invalid_account_number'; param: 'bank_code' | 'account_number'; message: string };

/** The non-throwing check, for callers that collect problems (batch building, the simulator). */
export function checkKoreanBankAccount(bankCode: string, accountNumber: string): AccountCheck {
  const found = /^[0-9]{3}$/.test(bankCode) ? findKoreanBank(bankCode) : undefined;
  if (!found) return { ok: false, code: 'invalid_bank_code', param: 'bank_code', message: `bank code "${bankCode}" is not a listed 3-digit KFTC code` };
  const digits = normalizeAccountNumber(accountNumber);
  if (digits === null) {
    return { ok: false, code: 'invalid_account_number', param: 'account_number', message: 'account number must be digits (hyphens and spaces allowed)' };
  }
  const { min, max } = found.accountDigits;
  if (digits.length < min || digits.length > max) {
    const range = min === max ? `${min}` : `${min}–${max}`;
    return { ok: false, code: 'invalid_account_number', param: 'account_number', message: `${found.en} account numbers have ${range} digits, not ${digits.length}` };
  }
  if (/^0+$/.test(digits)) return { ok: false, code: 'invalid_account_number', param: 'account_number', message: 'account number cannot be all zeros' };
  return { ok: true, bank: found, accountNumber: digits };
}

/**
 * The bank and the normalized account number, or a DomainError `invalid_bank_code` /
 * `invalid_account_number` whose param names the field (prefix it for nested input).
 */
export function validateKoreanBankAccount(
  bankCode: string,
  accountNumber: string,
  paramPrefix = '',
): { bank: KoreanBank; accountNumber: string } {
  const check = checkKoreanBankAccount(bankCode, accountNumber);
  if (!check.ok) throw new DomainError(check.code, { param: `${paramPrefix}${check.param}`, data: { detail: check.message } });
  return { bank: check.bank, accountNumber: check.accountNumber };
}

/** "*********6789": receipts and SMS show only the last four digits. */
export function maskAccountNumber(accountNumber: string): string {
  const digits = normalizeAccountNumber(accountNumber) ?? accountNumber;
  const keep = digits.slice(-4);
  return `${'*'.repeat(Math.max(0, digits.length - keep.length))}${keep}`;
}
