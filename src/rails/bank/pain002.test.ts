import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPain002, parsePain002, type StatusReportInput } from './pain002.ts';
import { describeReason } from './reason-codes.ts';
import { validateXml } from './xsd.ts';

const base: Omit<StatusReportInput, 'items'> = {
  messageId: 'SIM-20260115-000001',
  createdAt: new Date('2026-01-15T02:00:00.000Z'),
  originalMessageId: 'bat_01jh0000000000000000000000',
  originalCreatedAt: new Date('2026-01-15T01:30:00.000Z'),
};

/** A report as a real bank writes it: a namespace prefix, no offset on times, statuses inherited. */
function bankReport(body: string, groupStatus = 'PART'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ns:Document xmlns:ns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.11">
 <ns:CstmrPmtStsRpt>
  <ns:GrpHdr><ns:MsgId>KB2026011500042</ns:MsgId><ns:CreDtTm>2026-01-15T11:00:00</ns:CreDtTm></ns:GrpHdr>
  <ns:OrgnlGrpInfAndSts><ns:OrgnlMsgId>bat_1</ns:OrgnlMsgId><ns:OrgnlMsgNmId>pain.001.001.10</ns:OrgnlMsgNmId><ns:GrpSts>${groupStatus}</ns:GrpSts></ns:OrgnlGrpInfAndSts>
  ${body}
 </ns:CstmrPmtStsRpt>
</ns:Document>`;
}

describe('pain.002 reader', () => {
  it('reads an all-accepted report', async () => {
    const xml = buildPain002({ ...base, groupStatusCode: 'ACSP', items: [
      { endToEndId: 'cot_1', statusCode: 'ACSP', bankReference: 'KB-1', acceptedAt: new Date('2026-01-15T02:00:00Z'), amountMinor: 5000n, currency: 'KRW' },
      { endToEndId: 'cot_2', statusCode: 'ACSC' },
    ] });
    const parsed = await parsePain002(xml);
    expect(parsed).toEqual({ ok: true, value: {
      messageId: base.messageId,
      createdAt: base.createdAt,
      originalMessageId: base.originalMessageId,
      groupStatus: 'accepted',
      groupStatusCode: 'ACSP',
      items: [
        { endToEndId: 'cot_1', status: 'accepted', statusCode: 'ACSP', bankReference: 'KB-1', acceptedAt: new Date('2026-01-15T02:00:00Z'), amountMinor: 5000n, currency: 'KRW' },
        { endToEndId: 'cot_2', status: 'accepted', statusCode: 'ACSC' },
      ],
    } });
  });

  it('reads a partially accepted report with ISO reason codes', async () => {
    const xml = buildPain002({ ...base, groupStatusCode: 'PART', items: [
      { endToEndId: 'cot_1', statusCode: 'ACSP' },
      { endToEndId: 'cot_2', statusCode: 'RJCT', reasonCode: 'AC01' },
      { endToEndId: 'cot_3', statusCode: 'RJCT', reasonCode: 'AC04', reasonText: '해지 계좌 (closed 2025-12-01)' },
      { endToEndId: 'cot_4', statusCode: 'RJCT', reasonCode: 'AM04' },
      { endToEndId: 'cot_5', statusCode: 'PDNG' },
    ] });
    expect(await validateXml('pain.002.001.11', xml)).toEqual({ ok: true });
    const parsed = await parsePain002(xml);
    if (!parsed.ok) throw new Error(parsed.errors.join());
    expect(parsed.value.groupStatus).toBe('partially_accepted');
    expect(parsed.value.items.map(({ endToEndId, status, reasonCode, reasonText }) => ({ endToEndId, status, reasonCode, reasonText }))).toEqual([
      { endToEndId: 'cot_1', status: 'accepted', reasonCode: undefined, reasonText: undefined },
      { endToEndId: 'cot_2', status: 'rejected', reasonCode: 'AC01', reasonText: describeReason('AC01', 'en') },
      { endToEndId: 'cot_3', status: 'rejected', reasonCode: 'AC04', reasonText: '해지 계좌 (closed 2025-12-01)' },
      { endToEndId: 'cot_4', status: 'rejected', reasonCode: 'AM04', reasonText: describeReason('AM04', 'en') },
      { endToEndId: 'cot_5', status: 'pending', reasonCode: undefined, reasonText: undefined },
    ]);
  });

  it('reads a whole-file rejection (no items, a group reason)', async () => {
    const parsed = await parsePain002(buildPain002({ ...base, groupStatusCode: 'RJCT', groupReason: { code: 'DU01' }, items: [] }));
    expect(parsed).toMatchObject({ ok: true, value: { groupStatus: 'rejected', groupReason: { code: 'DU01', text: describeReason('DU01', 'en') }, items: [] } });
  });

  it('reads a bank-written report: prefixes, local times, statuses inherited from the level above', async () => {
    const parsed = await parsePain002(bankReport(`
  <ns:OrgnlPmtInfAndSts><ns:OrgnlPmtInfId>bat_1</ns:OrgnlPmtInfId><ns:PmtInfSts>RJCT</ns:PmtInfSts>
    <ns:StsRsnInf><ns:Rsn><ns:Cd>AM04</ns:Cd></ns:Rsn></ns:StsRsnInf>
    <ns:TxInfAndSts><ns:OrgnlEndToEndId>cot_1</ns:OrgnlEndToEndId></ns:TxInfAndSts>
    <ns:TxInfAndSts><ns:OrgnlEndToEndId>cot_2</ns:OrgnlEndToEndId><ns:TxSts>ACCP</ns:TxSts></ns:TxInfAndSts>
  </ns:OrgnlPmtInfAndSts>`));
    expect(parsed).toMatchObject({ ok: true, value: {
      messageId: 'KB2026011500042',
      createdAt: new Date('2026-01-15T02:00:00Z'),
      originalMessageId: 'bat_1',
      groupStatus: 'partially_accepted',
      items: [
        { endToEndId: 'cot_1', status: 'rejected', statusCode: 'RJCT', reasonCode: 'AM04' },
        { endToEndId: 'cot_2', status: 'accepted', statusCode: 'ACCP' },
      ],
    } });
  });

  it('refuses a file that does not validate, with the schema error', async () => {
    const xml = buildPain002({ ...base, items: [{ endToEndId: 'cot_1', statusCode: 'ACSP' }] }).replace('<TxSts>ACSP</TxSts>', '<TxSts>ACCEPTED</TxSts>');
    const parsed = await parsePain002(xml);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors[0]).toMatch(/^line \d+: .*'TxSts'.*maxLength/);
    const truncated = await parsePain002(buildPain002({ ...base, items: [] }).slice(0, 200));
    expect(truncated.ok ? [] : truncated.errors[0]).toMatch(/^line \d+: parser error/);
    expect(await parsePain002('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toEqual({ ok: false, errors: ['a DOCTYPE is not allowed in a bank file'] });
    const otherMessage = await parsePain002(buildPain002({ ...base, items: [] }).replace('pain.002.001.11', 'pain.002.001.03'));
    expect(otherMessage.ok).toBe(false);
  });

  it('refuses valid files it cannot interpret: unknown status, no end-to-end id, not an answer to a pain.001', async () => {
    const unknown = await parsePain002(bankReport(`<ns:OrgnlPmtInfAndSts><ns:OrgnlPmtInfId>b</ns:OrgnlPmtInfId><ns:TxInfAndSts><ns:OrgnlEndToEndId>cot_1</ns:OrgnlEndToEndId><ns:TxSts>ZZZZ</ns:TxSts></ns:TxInfAndSts></ns:OrgnlPmtInfAndSts>`));
    expect(unknown).toEqual({ ok: false, errors: ['OrgnlPmtInfAndSts[1]/TxInfAndSts[1]: status ZZZZ is not one we know'] });
    const anonymous = await parsePain002(bankReport(`<ns:OrgnlPmtInfAndSts><ns:OrgnlPmtInfId>b</ns:OrgnlPmtInfId><ns:TxInfAndSts><ns:TxSts>RJCT</ns:TxSts></ns:TxInfAndSts></ns:OrgnlPmtInfAndSts>`));
    expect(anonymous.ok ? [] : anonymous.errors[0]).toMatch(/no OrgnlEndToEndId/);
    const noStatus = await parsePain002(bankReport(`<ns:OrgnlPmtInfAndSts><ns:OrgnlPmtInfId>b</ns:OrgnlPmtInfId><ns:TxInfAndSts><ns:OrgnlEndToEndId>cot_1</ns:OrgnlEndToEndId></ns:TxInfAndSts></ns:OrgnlPmtInfAndSts>`).replace(/<ns:GrpSts>PART<\/ns:GrpSts>/, ''));
    expect(noStatus.ok ? [] : noStatus.errors[0]).toMatch(/no status at any level/);
    const notOurs = await parsePain002(bankReport('').replace('<ns:OrgnlMsgNmId>pain.001.001.10', '<ns:OrgnlMsgNmId>pacs.008.001.08'));
    expect(notOurs.ok ? [] : notOurs.errors[0]).toMatch(/not a pain.001/);
  });

  it('round-trips random reports (property)', async () => {
    const status = fc.constantFrom('ACSP', 'ACSC', 'ACCP', 'RJCT', 'PDNG', 'ACTC');
    const item = fc.record({ statusCode: status, reasonCode: fc.constantFrom('AC01', 'AC04', 'AC06', 'AM04', 'BE01', 'MS03'), words: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }), amountMinor: fc.bigInt({ min: 1n, max: 10n ** 15n }) });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 8 }), async (drawn) => {
        const items = drawn.map((d, index) => ({
          endToEndId: `cot_${index}`,
          statusCode: d.statusCode,
          ...(d.statusCode === 'RJCT' ? { reasonCode: d.reasonCode, reasonText: d.words } : {}),
          amountMinor: d.amountMinor,
          currency: 'KRW' as const,
        }));
        const parsed = await parsePain002(buildPain002({ ...base, groupStatusCode: 'PART', items }));
        if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
        expect(parsed.value.items.map((i) => [i.endToEndId, i.statusCode, i.reasonCode, i.amountMinor])).toEqual(items.map((i) => [i.endToEndId, i.statusCode, i.reasonCode, i.amountMinor]));
        for (const [index, parsedItem] of parsed.value.items.entries()) {
          const words = drawn[index]?.words?.replace(/\s+/g, ' ').trim();
          if (parsedItem.status === 'rejected') expect(parsedItem.reasonText).toBe(words ? [...words].slice(0, 105).join('') : describeReason(parsedItem.reasonCode ?? '', 'en'));
        }
      }),
      { numRuns: 25 },
    );
  });
});
