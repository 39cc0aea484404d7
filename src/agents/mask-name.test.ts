import { describe, expect, test } from 'vitest';
import { maskPersonName } from './mask-name.ts';

describe('maskPersonName', () => {
  test('keeps the first and last character, masks the rest', () => {
    expect(maskPersonName('김하늘')).toBe('김*늘');
    expect(maskPersonName('남궁민수')).toBe('남**수');
    expect(maskPersonName('김하')).toBe('김*');
    expect(maskPersonName('김')).toBe('*');
    expect(maskPersonName('  ')).toBe('');
    expect(maskPersonName('Minjun Kim')).toBe('M********m');
  });

  test('never shows more than two characters of the name', () => {
    for (const name of ['이서연', '박지호', 'Seo-yeon Lee', '최유나나나']) {
      const masked = maskPersonName(name);
      expect(Array.from(masked).filter((c) => c !== '*').length).toBeLessThanOrEqual(2);
      expect(Array.from(masked).length).toBe(Array.from(name).length);
    }
  });
});
