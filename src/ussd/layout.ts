// Laying a screen out in USSD messages. A screen is a title, lines, numbered options and a
// prompt; whatever does not fit one message (182 GSM-7 / 80 UCS-2 characters) flows onto further
// pages reached with "99", and "0" pages back. So no screen can be too long for the air, whatever
// amounts, names or notices it holds; the screen test checks the result on every screen.
import { fitsOneMessage } from './gsm.ts';

export interface Option {
  /** What the caller types: "1", "2", … */
  key: string;
  label: string;
}

export interface ScreenSpec {
  title?: string;
  lines?: string[];
  options?: Option[];
  /** The last line before the navigation, e.g. "Enter your PIN:". */
  prompt?: string;
  /** A final message (END): the dialog closes after its last page. */
  end?: boolean;
}

export interface NavLabels {
  back: string;
  home: string;
  more: string;
}

export interface LayoutContext {
  labels: NavLabels;
  /** A one-line message above the screen, e.g. "Wrong PIN." */
  notice?: string | null;
  /** Somewhere to go back to besides an earlier page. */
  canBack: boolean;
  /** Not already the main menu. */
  canHome: boolean;
}

export interface Page {
  text: string;
  end: boolean;
}

export const MORE_KEY = '99';

function footer(ctx: LayoutContext, end: boolean, hasMore: boolean, hasPrevious: boolean): string | null {
  if (end && !hasMore) return null;
  const parts: string[] = [];
  if (hasMore) parts.push(`${MORE_KEY} ${ctx.labels.more}`);
  if (!end && (ctx.canBack || hasPrevious)) parts.push(`0 ${ctx.labels.back}`);
  if (!end && ctx.canHome) parts.push(`00 ${ctx.labels.home}`);
  return parts.length ? parts.join(' ') : null;
}

function compose(head: string[], blocks: string[], prompt: string | undefined, foot: string | null): string {
  return [...head, ...blocks, ...(prompt ? [prompt] : []), ...(foot ? [foot] : [])].join('\n');
}

/** Splits a block at spaces into pieces that each fit `fits`; a word too long for a page is cut. */
function wrapBlock(block: string, fits: (piece: string) => boolean): [string, string] {
  const words = block.split(' ');
  let taken = '';
  for (let i = 0; i < words.length; i++) {
    const candidate = taken ? `${taken} ${words[i]}` : words[i]!;
    if (!fits(candidate)) {
      if (taken) return [taken, words.slice(i).join(' ')];
      // One word longer than a page: cut it by characters.
      let cut = 1;
      while (cut < candidate.length && fits(candidate.slice(0, cut + 1))) cut++;
      return [candidate.slice(0, cut), [candidate.slice(cut), ...words.slice(i + 1)].join(' ')];
    }
    taken = candidate;
  }
  return [taken, ''];
}

/** Every page of a screen, in order. */
export function layoutPages(spec: ScreenSpec, ctx: LayoutContext): Page[] {
  const end = spec.end ?? false;
  // The title is the first block, so that a long one wraps like any line; a notice heads every page.
  const remaining = [...(spec.title ? [spec.title] : []), ...(spec.lines ?? []), ...(spec.options ?? []).map((o) => `${o.key} ${o.label}`)];
  let head = ctx.notice ? [ctx.notice] : [];
  // A notice too long to head every page is shown once, as the first block.
  if (ctx.notice && !fitsOneMessage(compose(head, ['x'], spec.prompt, footer(ctx, end, true, true)))) {
    remaining.unshift(ctx.notice);
    head = [];
  }
  const pages: Page[] = [];
  const pagesMax = 50;
  do {
    const previous = pages.length > 0;
    const whole = compose(head, remaining, spec.prompt, footer(ctx, end, false, previous));
    if (fitsOneMessage(whole) || pages.length === pagesMax - 1) {
      pages.push({ text: whole, end });
      break;
    }
    const moreFoot = footer(ctx, end, true, previous);
    const taken: string[] = [];
    while (remaining.length > 0 && fitsOneMessage(compose(head, [...taken, remaining[0]!], spec.prompt, moreFoot))) taken.push(remaining.shift()!);
    if (taken.length === 0 && remaining.length > 0) {
      const [piece, rest] = wrapBlock(remaining[0]!, (p) => fitsOneMessage(compose(head, [p], spec.prompt, moreFoot)));
      taken.push(piece);
      if (rest) remaining[0] = rest;
      else remaining.shift();
    }
    pages.push({ text: compose(head, taken, spec.prompt, moreFoot), end: false });
  } while (remaining.length > 0);
  return pages;
}
