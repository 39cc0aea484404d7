import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fitsOneMessage, GSM7_SEPTETS_MAX, isGsm7, UCS2_UNITS_MAX, ussdLength } from './gsm.ts';

describe('ussdLength', () => {
  test('the limits are those of a 160-octet USSD string', () => {
    expect(GSM7_SEPTETS_MAX).toBe(182);
    expect(UCS2_UNITS_MAX).toBe(80);
  });

  test('plain English is GSM 7-bit, one septet a character, newlines included', () => {
    expect(ussdLength('1 Balance\n2 History')).toEqual({ encoding: 'gsm7', units: 19, limit: 182, fits: true });
  });

  test('extension characters cost two septets', () => {
    expect(ussdLength('€')).toMatchObject({ encoding: 'gsm7', units: 2 });
    expect(ussdLength('[x]{y}~^|\\')).toMatchObject({ encoding: 'gsm7', units: 8 * 2 + 2 });
    expect(ussdLength('a'.repeat(180) + '€')).toMatchObject({ units: 182, fits: true });
    expect(ussdLength('a'.repeat(181) + '€')).toMatchObject({ units: 183, fits: false });
  });

  test('accented letters of the default alphabet stay 7-bit; others switch to UCS-2', () => {
    expect(isGsm7('café Ñandù à')).toBe(true);
    expect(isGsm7('ç')).toBe(false); // only the capital Ç is in the default alphabet
    expect(ussdLength('naïve')).toMatchObject({ encoding: 'ucs2', units: 5, limit: 80 });
  });

  test('one Korean character turns the whole screen into UCS-2 and its limit into 80', () => {
    expect(ussdLength('Balance 잔액')).toEqual({ encoding: 'ucs2', units: 10, limit: 80, fits: true });
    expect(ussdLength('가'.repeat(80)).fits).toBe(true);
    expect(ussdLength('가'.repeat(81)).fits).toBe(false);
  });

  test('the won sign, the no-break space, curly quotes and the em dash are not GSM', () => {
    for (const ch of ['₩', '\u00a0', '’', '“', '—', '·', '…']) expect(isGsm7(ch), ch).toBe(false);
  });

  test('astral characters take two UCS-2 units', () => {
    expect(ussdLength('😀')).toMatchObject({ encoding: 'ucs2', units: 2 });
  });

  test('the escape code itself is not a character of the alphabet', () => {
    expect(isGsm7('\x1b')).toBe(false);
  });

  test('property: 7-bit text of n basic characters is n septets; appending one Hangul syllable switches to n+1 units', () => {
    const basic = fc.constantFrom(...'abcXYZ 0123456789\n.,:;!?-+()@$£');
    fc.assert(
      fc.property(fc.array(basic, { maxLength: 300 }), (chars) => {
        const text = chars.join('');
        const seven = ussdLength(text);
        expect(seven.encoding).toBe('gsm7');
        expect(seven.units).toBe(chars.length);
        expect(seven.fits).toBe(chars.length <= 182);
        const wide = ussdLength(`${text}한`);
        expect(wide).toMatchObject({ encoding: 'ucs2', units: chars.length + 1 });
        expect(fitsOneMessage(`${text}한`)).toBe(chars.length + 1 <= 80);
      }),
    );
  });
});
