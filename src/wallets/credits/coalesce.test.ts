import { describe, expect, it } from 'vitest';
import { micros } from '../../money/index.ts';
import { CreditCoalescer } from './coalesce.ts';
import type { ItemResult } from './ingest.ts';
import type { CreditRequest } from './request.ts';

const request = (reference: string): CreditRequest => ({
  reference, recipient: { phone: '+821012345678' }, amount: micros(1n), currency: 'KRW', source: 'tip', description: null, metadata: null, hash: reference,
});
const failed = (code: string): ItemResult => ({ ok: false, error: { code } });

describe('CreditCoalescer', () => {
  it('writes concurrent credits of a partner as one chunk, each caller getting its own result', async () => {
    const calls: string[][] = [];
    const coalescer = new CreditCoalescer(async (partnerId, requests) => {
      calls.push(requests.map((r) => `${partnerId}:${r.reference}`));
      return requests.map((r) => failed(r.reference));
    });
    const results = await Promise.all([coalescer.submit('p1', request('a')), coalescer.submit('p2', request('x')), coalescer.submit('p1', request('b'))]);
    expect(results).toEqual([failed('a'), failed('x'), failed('b')]);
    expect(calls).toEqual([['p1:a', 'p1:b'], ['p2:x']]);
  });

  it('keeps at most two chunks of a partner in flight and gathers the rest meanwhile', async () => {
    const calls: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const coalescer = new CreditCoalescer(async (_p, requests) => {
      calls.push(requests.length);
      await gate;
      return requests.map(() => failed('x'));
    });
    const first = [coalescer.submit('p', request('1'))];
    await new Promise((r) => setImmediate(r));
    const second = [coalescer.submit('p', request('2'))];
    await new Promise((r) => setImmediate(r));
    const third = [coalescer.submit('p', request('3')), coalescer.submit('p', request('4'))];
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([1, 1]);
    release();
    await Promise.all([...first, ...second, ...third]);
    expect(calls).toEqual([1, 1, 2]);
  });

  it('hands a failure of the chunk to every caller in it', async () => {
    const coalescer = new CreditCoalescer(async () => {
      throw new Error('database down');
    });
    await expect(Promise.all([coalescer.submit('p', request('a')), coalescer.submit('p', request('b'))])).rejects.toThrow('database down');
  });
});
