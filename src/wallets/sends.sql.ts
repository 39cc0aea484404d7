// SQL of sends to a person (migration 0025). The ledger transfer that delivers a send has the
// same UUID as its row here.
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { CurrencyCode, Micros } from '../money/index.ts';

declare module '../db/schema.ts' {
  interface DB {
    person_transfers: {
      id: string;
      sender_user_id: string;
      recipient_user_id: string | null;
      recipient_phone: string;
      currency: string;
      amount: bigint;
      fee: bigint;
      net: bigint;
      note: string | null;
      status: 'posted' | 'unclaimed';
      policy_version: number;
      created_at: Date;
    };
  }
}

export interface PersonTransferRow {
  id: string;
  sender_user_id: string;
  recipient_user_id: string | null;
  recipient_phone: string;
  currency: CurrencyCode;
  amount: Micros;
  fee: Micros;
  net: Micros;
  note: string | null;
  status: 'posted' | 'unclaimed';
  policy_version: number;
  created_at: Date;
}

const COLUMNS = sql.raw('id, sender_user_id, recipient_user_id, recipient_phone, currency, amount, fee, net, note, status, policy_version, created_at');

export async function insertPersonTransfer(executor: Executor, row: PersonTransferRow): Promise<void> {
  await sql`
    INSERT INTO person_transfers (${COLUMNS})
    VALUES (${row.id}, ${row.sender_user_id}, ${row.recipient_user_id}, ${row.recipient_phone}, ${row.currency}, ${row.amount}, ${row.fee},
            ${row.net}, ${row.note}, ${row.status}, ${row.policy_version}, ${row.created_at})`.execute(executor);
}

export async function selectPersonTransfers(executor: Executor, ids: readonly string[]): Promise<Map<string, PersonTransferRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<PersonTransferRow>`SELECT ${COLUMNS} FROM person_transfers WHERE id = ANY(${[...ids]}::uuid[])`.execute(executor);
  return new Map(rows.map((r) => [r.id, r]));
}
