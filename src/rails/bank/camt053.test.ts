import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCamt053, closingBalanceOf, parseCamt053, type StatementEntryInput, type StatementInput } from './camt053.ts';
import { validateXml } from './xsd.ts';

const account = { name: '스몰체인지 주식회사', bankCode: '004', accountNumber: '12345678901234', currency: 'KRW' as const };

function statement(entries: StatementEntryInput[], opening = 1_000_000n): StatementInput {
  return {
    messageId: 'SIM-STMT-20260115',
    createdAt: new Date('2026-01-15T09:00:00.000Z'),
    statementId: 'STMT-20260115',
    sequenceNumber: 15n,
    period: { from: new Date('2026-01-14T15:00:00.000Z'), to: new Date('2026-01-15T14:59:59.999Z') },
    account,
    openingBalance: { amountMinor: opening, date: '2026-01-14' },
    closingDate: '2026-01-15',
    entries,
  };
}

const payout: StatementEntryInput = { kind: 'payout', amountMinor: 12_345n, bookingDate: '2026-01-15', bankReference: 'KB-0001', endToEndId: 'cot_1', messageId: 'bat_1', counterpartyName: '김민준 & <Co>' };
const returned: StatementEntryInput = { kind: 'return', amountMinor: 5_000n, bookingDate: '2026-01-15', bankReference: 'KB-0002', endToEndId: 'cot_0', messageId: 'bat_0', counterpartyName: '이서연', returnReason: { code: 'AC04', text: '해지된 계좌' } };
const deposit: StatementEntryInput = { kind: 'deposit', amountMinor: 2_000_000n, bookingDate: '2026-01-15', bankReference: 'KB-0003', counterpartyName: 'smallchange 운영자금' };
const fee: StatementEntryInput = { kind: 'fee', amountMinor: 500n, bookingDate: '2026-01-15', bankReference: 'KB-0004' };

describe('camt.053 writer and reader', () => {
  it('writes a statement that validates, and reads back every entry with its references', async () => {
    const input = statement([payout, returned, deposit, fee]);
    const xml = buildCamt053(input);
    expect(await validateXml('camt.053.001.08', xml)).toEqual({ ok: true });
    const parsed = await parseCamt053(xml);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.value.messageId).toBe('SIM-STMT-20260115');
    const [stmt] = parsed.value.statements;
    expect(stmt).toMatchObject({
      statementId: 'STMT-20260115',
      sequenceNumber: 15n,
      copy: false,
      account: { accountNumber: '12345678901234', currency: 'KRW', bankCode: '004' },
      openingBalance: { amountMinor: 1_000_000n, date: '2026-01-14' },
      closingBalance: { amountMinor: 1_000_000n - 12_345n + 5_000n + 2_000_000n - 500n, date: '2026-01-15' },
      period: input.period,
    });
    expect(stmt?.entries).toEqual([
      { kind: 'payout', direction: 'debit', amountMinor: 12_345n, currency: 'KRW', status: 'booked', bookingDate: '2026-01-15', valueDate: '2026-01-15', bankReference: 'KB-0001', endToEndId: 'cot_1', messageId: 'bat_1', counterpartyName: '김민준 & <Co>', reversal: false, bankTransactionCode: 'PMNT/ICDT/DMCT' },
      { kind: 'return', direction: 'credit', amountMinor: 5_000n, currency: 'KRW', status: 'booked', bookingDate: '2026-01-15', valueDate: '2026-01-15', bankReference: 'KB-0002', endToEndId: 'cot_0', messageId: 'bat_0', counterpartyName: '이서연', returnReason: { code: 'AC04', text: '해지된 계좌' }, reversal: false, bankTransactionCode: 'PMNT/ICDT/RRTN' },
      { kind: 'deposit', direction: 'credit', amountMinor: 2_000_000n, currency: 'KRW', status: 'booked', bookingDate: '2026-01-15', valueDate: '2026-01-15', bankReference: 'KB-0003', counterpartyName: 'smallchange 운영자금', reversal: false, bankTransactionCode: 'PMNT/RCDT/DMCT' },
      { kind: 'fee', direction: 'debit', amountMinor: 500n, currency: 'KRW', status: 'booked', bookingDate: '2026-01-15', valueDate: '2026-01-15', bankReference: 'KB-0004', reversal: false, bankTransactionCode: 'ACMT/MDOP/CHRG' },
    ]);
  });

  it('writes an overdrawn balance as DBIT and reads it back negative; an empty day is valid', async () => {
    const parsed = await parseCamt053(buildCamt053(statement([payout], 10_000n)));
    expect(parsed).toMatchObject({ ok: true, value: { statements: [{ openingBalance: { amountMinor: 10_000n }, closingBalance: { amountMinor: -2_345n } }] } });
    const empty = await parseCamt053(buildCamt053(statement([])));
    expect(empty).toMatchObject({ ok: true, value: { statements: [{ closingBalance: { amountMinor: 1_000_000n }, entries: [] }] } });
  });

  it('reads a bank-written statement: batch-booked entry, reversal with reason, PRCD opening, copy', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
 <GrpHdr><MsgId>KB-STMT-1</MsgId><CreDtTm>2026-01-16T08:00:00</CreDtTm></GrpHdr>
 <Stmt><Id>S1</Id><CpyDplctInd>DUPL</CpyDplctInd>
  <Acct><Id><Othr><Id>12345678901234</Id></Othr></Id></Acct>
  <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="KRW">100000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-15</Dt></Dt></Bal>
  <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="KRW">97000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-16</Dt></Dt></Bal>
  <Ntry><Amt Ccy="KRW">4000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-01-16</Dt></BookgDt><AcctSvcrRef>B-1</AcctSvcrRef>
   <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
   <NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>
    <TxDtls><Refs><EndToEndId>cot_a</EndToEndId></Refs><Amt Ccy="KRW">1500</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>
    <TxDtls><Refs><EndToEndId>cot_b</EndToEndId></Refs><Amt Ccy="KRW">2500</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>
   </NtryDtls></Ntry>
  <Ntry><Amt Ccy="KRW">1000</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-01-16</Dt></BookgDt>
   <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
   <NtryDtls><TxDtls><Refs><EndToEndId>cot_c</EndToEndId></Refs><RtrInf><Rsn><Cd>MD07</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>
  <Ntry><Amt Ccy="KRW">999</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts><BookgDt><Dt>2026-01-16</Dt></BookgDt>
   <BkTxCd><Prtry><Cd>KR-FEE</Cd></Prtry></BkTxCd></Ntry>
 </Stmt></BkToCstmrStmt></Document>`;
    const parsed = await parseCamt053(xml);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const [stmt] = parsed.value.statements;
    expect(stmt?.copy).toBe(true);
    expect(stmt?.openingBalance).toEqual({ amountMinor: 100_000n, date: '2026-01-15' });
    expect(stmt?.entries.map((e) => [e.kind, e.direction, e.amountMinor, e.endToEndId, e.bankReference, e.status, e.returnReason?.code])).toEqual([
      ['payout', 'debit', 1_500n, 'cot_a', 'B-1', 'booked', undefined],
      ['payout', 'debit', 2_500n, 'cot_b', 'B-1', 'booked', undefined],
      ['return', 'credit', 1_000n, 'cot_c', undefined, 'booked', 'MD07'],
      ['other', 'debit', 999n, undefined, undefined, 'pending', undefined],
    ]);
  });

  it('refuses a statement that does not add up, or does not validate', async () => {
    const good = buildCamt053(statement([payout]));
    const wrongClosing = await parseCamt053(good.replace(/(<Cd>CLBD<\/Cd>[\s\S]*?<Amt Ccy="KRW">)(\d+)/, '$11'));
    expect(wrongClosing.ok ? [] : wrongClosing.errors[0]).toMatch(/do not add up to the closing balance 1$/);
    const halfWon = await parseCamt053(good.replace('<Amt Ccy="KRW">12345</Amt>', '<Amt Ccy="KRW">12345.5</Amt>'));
    expect(halfWon.ok).toBe(false);
    const invalid = await parseCamt053(good.replace('<Cd>BOOK</Cd>', '<Cd>BOOKED</Cd>'));
    expect(invalid.ok ? [] : invalid.errors[0]).toMatch(/^line \d+: .*'Cd'/);
    const wrongKind = await parseCamt053(buildCamt053(statement([])).replaceAll('camt.053.001.08', 'camt.054.001.08'));
    expect(wrongKind.ok).toBe(false);
  });

  it('round-trips random statements and their balance (property)', async () => {
    const entry = fc.record({
      kind: fc.constantFrom('payout' as const, 'return' as const, 'deposit' as const, 'fee' as const),
      amountMinor: fc.bigInt({ min: 1n, max: 10n ** 12n }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 10 }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), async (drawn, opening) => {
        const entries: StatementEntryInput[] = drawn.map((d, index) => ({ ...d, bookingDate: '2026-01-15', bankReference: `R${index}`, endToEndId: `cot_${index}` }));
        const input = statement(entries, opening);
        const parsed = await parseCamt053(buildCamt053(input));
        if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
        const [stmt] = parsed.value.statements;
        expect(stmt?.closingBalance.amountMinor).toBe(closingBalanceOf(input));
        expect(stmt?.entries.map((e) => [e.kind, e.amountMinor, e.endToEndId])).toEqual(entries.map((e) => [e.kind, e.amountMinor, e.endToEndId]));
      }),
      { numRuns: 20 },
    );
  });
});
