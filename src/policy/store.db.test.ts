import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, postgresOnly } from '../../test/helpers/db.ts';
import { type Database, withTransaction } from '../db/index.ts';
import { parseAmount } from '../money/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { loadDefaultPolicy } from './load.ts';
import { PolicyService } from './service.ts';
import { getVersion, latestVersion, listVersions, policyInForce, publishVersion, seedDefaultPolicy } from './store.ts';

const defaults = loadDefaultPolicy();
const HOUR = 3_600_000;
/** The default YAML with the bank fee changed: a realistic second version. */
const cheaperBankYaml = defaults.yaml.replace('bank: { fixed: "500",', 'bank: { fixed: "300",');
const krw = (text: string) => parseAmount(text, 'KRW', { allowZero: true });

let database: Database;
let clock: ManualClock;

async function rowCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM policy_versions`.execute(database.db);
  return rows[0]?.n ?? -1;
}

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

// Rows cannot be deleted (that is the point), so each test gets the table emptied by a superuser
// path that bypasses the triggers: replica mode skips ordinary triggers.
beforeEach(async () => {
  clock = new ManualClock('2026-03-02T00:00:00Z');
  await database.exec(`SET session_replication_role = replica; DELETE FROM policy_versions; SET session_replication_role = DEFAULT;`);
});

describe('seeding', () => {
  it('stores policy/default.yaml as version 1 on an empty table, once', async () => {
    expect(await seedDefaultPolicy(database.db, clock)).toEqual({ seeded: true });
    expect(await seedDefaultPolicy(database.db, clock)).toEqual({ seeded: false });
    expect(await rowCount()).toBe(1);
    const v1 = await getVersion(database.db, 1);
    expect(v1).toMatchObject({ version: 1, published_by: null, effective_from: clock.now(), yaml: defaults.yaml });
    expect(v1?.policy).toEqual(defaults.policy);
  });

  it('can backdate version 1 for a world with history', async () => {
    const since = new Date('2025-06-01T00:00:00Z');
    await seedDefaultPolicy(database.db, clock, { effectiveFrom: since });
    expect((await policyInForce(database.db, new Date('2025-07-01T00:00:00Z')))?.version).toBe(1);
    expect(await policyInForce(database.db, new Date('2025-05-31T00:00:00Z'))).toBeNull();
  });
});

describe('publishing', () => {
  beforeEach(async () => {
    await seedDefaultPolicy(database.db, clock);
  });

  it('a scheduled version takes effect at its time; earlier versions stay bound to their numbers', async () => {
    const effectiveFrom = new Date(clock.now().getTime() + HOUR);
    const v2 = await withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: cheaperBankYaml, effectiveFrom, staffId: 'stf_admin' }));
    expect(v2).toMatchObject({ version: 2, published_by: 'stf_admin', effective_from: effectiveFrom, published_at: clock.now() });
    expect(v2.policy.fees.bank.fixed).toBe(krw('300'));

    expect((await policyInForce(database.db, clock.now()))?.version).toBe(1);
    expect((await policyInForce(database.db, new Date(effectiveFrom.getTime() - 1)))?.version).toBe(1);
    expect((await policyInForce(database.db, effectiveFrom))?.version).toBe(2);

    const v1 = await getVersion(database.db, 1);
    expect(v1?.policy).toEqual(defaults.policy);
    expect(v1?.policy.fees.bank.fixed).toBe(krw('500'));
    expect(v1?.checksum).not.toBe(v2.checksum);
    expect((await listVersions(database.db)).map((v) => v.version)).toEqual([2, 1]);
  });

  it('refuses a version that would take effect in the past, writing nothing', async () => {
    const error = await domainError(
      withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: cheaperBankYaml, effectiveFrom: new Date(clock.now().getTime() - 1), staffId: 'stf_admin' })),
    );
    expect(error.code).toBe('policy_effective_in_past');
    expect(error.details.param).toBe('effective_from');
    expect(await rowCount()).toBe(1);
  });

  it('refuses a version that would take effect before the latest one, writing nothing', async () => {
    const later = new Date(clock.now().getTime() + 10 * HOUR);
    await withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: cheaperBankYaml, effectiveFrom: later, staffId: 'stf_admin' }));
    const error = await domainError(
      withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: defaults.yaml, effectiveFrom: new Date(later.getTime() - HOUR), staffId: 'stf_admin' })),
    );
    expect(error.code).toBe('policy_effective_before_latest');
    expect(await rowCount()).toBe(2);
    // The same instant is allowed: it replaces a scheduled version before it ever takes effect.
    const v3 = await withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: defaults.yaml, effectiveFrom: later, staffId: 'stf_admin' }));
    expect((await policyInForce(database.db, later))?.version).toBe(v3.version);
  });

  it('refuses an invalid policy naming the field, writing nothing', async () => {
    const bad = defaults.yaml.replace(/(carrier_billing:\n\s+label: .*\n\s+)funding_class: spend_only/, '$1funding_class: cashable');
    const error = await domainError(withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: bad, staffId: 'stf_admin' })));
    expect(error.code).toBe('invalid_policy');
    expect(error.details.param).toBe('sources.carrier_billing.funding_class');
    expect(await rowCount()).toBe(1);
  });

  it('without an effective time, takes effect at once', async () => {
    const v2 = await withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: cheaperBankYaml, staffId: 'stf_admin' }));
    expect((await policyInForce(database.db, clock.now()))?.version).toBe(v2.version);
  });

  it.skipIf(postgresOnly('concurrent publishers').skip)(postgresOnly('two publishers at once: one version, one policy_version_conflict').note, async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withTransaction(database.db, async (trx) => {
      const version = await publishVersion(trx, clock, { yaml: cheaperBankYaml, staffId: 'stf_a' });
      await held;
      return version;
    });
    const second = withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: defaults.yaml, staffId: 'stf_b' }));
    setTimeout(release, 300);
    const results = await Promise.allSettled([first, second]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0]?.reason as DomainError).code).toBe('policy_version_conflict');
    expect(await rowCount()).toBe(2);
  });
});

describe('immutability (migration 0030)', () => {
  beforeEach(async () => {
    await seedDefaultPolicy(database.db, clock);
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    const before = await getVersion(database.db, 1);
    await expect(sql`UPDATE policy_versions SET yaml = 'x' WHERE version = 1`.execute(database.db)).rejects.toThrow(/immutable/);
    await expect(sql`UPDATE policy_versions SET effective_from = now() - interval '1 year'`.execute(database.db)).rejects.toThrow(/immutable/);
    await expect(sql`DELETE FROM policy_versions WHERE version = 1`.execute(database.db)).rejects.toThrow(/immutable/);
    await expect(sql`TRUNCATE policy_versions`.execute(database.db)).rejects.toThrow(/immutable/);
    expect(await getVersion(database.db, 1)).toEqual(before);
  });

  it('refuses a gap in the numbering or a version taking effect before the previous one', async () => {
    const insert = (version: number, effective: string) => sql`
      INSERT INTO policy_versions (version, document, yaml, checksum, effective_from, published_by, published_at)
      SELECT ${version}, document, yaml, checksum, ${effective}::timestamptz, 'stf_x', now() FROM policy_versions WHERE version = 1`.execute(database.db);
    await expect(insert(3, '2027-01-01T00:00:00Z')).rejects.toThrow(/without a gap/);
    await expect(insert(2, '2020-01-01T00:00:00Z')).rejects.toThrow(/before version 1/);
    expect(await rowCount()).toBe(1);
  });

  it('a document altered behind the triggers’ back is detected on read', async () => {
    await database.exec(`SET session_replication_role = replica;
      UPDATE policy_versions SET document = jsonb_set(document, '{fees,bank,fixed}', '"0"') WHERE version = 1;
      SET session_replication_role = DEFAULT;`);
    await expect(getVersion(database.db, 1)).rejects.toThrow(/checksum/);
  });
});

describe('PolicyService', () => {
  it('seeds, serves the version in force, and sees its own publishes at once', async () => {
    const service = new PolicyService(database.db, clock, { refresh_ms: 60_000 });
    expect(await service.seedDefault()).toEqual({ seeded: true });
    expect((await service.inForce()).version).toBe(1);
    const v2 = await service.publish({ yaml: cheaperBankYaml, staffId: 'stf_admin' });
    expect((await service.inForce()).version).toBe(v2.version);
    expect(await service.statusOf(1)).toBe('superseded');
    expect(await service.statusOf(2)).toBe('in_force');
  });

  it('switches to a scheduled version at its instant without a reload', async () => {
    const service = new PolicyService(database.db, clock, { refresh_ms: 24 * HOUR });
    await service.seedDefault();
    await service.publish({ yaml: cheaperBankYaml, staffId: 'stf_admin', effectiveFrom: new Date(clock.now().getTime() + HOUR) });
    expect((await service.inForce()).version).toBe(1);
    expect(await service.statusOf(2)).toBe('scheduled');
    clock.advance(HOUR);
    expect((await service.inForce()).version).toBe(2);
  });

  it('sees a version published by another process after its refresh interval', async () => {
    const service = new PolicyService(database.db, clock, { refresh_ms: 5_000 });
    await service.seedDefault();
    expect((await service.inForce()).version).toBe(1);
    await withTransaction(database.db, (trx) => publishVersion(trx, clock, { yaml: cheaperBankYaml, staffId: 'stf_other' }));
    expect((await service.inForce()).version).toBe(1); // cached
    clock.advance(5_000);
    // Due for a refresh: answered from the list at hand while the refresh runs (never waiting for
    // a connection a transaction may hold), then the new version.
    await service.inForce();
    await expect.poll(async () => (await service.inForce()).version).toBe(2);
  });

  it('answers from its list inside a transaction on PGlite even when a refresh is due (no self-deadlock)', async () => {
    const service = new PolicyService(database.db, clock, { refresh_ms: 5_000 });
    await service.seedDefault();
    await service.inForce();
    clock.advance(6_000);
    const version = await withTransaction(database.db, async () => (await service.inForce()).version);
    expect(version).toBeGreaterThanOrEqual(1);
  });

  it('caches versions by number: a bound version is served without the database', async () => {
    const service = new PolicyService(database.db, clock);
    await service.seedDefault();
    const first = await service.getVersion(1);
    expect(await service.getVersion(1)).toBe(first);
  });

  it('answers policy_version_not_found and policy_not_in_force', async () => {
    const service = new PolicyService(database.db, clock);
    expect((await domainError(service.inForce())).code).toBe('policy_not_in_force');
    await service.seedDefault();
    expect((await domainError(service.getVersion(7))).code).toBe('policy_version_not_found');
    expect(await latestVersion(database.db)).toMatchObject({ version: 1 });
  });
});

