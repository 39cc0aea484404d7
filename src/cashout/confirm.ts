// Confirming a quote: the cash-out workflow's first steps (reserve → screen → submit), each with
// its compensation. In order:
//   checks     the quote (theirs, open, unexpired), the PIN (every wrong one counts toward the
//              lockout), the account (frozen, closed, PIN-reset hold), the destination, the OTP
//              when the policy asks, and a pre-flight of screening and of the balance — so that
//              every refusal a person can cause is a 4xx with nothing reserved and nothing written;
//   reserve    two linked pending transfers through the ledger's group commit (ids derived from
//              the cash-out id: a retry or a concurrent double-confirm is answered `exists`);
//   record     one transaction: claim the quote, screen again under a per-user lock (the
//              authoritative decision, against concurrent cash-outs), insert the cash-out with its
//              events and its message. If this step fails, the reservation is voided (compensation).
// A crash between reserve and record leaves a reservation for an unclaimed quote: recovery lapses
// expired quotes and voids what was reserved for them; the ledger's timeout is the last line.
import { createHash } from 'node:crypto';
import type { Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import type { User } from '../identity/index.ts';
import type { Policy } from '../policy/index.ts';
import { DomainError } from '../shared/errors.ts';
import { idToUuid, uuidToId } from '../shared/ids.ts';
import { systemAccountId } from '../wallets/index.ts';
import { insertCashout, isUniqueViolation, selectByIdempotencyKey, selectCashout, type NewEvent } from './cashouts.sql.ts';
import type { CashoutDeps } from './deps.ts';
import { assertDestination } from './destinations.ts';
import { reserveTransfers, stepOutcome, voidTransfers } from './ledger-plan.ts';
import { notifyChanges } from './notifications.ts';
import { otpReasons } from './pricing.ts';
import { balanceRefusal } from './quotes.ts';
import { claimQuote, selectQuoteForConfirm } from './quotes.sql.ts';
import { refusalError, type ScreeningDecision, type ScreeningSubject } from './screening.ts';
import { requireOtp, type OtpProof } from './step-up.ts';
import { issuePickupCode, type IssuedCode } from './pickup.ts';
import { isCashChannel, type CashoutEventRow, type CashoutOrigin, type CashoutRow, type DestinationRow, type QuoteRow } from './tables.ts';
import { ledgerRefOf, transition } from './transitions.ts';
import './errors.ts';

export interface ConfirmRequest {
  userId: string;
  /** quo_… */
  quote: string;
  /** Null only for an auto-sweep: its rule was authorised with PIN and OTP when it was set. */
  pin: string | null;
  otp: OtpProof | null;
  deviceId: string | null;
  idempotencyKey: string | null;
  origin: CashoutOrigin;
}

export interface ConfirmResult {
  cashout: CashoutRow;
  /** The destination as read with the quote (absent on a replay: read it again). */
  destination: DestinationRow | null;
  /** The transitions recorded by this confirm (absent on a replay). */
  events: CashoutEventRow[] | null;
  /** The same request was answered before (Idempotency-Key, or the quote confirmed twice at once). */
  replayed: boolean;
  /** Cash channels: the one-time withdrawal code, shown once (and sent by SMS); never on a replay. */
  pickup?: IssuedCode | null;
}

/** What an Idempotency-Key is compared on: the request without its secrets (PIN, OTP). */
export function requestHash(quote: string): string {
  return createHash('sha256').update(JSON.stringify({ quote })).digest('hex');
}

function quoteUuid(id: string): string {
  const uuid = idToUuid(id, 'quo');
  if (!uuid) throw new DomainError('quote_not_found', { param: 'quote' });
  return uuid;
}

/** The answer given before to this Idempotency-Key, or the conflict when the key was used for another request. */
async function replayOf(deps: CashoutDeps, request: ConfirmRequest, hash: string): Promise<ConfirmResult | null> {
  if (!request.idempotencyKey) return null;
  const existing = await selectByIdempotencyKey(deps.db, request.userId, request.idempotencyKey);
  if (!existing) return null;
  if (existing.request_hash !== hash) throw new DomainError('idempotency_conflict');
  return { cashout: existing, destination: null, events: null, replayed: true };
}

/** Where the reservation goes: the channel's clearing account (an agent's float is not known until the code is redeemed). */
function clearingOf(quote: QuoteRow): CashoutRow['clearing_account'] {
  const names = { bank: 'bank_clearing', wallet: 'wallet_clearing', agent: 'agent_clearing', atm: 'atm_settlement' } as const;
  return systemAccountId(names[quote.channel], quote.currency);
}

/** A cash code's reservation outlives the code by an hour: the expiry job voids it first, the ledger's timeout is the last line. */
function reservationTimeoutOf(policy: Policy, quote: QuoteRow): number {
  if (isCashChannel(quote.channel)) return policy.agents.withdrawal_code_ttl_minutes * 60 + 3600;
  return policy.cashout.reservation_timeout_hours * 3600;
}

export async function screenSubject(
  deps: CashoutDeps,
  executor: Executor,
  phase: 'initial' | 'rescreen',
  policy: Policy,
  user: User,
  subject: ScreeningSubject,
): Promise<ScreeningDecision> {
  return deps.screening.screen({ executor, phase, policy, user, now: deps.clock.now(), subject });
}

export async function confirmCashout(deps: CashoutDeps, request: ConfirmRequest): Promise<ConfirmResult> {
  const hash = requestHash(request.quote);
  const found = await selectQuoteForConfirm(deps.db, quoteUuid(request.quote), request.userId, request.idempotencyKey);
  if (!found || found.quote.user_id !== request.userId) throw new DomainError('quote_not_found', { param: 'quote' });
  const { quote } = found;
  // An Idempotency-Key seen before: the same request is answered as before, another is refused.
  if (found.keyHash !== null) {
    if (found.keyHash !== hash) throw new DomainError('idempotency_conflict');
    const replay = await replayOf(deps, request, hash);
    if (replay) return replay;
  }
  if (quote.status === 'confirmed') throw new DomainError('quote_used', { param: 'quote' });
  const now = deps.clock.now();
  if (quote.status !== 'open' || quote.expires_at.getTime() <= now.getTime()) throw new DomainError('quote_expired', { param: 'quote' });

  if (request.pin !== null) await deps.identity.verifyPin(deps.db, request.userId, request.pin);
  const { user, deviceFirstSeen, bankAccountVerified } = await deps.identity.payoutContext(deps.db, request.userId, {
    deviceId: request.deviceId, bankAccountId: found.destination?.bank_account_id ?? null,
  });
  const policy = (await deps.policy.getVersion(quote.policy_version)).policy;
  deps.identity.assertCanSend(user, 'payout');
  const destination = assertDestination(found.destination, request.userId, quote.channel);
  if (destination.kind === 'bank' && !bankAccountVerified) throw new DomainError('destination_not_verified', { param: 'destination' });

  const debit = (quote.payout + quote.fee) as CashoutRow['payout'];
  if (request.origin === 'user') {
    const reasons = otpReasons(policy, { debit, destinationPaidBefore: destination.first_payout_at !== null, deviceFirstSeen, now });
    if (reasons.length > 0) await requireOtp(deps, request.userId, 'cashout.create', { quote: request.quote }, request.otp, reasons);
  }

  const subject: ScreeningSubject = { cashoutId: null, userId: request.userId, channel: quote.channel, destination, debit, origin: request.origin };
  const preflight = await screenSubject(deps, deps.db, 'initial', policy, user, subject);
  if (preflight.outcome === 'refuse') throw refusalError(preflight);

  const ref = ledgerRefOf({ id: quote.cashout_id, currency: quote.currency, payout: quote.payout, fee: quote.fee, debit_account: quote.debit_account, clearing_account: clearingOf(quote) });
  const reserved = stepOutcome(await deps.ledger.createTransfers(reserveTransfers(ref, reservationTimeoutOf(policy, quote))));
  if (reserved.outcome === 'insufficient') {
    // Nothing was reserved (the ledger refused the chain whole); say why in the person's terms.
    const wallet = await deps.wallets.ownedWallet(request.userId, uuidToId(quote.wallet_id, 'wal'));
    const [balance] = await deps.wallets.balances([wallet]);
    throw balanceRefusal(debit, balance!.cashable.available, balance!.spend_only.available);
  }
  if (reserved.outcome !== 'done') throw new Error(`cash-out ${ref.publicId}: reservation failed with ${reserved.detail}`);

  let recorded: Recorded;
  try {
    recorded = await withTransaction(deps.db, (trx) => recordCashout(deps, trx, { request, hash, quote, policy, user, destination, subject, ref }));
  } catch (error) {
    // Compensation: nothing recorded, so nothing may stay reserved — unless a concurrent confirm
    // of the same quote recorded the cash-out and owns the reservation now.
    const owner = await selectCashout(deps.db, quote.cashout_id);
    if (!owner) await deps.ledger.createTransfers(voidTransfers(ref, 'not_recorded'));
    // The Idempotency-Key was already used for another request.
    if (isUniqueViolation(error) && request.idempotencyKey) {
      const replay = await replayOf(deps, request, hash);
      if (replay) return replay;
    }
    throw error;
  }
  if (recorded.decision.outcome === 'refuse') {
    await transition(deps, [{ id: recorded.row.id, reasonCode: recorded.decision.code }], 'failed', { actor: actorOf(request) });
    throw refusalError(recorded.decision, ref.publicId);
  }
  return { cashout: recorded.row, destination, events: recorded.events, replayed: recorded.replayed, pickup: recorded.pickup ?? null };
}

function actorOf(request: ConfirmRequest): string {
  return request.origin === 'auto_sweep' ? 'system:auto_sweep' : `user:${request.userId}`;
}

interface RecordInput {
  request: ConfirmRequest;
  hash: string;
  quote: QuoteRow;
  policy: Policy;
  user: User;
  destination: DestinationRow;
  subject: ScreeningSubject;
  ref: ReturnType<typeof ledgerRefOf>;
}

interface Recorded {
  row: CashoutRow;
  decision: ScreeningDecision;
  events: CashoutEventRow[] | null;
  replayed: boolean;
  pickup?: IssuedCode | null;
}

async function recordCashout(deps: CashoutDeps, trx: Executor, input: RecordInput): Promise<Recorded> {
  const { request, quote, policy, user, destination, ref } = input;
  // One cash-out at a time per person from here to commit: the limits are checked against every
  // other cash-out that got this far.
  if (!(await claimQuote(trx, quote.id, `cashout:${request.userId}`))) {
    const existing = await selectCashout(trx, quote.cashout_id);
    if (existing) return { row: existing, decision: { outcome: 'pass' }, events: null, replayed: true };
    throw new DomainError('quote_expired', { param: 'quote' });
  }
  const decision = await screenSubject(deps, trx, 'initial', policy, user, { ...input.subject, cashoutId: quote.cashout_id });
  const now = deps.clock.now();
  const state = decision.outcome === 'pass' ? 'submitted' : decision.outcome === 'hold' ? 'held_for_review' : 'screening';
  const events: NewEvent[] = [
    { from: 'quoted', to: 'reserved', reason: request.origin === 'auto_sweep' ? 'auto_sweep' : 'confirmed' },
    { from: 'reserved', to: 'screening', reason: null },
  ];
  if (decision.outcome === 'pass') events.push({ from: 'screening', to: 'submitted', reason: null });
  if (decision.outcome === 'hold') events.push({ from: 'screening', to: 'held_for_review', reason: decision.reason });
  const row: CashoutRow = {
    id: quote.cashout_id,
    user_id: request.userId,
    wallet_id: quote.wallet_id,
    quote_id: quote.id,
    channel: quote.channel,
    destination_id: destination.id,
    destination_label: quote.details.destination_label,
    wallet_provider: destination.kind === 'wallet' ? destination.provider : null,
    currency: quote.currency,
    payout: quote.payout,
    fee: quote.fee,
    dust: quote.dust,
    policy_version: quote.policy_version,
    debit_account: quote.debit_account,
    clearing_account: ref.clearingAccount,
    state,
    version: events.length,
    reason_code: decision.outcome === 'hold' ? decision.reason : null,
    reason_text: null,
    screening: decision,
    hold_until: decision.outcome === 'hold' ? decision.until : null,
    origin: request.origin,
    notify_phone: user.phone,
    lang: user.lang,
    idempotency_key: request.idempotencyKey,
    request_hash: request.idempotencyKey ? input.hash : null,
    batch_id: null,
    rail_reference: null,
    receipt_number: null,
    expected_at: new Date(quote.details.arrival.expected_at),
    created_at: now,
    updated_at: now,
    submitted_at: state === 'submitted' ? now : null,
    settled_at: null,
    finished_at: null,
  };
  await insertCashout(trx, row, events, actorOf(request));
  // A cash cash-out is handed to its rail by issuing the code: the code's SMS says all there is to say.
  const pickup = isCashChannel(row.channel) && state === 'submitted' ? await issuePickupCode(deps, trx, row, policy) : null;
  if (decision.outcome !== 'refuse') {
    await notifyChanges(trx, deps.clock, policy.time_zone, [{ row, from: 'screening', partner: row.wallet_provider, sms: pickup === null }]);
  }
  const logged = events.map((e, i): CashoutEventRow => ({ cashout_id: row.id, seq: i + 1, from_state: e.from, to_state: e.to, reason: e.reason, actor: actorOf(request), at: now }));
  return { row, decision, events: logged, replayed: false, pickup };
}

