// Merchant settlement: once a business day, each merchant's unsettled receivable (whole won; dust
// stays for the next day) is moved to bank clearing in the ledger and paid to the merchant's
// settlement account through the bank rail's pain.001 path — the same rail, debtor account and
// files as cash-outs to banks.
//
// Two steps, each safe to repeat:
//   1. per merchant, one transaction: the day's settlement row (unique per merchant and day) and
//      the ledger transfer receivable → bank_clearing (its id derives from the row's);
//   2. every settlement row of the day goes to the rail in one batch. The rail never pays a ref
//      twice (its journal), and the batch id derives from the day and the rows, so a rerun after a
//      crash between the steps submits what is missing and nothing twice.
import { withTransaction } from '../db/index.ts';
import { TransferFlags, type TransferId } from '../ledger/index.ts';
import { floorToMinor, toMinorFloor, ZERO, type Micros } from '../money/index.ts';
import { isBusinessDay, localDateTime, minutesOfDay, nextBusinessDay, toLocalDate, type Policy } from '../policy/index.ts';
import type { ItemResult } from '../rails/index.ts';
import { DomainError } from '../shared/errors.ts';
import { derivedUuid, uuidToId } from '../shared/ids.ts';
import { systemAccountId, TRANSFER_CODES } from '../wallets/index.ts';
import type { PaymentsDeps } from './deps.ts';
import { selectMerchantsByIds } from './merchants.sql.ts';
import { insertSettlement, selectActiveMerchants, selectSettlementsOn, setSettlementBatch } from './settlement.sql.ts';
import { applySettlementAnswers } from './settlement-answers.ts';
import { assertPosted } from './spend.ts';
import type { MerchantRow, SettlementRow } from './tables.ts';

export interface SettlementRun {
  business_date: string;
  execution_date: string;
  batch_id: string | null;
  settlements: { settlement: SettlementRow; merchant: MerchantRow; result: ItemResult | null }[];
}

/**
 * Whether the day's settlement should run now: a business day, at or after the policy's
 * settlement time, and not yet run that day (`lastRunDate`, kept by the caller). Pure.
 */
export function settlementDue(policy: Pick<Policy, 'time_zone' | 'calendar' | 'payments'>, now: Date, lastRunDate: string | null): boolean {
  const local = localDateTime(now, policy.time_zone);
  if (local.date === lastRunDate || !isBusinessDay(policy, local.date)) return false;
  return local.hour * 60 + local.minute >= minutesOfDay(policy.payments.settlement_time);
}

export function settlementTransferId(settlementId: string): TransferId {
  return derivedUuid(`smallchange:merchant-settlement:${settlementId}`) as TransferId;
}

export async function runSettlement(deps: PaymentsDeps): Promise<SettlementRun> {
  const rail = deps.bankRail;
  if (!rail) throw new DomainError('settlement_not_configured');
  const { policy } = await deps.policy.inForce();
  const now = deps.clock.now();
  const businessDate = toLocalDate(now, policy.time_zone);
  const executionDate = isBusinessDay(policy, businessDate) ? businessDate : nextBusinessDay(policy, businessDate);
  const merchants = await selectActiveMerchants(deps.db);
  const byId = new Map(merchants.map((m) => [m.id, m]));

  for (const merchant of merchants) {
    await withTransaction(deps.db, async (trx) => {
      const [balance] = await deps.ledger.getBalances([merchant.receivable_account], trx);
      const payable = floorToMinor(balance?.available ?? ZERO) as Micros;
      if (payable <= ZERO) return;
      const id = derivedUuid(`smallchange:merchant-settlement:${merchant.id}:${businessDate}`);
      const row = { id, merchant_id: merchant.id, business_date: businessDate, currency: merchant.currency, amount: payable, batch_id: '', file_name: null, created_at: now, state: 'submitted' as const };
      if (!(await insertSettlement(trx, row))) return;
      assertPosted(await deps.ledger.createTransfersIn(trx, [{
        id: settlementTransferId(id),
        debit_account_id: merchant.receivable_account,
        credit_account_id: systemAccountId('bank_clearing', merchant.currency),
        amount: payable,
        currency: merchant.currency,
        code: TRANSFER_CODES.merchant_settlement,
        // Reserved until the bank answers (settlement-answers.ts): accepted posts it into
        // bank_clearing as a settled cash-out's payout, rejected voids it back to the receivable.
        flags: TransferFlags.pending,
        metadata: { settlement: uuidToId(id, 'rct'), merchant: uuidToId(merchant.id, 'mer'), business_date: businessDate },
      }]), { code: 'merchant_balance_insufficient', param: 'merchant' });
    });
  }

  const rows = await selectSettlementsOn(deps.db, businessDate);
  // A merchant disabled since its settlement row was written is still paid what it was owed.
  for (const m of await selectMerchantsByIds(deps.db, rows.map((r) => r.merchant_id).filter((id) => !byId.has(id)))) byId.set(m.id, m);
  if (rows.length === 0) return { business_date: businessDate, execution_date: executionDate, batch_id: null, settlements: [] };
  const batchId = uuidToId(derivedUuid(`smallchange:settlement-batch:${businessDate}:${rows.map((r) => r.id).join(',')}`), 'bat');
  const results = await rail.submit({
    batchId,
    executionDate,
    items: rows.map((r) => {
      const merchant = byId.get(r.merchant_id)!;
      return {
        ref: uuidToId(r.id, 'rct'),
        amountMinor: toMinorFloor(r.amount),
        currency: r.currency,
        payeeName: merchant.settlement_holder,
        destination: { bankCode: merchant.settlement_bank_code, accountNumber: merchant.settlement_account },
        remittanceInfo: `smallchange 정산 ${businessDate}`,
      };
    }),
  });
  await setSettlementBatch(deps.db, rows.filter((r) => r.batch_id === '').map((r) => r.id), batchId);
  // The rail may refuse an item before the bank sees it (an account it cannot pay): book that now.
  await applySettlementAnswers(deps, results.filter((r) => r.state === 'rejected'), 'system:bank_submit');
  const byRef = new Map(results.map((r) => [r.ref, r]));
  const answered = new Map((await selectSettlementsOn(deps.db, businessDate)).map((r) => [r.id, r]));
  return {
    business_date: businessDate,
    execution_date: executionDate,
    batch_id: batchId,
    settlements: rows.map((r) => ({ settlement: answered.get(r.id) ?? { ...r, batch_id: r.batch_id || batchId }, merchant: byId.get(r.merchant_id)!, result: byRef.get(uuidToId(r.id, 'rct')) ?? null })),
  };
}
