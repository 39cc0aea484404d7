import { describe, expect, it } from 'vitest';
import { buildPain002 } from './pain002.ts';
import { BANK_MESSAGE_KINDS, detectMessageKind, namespaceOf, validateXml } from './xsd.ts';

describe('XSD validation', () => {
  it('loads every official schema and names the first problem with its line', async () => {
    for (const kind of BANK_MESSAGE_KINDS) {
      const result = await validateXml(kind, `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${namespaceOf(kind)}">\n</Document>\n`);
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.errors[0]).toMatch(/^line 2: .*'Document': Missing child element/);
    }
  });

  it('refuses text that is not XML, or carries a DTD, or claims another message', async () => {
    expect(await validateXml('pain.002.001.11', 'hello')).toEqual({ ok: false, errors: ["line 1: parser error : Start tag expected, '<' not found"] });
    expect(await validateXml('pain.002.001.11', '')).toEqual({ ok: false, errors: ['line 1: parser error : Document is empty'] });
    expect(await validateXml('pain.002.001.11', '<!DOCTYPE Document SYSTEM "file:///etc/passwd"><Document/>')).toEqual({ ok: false, errors: ['a DOCTYPE is not allowed in a bank file'] });
    const other = await validateXml('pain.002.001.11', `<Document xmlns="${namespaceOf('camt.053.001.08')}"/>`);
    expect(other.ok ? [] : other.errors[0]).toMatch(/No matching global declaration/);
  });

  it('keeps the error list short: the first twenty, then how many more', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ endToEndId: `cot_${i}`, statusCode: 'ACSP' }));
    const xml = buildPain002({ messageId: 'P', createdAt: new Date('2026-01-15T00:00:00Z'), originalMessageId: 'bat_1', items }).replaceAll('<TxSts>ACSP</TxSts>', '<TxSts>ACCEPTED</TxSts>');
    const result = await validateXml('pain.002.001.11', xml);
    expect(result.ok ? [] : result.errors).toHaveLength(21);
    expect(result.ok ? '' : result.errors[20]).toBe('… and 30 more errors');
  });

  it('tells the message kind from the namespace', () => {
    expect(detectMessageKind(`<Document xmlns="${namespaceOf('camt.053.001.08')}">`)).toBe('camt.053.001.08');
    expect(detectMessageKind('<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:pain.002.001.11">')).toBe('pain.002.001.11');
    expect(detectMessageKind('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">')).toBeNull();
    expect(detectMessageKind('plain text')).toBeNull();
  });
});
