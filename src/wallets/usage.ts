// What a user has already moved out this day and this month, read from the ledger itself: the
// transfers debiting the user's class accounts, by code, inside the operator's local day and
// month (policy calendar windows). Nothing is kept on the side, so usage cannot drift from the
// money. Reads the journal through its (debit_account_id, ts) index.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { TransferFlags } from '../ledger/index.ts';
import { micros, type Micros, ZERO } from '../money/index.ts';
import { LIMIT_KINDS, localDayWindow, localMonthWindow, type LimitKind, type LimitUsage, type PeriodUsage, type TimeWindow } from '../policy/index.ts';
import { TRANSFER_CODES } from './chart.ts';

/**
 * Which ledger codes count toward each kind of limit. Movements count toward the sum and the
 * count; their fees toward the sum only (the user paid them, but they are not another movement).
 * Own-wallet moves, credits and reversals are not the user's outgoing movements.
 */
export const LIMIT_KIND_CODES: Readonly<Record<LimitKind, { movements: readonly number[]; fees: readonly number[] }>> = {
  send: { movements: [TRANSFER_CODES.send_to_person], fees: [TRANSFER_CODES.send_fee] },
  cash_out: { movements: [TRANSFER_CODES.cashout], fees: [TRANSFER_CODES.cashout_fee] },
  spend: { movements: [TRANSFER_CODES.merchant_payment, TRANSFER_CODES.voucher_purchase, TRANSFER_CODES.subscription_charge], fees: [] },
};

const ALL_CODES = [...new Set(LIMIT_KINDS.flatMap((kind) => [...LIMIT_KIND_CODES[kind].movements, ...LIMIT_KIND_CODES[kind].fees]))];
const ALL_MOVEMENTS = new Set(LIMIT_KINDS.flatMap((kind) => LIMIT_KIND_CODES[kind].movements));

export interface UsageReport extends LimitUsage {
  kind: LimitKind;
  /** The operator's local day and month containing `at`, as UTC instants. */
  windows: { day: TimeWindow; month: TimeWindow };
}

interface CodeTotals {
  code: number;
  day_count: number;
  day_sum: bigint;
  month_count: number;
  month_sum: bigint;
}

/**
 * Per code, this month's and today's outgoing totals over these accounts. A reservation counts
 * from the moment it is made (a cash-out in flight is spent as far as limits go) unless it was
 * voided or expired; the post that settles it is not counted again.
 */
async function selectOutgoingTotals(executor: Executor, accountIds: readonly string[], day: TimeWindow, month: TimeWindow, exclude: readonly string[]): Promise<CodeTotals[]> {
  if (accountIds.length === 0) return [];
  const resolution = TransferFlags.post_pending | TransferFlags.void_pending;
  const { rows } = await sql<CodeTotals>`
    SELECT t.code,
           count(*) FILTER (WHERE t.ts >= ${day.start})::int AS day_count,
           coalesce(sum(t.amount) FILTER (WHERE t.ts >= ${day.start}), 0)::int8 AS day_sum,
           count(*)::int AS month_count,
           coalesce(sum(t.amount), 0)::int8 AS month_sum
    FROM ledger_transfers t
    WHERE t.debit_account_id = ANY(${[...accountIds]}::uuid[])
      AND t.ts >= ${month.start} AND t.ts < ${day.end}
      AND t.code = ANY(${ALL_CODES}::int4[])
      AND (t.flags & ${resolution}) = 0
      AND NOT (t.id = ANY(${[...exclude]}::uuid[]))
      AND NOT ((t.flags & ${TransferFlags.pending}) <> 0 AND EXISTS (
        SELECT 1 FROM ledger_transfers v WHERE v.pending_id = t.id AND (v.flags & ${TransferFlags.void_pending}) <> 0))
    GROUP BY t.code`.execute(executor);
  return rows;
}

function addTo(target: PeriodUsage, sum: bigint, count: number): PeriodUsage {
  return { sum: micros(target.sum + sum), count: target.count + count };
}

const empty = (): PeriodUsage => ({ sum: ZERO as Micros, count: 0 });

/**
 * Every kind's usage today and this month, from one read of the journal. `exclude` names
 * transfers of the very movement being judged when it is already reserved in the ledger (a
 * cash-out reserves before it is screened), so that it is not counted against itself.
 */
export async function measureAllUsage(
  executor: Executor, accountIds: readonly string[], at: Date, timeZone: string, exclude: readonly string[] = [],
): Promise<Record<LimitKind, UsageReport>> {
  const day = localDayWindow(at, timeZone);
  const month = localMonthWindow(at, timeZone);
  const totals = await selectOutgoingTotals(executor, accountIds, day, month, exclude);
  let allToday = empty();
  for (const row of totals) allToday = addTo(allToday, BigInt(row.day_sum), ALL_MOVEMENTS.has(row.code) ? row.day_count : 0);
  const report = (kind: LimitKind): UsageReport => {
    const codes = LIMIT_KIND_CODES[kind];
    let dayUsage = empty();
    let monthUsage = empty();
    for (const row of totals) {
      const movement = codes.movements.includes(row.code);
      if (!movement && !codes.fees.includes(row.code)) continue;
      dayUsage = addTo(dayUsage, BigInt(row.day_sum), movement ? row.day_count : 0);
      monthUsage = addTo(monthUsage, BigInt(row.month_sum), movement ? row.month_count : 0);
    }
    return { kind, windows: { day, month }, day: dayUsage, month: monthUsage, all_today: allToday };
  };
  return { send: report('send'), cash_out: report('cash_out'), spend: report('spend') };
}

/** Today's and this month's usage of one kind, plus today's movements of every kind (velocity). */
export async function measureUsage(
  executor: Executor, accountIds: readonly string[], kind: LimitKind, at: Date, timeZone: string, exclude: readonly string[] = [],
): Promise<UsageReport> {
  return (await measureAllUsage(executor, accountIds, at, timeZone, exclude))[kind];
}
