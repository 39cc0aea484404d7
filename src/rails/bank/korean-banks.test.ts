import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors.ts';
import { checkKoreanBankAccount, findKoreanBank, KOREAN_BANKS, maskAccountNumber, normalizeAccountNumber, validateKoreanBankAccount } from './korean-banks.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
  return undefined;
}

describe('Korean bank codes', () => {
  it('lists the real KFTC codes with Korean and English names', () => {
    const codes = KOREAN_BANKS.map((b) => b.code);
    for (const code of ['002', '003', '004', '007', '011', '020', '023', '027', '031', '032', '034', '035', '037', '039', '045', '048', '071', '081', '088', '089', '090', '092']) {
      expect(codes).toContain(code);
    }
    expect(new Set(codes).size).toBe(codes.length);
    expect(findKoreanBank('004')).toMatchObject({ ko: 'KB국민은행', en: 'KB Kookmin Bank' });
    expect(findKoreanBank('090')?.ko).toBe('카카오뱅크');
    for (const bank of KOREAN_BANKS) {
      expect(bank.code).toMatch(/^[0-9]{3}$/);
      expect(bank.accountDigits.min).toBeLessThanOrEqual(bank.accountDigits.max);
      expect(bank.ko.length).toBeGreaterThan(0);
    }
  });

  it('accepts real-looking account numbers, hyphens and spaces removed', () => {
    expect(validateKoreanBankAccount('088', '110-123-456789')).toMatchObject({ accountNumber: '110123456789', bank: { code: '088' } });
    expect(validateKoreanBankAccount('090', '3333-01-1234567').accountNumber).toBe('3333011234567');
    expect(validateKoreanBankAccount('004', '123456 78 901234').accountNumber).toBe('12345678901234');
    expect(validateKoreanBankAccount('092', '1000-1234-5678').accountNumber).toBe('100012345678');
    expect(validateKoreanBankAccount('071', '12345678901234').accountNumber).toBe('12345678901234');
  });

  it('refuses unknown or malformed bank codes with invalid_bank_code', () => {
    for (const code of ['999', '04', '0004', 'KB', '', ' 004', '001']) {
      expect(codeOf(() => validateKoreanBankAccount(code, '110123456789'))).toBe('invalid_bank_code');
    }
    const check = checkKoreanBankAccount('999', '110123456789');
    expect(check).toMatchObject({ ok: false, code: 'invalid_bank_code', param: 'bank_code' });
  });

  it('refuses account numbers with letters, wrong lengths or all zeros with invalid_account_number', () => {
    const bad: Array<[string, string]> = [
      ['088', '110-123-45678A'],
      ['088', '110.123.456789'],
      ['088', '1234567890'], // 10 digits: Shinhan issues 11–14
      ['088', '123456789012345'], // 15 digits
      ['090', '333301123456'], // KakaoBank is 13 digits exactly
      ['089', '1001001234567'], // K Bank is 12
      ['071', '1234567890123'], // Korea Post is 14
      ['004', '000000000000'],
      ['004', ''],
      ['004', '---'],
    ];
    for (const [bankCode, account] of bad) {
      expect(codeOf(() => validateKoreanBankAccount(bankCode, account)), `${bankCode} ${account}`).toBe('invalid_account_number');
    }
    const error = (() => {
      try {
        validateKoreanBankAccount('090', '1234', 'destination.');
      } catch (e) {
        return e as DomainError;
      }
      return undefined;
    })();
    expect(error?.details.param).toBe('destination.account_number');
    expect(error?.localizedMessage('ko')).toContain('계좌번호');
    expect(error?.localizedMessage('en')).toContain('account number');
    expect(error?.status).toBe(400);
  });

  it('normalizes and masks', () => {
    expect(normalizeAccountNumber('110-123 456789')).toBe('110123456789');
    expect(normalizeAccountNumber('１２３')).toBeNull();
    expect(maskAccountNumber('110-123-456789')).toBe('********6789');
  });
});
