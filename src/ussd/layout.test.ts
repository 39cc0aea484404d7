import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fitsOneMessage } from './gsm.ts';
import { layoutPages, type LayoutContext, type ScreenSpec } from './layout.ts';

const en: LayoutContext = { labels: { back: 'Back', home: 'Menu', more: 'More' }, canBack: true, canHome: true };
const ko: LayoutContext = { labels: { back: '이전', home: '처음', more: '다음' }, canBack: true, canHome: true };

describe('layoutPages', () => {
  test('a short screen is one page with the navigation line', () => {
    const pages = layoutPages({ title: 'Balance', lines: ['KRW 1,000'] }, en);
    expect(pages).toEqual([{ text: 'Balance\nKRW 1,000\n0 Back 00 Menu', end: false }]);
  });

  test('the main menu shows neither back nor home', () => {
    const pages = layoutPages({ title: 'smallchange', options: [{ key: '1', label: 'Balance' }] }, { ...en, canBack: false, canHome: false });
    expect(pages).toEqual([{ text: 'smallchange\n1 Balance', end: false }]);
  });

  test('an END screen has no navigation', () => {
    expect(layoutPages({ lines: ['Done.'], end: true }, en)).toEqual([{ text: 'Done.', end: true }]);
  });

  test('a Korean menu too long for 80 characters flows onto pages with 99; options keep their numbers', () => {
    const options = Array.from({ length: 12 }, (_, i) => ({ key: String(i + 1), label: `메뉴 항목 ${i + 1}번` }));
    const pages = layoutPages({ title: '스몰체인지', options }, { ...ko, canBack: false, canHome: false });
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages.slice(0, -1)) expect(page.text).toContain('99 다음');
    expect(pages.at(-1)!.text).not.toContain('99 다음');
    expect(pages[1]!.text).toContain('0 이전');
    const all = pages.map((p) => p.text).join('\n');
    for (const o of options) expect(all).toContain(`${o.key} ${o.label}`);
  });

  test('a long END text becomes CON pages with a final END page', () => {
    const pages = layoutPages({ lines: ['가나다라마바사 '.repeat(30)], end: true }, ko);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.slice(0, -1).every((p) => !p.end && p.text.includes('99 다음'))).toBe(true);
    expect(pages.at(-1)!.end).toBe(true);
  });

  test('property: every page of any screen fits one message and no text is lost', () => {
    const word = fc.string({ minLength: 1, maxLength: 30 }).map((s) => s.replace(/\s/g, 'x') || 'x');
    const text = fc.array(fc.oneof(word, fc.constantFrom('잔액', '출금 가능', 'KRW 10,000,000.0035', '₩')), { minLength: 1, maxLength: 20 }).map((w) => w.join(' '));
    const spec: fc.Arbitrary<ScreenSpec> = fc.record({
      title: fc.option(text, { nil: undefined }),
      lines: fc.array(text, { maxLength: 8 }),
      options: fc.array(text, { maxLength: 12 }).map((labels) => labels.map((label, i) => ({ key: String(i + 1), label }))),
      prompt: fc.option(fc.constantFrom('Enter PIN:', 'PIN을 입력하세요:'), { nil: undefined }),
      end: fc.boolean(),
    });
    fc.assert(
      fc.property(spec, fc.option(fc.constantFrom('Wrong PIN.', '없는 번호입니다.', '더 안전한 PIN을 고르세요. 같은 숫자 반복, 123456 같은 연속 숫자, 반복 패턴, 전화번호의 숫자, 날짜는 쓸 수 없습니다.'), { nil: null }), fc.boolean(), (s, notice, korean) => {
        const pages = layoutPages(s, { ...(korean ? ko : en), notice });
        for (const page of pages) expect(fitsOneMessage(page.text), page.text).toBe(true);
        // Content = each page minus its notice, title, prompt and navigation line; nothing lost, nothing doubled.
        const headed = pages.every((page) => page.text.startsWith(`${notice}\n`));
        const content = pages.map((page) => {
          const rows = page.text.split('\n');
          if (notice && headed) rows.shift();
          if (!page.end) rows.pop();
          if (s.prompt) rows.pop();
          return rows.join('');
        });
        const expected = [...(notice && !headed ? [notice] : []), ...(s.title ? [s.title] : []), ...(s.lines ?? []), ...(s.options ?? []).map((o) => `${o.key} ${o.label}`)].join('').replace(/\s+/g, '');
        expect(content.join('').replace(/\s+/g, '')).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
