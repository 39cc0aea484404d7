// The ATM network's side of cardless withdrawals, and its in-process simulator. The network calls
// our ATM API as a partner (API key with scope atm:operate) and signs every request body with
// Standard Webhooks signatures (the same helpers as the wallet provider's webhooks), so a stolen
// API key alone cannot move money and a body cannot be altered on the way.
//
//   authorize {code, pin, amount, atm_reference}  → hold the code for this network
//   complete  {withdrawal}                          → cash dispensed: the reservation settles to atm_settlement
//   reverse   {withdrawal, reason}                  → dispensing fault: every unit back to the person
//
// The simulator is the network: it takes a card-less withdrawal at an "ATM" and drives those calls
// through an injected transport (app.inject in tests, fetch in the demo), with a configurable fault
// rate — a fault after authorize is reversed, as a real ATM reverses when the dispenser jams.
import { randomUUID } from 'node:crypto';
import { signWebhook } from '../wallet/webhook-signature.ts';

export const ATM_PATHS = { authorize: '/v1/atm/authorize', complete: '/v1/atm/complete', reverse: '/v1/atm/reverse' } as const;

/** The headers an ATM network request carries: the API key and the Standard Webhooks signature over the exact body. */
export function signAtmRequest(apiKey: string, secrets: readonly string[], body: string, at: Date, messageId: string = `atm_${randomUUID()}`): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...signWebhook(secrets, messageId, at, body) };
}

export interface AtmResponse {
  status: number;
  body: unknown;
}

/** How the simulator reaches our API: a POST of a JSON text with headers. */
export type AtmTransport = (path: string, body: string, headers: Record<string, string>) => Promise<AtmResponse>;

export interface AtmSimulatorOptions {
  apiKey: string;
  secrets: readonly string[];
  transport: AtmTransport;
  now: () => Date;
  /** Share of withdrawals whose dispenser fails after authorize (0..1). */
  faultRate?: number;
  random?: () => number;
}

export type AtmOutcome =
  | { outcome: 'dispensed'; withdrawal: string; authorize: AtmResponse; complete: AtmResponse }
  | { outcome: 'reversed'; withdrawal: string; authorize: AtmResponse; reverse: AtmResponse }
  | { outcome: 'declined'; authorize: AtmResponse };

export class AtmNetworkSimulator {
  private sequence = 0;

  constructor(private readonly options: AtmSimulatorOptions) {}

  async call(path: string, payload: unknown): Promise<AtmResponse> {
    const body = JSON.stringify(payload);
    return this.options.transport(path, body, signAtmRequest(this.options.apiKey, this.options.secrets, body, this.options.now()));
  }

  /** A person at an ATM: enters the code, the PIN and the amount; the ATM dispenses or faults. */
  async withdraw(input: { code: string; pin: string; amount: { amount: string; currency: string }; fault?: boolean }): Promise<AtmOutcome> {
    const atmReference = `ATM-${String(++this.sequence).padStart(6, '0')}`;
    const authorize = await this.call(ATM_PATHS.authorize, { code: input.code, pin: input.pin, amount: input.amount, atm_reference: atmReference });
    if (authorize.status !== 200) return { outcome: 'declined', authorize };
    const withdrawal = (authorize.body as { withdrawal: string }).withdrawal;
    const fault = input.fault ?? (this.options.random ?? Math.random)() < (this.options.faultRate ?? 0);
    if (fault) return { outcome: 'reversed', withdrawal, authorize, reverse: await this.call(ATM_PATHS.reverse, { withdrawal, reason: 'dispenser_fault' }) };
    return { outcome: 'dispensed', withdrawal, authorize, complete: await this.call(ATM_PATHS.complete, { withdrawal }) };
  }
}
