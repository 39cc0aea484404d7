// Korean bank codes (금융결제원 표준코드) with their names, for pickers and for showing a code.
import type { Lang } from '../i18n/index.ts';

export const BANKS: { code: string; ko: string; en: string }[] = [
  { code: '004', ko: 'KB국민은행', en: 'KB Kookmin Bank' },
  { code: '088', ko: '신한은행', en: 'Shinhan Bank' },
  { code: '020', ko: '우리은행', en: 'Woori Bank' },
  { code: '081', ko: '하나은행', en: 'Hana Bank' },
  { code: '011', ko: 'NH농협은행', en: 'NongHyup Bank' },
  { code: '003', ko: 'IBK기업은행', en: 'IBK Industrial Bank' },
  { code: '023', ko: 'SC제일은행', en: 'SC First Bank' },
  { code: '071', ko: '우체국', en: 'Korea Post' },
  { code: '090', ko: '카카오뱅크', en: 'KakaoBank' },
  { code: '092', ko: '토스뱅크', en: 'Toss Bank' },
  { code: '089', ko: '케이뱅크', en: 'K Bank' },
];

export function bankName(code: string, lang: Lang): string {
  const bank = BANKS.find((b) => b.code === code);
  return bank ? bank[lang] : code;
}
