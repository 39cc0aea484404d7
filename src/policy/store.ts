// All SQL of the policy module. Functions take the executor first: the caller owns the
// transaction. Rows are never updated or deleted (migration 0030 enforces it); reading a version
// re-checks its checksum and re-validates it, so a tampered or unreadable row is loud, not silent.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { documentChecksum, type PolicyDocument } from './document.ts';
import { loadDefaultPolicy, loadPolicyDocument, parsePolicyYaml } from './load.ts';
import type { Policy } from './schema.ts';
import './errors.ts';

declare module '../db/schema.ts' {
  interface DB {
    policy_versions: {
      version: number;
      document: unknown;
      yaml: string;
      checksum: string;
      effective_from: Date;
      published_by: string | null;
      published_at: Date;
    };
  }
}

export interface PolicyVersionSummary {
  version: number;
  effective_from: Date;
  published_at: Date;
  /** Staff id; null for the version seeded from policy/default.yaml. */
  published_by: string | null;
  checksum: string;
}

export interface PolicyVersion extends PolicyVersionSummary {
  policy: Policy;
  document: PolicyDocument;
  yaml: string;
}

export interface PublishInput {
  yaml: string;
  /** Absent: at once. Never in the past, never before the latest version's. */
  effectiveFrom?: Date;
  staffId: string | null;
}

const SUMMARY_COLUMNS = ['version', 'effective_from', 'published_at', 'published_by', 'checksum'] as const;

interface VersionRow extends PolicyVersionSummary {
  document: unknown;
  yaml: string;
}

function toVersion(row: VersionRow): PolicyVersion {
  const document = (typeof row.document === 'string' ? JSON.parse(row.document) : row.document) as PolicyDocument;
  if (documentChecksum(document) !== row.checksum) {
    throw new Error(`policy version ${row.version} does not match its checksum: the stored document was altered`);
  }
  let policy: Policy;
  try {
    policy = loadPolicyDocument(document).policy;
  } catch (error) {
    const detail = error instanceof DomainError ? error.message : String(error);
    // A schema change that old versions cannot pass is a programmer error: new fields need defaults.
    throw new Error(`stored policy version ${row.version} no longer validates: ${detail}`);
  }
  return { ...summaryOf(row), policy, document, yaml: row.yaml };
}

function summaryOf(row: PolicyVersionSummary): PolicyVersionSummary {
  return {
    version: row.version,
    effective_from: row.effective_from,
    published_at: row.published_at,
    published_by: row.published_by,
    checksum: row.checksum,
  };
}

export async function getVersion(executor: Executor, version: number): Promise<PolicyVersion | null> {
  const row = await executor.selectFrom('policy_versions').selectAll().where('version', '=', version).executeTakeFirst();
  return row ? toVersion(row) : null;
}

/** The highest version whose effective_from ≤ at; null before the first version. */
export async function policyInForce(executor: Executor, at: Date): Promise<PolicyVersion | null> {
  const row = await executor
    .selectFrom('policy_versions')
    .selectAll()
    .where('effective_from', '<=', at)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toVersion(row) : null;
}

/** Newest first. */
export async function listVersions(executor: Executor, options: { limit?: number; before?: number } = {}): Promise<PolicyVersionSummary[]> {
  let query = executor.selectFrom('policy_versions').select(SUMMARY_COLUMNS).orderBy('version', 'desc');
  if (options.before !== undefined) query = query.where('version', '<', options.before);
  if (options.limit !== undefined) query = query.limit(options.limit);
  return (await query.execute()).map(summaryOf);
}

export async function latestVersion(executor: Executor): Promise<PolicyVersionSummary | null> {
  const [latest] = await listVersions(executor, { limit: 1 });
  return latest ?? null;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

async function insertVersion(
  executor: Executor,
  row: { version: number; document: PolicyDocument; yaml: string; effectiveFrom: Date; staffId: string | null; publishedAt: Date },
  onConflict: 'fail' | 'ignore',
): Promise<boolean> {
  const checksum = documentChecksum(row.document);
  const result = await sql`
    INSERT INTO policy_versions (version, document, yaml, checksum, effective_from, published_by, published_at)
    VALUES (${row.version}, ${JSON.stringify(row.document)}::jsonb, ${row.yaml}, ${checksum}, ${row.effectiveFrom},
            ${row.staffId}, ${row.publishedAt})
    ${sql.raw(onConflict === 'ignore' ? 'ON CONFLICT (version) DO NOTHING' : '')}`.execute(executor);
  return (result.numAffectedRows ?? 0n) > 0n;
}

/**
 * Validates the YAML and stores it as the next version. Throws invalid_policy (naming the field),
 * policy_effective_in_past, policy_effective_before_latest or policy_version_conflict.
 */
export async function publishVersion(trx: Executor, clock: Clock, input: PublishInput): Promise<PolicyVersion> {
  const { document } = parsePolicyYaml(input.yaml);
  const now = clock.now();
  const effectiveFrom = input.effectiveFrom ?? now;
  if (effectiveFrom.getTime() < now.getTime()) throw new DomainError('policy_effective_in_past', { param: 'effective_from' });
  const latest = await latestVersion(trx);
  if (latest && effectiveFrom.getTime() < latest.effective_from.getTime()) {
    throw new DomainError('policy_effective_before_latest', {
      param: 'effective_from',
      data: { latest_version: latest.version, latest_effective_from: latest.effective_from.toISOString() },
    });
  }
  const version = (latest?.version ?? 0) + 1;
  try {
    await insertVersion(trx, { version, document, yaml: input.yaml, effectiveFrom, staffId: input.staffId, publishedAt: now }, 'fail');
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError('policy_version_conflict', { data: { version } });
    throw error;
  }
  const stored = await getVersion(trx, version);
  if (!stored) throw new Error(`policy version ${version} vanished after insert`);
  return stored;
}

/**
 * On an empty table, stores policy/default.yaml (or the given YAML) as version 1, effective now
 * unless told otherwise (a demo world with months of history backdates it). Safe when several
 * processes start at once: one of them inserts.
 */
export async function seedDefaultPolicy(
  executor: Executor,
  clock: Clock,
  options: { yaml?: string; effectiveFrom?: Date } = {},
): Promise<{ seeded: boolean }> {
  if (await latestVersion(executor)) return { seeded: false };
  const loaded = options.yaml === undefined ? loadDefaultPolicy() : { ...parsePolicyYaml(options.yaml), yaml: options.yaml };
  const now = clock.now();
  const seeded = await insertVersion(
    executor,
    { version: 1, document: loaded.document, yaml: loaded.yaml, effectiveFrom: options.effectiveFrom ?? now, staffId: null, publishedAt: now },
    'ignore',
  );
  return { seeded };
}
