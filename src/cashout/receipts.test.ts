// Receipt PDFs: Korean with an embedded CJK font when one is installed, English otherwise.
import { describe, expect, it } from 'vitest';
import { findCjkFont, renderReceiptPdf, type ReceiptView } from './receipts.ts';

const receipt: ReceiptView = {
  object: 'cashout_receipt', receipt_number: 'RCT-2026-7K3M9Q2WXZ4B', cashout: 'cot_01m84b9y8pexs8x76hsg3bn5wh', channel: 'bank',
  destination: '신한은행 ****6789', debited: { amount: '12345', currency: 'KRW' }, fee: { amount: '500', currency: 'KRW' },
  paid: { amount: '11845', currency: 'KRW' }, dust_kept: { amount: '0.35', currency: 'KRW' }, policy_version: 1,
  requested_at: '2026-01-13T00:31:00Z', submitted_at: '2026-01-13T01:00:00Z', settled_at: '2026-01-13T02:00:00Z',
  rail_reference: 'SIM202601130000000123', state: 'settled', returned_at: null,
};

describe('receipt PDF', () => {
  it('renders English whatever fonts exist', async () => {
    const { pdf, lang } = await renderReceiptPdf(receipt, 'en', 'Asia/Seoul');
    expect(lang).toBe('en');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('falls back to English when no CJK font is installed', async () => {
    const { pdf, lang } = await renderReceiptPdf(receipt, 'ko', 'Asia/Seoul', [['/nonexistent/font.ttc', null]]);
    expect(lang).toBe('en');
    expect(pdf.length).toBeGreaterThan(1000);
  });

  it.skipIf(findCjkFont() === null)('renders Korean with an embedded CJK font (fonts-noto-cjk installed)', async () => {
    const { pdf, lang } = await renderReceiptPdf(receipt, 'ko', 'Asia/Seoul');
    expect(lang).toBe('ko');
    // The font program is embedded (subset), so the file is larger than the English one.
    const english = await renderReceiptPdf(receipt, 'en', 'Asia/Seoul');
    expect(pdf.toString('latin1')).toMatch(/NotoSans|Nanum/);
    expect(pdf.length).toBeGreaterThan(english.pdf.length);
  });
});
