-- Micro-credits (issue 4). A credit IS a ledger transfer whose id is derived from the partner's
-- reference: the ledger's journal is the record of every credit, and its unique id is the
-- idempotency key. These tables hold only the minority of credits that wait for something —
-- clearance, a recipient who has not registered, room under the balance cap — and reversals.

-- Credits in their clearance period: a pending (two-phase) transfer, posted by a job when due.
CREATE TABLE credit_clearances (
  credit_id          uuid PRIMARY KEY,
  partner_id         text NOT NULL,
  partner_reference  text NOT NULL,
  -- The pending transfer(s): into the class account (or unclaimed suspense), and the excess into
  -- the held account when the credit was split at the balance cap.
  transfer_id        uuid NOT NULL UNIQUE,
  held_transfer_id   uuid UNIQUE,
  clears_at          timestamptz NOT NULL,
  status             text NOT NULL CHECK (status IN ('clearing', 'cleared', 'cancelled')),
  resolved_at        timestamptz,
  created_at         timestamptz NOT NULL
);
CREATE INDEX credit_clearances_due ON credit_clearances (clears_at) WHERE status = 'clearing';

-- Value for a phone number with no user: parked in the unclaimed suspense account until the
-- person registers (claimed) or the policy's expiry passes (returned to whoever sent it).
CREATE TABLE unclaimed_credits (
  transfer_id        uuid PRIMARY KEY,
  origin             text NOT NULL CHECK (origin IN ('partner', 'person')),
  -- The partner id, or the sending user's id.
  origin_id          text NOT NULL,
  partner_reference  text,
  return_account     uuid NOT NULL,
  phone              text NOT NULL,
  amount             bigint NOT NULL CHECK (amount > 0),
  currency           char(3) NOT NULL,
  funding_class      text NOT NULL CHECK (funding_class IN ('cashable', 'spend_only')),
  source             text NOT NULL,
  -- False while the parking transfer is still in clearance: it cannot be claimed or returned yet.
  cleared            boolean NOT NULL,
  expires_at         timestamptz NOT NULL,
  status             text NOT NULL CHECK (status IN ('unclaimed', 'claimed', 'returned', 'reversed', 'cancelled')),
  claimed_by         text,
  resolved_at        timestamptz,
  created_at         timestamptz NOT NULL,
  -- Arrival order among rows of the same instant (a chunk lands in one millisecond): claims go
  -- oldest first. A sequence on this small table, not on the ledger's write path.
  arrival            bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX unclaimed_credits_phone ON unclaimed_credits (phone) WHERE status = 'unclaimed';
CREATE INDEX unclaimed_credits_expiry ON unclaimed_credits (expires_at) WHERE status = 'unclaimed';

-- The part of a credit that would have taken a wallet over its tier's balance cap: it sits in
-- the wallet's held account and is released, oldest first, as room appears.
CREATE TABLE held_credits (
  transfer_id        uuid PRIMARY KEY,
  credit_id          uuid NOT NULL,
  origin_id          text NOT NULL,
  partner_reference  text,
  user_id            text NOT NULL,
  wallet_id          uuid NOT NULL,
  held_account       uuid NOT NULL,
  class_account      uuid NOT NULL,
  funding_class      text NOT NULL CHECK (funding_class IN ('cashable', 'spend_only')),
  amount             bigint NOT NULL CHECK (amount > 0),
  remaining          bigint NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
  releases           integer NOT NULL DEFAULT 0,
  status             text NOT NULL CHECK (status IN ('clearing', 'held', 'released', 'reversed', 'cancelled')),
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  -- Release order among rows of the same instant (see unclaimed_credits.arrival).
  arrival            bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX held_credits_order ON held_credits (wallet_id, created_at, arrival) WHERE status = 'held';
CREATE INDEX held_credits_credit ON held_credits (credit_id);
CREATE INDEX held_credits_user ON held_credits (user_id) WHERE status = 'held';

-- A partner's reversal of a credit: at most one per credit; what was asked, what could be taken
-- back from the value still in the wallet, and the shortfall.
CREATE TABLE credit_reversals (
  credit_id          uuid PRIMARY KEY,
  partner_id         text NOT NULL,
  requested          bigint NOT NULL CHECK (requested > 0),
  reversed           bigint NOT NULL CHECK (reversed >= 0),
  shortfall          bigint NOT NULL CHECK (shortfall >= 0),
  reason             text,
  request_hash       text NOT NULL,
  created_at         timestamptz NOT NULL,
  CHECK (reversed + shortfall = requested)
);
