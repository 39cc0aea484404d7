-- The ledger (DESIGN §3). Amounts are int8 micro-units. Ids are UUIDs (TypeIDs on the wire).
-- Designed to be partitioned by account id later (DESIGN §7): no global sequence or lock on the
-- write path. Transfers carry the id of the transaction that wrote them (xid8), which gives the
-- sealer a gap-free commit order for the hash chain without any lock on the write path.

CREATE TABLE ledger_accounts (
  id              uuid PRIMARY KEY,
  currency        char(3)  NOT NULL,
  code            integer  NOT NULL CHECK (code BETWEEN 1 AND 65535),
  flags           integer  NOT NULL DEFAULT 0,
  owner           text,
  debits_pending  bigint   NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
  debits_posted   bigint   NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_pending bigint   NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
  credits_posted  bigint   NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- The database itself refuses an overdraft of a flagged account, whatever the code does.
  CONSTRAINT debits_within_credits CHECK ((flags & 1) = 0 OR debits_pending + debits_posted <= credits_posted),
  CONSTRAINT credits_within_debits CHECK ((flags & 2) = 0 OR credits_pending + credits_posted <= debits_posted)
) WITH (fillfactor = 70); -- room on each page for HOT updates of the totals (no index changes)
CREATE INDEX ledger_accounts_owner ON ledger_accounts (owner) WHERE owner IS NOT NULL;

-- The journal. Never updated, never deleted (triggers below).
CREATE TABLE ledger_transfers (
  id                uuid PRIMARY KEY,
  debit_account_id  uuid    NOT NULL,
  credit_account_id uuid    NOT NULL,
  amount            bigint  NOT NULL CHECK (amount >= 0),
  currency          char(3) NOT NULL,
  code              integer NOT NULL,
  flags             integer NOT NULL,
  pending_id        uuid,
  timeout_s         integer NOT NULL DEFAULT 0,
  metadata          jsonb,
  ts                timestamptz NOT NULL,
  tx_id             xid8    NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account_id, ts);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account_id, ts);
CREATE INDEX ledger_transfers_tx ON ledger_transfers (tx_id);
-- A pending transfer is resolved (posted, voided or expired) at most once: enforced here too.
CREATE UNIQUE INDEX ledger_transfers_resolution ON ledger_transfers (pending_id) WHERE pending_id IS NOT NULL;

-- Reservations not yet resolved: derived state (rebuildable from the journal), kept so that
-- expiry and "is this still pending?" are index look-ups instead of journal scans.
CREATE TABLE ledger_holds (
  pending_id        uuid PRIMARY KEY,
  debit_account_id  uuid        NOT NULL,
  credit_account_id uuid        NOT NULL,
  amount            bigint      NOT NULL,
  expires_at        timestamptz
);
CREATE INDEX ledger_holds_expiry ON ledger_holds (expires_at) WHERE expires_at IS NOT NULL;

-- The hash chain: one block per committed transaction, in commit order, per partition.
CREATE TABLE ledger_blocks (
  partition   integer NOT NULL,
  height      bigint  NOT NULL,
  tx_id       xid8    NOT NULL,
  transfers   integer NOT NULL,
  prev_hash   bytea   NOT NULL,
  hash        bytea   NOT NULL,
  sealed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partition, height)
);
CREATE UNIQUE INDEX ledger_blocks_tx ON ledger_blocks (partition, tx_id);

-- The chain head: written only by the sealer (never by the transfer write path).
CREATE TABLE ledger_chain (
  partition   integer PRIMARY KEY,
  height      bigint  NOT NULL,
  head_hash   bytea   NOT NULL,
  last_tx_id  xid8    NOT NULL
);
INSERT INTO ledger_chain (partition, height, head_hash, last_tx_id)
VALUES (0, 0, decode('0000000000000000000000000000000000000000000000000000000000000000', 'hex'), '0'::xid8);

CREATE FUNCTION ledger_journal_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger journal is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

-- Statement-level: the statement itself is refused, whether or not it would touch a row.
CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_journal_is_append_only();
CREATE TRIGGER ledger_blocks_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_blocks
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_journal_is_append_only();
