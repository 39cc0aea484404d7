import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/errors.ts';
import { OPERATOR_ACCOUNT, sampleBatch, samplePayout } from '../../../test/helpers/rails-bank.ts';
import { cleanText } from './iso-values.ts';
import { KOREAN_BANKS } from './korean-banks.ts';
import { buildPain001, checkPayoutBatch, parsePain001, PAYOUT_ITEMS_MAX, type PayoutBatch, type PayoutItem } from './pain001.ts';
import { validateXml } from './xsd.ts';

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('pain.001 builder', () => {
  it('writes a file that validates against the official schema, with counts and control sums', async () => {
    const batch = sampleBatch(3);
    const xml = buildPain001(batch);
    expect(await validateXml('pain.001.001.10', xml)).toEqual({ ok: true });
    const sum = batch.items.reduce((total, item) => total + item.amountMinor, 0n).toString();
    expect(xml.match(/<NbOfTxs>3<\/NbOfTxs>/g)).toHaveLength(2);
    expect(xml.match(new RegExp(`<CtrlSum>${sum}</CtrlSum>`, 'g'))).toHaveLength(2);
    expect(xml).toContain('<EndToEndId>cot_00000000000000000000000002</EndToEndId>');
    expect(xml).toContain('<Nm>박지호 &amp; Sons &lt;Ltd&gt;</Nm>');
    expect(xml).toContain('<Id>1002123456789</Id>');
    expect(xml).toContain('<InstdAmt Ccy="KRW">1014</InstdAmt>');
  });

  it('round-trips: what the bank reads is what we meant', async () => {
    const batch = sampleBatch(5);
    const parsed = await parsePain001(buildPain001(batch));
    const checked = checkPayoutBatch(batch);
    expect(checked.ok).toBe(true);
    expect(parsed).toEqual({ ok: true, value: checked.ok ? checked.batch : null });
  });

  it('round-trips random batches with random amounts and hostile names (property)', async () => {
    const special = fc.constantFrom('&', '<', '>', '"', "'", ']]>', '&amp;', ' ', '\t', '\n', '\r', '\u0001', '\uFFFF', '\uD800');
    const hangul = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCodePoint(code));
    const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
    const text = fc.string({ unit: fc.oneof(special, hangul, anyChar), minLength: 1, maxLength: 40 }).filter((s) => cleanText(s) !== '');
    const account = fc.constantFrom(...KOREAN_BANKS).chain((bank) =>
      fc.integer({ min: bank.accountDigits.min, max: bank.accountDigits.max }).chain((length) =>
        fc.stringMatching(new RegExp(`^[1-9][0-9]{${length - 1}}$`)).map((digits) => ({ bankCode: bank.code, digits })),
      ),
    );
    const item = fc.record({ amountMinor: fc.bigInt({ min: 1n, max: 10n ** 13n }), name: text, remittance: fc.option(text, { nil: undefined }), account });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 12 }), text, async (drawn, debtorName) => {
        const items: PayoutItem[] = drawn.map((d, index) => ({
          endToEndId: `cot_${index}`,
          amountMinor: d.amountMinor,
          currency: 'KRW',
          creditorName: d.name,
          creditorBankCode: d.account.bankCode,
          creditorAccountNumber: d.account.digits,
          remittanceInfo: d.remittance,
        }));
        const batch: PayoutBatch = sampleBatch(0, { items, debtor: { ...OPERATOR_ACCOUNT, name: debtorName } });
        // parsePain001 validates against the XSD first: a schema error fails the property here.
        const parsed = await parsePain001(buildPain001(batch));
        if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
        expect(parsed.value.items.map((i) => i.amountMinor)).toEqual(items.map((i) => i.amountMinor));
        expect(parsed.value.items.map((i) => i.creditorName)).toEqual(items.map((i) => cleanText(i.creditorName)));
        expect(parsed.value.items.map((i) => i.remittanceInfo)).toEqual(items.map((i) => (i.remittanceInfo === undefined ? undefined : cleanText(i.remittanceInfo))));
        expect(parsed.value.debtor.name).toBe(cleanText(debtorName));
      }),
      { numRuns: 30 },
    );
  });

  it('refuses bad input with the code and the field, and lists every problem', () => {
    const cases: Array<[string, PayoutBatch, string, string]> = [
      ['unknown bank', sampleBatch(2, { items: [samplePayout(0), samplePayout(1, { creditorBankCode: '999' })] }), 'invalid_bank_code', 'items[1].creditorBankCode'],
      ['bad account', sampleBatch(1, { items: [samplePayout(0, { creditorAccountNumber: '12-34' })] }), 'invalid_account_number', 'items[0].creditorAccountNumber'],
      ['zero amount', sampleBatch(1, { items: [samplePayout(0, { amountMinor: 0n })] }), 'invalid_payout_batch', 'items[0].amountMinor'],
      ['negative amount', sampleBatch(1, { items: [samplePayout(0, { amountMinor: -5n })] }), 'invalid_payout_batch', 'items[0].amountMinor'],
      ['19 digits', sampleBatch(1, { items: [samplePayout(0, { amountMinor: 10n ** 18n })] }), 'invalid_payout_batch', 'items[0].amountMinor'],
      ['control sum overflow', sampleBatch(2, { items: [samplePayout(0, { amountMinor: 10n ** 18n - 1n }), samplePayout(1, { amountMinor: 10n ** 18n - 1n })] }), 'invalid_payout_batch', 'items'],
      ['other currency', sampleBatch(1, { items: [samplePayout(0, { currency: 'USD' })] }), 'invalid_payout_batch', 'items[0].currency'],
      ['empty name', sampleBatch(1, { items: [samplePayout(0, { creditorName: ' \n\u0000 ' })] }), 'invalid_payout_batch', 'items[0].creditorName'],
      ['long name', sampleBatch(1, { items: [samplePayout(0, { creditorName: '가'.repeat(141) })] }), 'invalid_payout_batch', 'items[0].creditorName'],
      ['long remittance', sampleBatch(1, { items: [samplePayout(0, { remittanceInfo: 'x'.repeat(141) })] }), 'invalid_payout_batch', 'items[0].remittanceInfo'],
      ['bad end-to-end id', sampleBatch(1, { items: [samplePayout(0, { endToEndId: 'cot 1' })] }), 'invalid_payout_batch', 'items[0].endToEndId'],
      ['duplicate end-to-end id', sampleBatch(2, { items: [samplePayout(0), samplePayout(0)] }), 'invalid_payout_batch', 'items[1].endToEndId'],
      ['no items', sampleBatch(0), 'invalid_payout_batch', 'items'],
      ['bad message id', sampleBatch(1, { messageId: 'x'.repeat(36) }), 'invalid_payout_batch', 'messageId'],
      ['bad date', sampleBatch(1, { requestedExecutionDate: '2026-02-30' }), 'invalid_payout_batch', 'requestedExecutionDate'],
      ['bad time', sampleBatch(1, { createdAt: new Date('nope') }), 'invalid_payout_batch', 'createdAt'],
      ['bad debtor account', sampleBatch(1, { debtor: { ...OPERATOR_ACCOUNT, accountNumber: '1' } }), 'invalid_account_number', 'debtor.accountNumber'],
      ['bad debtor bank', sampleBatch(1, { debtor: { ...OPERATOR_ACCOUNT, bankCode: '1' } }), 'invalid_bank_code', 'debtor.bankCode'],
    ];
    for (const [label, batch, code, param] of cases) {
      const error = thrown(() => buildPain001(batch));
      expect(error.code, label).toBe(code);
      expect(error.details.param, label).toBe(param);
    }
    const many = checkPayoutBatch(sampleBatch(3, { items: [samplePayout(0, { creditorBankCode: '999' }), samplePayout(1), samplePayout(2, { amountMinor: 0n })] }));
    expect(many.ok ? [] : many.problems.map((p) => p.param)).toEqual(['items[0].creditorBankCode', 'items[2].amountMinor']);
  });

  it('refuses more than the batch limit', () => {
    const items = Array.from({ length: PAYOUT_ITEMS_MAX + 1 }, (_, index) => samplePayout(index));
    const checked = checkPayoutBatch(sampleBatch(0, { items }));
    expect(checked.ok ? [] : checked.problems.map((p) => p.param)).toEqual(['items']);
  });

  it('builds and validates a 100,000-item batch', async () => {
    const batch = sampleBatch(100_000);
    const started = performance.now();
    const xml = buildPain001(batch);
    const built = performance.now();
    const validation = await validateXml('pain.001.001.10', xml);
    const validated = performance.now();
    expect(validation).toEqual({ ok: true });
    console.log(
      `pain.001 with 100,000 items: ${(xml.length / 1e6).toFixed(1)} M chars, built in ${(built - started).toFixed(0)} ms, ` +
        `validated against the XSD in ${(validated - built).toFixed(0)} ms`,
    );
  }, 120_000);
});

describe('pain.001 reader (the bank side)', () => {
  it('refuses a file that does not validate, with the schema error', async () => {
    const xml = buildPain001(sampleBatch(2)).replace('<PmtMtd>TRF</PmtMtd>', '<PmtMtd>CASH</PmtMtd>');
    const parsed = await parsePain001(xml);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.errors.join('\n')).toMatch(/line \d+: .*PmtMtd.*CASH/);
  });

  it('refuses a file whose counts or control sums do not add up', async () => {
    const good = buildPain001(sampleBatch(2));
    const wrongCount = await parsePain001(good.replace('<NbOfTxs>2</NbOfTxs>', '<NbOfTxs>3</NbOfTxs>'));
    expect(wrongCount).toEqual({ ok: false, errors: ['GrpHdr/NbOfTxs says 3 but the file holds 2'] });
    const wrongSum = await parsePain001(good.replace(/<CtrlSum>(\d+)<\/CtrlSum>/, '<CtrlSum>1</CtrlSum>'));
    expect(wrongSum).toEqual({ ok: false, errors: ['GrpHdr/CtrlSum says 1 but the amounts add up to a different sum'] });
    const fraction = await parsePain001(good.replace('<InstdAmt Ccy="KRW">1000</InstdAmt>', '<InstdAmt Ccy="KRW">1000.5</InstdAmt>'));
    expect(fraction.ok ? [] : fraction.errors[0]).toMatch(/finer than the currency's minor unit/);
  });
});
