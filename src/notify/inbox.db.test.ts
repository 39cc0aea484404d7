import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/helpers/db.ts';
import type { Database } from '../db/index.ts';
import { enqueue } from '../outbox/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { uuidToId } from '../shared/ids.ts';
import { readSmsInbox } from './inbox.ts';
import { renderSms } from '../outbox/index.ts';

let database: Database;
const clock = new ManualClock('2026-01-15T00:00:00Z');

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.close());

describe('readSmsInbox (for `smallchange sms --to`)', () => {
  it('returns the texts to that phone, newest first, codes included, limited', async () => {
    const ids: string[] = [];
    for (const code of ['111111', '222222', '333333']) {
      ids.push(await enqueue(database.db, clock, { channel: 'sms', recipient: '+821012345678', template: 'otp.login', body: renderSms('otp.login', 'ko', { code, minutes: 5 }) }));
      clock.advance(1000);
    }
    await enqueue(database.db, clock, { channel: 'sms', recipient: '+821099998888', template: 'account.unfrozen', body: 'other' });
    await enqueue(database.db, clock, { channel: 'webhook', recipient: '+821012345678', template: 'credit.posted', body: '{}' });

    const inbox = await readSmsInbox(database.db, '010-1234-5678', 10);
    expect(inbox.map((m) => m.id)).toEqual(ids.map((id) => uuidToId(id, 'msg')).reverse());
    expect(inbox[0]).toMatchObject({ to: '+821012345678', template: 'otp.login', status: 'pending', attempts: 0 });
    expect(inbox[0]!.body).toContain('333333');
    expect(await readSmsInbox(database.db, '+82 10 1234 5678', 2)).toHaveLength(2);
    expect(await readSmsInbox(database.db, '01012345678', 0)).toHaveLength(1);
    expect(await readSmsInbox(database.db, '010-5555-0000')).toEqual([]);
  });

  it('refuses a number that is not one', async () => {
    for (const phone of ['', '123', 'hello', '010-1234', `0${'1'.repeat(40)}`]) {
      const error = await readSmsInbox(database.db, phone).catch((e: unknown) => e);
      expect(error, phone).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('invalid_phone_number');
    }
  });
});
