// PolicyService: the policy as the rest of the product reads it, with a short in-memory cache.
// Versions are immutable, so a version once read is cached for good. The list of version headers
// (number, effective_from) is refreshed every `refresh_ms` and at once after a publish here; the
// version in force is computed from that list on every call, so a scheduled version takes effect
// at its instant without waiting for a refresh.
import type { Kysely } from 'kysely';
import { type DB, withTransaction } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import {
  getVersion,
  listVersions,
  type PolicyVersion,
  type PolicyVersionSummary,
  publishVersion,
  type PublishInput,
  seedDefaultPolicy,
} from './store.ts';
import './errors.ts';

declare module '../api/context.ts' {
  interface AppServices {
    policy: PolicyService;
  }
}

export type PolicyVersionStatus = 'scheduled' | 'in_force' | 'superseded';

export interface PolicyServiceOptions {
  /** How long the list of versions is trusted before it is read again (other processes publish too). */
  refresh_ms?: number;
}

export const POLICY_REFRESH_MS_DEFAULT = 5_000;
/** Versions kept in memory; old ones are re-read on demand. */
const CACHED_VERSIONS_MAX = 64;

export class PolicyService {
  private readonly refreshMs: number;
  private headers: { loadedAtMs: number; ascending: PolicyVersionSummary[] } | null = null;
  private loading: { generation: number; promise: Promise<PolicyVersionSummary[]> } | null = null;
  /** Bumped by invalidate(), so that a read started before a publish cannot overwrite the fresh list. */
  private generation = 0;
  private readonly versions = new Map<number, PolicyVersion>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    options: PolicyServiceOptions = {},
  ) {
    this.refreshMs = options.refresh_ms ?? POLICY_REFRESH_MS_DEFAULT;
  }

  /** The version in force at `at` (default now). */
  async inForce(at: Date = this.clock.now()): Promise<PolicyVersion> {
    const summary = PolicyService.pickInForce(await this.summaries(), at);
    if (!summary) throw new DomainError('policy_not_in_force', { data: { at: at.toISOString() } });
    return this.getVersion(summary.version);
  }

  /** A version by number: what a quote made under version n is bound by. */
  async getVersion(version: number): Promise<PolicyVersion> {
    const found = await this.findVersion(version);
    if (!found) throw new DomainError('policy_version_not_found', { param: 'version' });
    return found;
  }

  async findVersion(version: number): Promise<PolicyVersion | null> {
    const cached = this.versions.get(version);
    if (cached) return cached;
    const loaded = await getVersion(this.db, version);
    if (!loaded) return null;
    if (this.versions.size >= CACHED_VERSIONS_MAX) {
      const oldest = this.versions.keys().next().value;
      if (oldest !== undefined) this.versions.delete(oldest);
    }
    this.versions.set(version, loaded);
    return loaded;
  }

  /** Every version's header, newest first. */
  async listVersions(): Promise<PolicyVersionSummary[]> {
    return [...(await this.summaries())].reverse();
  }

  async statusOf(version: number, at: Date = this.clock.now()): Promise<PolicyVersionStatus> {
    const summaries = await this.summaries();
    const inForce = PolicyService.pickInForce(summaries, at);
    if (inForce && version === inForce.version) return 'in_force';
    return inForce && version < inForce.version ? 'superseded' : 'scheduled';
  }

  /** Validates and publishes in its own transaction; this process sees the new version at once. */
  async publish(input: PublishInput): Promise<PolicyVersion> {
    const published = await withTransaction(this.db, (trx) => publishVersion(trx, this.clock, input));
    this.invalidate();
    return published;
  }

  /** Seeds version 1 from policy/default.yaml when there is none. */
  async seedDefault(options: { yaml?: string; effectiveFrom?: Date } = {}): Promise<{ seeded: boolean }> {
    const result = await seedDefaultPolicy(this.db, this.clock, options);
    this.invalidate();
    return result;
  }

  /** Forget the version list (call after publishing through publishVersion in your own transaction). */
  invalidate(): void {
    this.generation++;
    this.headers = null;
  }

  private static pickInForce(ascending: PolicyVersionSummary[], at: Date): PolicyVersionSummary | undefined {
    // Versions never take effect before earlier ones (migration 0030), so the last one whose
    // effective_from has passed is the one in force.
    for (let i = ascending.length - 1; i >= 0; i--) {
      const summary = ascending[i];
      if (summary && summary.effective_from.getTime() <= at.getTime()) return summary;
    }
    return undefined;
  }

  private async summaries(): Promise<PolicyVersionSummary[]> {
    const nowMs = this.clock.now().getTime();
    if (this.headers && nowMs - this.headers.loadedAtMs < this.refreshMs) return this.headers.ascending;
    // A list that is merely due for a refresh is served while the refresh runs behind it: a caller
    // inside a transaction must never wait for a second connection — on PGlite, whose one
    // connection that transaction holds, it would wait forever. Only a list forgotten by
    // invalidate() (a publish here, outside any transaction) or never read is waited for.
    if (this.headers) {
      void this.refresh(nowMs).catch(() => undefined); // kept stale; the next call tries again
      return this.headers.ascending;
    }
    return this.refresh(nowMs);
  }

  private refresh(nowMs: number): Promise<PolicyVersionSummary[]> {
    const generation = this.generation;
    if (this.loading?.generation === generation) return this.loading.promise;
    const promise = listVersions(this.db)
      .then((newestFirst) => {
        const ascending = newestFirst.reverse();
        if (this.generation === generation) this.headers = { loadedAtMs: nowMs, ascending };
        return ascending;
      })
      .finally(() => {
        if (this.loading?.promise === promise) this.loading = null;
      });
    this.loading = { generation, promise };
    return promise;
  }
}
