// What identity's use cases share: built once by IdentityService, passed to each use case.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Executor } from '../db/index.ts';
import { enqueue } from '../outbox/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Lang } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { BankVerificationAdapter } from './bank-verification.ts';
import type { IdentityCheckAdapter } from './identity-check.ts';
import type { KeyRing } from './key-ring.ts';
import { renderSms, type SmsTemplate } from './messages.ts';
import type { IdentityPolicy } from './policy.ts';
import type { DeferredWrites } from './sticky.ts';

export interface IdentityDeps {
  /** The root connection: for checks that own their transaction and for deferred writes. */
  db: Kysely<DB>;
  clock: Clock;
  policy: () => IdentityPolicy;
  pinKeys: KeyRing;
  dataKeys: KeyRing;
  identityCheck: IdentityCheckAdapter;
  bankVerification: BankVerificationAdapter;
  deferred: DeferredWrites;
  logger: Logger;
}

export interface SmsRequest {
  phone: string;
  lang: Lang;
  template: SmsTemplate;
  vars?: Record<string, string>;
  /** Safe to keep: never a code or PIN. */
  payload?: Record<string, unknown>;
  dedupeKey?: string;
}

export async function sendSms(executor: Executor, deps: Pick<IdentityDeps, 'clock'>, request: SmsRequest): Promise<void> {
  await enqueue(executor, deps.clock, {
    channel: 'sms',
    recipient: request.phone,
    template: request.template,
    lang: request.lang,
    body: renderSms(request.template, request.lang, request.vars),
    payload: request.payload ?? {},
    ...(request.dedupeKey ? { dedupeKey: request.dedupeKey } : {}),
  });
}
