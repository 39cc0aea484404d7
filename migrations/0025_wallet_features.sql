-- Wallet features (issue 4): self-set limits with their history and person-to-person transfers.

-- Self-set limits. Every change is a row, so the history is the table: the cap in force at an
-- instant is the latest row (by effective_at) that took effect by then and was not superseded.
-- Lowering takes effect at once; raising (or removing a cap) waits for the policy's cooling-off.
-- A change still waiting is superseded by any later change of the same cap, so there is at most
-- one waiting change per (user, kind, period).
CREATE TABLE self_limit_changes (
  id             uuid PRIMARY KEY,
  user_id        text        NOT NULL,
  kind           text        NOT NULL CHECK (kind IN ('spend', 'cash_out', 'send')),
  period         text        NOT NULL CHECK (period IN ('daily', 'monthly')),
  currency       char(3)     NOT NULL,
  -- NULL: no cap of the user's own (only the tier's).
  cap            bigint      CHECK (cap IS NULL OR cap >= 0),
  previous_cap   bigint,
  raising        boolean     NOT NULL,
  requested_at   timestamptz NOT NULL,
  effective_at   timestamptz NOT NULL,
  superseded_at  timestamptz,
  -- Raises: when the "it now applies" SMS was queued.
  notified_at    timestamptz,
  CHECK (effective_at >= requested_at)
);
CREATE INDEX self_limit_changes_user ON self_limit_changes (user_id, kind, period, effective_at DESC);
-- The job that announces raises as they take effect reads only these.
CREATE INDEX self_limit_changes_due ON self_limit_changes (effective_at)
  WHERE raising AND notified_at IS NULL AND superseded_at IS NULL;

-- Sends to a person: the product's record beside the ledger transfers (which carry the same id).
-- The note stays here rather than in the immutable journal, so that it can be erased.
CREATE TABLE person_transfers (
  id                 uuid PRIMARY KEY,
  sender_user_id     text        NOT NULL,
  recipient_user_id  text,
  recipient_phone    text        NOT NULL,
  currency           char(3)     NOT NULL,
  amount             bigint      NOT NULL CHECK (amount > 0),
  fee                bigint      NOT NULL CHECK (fee >= 0),
  net                bigint      NOT NULL CHECK (net > 0 AND net + fee = amount),
  note               text,
  status             text        NOT NULL CHECK (status IN ('posted', 'unclaimed')),
  policy_version     integer     NOT NULL,
  created_at         timestamptz NOT NULL
);
CREATE INDEX person_transfers_sender ON person_transfers (sender_user_id, created_at DESC);
CREATE INDEX person_transfers_recipient ON person_transfers (recipient_user_id, created_at DESC) WHERE recipient_user_id IS NOT NULL;
