// partner_reference is the idempotency key of a credit: the same request again answers with the
// original credit, another request under the same reference is 409 idempotency_conflict — one by
// one, in batches, in streams, and when identical requests race (on PostgreSQL they truly run
// at once; on PGlite they are serialised, which must give the same answers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usingPostgres } from '../../../test/helpers/db.ts';
import {
  countCreditRows, createCreditPartner, createCreditsWorld, credit, prefund, registerPerson, verifyWorld, type CreditsWorld, type TestPartner,
} from '../../../test/helpers/credits.ts';
import { nextPhone, type TestUser } from '../../../test/helpers/identity.ts';

let world: CreditsWorld;
let partner: TestPartner;
let person: TestUser;

beforeAll(async () => {
  world = await createCreditsWorld();
  partner = await createCreditPartner(world);
  await prefund(world, partner.partnerId, '10000000');
  person = await registerPerson(world);
});
afterAll(async () => {
  const report = await verifyWorld(world);
  expect(report.problems).toEqual([]);
  await world?.close();
});

const post = (url: string, payload: unknown) => world.app.inject({ method: 'POST', url, headers: partner.headers, payload: payload as object });
const national = () => `0${person.phone.slice(3, 5)}-${person.phone.slice(5, 9)}-${person.phone.slice(9)}`;

describe('single credits', () => {
  it('answers a replay with the original credit, and another body under the same reference with 409', async () => {
    const first = await post('/v1/credits', credit('idem-1', { phone: person.phone }, '5', 'tip', { description: 'survey', metadata: { task: 7 } }));
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await countCreditRows(world);
    // The same request spelled differently: a national phone number, trailing zeros.
    const replay = await post('/v1/credits', credit('idem-1', { phone: national() }, '5.0000', 'tip', { metadata: { task: 7 }, description: 'survey' }));
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first.json());
    for (const changed of [
      credit('idem-1', { phone: person.phone }, '5.0001', 'tip', { description: 'survey', metadata: { task: 7 } }),
      credit('idem-1', { phone: person.phone }, '5', 'reward', { description: 'survey', metadata: { task: 7 } }),
      credit('idem-1', { phone: person.phone }, '5', 'tip', { description: 'survey', metadata: { task: 8 } }),
      credit('idem-1', { user_id: person.user.id }, '5', 'tip', { description: 'survey', metadata: { task: 7 } }),
    ]) {
      const conflict = await post('/v1/credits', changed);
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json().error).toMatchObject({ code: 'idempotency_conflict', param: 'partner_reference' });
    }
    expect(await countCreditRows(world)).toEqual(before);
  });

  it('keeps references apart per partner', async () => {
    const other = await createCreditPartner(world);
    await prefund(world, other.partnerId, '100');
    await post('/v1/credits', credit('shared-ref', { phone: person.phone }, '1'));
    const theirs = await world.app.inject({ method: 'POST', url: '/v1/credits', headers: other.headers, payload: credit('shared-ref', { phone: person.phone }, '2') });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('batches and streams', () => {
  it('answers per item: replays, conflicts, and repeats within the batch', async () => {
    await post('/v1/credits', credit('bi-old', { phone: person.phone }, '3'));
    const before = await countCreditRows(world);
    const response = await post('/v1/credits/batch', {
      items: [
        credit('bi-old', { phone: person.phone }, '3'),
        credit('bi-old', { phone: person.phone }, '4'),
        credit('bi-new', { phone: person.phone }, '1'),
        credit('bi-new', { phone: national() }, '1.0'),
        credit('bi-new', { phone: person.phone }, '2'),
      ],
    });
    const results = response.json().results as { status: string; replayed?: boolean; id?: string; error?: { code: string; param: string } }[];
    expect(results.map((r) => [r.status, r.replayed ?? false, r.error?.code])).toEqual([
      ['posted', true, undefined],
      ['failed', false, 'idempotency_conflict'],
      ['posted', false, undefined],
      ['posted', true, undefined],
      ['failed', false, 'idempotency_conflict'],
    ]);
    expect(results[2]!.id).toBe(results[3]!.id);
    const after = await countCreditRows(world);
    expect(after.ledger_transfers).toBe(before.ledger_transfers + 1);
  });

  it('answers a replayed stream line by line as replays, writing nothing new', async () => {
    const body = Array.from({ length: 50 }, (_, i) => JSON.stringify(credit(`sr-${i}`, { phone: person.phone }, '1'))).join('\n');
    const stream = () => world.app.inject({ method: 'POST', url: '/v1/credits/stream', headers: { ...partner.headers, 'content-type': 'application/x-ndjson' }, payload: body });
    const first = (await stream()).body.trim().split('\n');
    expect(JSON.parse(first[first.length - 1]!)).toMatchObject({ credits: 50, replayed: 0 });
    const before = await countCreditRows(world);
    const second = (await stream()).body.trim().split('\n');
    expect(JSON.parse(second[second.length - 1]!)).toMatchObject({ credits: 50, replayed: 50 });
    expect(await countCreditRows(world)).toEqual(before);
  });

  it('replays a credit in clearance with its current status', async () => {
    const first = await post('/v1/credits', credit('clr-1', { phone: person.phone }, '9', 'task_earning'));
    const replay = await post('/v1/credits', credit('clr-1', { phone: person.phone }, '9', 'task_earning'));
    expect(replay.json()).toEqual(first.json());
    expect(replay.json().status).toBe('clearing');
  });
});

describe(`identical requests at once (${usingPostgres ? 'PostgreSQL: truly concurrent' : 'PGlite: serialised'})`, () => {
  it('has one effect for 24 identical single credits', async () => {
    const before = await countCreditRows(world);
    const responses = await Promise.all(Array.from({ length: 24 }, () => post('/v1/credits', credit('race-1', { phone: person.phone }, '7'))));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(24).fill(201));
    expect(responses.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect((await countCreditRows(world)).ledger_transfers).toBe(before.ledger_transfers + 1);
  });

  it('has one effect for identical batches racing, including credits with rows of their own', async () => {
    const strangers = Array.from({ length: 100 }, () => nextPhone());
    const items = Array.from({ length: 300 }, (_, i) => credit(`race-b-${i}`, { phone: i % 3 === 0 ? strangers[i / 3]! : person.phone }, '1', i % 2 ? 'tip' : 'task_earning'));
    const before = await countCreditRows(world);
    const responses = await Promise.all([post('/v1/credits/batch', { items }), post('/v1/credits/batch', { items }), post('/v1/credits/batch', { items })]);
    for (const r of responses) {
      expect(r.statusCode).toBe(200);
      expect((r.json().results as { status: string }[]).every((x) => x.status !== 'failed')).toBe(true);
    }
    const after = await countCreditRows(world);
    expect(after.ledger_transfers).toBe(before.ledger_transfers + 300);
    expect(after.credit_clearances).toBe(before.credit_clearances + 150);
    expect(after.unclaimed_credits).toBe(before.unclaimed_credits + 100);
  });
});
