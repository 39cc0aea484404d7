import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { sampleBatch } from '../../../test/helpers/rails-bank.ts';
import { buildCamt053 } from './camt053.ts';
import { buildPain001 } from './pain001.ts';
import { buildPain002 } from './pain002.ts';
import { parseXmlTree } from './xml-tree.ts';

const repeating = new Set(['Item', 'Ntry', 'TxDtls', 'NtryDtls', 'Bal', 'Stmt', 'PmtInf', 'CdtTrfTxInf', 'Ustrd', 'TxInfAndSts', 'OrgnlPmtInfAndSts', 'StsRsnInf', 'AddtlInf', 'NbOfTxsPerSts']);

describe('parseXmlTree', () => {
  it('reads elements, text, attributes, prefixes and repeats', () => {
    const tree = parseXmlTree(`<?xml version="1.0"?>
<p:Doc xmlns:p="urn:x" xmlns="urn:y">
  <Name>  홍길동 &amp; &lt;Co&gt; &#44032;&#xAC01; &quot;q&quot; &apos;a&apos; </Name>
  <!-- a comment with <tags> -->
  <Amt Ccy="KRW" note='a > b'>1000</Amt>
  <Item>1</Item>
  <p:Item><?pi ignored?>2</p:Item>
  <Other>x</Other><Other>y</Other>
  <Empty/>
  <Blank></Blank>
  <Data><![CDATA[<not a tag> & raw]]></Data>
  <Flag on="true"/>
</p:Doc>`, repeating);
    expect(tree).toEqual({
      Doc: {
        Name: '홍길동 & <Co> 가각 "q" \'a\'',
        Amt: { '@_Ccy': 'KRW', '@_note': 'a > b', '#text': '1000' },
        Item: ['1', '2'],
        Other: ['x', 'y'],
        Empty: '',
        Blank: '',
        Data: '<not a tag> & raw',
        Flag: { '@_on': 'true' },
      },
    });
  });

  it('builds the same tree as fast-xml-parser for every message we write', () => {
    const reference = new XMLParser({
      ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false,
      trimValues: true, processEntities: true, htmlEntities: false, isArray: (name: string) => repeating.has(name),
    });
    const documents = [
      buildPain001(sampleBatch(7)),
      buildPain002({ messageId: 'P', createdAt: new Date(), originalMessageId: 'bat_1', groupStatusCode: 'PART', groupReason: { code: 'AM04', text: 'a & b' }, items: [{ endToEndId: 'cot_1', statusCode: 'RJCT', reasonCode: 'AC01' }, { endToEndId: 'cot_2', statusCode: 'ACSP', bankReference: 'R', amountMinor: 5n, currency: 'KRW' }] }),
      buildCamt053({
        messageId: 'S', createdAt: new Date(), statementId: 'S', account: { name: '<운영>', bankCode: '004', accountNumber: '12345678901234', currency: 'KRW' },
        openingBalance: { amountMinor: 100n, date: '2026-01-14' }, closingDate: '2026-01-15',
        entries: [{ kind: 'return', amountMinor: 5n, bookingDate: '2026-01-15', bankReference: 'R', endToEndId: 'cot_1', counterpartyName: '"김"', returnReason: { code: 'AC04' } }],
      }),
    ];
    for (const xml of documents) {
      const expected = reference.parse(xml) as Record<string, unknown>;
      delete expected['?xml'];
      expect(parseXmlTree(xml, repeating)).toEqual(expected);
    }
  });

  it('refuses declarations and broken structure (validation runs first; these are bugs if reached)', () => {
    expect(() => parseXmlTree('<!DOCTYPE a><a/>', repeating)).toThrow(/declarations/);
    expect(() => parseXmlTree('<a><b></a>', repeating)).toThrow();
    expect(() => parseXmlTree('<a', repeating)).toThrow(/unterminated/);
  });
});
