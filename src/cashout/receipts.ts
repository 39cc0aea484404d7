// Receipts of settled cash-outs: the JSON a client shows, and a one-page PDF (ko or en) with the
// amounts, the fee, the policy version, the masked destination and the times. Korean needs a CJK
// font: the first one found on the system (Noto Sans CJK / Nanum from the Debian packages
// fonts-noto-cjk / fonts-nanum) is embedded; without one a Korean receipt is rendered in English.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { formatMoney, parseAmount, toWire, type MoneyWire } from '../money/index.ts';
import { DomainError, type Lang } from '../shared/errors.ts';
import { uuidToId } from '../shared/ids.ts';
import type { CashoutRow } from './tables.ts';
import './errors.ts';

export interface ReceiptView {
  object: 'cashout_receipt';
  receipt_number: string;
  cashout: string;
  channel: CashoutRow['channel'];
  destination: string;
  debited: MoneyWire;
  fee: MoneyWire;
  paid: MoneyWire;
  dust_kept: MoneyWire;
  policy_version: number;
  requested_at: string;
  submitted_at: string | null;
  settled_at: string;
  rail_reference: string | null;
  state: CashoutRow['state'];
  returned_at: string | null;
}

export function receiptOf(row: CashoutRow, destinationLabel: string): ReceiptView {
  if (!row.receipt_number || !row.settled_at) throw new DomainError('receipt_not_available', { data: { state: row.state } });
  const money = (amount: bigint) => toWire({ amount: amount as CashoutRow['payout'], currency: row.currency });
  return {
    object: 'cashout_receipt',
    receipt_number: row.receipt_number,
    cashout: uuidToId(row.id, 'cot'),
    channel: row.channel,
    destination: destinationLabel,
    debited: money(row.payout + row.fee),
    fee: money(row.fee),
    paid: money(row.payout),
    dust_kept: money(row.dust),
    policy_version: row.policy_version,
    requested_at: row.created_at.toISOString(),
    submitted_at: row.submitted_at?.toISOString() ?? null,
    settled_at: row.settled_at.toISOString(),
    rail_reference: row.rail_reference,
    state: row.state,
    returned_at: row.state === 'returned' ? (row.finished_at?.toISOString() ?? null) : null,
  };
}

/** A CJK font on this machine: [path, postscript name inside a collection or null]. */
const CJK_FONTS: ReadonlyArray<[string, string | null]> = [
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'NotoSansCJKkr-Regular'],
  ['/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', 'NotoSerifCJKkr-Regular'],
  ['/usr/share/fonts/truetype/nanum/NanumGothic.ttf', null],
  ['/usr/share/fonts/truetype/noto/NotoSansKR-Regular.ttf', null],
];

let cjkFont: [string, string | null] | null | undefined;

/** The first CJK font present (looked up once per process unless other candidates are given). */
export function findCjkFont(candidates?: ReadonlyArray<[string, string | null]>): [string, string | null] | null {
  if (candidates) return candidates.find(([path]) => existsSync(path)) ?? null;
  if (cjkFont === undefined) cjkFont = CJK_FONTS.find(([path]) => existsSync(path)) ?? null;
  return cjkFont;
}

const LABELS = {
  en: {
    title: 'Cash-out receipt', number: 'Receipt number', cashout: 'Cash-out', debited: 'Taken from your wallet', fee: 'Fee', paid: 'Paid out',
    dust: 'Kept in your wallet (below one won)', destination: 'Paid to', channel: 'Channel', policy: 'Policy version', requested: 'Requested',
    submitted: 'Sent', settled: 'Paid', reference: 'Bank reference', returned: 'Returned by the bank', bank: 'Bank transfer', wallet: 'Partner wallet',
    footer: 'smallchange — keep this receipt. Questions or disputes: see the published policy (GET /v1/policy).',
  },
  ko: {
    title: '출금 영수증', number: '영수증 번호', cashout: '출금 번호', debited: '지갑에서 나간 금액', fee: '수수료', paid: '지급액',
    dust: '지갑에 남은 금액(1원 미만)', destination: '받는 곳', channel: '방법', policy: '정책 버전', requested: '신청 시각',
    submitted: '전송 시각', settled: '지급 시각', reference: '은행 참조번호', returned: '은행 반환', bank: '계좌 이체', wallet: '제휴 지갑',
    footer: '스몰체인지 — 이 영수증을 보관하세요. 문의·이의 제기는 공개된 이용 정책(GET /v1/policy)을 참고하세요.',
  },
} as const;

function localTime(iso: string, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(new Date(iso)) + (lang === 'ko' ? '' : ` (${timeZone})`);
}

/** The PDF, and the language it was actually rendered in (en when no CJK font exists). */
export async function renderReceiptPdf(
  receipt: ReceiptView,
  requested: Lang,
  timeZone: string,
  fontCandidates?: ReadonlyArray<[string, string | null]>,
): Promise<{ pdf: Buffer; lang: Lang }> {
  const font = findCjkFont(fontCandidates);
  const lang: Lang = requested === 'ko' && !font ? 'en' : requested;
  const t = LABELS[lang];
  const doc = new PDFDocument({ size: 'A5', margin: 40, info: { Title: `${LABELS.en.title} ${receipt.receipt_number}`, Author: 'smallchange' } });
  if (font) {
    if (font[1]) doc.registerFont('body', font[0], font[1]);
    else doc.registerFont('body', font[0]);
    doc.font('body');
  }
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));

  const amountOf = (m: MoneyWire) => formatMoney(parseAmount(m.amount, m.currency, { allowZero: true }), m.currency, lang);
  doc.fontSize(18).text(t.title);
  doc.moveDown(0.3).fontSize(10).fillColor('#555').text(`${t.number}  ${receipt.receipt_number}`).fillColor('black');
  doc.moveDown(1);
  const rows: [string, string][] = [
    [t.paid, amountOf(receipt.paid)],
    [t.fee, amountOf(receipt.fee)],
    [t.debited, amountOf(receipt.debited)],
    [t.dust, amountOf(receipt.dust_kept)],
    [t.destination, receipt.destination],
    [t.channel, receipt.channel === 'bank' ? t.bank : t.wallet],
    [t.policy, `v${receipt.policy_version}`],
    [t.requested, localTime(receipt.requested_at, lang, timeZone)],
    ...(receipt.submitted_at ? [[t.submitted, localTime(receipt.submitted_at, lang, timeZone)] as [string, string]] : []),
    [t.settled, localTime(receipt.settled_at, lang, timeZone)],
    ...(receipt.rail_reference ? [[t.reference, receipt.rail_reference] as [string, string]] : []),
    ...(receipt.returned_at ? [[t.returned, localTime(receipt.returned_at, lang, timeZone)] as [string, string]] : []),
    [t.cashout, receipt.cashout],
  ];
  doc.fontSize(10);
  const labelWidth = 140;
  const valueX = 40 + labelWidth + 10;
  const valueWidth = doc.page.width - valueX - 40;
  for (const [label, value] of rows) {
    const y = doc.y;
    // A long label or value wraps; the next row starts below the taller of the two.
    const height = Math.max(doc.heightOfString(label, { width: labelWidth }), doc.heightOfString(value, { width: valueWidth }));
    doc.fillColor('#555').text(label, 40, y, { width: labelWidth });
    doc.fillColor('black').text(value, valueX, y, { width: valueWidth });
    doc.y = y + height + 7;
  }
  doc.moveDown(1.5).fontSize(8).fillColor('#777').text(t.footer, 40, doc.y, { width: doc.page.width - 80 });
  doc.end();
  await done;
  return { pdf: Buffer.concat(chunks), lang };
}
