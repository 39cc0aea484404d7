// Every text exists in both languages: a key in one and not the other would show a raw key.
import { describe, expect, it } from 'vitest';
import { agentText } from './agent.ts';
import { commonText } from './common.ts';
import { consoleText } from './console.ts';
import { ussdText } from './ussd.ts';
import { walletText } from './wallet.ts';
import { walletCashText } from './wallet-cash.ts';

type Tree = { [key: string]: string | Tree };

/** Dotted keys; plural forms (_one, _other) count as one key, since Korean has only _other. */
function keysOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const path = `${prefix}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`;
    return typeof value === 'string' ? [path] : keysOf(value, `${path}.`);
  });
}

function placeholdersOf(tree: Tree, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') found.set(`${prefix}${key.replace(/_(one|other)$/, '')}`, [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort().join(','));
    else for (const [k, v] of placeholdersOf(value, `${prefix}${key}.`)) found.set(k, v);
  }
  return found;
}

describe.each([
  ['common', commonText],
  ['wallet', walletText],
  ['console', consoleText],
  ['ussd', ussdText],
  ['agent', agentText],
  ['wallet-cash', walletCashText],
] as const)('%s texts', (_name, text) => {
  it('have the same keys in en and ko', () => {
    expect(new Set(keysOf(text.ko as Tree))).toEqual(new Set(keysOf(text.en as Tree)));
  });
  it('use the same {{placeholders}} in en and ko', () => {
    const en = placeholdersOf(text.en as Tree);
    const ko = placeholdersOf(text.ko as Tree);
    for (const [key, names] of ko) expect(`${key}: ${names}`).toBe(`${key}: ${en.get(key)}`);
  });
  it('have no empty text', () => {
    for (const lang of [text.en, text.ko] as Tree[]) {
      const empty = keysOf(lang).filter((key) => {
        let value: unknown = lang;
        for (const part of key.split('.')) value = (value as Tree)?.[part] ?? (value as Tree)?.[`${part}_other`];
        return typeof value === 'string' && value.trim() === '';
      });
      expect(empty).toEqual([]);
    }
  });
});
