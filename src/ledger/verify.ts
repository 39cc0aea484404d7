// `smallchange verify`: re-reads the whole journal and proves it. Recomputes every block hash
// and link, checks every sealed transaction is wholly in its block, recomputes every account's
// totals from the entries, checks the ledger sums to zero and that no flagged account crossed
// its limit. Reports the first block or account that does not match.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { blockHash, GENESIS_HASH, readTransaction, toBuffer } from './chain.ts';
import { AccountFlags } from './types.ts';

export interface VerifyReport {
  ok: boolean;
  blocks: number;
  transfers_sealed: number;
  transfers_unsealed: number;
  accounts: number;
  /** Human-readable findings, first problem first. */
  problems: string[];
}

export interface VerifyOptions {
  /** Stop after this many problems (the first is what matters). */
  problemsMax?: number;
  onProgress?: (done: { blocks: number; transfers: number }) => void;
  /** Blocks read per query. */
  pageSize?: number;
}

export async function verifyLedger(db: Kysely<DB>, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problemsMax = options.problemsMax ?? 20;
  const problems: string[] = [];
  const note = (message: string) => {
    if (problems.length < problemsMax) problems.push(message);
  };
  const chain = await verifyChain(db, options, note);
  const unsealed = await sql<{ n: number }>`
    SELECT count(*)::int4 AS n FROM ledger_transfers
    WHERE tx_id > (SELECT last_tx_id FROM ledger_chain WHERE partition = 0)`.execute(db);
  const accounts = await verifyAccounts(db, note);
  await verifyHolds(db, note);
  return {
    ok: problems.length === 0,
    blocks: chain.blocks,
    transfers_sealed: chain.transfers,
    transfers_unsealed: unsealed.rows[0]?.n ?? 0,
    accounts,
    problems,
  };
}

async function verifyChain(db: Kysely<DB>, options: VerifyOptions, note: (m: string) => void): Promise<{ blocks: number; transfers: number }> {
  const pageSize = options.pageSize ?? 500;
  let prev: Buffer = GENESIS_HASH;
  let expectedHeight = 1n;
  let blocks = 0;
  let transfers = 0;
  let lastTx = '0';
  for (;;) {
    const page = await sql<{ height: bigint; tx_id: string; transfers: number; prev_hash: Uint8Array; hash: Uint8Array }>`
      SELECT height, tx_id::text AS tx_id, transfers, prev_hash, hash FROM ledger_blocks
      WHERE partition = 0 AND height >= ${expectedHeight} ORDER BY height LIMIT ${pageSize}`.execute(db);
    if (page.rows.length === 0) break;
    for (const block of page.rows) {
      if (block.height !== expectedHeight) {
        note(`block ${expectedHeight}: missing (next block found is ${block.height})`);
        return { blocks, transfers };
      }
      if (!toBuffer(block.prev_hash).equals(prev)) note(`block ${block.height} (tx ${block.tx_id}): prev_hash does not link to block ${block.height - 1n}`);
      const rows = await readTransaction(db, block.tx_id);
      if (rows.length !== block.transfers) {
        note(`block ${block.height} (tx ${block.tx_id}): holds ${rows.length} transfers, sealed with ${block.transfers}`);
      }
      const computed = blockHash(prev, 0, block.height, block.tx_id, rows);
      if (!computed.equals(toBuffer(block.hash))) {
        note(`block ${block.height} (tx ${block.tx_id}): hash does not match its transfers (stored ${toBuffer(block.hash).toString('hex').slice(0, 16)}…, computed ${computed.toString('hex').slice(0, 16)}…)`);
      }
      prev = toBuffer(block.hash);
      expectedHeight = block.height + 1n;
      blocks++;
      transfers += rows.length;
      lastTx = block.tx_id;
      options.onProgress?.({ blocks, transfers });
    }
  }
  const head = await sql<{ height: bigint; head_hash: Uint8Array; last_tx_id: string }>`
    SELECT height, head_hash, last_tx_id::text AS last_tx_id FROM ledger_chain WHERE partition = 0`.execute(db);
  const h = head.rows[0];
  if (!h) note('chain head row is missing');
  else if (h.height !== BigInt(blocks) || !toBuffer(h.head_hash).equals(prev) || (blocks > 0 && h.last_tx_id !== lastTx)) {
    note(`chain head (height ${h.height}) does not match the last block (height ${blocks})`);
  }
  // A transfer written into an already-sealed transaction's range but not in its block.
  const stray = await sql<{ id: string; tx_id: string }>`
    SELECT t.id, t.tx_id::text AS tx_id FROM ledger_transfers t
    WHERE t.tx_id <= (SELECT last_tx_id FROM ledger_chain WHERE partition = 0)
      AND NOT EXISTS (SELECT 1 FROM ledger_blocks b WHERE b.partition = 0 AND b.tx_id = t.tx_id)
    LIMIT 1`.execute(db);
  if (stray.rows[0]) note(`transfer ${stray.rows[0].id} (tx ${stray.rows[0].tx_id}) is in the sealed range but in no block`);
  return { blocks, transfers };
}

interface Totals {
  id: string;
  flags: number;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  e_dp: bigint;
  e_dpo: bigint;
  e_cp: bigint;
  e_cpo: bigint;
}

async function verifyAccounts(db: Kysely<DB>, note: (m: string) => void): Promise<number> {
  // Posted: plain transfers and posts. Pending: pending transfers with no resolution yet.
  const { rows } = await sql<Totals>`
    WITH entries AS (
      SELECT t.debit_account_id AS account_id,
             CASE WHEN t.flags & 2 <> 0 AND r.id IS NULL THEN t.amount ELSE 0 END AS dp,
             CASE WHEN t.flags & (2 | 8) = 0 THEN t.amount ELSE 0 END AS dpo,
             0::int8 AS cp, 0::int8 AS cpo
      FROM ledger_transfers t LEFT JOIN ledger_transfers r ON r.pending_id = t.id AND t.flags & 2 <> 0
      UNION ALL
      SELECT t.credit_account_id, 0, 0,
             CASE WHEN t.flags & 2 <> 0 AND r.id IS NULL THEN t.amount ELSE 0 END,
             CASE WHEN t.flags & (2 | 8) = 0 THEN t.amount ELSE 0 END
      FROM ledger_transfers t LEFT JOIN ledger_transfers r ON r.pending_id = t.id AND t.flags & 2 <> 0
    ), sums AS (
      SELECT account_id, sum(dp)::int8 AS dp, sum(dpo)::int8 AS dpo, sum(cp)::int8 AS cp, sum(cpo)::int8 AS cpo
      FROM entries GROUP BY account_id
    )
    SELECT a.id::text AS id, a.flags, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted,
           coalesce(s.dp, 0)::int8 AS e_dp, coalesce(s.dpo, 0)::int8 AS e_dpo, coalesce(s.cp, 0)::int8 AS e_cp, coalesce(s.cpo, 0)::int8 AS e_cpo
    FROM ledger_accounts a FULL JOIN sums s ON s.account_id = a.id
    ORDER BY coalesce(a.id, s.account_id)`.execute(db);
  let dpo = 0n;
  let cpo = 0n;
  let dp = 0n;
  let cp = 0n;
  for (const r of rows) {
    if (r.id === null) {
      note('a transfer names an account that does not exist');
      continue;
    }
    if (r.debits_posted !== r.e_dpo || r.credits_posted !== r.e_cpo || r.debits_pending !== r.e_dp || r.credits_pending !== r.e_cp) {
      note(
        `account ${r.id}: totals do not match its entries (stored dp=${r.debits_pending} dpo=${r.debits_posted} cp=${r.credits_pending} cpo=${r.credits_posted}; ` +
          `entries dp=${r.e_dp} dpo=${r.e_dpo} cp=${r.e_cp} cpo=${r.e_cpo})`,
      );
    }
    if ((r.flags & AccountFlags.debits_must_not_exceed_credits) !== 0 && r.debits_pending + r.debits_posted > r.credits_posted) {
      note(`account ${r.id}: debits exceed credits although its flag forbids it`);
    }
    if ((r.flags & AccountFlags.credits_must_not_exceed_debits) !== 0 && r.credits_pending + r.credits_posted > r.debits_posted) {
      note(`account ${r.id}: credits exceed debits although its flag forbids it`);
    }
    dpo += r.debits_posted;
    cpo += r.credits_posted;
    dp += r.debits_pending;
    cp += r.credits_pending;
  }
  if (dpo !== cpo) note(`the ledger does not sum to zero: debits posted ${dpo} ≠ credits posted ${cpo}`);
  if (dp !== cp) note(`pending totals do not balance: debits pending ${dp} ≠ credits pending ${cp}`);
  return rows.length;
}

async function verifyHolds(db: Kysely<DB>, note: (m: string) => void): Promise<void> {
  const { rows } = await sql<{ id: string; problem: string }>`
    SELECT t.id::text AS id, 'unresolved pending transfer without a hold' AS problem
    FROM ledger_transfers t
    WHERE t.flags & 2 <> 0 AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id)
      AND NOT EXISTS (SELECT 1 FROM ledger_holds h WHERE h.pending_id = t.id)
    UNION ALL
    SELECT h.pending_id::text, 'hold for a transfer that is resolved or not pending'
    FROM ledger_holds h
    WHERE NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = h.pending_id AND t.flags & 2 <> 0)
       OR EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = h.pending_id)
    LIMIT 5`.execute(db);
  for (const r of rows) note(`pending ${r.id}: ${r.problem}`);
}
