// Subscriptions: a merchant asks for a recurring payment (a daily, weekly or monthly amount) from
// a phone number's owner; the person authorises it once with their PIN (the mandate); the charge
// job takes each period's amount from the wallet like any payment (spend order, limits, freeze),
// and when the wallet is short it fails softly: the person is told by SMS, the charge is tried
// again after the policy's retry interval, and after the policy's number of retries that period
// is skipped (the mandate stays active). The person lists and cancels mandates at any time;
// cancelling takes effect at once (the job re-reads the mandate under its row lock).
import { withTransaction, type Executor } from '../db/index.ts';
import { tryNormalizePhone } from '../identity/index.ts';
import type { Money } from '../money/index.ts';
import { enqueue, renderSms } from '../outbox/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, idToUuid, uuidToId, uuidv7 } from '../shared/ids.ts';
import type { PaymentsDeps } from './deps.ts';
import { selectMerchant } from './merchants.sql.ts';
import { chargeInTransaction, payer, smsName } from './payments.ts';
import { dueAt } from './schedule.ts';
import { insertCharge, insertMandate, selectCharges, selectDueMandateIds, selectMandate, selectMandates, updateMandate } from './subscriptions.sql.ts';
import type { ChargeRow, MandatePeriod, MandateRow, MerchantRow } from './tables.ts';

const HOUR_MS = 3_600_000;
/** Mandates charged per job round: a bound on one round's work. */
export const CHARGES_PER_ROUND_MAX = 500;

export interface MandateView {
  mandate: MandateRow;
  merchant: MerchantRow;
  charges: ChargeRow[];
}

export interface MandateRequest {
  phone: string;
  amount: Money;
  period: MandatePeriod;
  description: string;
}

function mandateUuid(id: string): string {
  const uuid = idToUuid(id, 'sub');
  if (!uuid) throw new DomainError('mandate_not_found', { param: 'id' });
  return uuid;
}

async function viewOf(executor: Executor, mandate: MandateRow, merchant?: MerchantRow): Promise<MandateView> {
  return { mandate, merchant: merchant ?? (await selectMerchant(executor, mandate.merchant_id))!, charges: await selectCharges(executor, mandate.id) };
}

export async function requestMandate(deps: PaymentsDeps, merchant: MerchantRow, input: MandateRequest): Promise<MandateView> {
  const phone = tryNormalizePhone(input.phone);
  if (!phone) throw new DomainError('invalid_phone_number', { param: 'phone' });
  if (input.amount.currency !== merchant.currency) throw new DomainError('currency_mismatch', { param: 'amount.currency' });
  return withTransaction(deps.db, async (trx) => {
    const user = await deps.identity.resolveRecipientByPhone(trx, phone);
    if (!user || user.status !== 'active') throw new DomainError('payer_not_registered', { param: 'phone' });
    const row: MandateRow = {
      id: uuidv7(),
      merchant_id: merchant.id,
      user_id: user.id,
      currency: input.amount.currency,
      amount: input.amount.amount,
      period: input.period,
      description: input.description,
      status: 'requested',
      next_charge_at: null,
      period_index: 0,
      failures: 0,
      charges: 0,
      created_at: deps.clock.now(),
      authorized_at: null,
      cancelled_at: null,
    };
    await insertMandate(trx, row);
    // The person learns of the request at once; nothing is charged until they authorise it.
    await enqueue(trx, deps.clock, {
      channel: 'sms',
      recipient: phone,
      template: 'subscription.requested',
      lang: user.lang,
      body: renderSms('subscription.requested', user.lang, { amount: input.amount, merchant: smsName(merchant.name, 10), period: input.period }),
      payload: { user_id: user.id, mandate_id: uuidToId(row.id, 'sub') },
      dedupeKey: `subscription:${row.id}:requested`,
    });
    return { mandate: row, merchant, charges: [] };
  });
}

export async function mandatesOfUser(deps: PaymentsDeps, userId: string, limit: number): Promise<MandateView[]> {
  const rows = await selectMandates(deps.db, { userId }, limit);
  return Promise.all(rows.map((m) => viewOf(deps.db, m)));
}

export async function mandatesOfMerchant(deps: PaymentsDeps, merchant: MerchantRow, limit: number): Promise<MandateView[]> {
  const rows = await selectMandates(deps.db, { merchantId: merchant.id }, limit);
  return Promise.all(rows.map((m) => viewOf(deps.db, m, merchant)));
}

/** The person's own mandate, locked; anyone else's is not found. */
async function ownMandate(trx: Executor, userId: string, id: string): Promise<MandateRow> {
  const mandate = await selectMandate(trx, mandateUuid(id), { lock: true });
  if (!mandate || mandate.user_id !== userId) throw new DomainError('mandate_not_found', { param: 'id' });
  return mandate;
}

/** The person says yes once, with their PIN: the first period is due at once. */
export async function authorizeMandate(deps: PaymentsDeps, userId: string, id: string, pin: string): Promise<MandateView> {
  // Refuse what cannot be authorised before the PIN is typed.
  const seen = await selectMandate(deps.db, mandateUuid(id));
  if (!seen || seen.user_id !== userId) throw new DomainError('mandate_not_found', { param: 'id' });
  if (seen.status !== 'requested') throw new DomainError(seen.status === 'cancelled' ? 'mandate_cancelled' : 'mandate_not_pending', { param: 'id' });
  await payer(deps, userId, pin, true);
  return withTransaction(deps.db, async (trx) => {
    const mandate = await ownMandate(trx, userId, id);
    if (mandate.status !== 'requested') throw new DomainError(mandate.status === 'cancelled' ? 'mandate_cancelled' : 'mandate_not_pending', { param: 'id' });
    const now = deps.clock.now();
    const change = { status: 'active' as const, authorized_at: now, next_charge_at: now, period_index: 0 };
    await updateMandate(trx, mandate.id, change);
    return viewOf(trx, { ...mandate, ...change });
  });
}

/** Cancelled at once: a charge job that has not yet locked the mandate will find it cancelled. */
export async function cancelMandate(deps: PaymentsDeps, userId: string, id: string): Promise<MandateView> {
  return withTransaction(deps.db, async (trx) => {
    const mandate = await ownMandate(trx, userId, id);
    if (mandate.status === 'cancelled') throw new DomainError('mandate_cancelled', { param: 'id' });
    const change = { status: 'cancelled' as const, cancelled_at: deps.clock.now(), next_charge_at: null };
    await updateMandate(trx, mandate.id, change);
    return viewOf(trx, { ...mandate, ...change });
  });
}

export interface ChargeRound {
  paid: number;
  failed: number;
  skipped: number;
}

export function chargePaymentId(mandateId: string, periodIndex: number): string {
  return derivedUuid(`smallchange:subscription:${mandateId}:${periodIndex}`);
}

/** Charges every mandate due now, each in its own transaction. Safe to run concurrently and again. */
export async function runDueCharges(deps: PaymentsDeps, limit = CHARGES_PER_ROUND_MAX): Promise<ChargeRound> {
  const round: ChargeRound = { paid: 0, failed: 0, skipped: 0 };
  const ids = await selectDueMandateIds(deps.db, deps.clock.now(), limit);
  for (const id of ids) {
    const outcome = await chargeOne(deps, id);
    if (outcome) round[outcome] += 1;
  }
  return round;
}

async function chargeOne(deps: PaymentsDeps, id: string): Promise<keyof ChargeRound | null> {
  const { policy } = await deps.policy.inForce();
  try {
    return await withTransaction(deps.db, async (trx) => {
      const mandate = await selectMandate(trx, id, { lock: true });
      const now = deps.clock.now();
      // Cancelled (or charged by another worker) since it was listed: nothing to do.
      if (!mandate || mandate.status !== 'active' || !mandate.next_charge_at || mandate.next_charge_at.getTime() > now.getTime()) return null;
      const merchant = (await selectMerchant(trx, mandate.merchant_id))!;
      if (merchant.status !== 'active') throw new DomainError('merchant_disabled');
      const user = await deps.identity.getUser(trx, mandate.user_id);
      deps.identity.assertCanSend(user, 'payment');
      const due = dueAt(mandate.authorized_at!, mandate.period, mandate.period_index, policy.time_zone);
      const payment = await chargeInTransaction(trx, deps, {
        user, merchant, amount: { amount: mandate.amount, currency: mandate.currency }, source: 'subscription',
        reference: `${uuidToId(mandate.id, 'sub')}#${mandate.period_index + 1}`, id: chargePaymentId(mandate.id, mandate.period_index),
      });
      await insertCharge(trx, { id: uuidv7(), mandate_id: mandate.id, due_at: due, status: 'paid', payment_id: payment.id, failure_code: null, attempt: mandate.failures + 1, created_at: now });
      const next = mandate.period_index + 1;
      await updateMandate(trx, mandate.id, { period_index: next, next_charge_at: dueAt(mandate.authorized_at!, mandate.period, next, policy.time_zone), failures: 0, charges: mandate.charges + 1 });
      return 'paid' as const;
    });
  } catch (error) {
    // Money refusals (short balance, a limit, a freeze) fail softly; anything else is a bug.
    if (!(error instanceof DomainError) || error.status >= 500) throw error;
    return recordFailure(deps, id, error.code);
  }
}

async function recordFailure(deps: PaymentsDeps, id: string, code: string): Promise<keyof ChargeRound | null> {
  const { policy } = await deps.policy.inForce();
  return withTransaction(deps.db, async (trx) => {
    const mandate = await selectMandate(trx, id, { lock: true });
    const now = deps.clock.now();
    if (!mandate || mandate.status !== 'active' || !mandate.next_charge_at || mandate.next_charge_at.getTime() > now.getTime()) return null;
    const attempt = mandate.failures + 1;
    const due = dueAt(mandate.authorized_at!, mandate.period, mandate.period_index, policy.time_zone);
    const exhausted = attempt > policy.payments.subscription_retries_max;
    await insertCharge(trx, { id: uuidv7(), mandate_id: mandate.id, due_at: due, status: exhausted ? 'skipped' : 'failed', payment_id: null, failure_code: code, attempt, created_at: now });
    if (exhausted) {
      const next = mandate.period_index + 1;
      await updateMandate(trx, mandate.id, { period_index: next, next_charge_at: dueAt(mandate.authorized_at!, mandate.period, next, policy.time_zone), failures: 0 });
    } else {
      await updateMandate(trx, mandate.id, { failures: attempt, next_charge_at: new Date(now.getTime() + policy.payments.subscription_retry_hours * HOUR_MS) });
    }
    const user = await deps.identity.findUser(trx, mandate.user_id);
    const merchant = (await selectMerchant(trx, mandate.merchant_id))!;
    if (user?.phone) {
      await enqueue(trx, deps.clock, {
        channel: 'sms',
        recipient: user.phone,
        template: 'subscription.charge_failed',
        lang: user.lang,
        body: renderSms('subscription.charge_failed', user.lang, { amount: { amount: mandate.amount, currency: mandate.currency }, merchant: smsName(merchant.name, 10) }),
        payload: { user_id: user.id, mandate_id: uuidToId(mandate.id, 'sub'), failure_code: code, attempt, skipped: exhausted },
        dedupeKey: `subscription:${mandate.id}:${mandate.period_index}:${attempt}:failed`,
      });
    }
    return exhausted ? ('skipped' as const) : ('failed' as const);
  });
}
