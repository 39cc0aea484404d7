// Tamper evidence: every committed batch (one database transaction) becomes a block whose
// SHA-256 covers its transfers in id order and the previous block's hash — one chain per
// partition. Blocks are sealed just after commit by a single sealer per partition, reading
// transfers in commit order (the xid of the transaction that wrote them, below the oldest
// running transaction, so no later commit can land behind the sealed point). This keeps the
// chain off the transfer write path: no lock of its own, and caller-owned transactions
// (postings + product rows) are chained like group-commit batches.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { withTransaction } from '../db/index.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/index.ts';
import { canonicalJson } from './canonical.ts';
import { toTransfer } from './ledger.sql.ts';
import type { Transfer } from './types.ts';

export const PARTITION = 0;
export const GENESIS_HASH = Buffer.alloc(32);
/** Most transfers sealed per pass (a single larger transaction is still sealed whole). */
export const SEAL_TRANSFERS_MAX = 20_000;

export function transferLine(t: Transfer): string {
  return [
    t.id, t.debit_account_id, t.credit_account_id, t.amount.toString(), t.currency, t.code, t.flags,
    t.pending_id ?? '', t.timeout_s, t.timestamp.toISOString(), canonicalJson(t.metadata),
  ].join('|');
}

export function blockHash(prev: Buffer, partition: number, height: bigint, txId: string, transfers: Transfer[]): Buffer {
  const hash = createHash('sha256');
  hash.update(prev);
  hash.update(`${partition}|${height}|${txId}|${transfers.length}\n`);
  for (const t of transfers) hash.update(`${transferLine(t)}\n`);
  return hash.digest();
}

export function toBuffer(value: Uint8Array | Buffer): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

export interface ChainHead {
  height: bigint;
  head_hash: Buffer;
  last_tx_id: string;
}

type Row = Parameters<typeof toTransfer>[0] & { tx_id: string };

/** Transfers of committed transactions after `afterTxId`, grouped by transaction, whole. */
export async function readCommittedTransfers(executor: Executor, afterTxId: string, limit: number): Promise<Map<string, Transfer[]>> {
  const { rows } = await sql<Row>`
    SELECT tx_id::text AS tx_id, id, debit_account_id, credit_account_id, amount, currency, code, flags, pending_id, timeout_s, metadata, ts
    FROM ledger_transfers
    WHERE tx_id > ${afterTxId}::xid8 AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY tx_id, id LIMIT ${limit + 1}`.execute(executor);
  const groups = new Map<string, Transfer[]>();
  for (const row of rows) {
    const group = groups.get(row.tx_id) ?? [];
    group.push(toTransfer(row));
    groups.set(row.tx_id, group);
  }
  if (rows.length > limit) {
    const lastTx = rows[rows.length - 1]!.tx_id;
    if (groups.size > 1) groups.delete(lastTx); // sealed whole on the next pass
    else groups.set(lastTx, await readTransaction(executor, lastTx));
  }
  return groups;
}

export async function readTransaction(executor: Executor, txId: string): Promise<Transfer[]> {
  const { rows } = await sql<Row>`
    SELECT tx_id::text AS tx_id, id, debit_account_id, credit_account_id, amount, currency, code, flags, pending_id, timeout_s, metadata, ts
    FROM ledger_transfers WHERE tx_id = ${txId}::xid8 ORDER BY id`.execute(executor);
  return rows.map(toTransfer);
}

/** Seals what has committed since the last block. Returns the number of blocks written. */
export async function sealBlocks(db: Kysely<DB>, limit = SEAL_TRANSFERS_MAX): Promise<number> {
  return withTransaction(db, async (trx) => {
    const head = await sql<{ height: bigint; head_hash: Uint8Array; last_tx_id: string }>`
      SELECT height, head_hash, last_tx_id::text AS last_tx_id FROM ledger_chain
      WHERE partition = ${PARTITION} FOR UPDATE SKIP LOCKED`.execute(trx);
    const current = head.rows[0];
    if (!current) return 0; // another sealer holds the chain right now
    const groups = await readCommittedTransfers(trx, current.last_tx_id, limit);
    if (groups.size === 0) return 0;

    let prev = toBuffer(current.head_hash);
    let height = current.height;
    const blocks: { height: bigint; txId: string; count: number; prev: Buffer; hash: Buffer }[] = [];
    const txIds = [...groups.keys()].sort(compareXid);
    for (const txId of txIds) {
      const transfers = groups.get(txId)!;
      height += 1n;
      const hash = blockHash(prev, PARTITION, height, txId, transfers);
      blocks.push({ height, txId, count: transfers.length, prev, hash });
      prev = hash;
    }
    await sql`
      INSERT INTO ledger_blocks (partition, height, tx_id, transfers, prev_hash, hash)
      SELECT ${PARTITION}, u.height, u.tx_id::xid8, u.transfers, decode(u.prev, 'hex'), decode(u.hash, 'hex')
      FROM unnest(${blocks.map((b) => b.height)}::int8[], ${blocks.map((b) => b.txId)}::text[], ${blocks.map((b) => b.count)}::int4[],
                  ${blocks.map((b) => b.prev.toString('hex'))}::text[], ${blocks.map((b) => b.hash.toString('hex'))}::text[])
        AS u(height, tx_id, transfers, prev, hash)`.execute(trx);
    const last = blocks[blocks.length - 1]!;
    await sql`
      UPDATE ledger_chain SET height = ${last.height}, head_hash = decode(${last.hash.toString('hex')}, 'hex'), last_tx_id = ${last.txId}::xid8
      WHERE partition = ${PARTITION}`.execute(trx);
    return blocks.length;
  });
}

export function compareXid(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
