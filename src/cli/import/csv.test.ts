import { describe, expect, test } from 'vitest';
import { parseCsvRecord, readHeader, rowToItem } from './csv.ts';

describe('parseCsvRecord', () => {
  test('plain, quoted, doubled quotes, commas inside quotes, empty fields', () => {
    expect(parseCsvRecord('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(parseCsvRecord('"a,b","say ""hi""",,x')).toEqual(['a,b', 'say "hi"', '', 'x']);
    expect(parseCsvRecord('')).toEqual(['']);
    expect(parseCsvRecord('"open')).toBeNull();
  });
});

describe('readHeader', () => {
  test('needs the required columns and exactly one recipient column', () => {
    expect(readHeader('\uFEFFpartner_reference,phone,amount,source,description,metadata.task').columns).toHaveLength(6);
    expect(() => readHeader('partner_reference,amount,source')).toThrow(/exactly one of "phone" and "user_id"/);
    expect(() => readHeader('partner_reference,phone,user_id,amount,source')).toThrow(/exactly one/);
    expect(() => readHeader('phone,amount,source')).toThrow(/"partner_reference"/);
    expect(() => readHeader('partner_reference,phone,amount,source,colour')).toThrow(/unknown column "colour"/);
    expect(() => readHeader('partner_reference,phone,amount,source,source')).toThrow(/twice/);
  });
});

describe('rowToItem', () => {
  const header = readHeader('partner_reference,phone,amount,source,description,metadata.task');
  test('a row becomes the credits API item, in the operator currency unless it names one', () => {
    expect(rowToItem(header, 'r-1,010-1234-5678,12.5,reward,"Thanks, friend",t9', 'KRW')).toEqual({
      item: { partner_reference: 'r-1', recipient: { phone: '010-1234-5678' }, amount: { amount: '12.5', currency: 'KRW' }, source: 'reward', description: 'Thanks, friend', metadata: { task: 't9' } },
    });
    expect(rowToItem(header, 'r-2,010-1234-5678,1,tip,,', 'KRW')).toEqual({ item: { partner_reference: 'r-2', recipient: { phone: '010-1234-5678' }, amount: { amount: '1', currency: 'KRW' }, source: 'tip' } });
  });
  test('a row with the wrong number of fields or an open quote is invalid_csv_row', () => {
    expect(rowToItem(header, 'r-3,010,1', 'KRW')).toEqual({ error: 'invalid_csv_row' });
    expect(rowToItem(header, 'r-3,"010,1,tip,,', 'KRW')).toEqual({ error: 'invalid_csv_row' });
  });
});
