// SQL for merchant payments and refunds. Functions take the executor first.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Micros } from '../money/index.ts';
import type { PaymentRow, RefundRow } from './tables.ts';

export async function insertPayment(executor: Executor, row: PaymentRow): Promise<void> {
  await executor.insertInto('merchant_payments').values(row).execute();
}

export async function selectPayment(executor: Executor, id: string, options: { lock?: boolean } = {}): Promise<PaymentRow | undefined> {
  let query = executor.selectFrom('merchant_payments').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listPayments(
  executor: Executor,
  by: { merchantId?: string; userId?: string },
  options: { limit: number; before?: { created_at: Date; id: string } },
): Promise<PaymentRow[]> {
  let query = executor.selectFrom('merchant_payments').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
  if (by.merchantId) query = query.where('merchant_id', '=', by.merchantId);
  if (by.userId) query = query.where('user_id', '=', by.userId);
  const before = options.before;
  if (before) query = query.where((eb) => eb.or([eb('created_at', '<', before.created_at), eb.and([eb('created_at', '=', before.created_at), eb('id', '<', before.id)])]));
  return query.execute();
}

export async function addRefunded(executor: Executor, paymentId: string, spendOnly: Micros, cashable: Micros): Promise<void> {
  await sql`UPDATE merchant_payments
            SET refunded_spend_only = refunded_spend_only + ${spendOnly}, refunded_cashable = refunded_cashable + ${cashable}
            WHERE id = ${paymentId}`.execute(executor);
}

export async function insertRefund(executor: Executor, row: RefundRow): Promise<void> {
  await executor.insertInto('merchant_refunds').values(row).execute();
}

export async function selectRefunds(executor: Executor, paymentId: string): Promise<RefundRow[]> {
  return executor.selectFrom('merchant_refunds').selectAll().where('payment_id', '=', paymentId).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}
