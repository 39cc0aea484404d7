import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
// How an SMS leaves the building. A real provider calls an SMS gateway; the demo provider
// "delivers" into the outbox itself: the worker marks the row sent and the text stays there,
// where staff (GET /v1/admin/sms) and the CLI (`smallchange sms --to`) read it — so a person
// trying the demo can read their OTP without a phone on a real network.

export interface SmsSendRequest {
  /** E.164 number. */
  to: string;
  text: string;
  /** The outbox message id (msg_…): a gateway that takes a client reference gets this one. */
  messageId: string;
}

export interface SmsProvider {
  readonly name: string;
  /** Resolves once the gateway accepted the message; throws SmsSendError otherwise. */
  send(request: SmsSendRequest): Promise<{ providerMessageId: string }>;
}

/** A refusal or failure from the provider; `retryable` decides between a retry and `failed`. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** Korean carriers take up to 2,000 bytes in one LMS; a longer text is a bug upstream. */
import { LMS_BYTES_MAX } from '../outbox/index.ts';

export { LMS_BYTES_MAX };

const E164 = /^\+[1-9][0-9]{6,14}$/;

function checkRequest(request: SmsSendRequest): void {
  if (!E164.test(request.to)) throw new SmsSendError(`recipient is not an E.164 number`, false);
  if (Buffer.byteLength(request.text, 'utf8') > LMS_BYTES_MAX * 2) throw new SmsSendError('text is longer than one LMS', false);
  if (request.text.trim() === '') throw new SmsSendError('text is empty', false);
}

/** One message as the demo phone network delivered it (a line of the inbox file). */
export interface DeliveredSms {
  at: string;
  to: string;
  text: string;
  message_id: string;
}

/**
 * Demo mode: no SMS leaves the machine. The outbox row is the inbox (staff read it in the
 * console), and when given a file the provider also "delivers" each message there, one JSON line
 * each — the phone network a terminal can read while the server holds the embedded database
 * (`smallchange sms --to`). Refuses what a real gateway would refuse.
 */
export class DemoInboxProvider implements SmsProvider {
  readonly name = 'demo-inbox';
  private ready: Promise<void> | null = null;
  constructor(private readonly inboxFile: string | null = null) {}

  async send(request: SmsSendRequest): Promise<{ providerMessageId: string }> {
    checkRequest(request);
    if (this.inboxFile) {
      this.ready ??= mkdir(dirname(this.inboxFile), { recursive: true }).then(() => undefined);
      await this.ready;
      const line: DeliveredSms = { at: new Date().toISOString(), to: request.to, text: request.text, message_id: request.messageId };
      await appendFile(this.inboxFile, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    }
    return { providerMessageId: `demo:${request.messageId}` };
  }
}

/** The newest `limit` messages delivered to `to` (E.164) in the inbox file, newest first. */
export async function readDeliveredSms(inboxFile: string, to: string, limit: number): Promise<DeliveredSms[]> {
  let text: string;
  try {
    text = await readFile(inboxFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const mine: DeliveredSms[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const message = JSON.parse(line) as DeliveredSms;
      if (message.to === to) mine.push(message);
    } catch {
      // A line cut short by a crash mid-append: skip it.
    }
  }
  return mine.reverse().slice(0, limit);
}

export type ScriptedOutcome = 'ok' | 'retryable' | 'permanent';

export interface ScriptedProviderOptions {
  /** Outcomes of the first sends, in order. */
  script?: ScriptedOutcome[];
  /** Outcome of every send after the script ran out. */
  then?: ScriptedOutcome;
}

/**
 * A provider that fails as configured (for retry tests and for rehearsing a gateway outage in
 * the demo), delegating successful sends to the demo inbox. It records every call.
 */
export class ScriptedSmsProvider implements SmsProvider {
  readonly name = 'scripted';
  readonly calls: { to: string; messageId: string; outcome: ScriptedOutcome }[] = [];
  private readonly script: ScriptedOutcome[];
  private readonly then: ScriptedOutcome;
  private readonly inner = new DemoInboxProvider();

  constructor(options: ScriptedProviderOptions = {}) {
    this.script = [...(options.script ?? [])];
    this.then = options.then ?? 'ok';
  }

  async send(request: SmsSendRequest): Promise<{ providerMessageId: string }> {
    const outcome = this.script.shift() ?? this.then;
    this.calls.push({ to: request.to, messageId: request.messageId, outcome });
    if (outcome === 'retryable') throw new SmsSendError('gateway unavailable (scripted)', true);
    if (outcome === 'permanent') throw new SmsSendError('number rejected by gateway (scripted)', false);
    return this.inner.send(request);
  }
}
