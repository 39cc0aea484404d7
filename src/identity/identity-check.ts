// Tier 1: the carrier identity check (본인확인). The adapter asks the carrier whether the person
// holding this number has this name and birth date. The simulator is a real component used in
// demo mode: a subscriber directory, plus configurable failures and outages.
import { AdapterUnavailableError, sameName, seededRandom } from './adapter-error.ts';
import type { Carrier } from './phone.ts';

export interface IdentityCheckRequest {
  phone: string;
  carrier: Carrier;
  name: string;
  /** YYYY-MM-DD */
  birthDate: string;
}

export type IdentityCheckFailure = 'mismatch' | 'not_subscriber' | 'carrier_mismatch';
export type IdentityCheckResult = { ok: true } | { ok: false; reason: IdentityCheckFailure };

export interface IdentityCheckAdapter {
  /** Throws AdapterUnavailableError when the carrier does not answer. */
  check(request: IdentityCheckRequest): Promise<IdentityCheckResult>;
}

export interface Subscriber {
  name: string;
  birthDate: string;
  carrier: Carrier;
}

export interface IdentityCheckSimulatorOptions {
  /** A number not in the directory: 'accept' any details (the demo default) or 'reject' as not_subscriber. */
  unknownSubscribers?: 'accept' | 'reject';
  /** Share of otherwise-passing checks that fail as a mismatch (0–1), drawn from `seed`. */
  failureRate?: number;
  seed?: number;
}

export class IdentityCheckSimulator implements IdentityCheckAdapter {
  private readonly directory = new Map<string, Subscriber>();
  private readonly scripted: (IdentityCheckFailure | 'unavailable')[] = [];
  private available = true;
  private readonly random: () => number;
  readonly checks: IdentityCheckRequest[] = [];

  constructor(private readonly options: IdentityCheckSimulatorOptions = {}) {
    this.random = seededRandom(options.seed ?? 42);
  }

  addSubscriber(phone: string, subscriber: Subscriber): void {
    this.directory.set(phone, subscriber);
  }

  /** The next `count` checks fail this way, whatever their details. */
  failNext(outcome: IdentityCheckFailure | 'unavailable', count = 1): void {
    for (let i = 0; i < count; i++) this.scripted.push(outcome);
  }

  setAvailable(available: boolean): void {
    this.available = available;
  }

  async check(request: IdentityCheckRequest): Promise<IdentityCheckResult> {
    this.checks.push(request);
    const scripted = this.scripted.shift();
    if (scripted === 'unavailable' || !this.available) throw new AdapterUnavailableError('identity_check');
    if (scripted) return { ok: false, reason: scripted };
    const known = this.directory.get(request.phone);
    if (!known) {
      if ((this.options.unknownSubscribers ?? 'accept') === 'reject') return { ok: false, reason: 'not_subscriber' };
    } else {
      if (known.carrier !== request.carrier) return { ok: false, reason: 'carrier_mismatch' };
      if (!sameName(known.name, request.name) || known.birthDate !== request.birthDate) return { ok: false, reason: 'mismatch' };
    }
    if ((this.options.failureRate ?? 0) > this.random()) return { ok: false, reason: 'mismatch' };
    return { ok: true };
  }
}
