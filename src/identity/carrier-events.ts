// Recycled numbers. When a carrier reports a number terminated or reassigned, the binding of its
// old owner ends: they keep their account and money, but the number stops leading to them, so a
// credit or a code sent to it can never reach the number's next subscriber through the old
// account. Events come pushed (a carrier partner's API key) or pulled through the adapter.
import type { Executor } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import { recordAudit } from './audit.ts';
import type { IdentityDeps } from './deps.ts';
import type { Carrier } from './phone.ts';
import type { UnboundReason } from './tables.ts';
import { selectUserByPhone, updateUser } from './users.sql.ts';

export interface CarrierEvent {
  /** The carrier's id for the event: the same id twice is one event. */
  externalId: string;
  type: UnboundReason;
  /** E.164 */
  phone: string;
  carrier?: Carrier | null;
  occurredAt: Date;
}

export interface CarrierEventsAdapter {
  readonly source: string;
  /** Events not yet handed out, oldest first, at most `limit`. */
  pull(limit: number): Promise<CarrierEvent[]>;
}

export interface CarrierEventOutcome {
  id: string;
  status: 'processed' | 'duplicate';
  unboundUserId: string | null;
}

/** A carrier feed for the demo and tests: `emit` what a carrier would report. */
export class CarrierEventsSimulator implements CarrierEventsAdapter {
  readonly source = 'carrier-simulator';
  private readonly queue: CarrierEvent[] = [];
  private sequence = 0;
  constructor(private readonly clock: Clock) {}

  emit(type: UnboundReason, phone: string, options: { carrier?: Carrier; occurredAt?: Date } = {}): CarrierEvent {
    const event: CarrierEvent = {
      externalId: `sim_${++this.sequence}`,
      type,
      phone,
      carrier: options.carrier ?? null,
      occurredAt: options.occurredAt ?? this.clock.now(),
    };
    this.queue.push(event);
    return event;
  }

  async pull(limit: number): Promise<CarrierEvent[]> {
    return this.queue.splice(0, limit);
  }
}

export async function ingestCarrierEvent(executor: Executor, deps: IdentityDeps, source: string, event: CarrierEvent): Promise<CarrierEventOutcome> {
  const now = deps.clock.now();
  const id = newId('evt');
  const inserted = await executor
    .insertInto('carrier_events')
    .values({
      id,
      source,
      external_id: event.externalId,
      type: event.type,
      phone: event.phone,
      carrier: event.carrier ?? null,
      occurred_at: event.occurredAt,
      received_at: now,
      unbound_user_id: null,
    })
    .onConflict((oc) => oc.columns(['source', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await executor
      .selectFrom('carrier_events')
      .select(['id', 'unbound_user_id'])
      .where('source', '=', source)
      .where('external_id', '=', event.externalId)
      .executeTakeFirstOrThrow();
    return { id: existing.id, status: 'duplicate', unboundUserId: existing.unbound_user_id };
  }
  const owner = await selectUserByPhone(executor, event.phone, { forUpdate: true });
  // A late event about the previous subscriber must not unbind someone who verified the number
  // after the carrier's change.
  if (!owner || (owner.phone_verified_at && owner.phone_verified_at.getTime() > event.occurredAt.getTime())) {
    return { id, status: 'processed', unboundUserId: null };
  }
  await updateUser(executor, owner.id, {
    phone: null,
    previous_phone: owner.phone,
    phone_unbound_at: now,
    phone_unbound_reason: event.type,
    updated_at: now,
  });
  // The number's next holder may be reading its SMS: sessions stay (they are on the owner's own
  // devices), but nothing more goes to this number.
  await executor.updateTable('carrier_events').set({ unbound_user_id: owner.id }).where('id', '=', id).execute();
  await recordAudit(executor, deps.clock, {
    actor: { kind: 'system', id: source },
    action: 'user.phone_unbound',
    target: { kind: 'user', id: owner.id },
    before: { phone: owner.phone },
    after: { phone: null, reason: event.type, carrier_event_id: id },
  });
  return { id, status: 'processed', unboundUserId: owner.id };
}

