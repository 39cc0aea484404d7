// A long stream through the real route: 20,000 lines to a few hundred people (some not yet
// registered, some in clearance), answered line by line in order; the journal verifies after.
// Memory staying flat over a million lines is measured by the benchmark (bench/credits.ts).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { countCreditRows, createCreditPartner, createCreditsWorld, credit, prefund, registerPerson, verifyWorld, type CreditsWorld } from '../../../test/helpers/credits.ts';
import { nextPhone } from '../../../test/helpers/identity.ts';

const LINES = 20_000;
let world: CreditsWorld;

beforeAll(async () => {
  world = await createCreditsWorld();
});
afterAll(async () => world?.close());

it(`credits ${LINES.toLocaleString('en-US')} lines of a stream, answering each in order`, { timeout: 300_000 }, async () => {
  const partner = await createCreditPartner(world);
  await prefund(world, partner.partnerId, '100000000');
  const people = await Promise.all(Array.from({ length: 20 }, () => registerPerson(world)));
  const strangers = Array.from({ length: 30 }, () => nextPhone());
  const before = await countCreditRows(world);

  // The body is produced lazily, as a partner's exporter would write it.
  const body = Readable.from((function* () {
    for (let i = 0; i < LINES; i += 500) {
      let piece = '';
      for (let j = i; j < i + 500; j++) {
        const to = j % 50 === 0 ? { phone: strangers[j % strangers.length]! } : { phone: people[j % people.length]!.phone };
        piece += `${JSON.stringify(credit(`line-${j}`, to, `0.${String(1 + (j % 9999)).padStart(4, '0')}`, j % 100 === 7 ? 'task_earning' : 'tip'))}\n`;
      }
      yield piece;
    }
  })());
  const response = await world.app.inject({ method: 'POST', url: '/v1/credits/stream', headers: { ...partner.headers, 'content-type': 'application/x-ndjson' }, payload: body });
  expect(response.statusCode).toBe(200);
  const lines = response.body.trim().split('\n').map((l) => JSON.parse(l) as { line?: number; partner_reference?: string; status?: string; object?: string });
  expect(lines).toHaveLength(LINES + 1);
  for (let j = 0; j < LINES; j++) {
    const expected = j % 50 === 0 ? 'unclaimed' : j % 100 === 7 ? 'clearing' : 'posted';
    if (lines[j]!.line !== j + 1 || lines[j]!.partner_reference !== `line-${j}` || lines[j]!.status !== expected) {
      throw new Error(`line ${j + 1}: ${JSON.stringify(lines[j])}, expected ${expected}`);
    }
  }
  expect(lines[LINES]).toEqual({ object: 'summary', lines: LINES, credits: LINES, failed: 0, replayed: 0 });

  const after = await countCreditRows(world);
  expect(after.ledger_transfers - before.ledger_transfers).toBe(LINES);
  expect(after.unclaimed_credits - before.unclaimed_credits).toBe(LINES / 50);
  expect(after.credit_clearances - before.credit_clearances).toBe(LINES / 100);
  const report = await verifyWorld(world);
  expect(report.problems).toEqual([]);
});
