-- The partner-wallet rail (src/rails/wallet): what we asked the wallet provider to pay, and every
-- answer it gave (signed webhooks, or a status we polled), kept as an inbox until the cash-out
-- module has consumed it.

-- One row per payout ref (our cash-out id, also the provider's Idempotency-Key). `result` is the
-- rail's current knowledge (an ItemResult as JSON), merged by mergeResult: it never goes back.
CREATE TABLE wallet_payouts (
  ref                text PRIMARY KEY,
  batch_id           text        NOT NULL,
  amount_minor       bigint      NOT NULL CHECK (amount_minor > 0),
  currency           char(3)     NOT NULL,
  recipient          text        NOT NULL,
  -- SHA-256 of what we sent: the same ref with another body is refused before the provider sees it.
  request_hash       text        NOT NULL,
  provider_payout_id text,
  state              text        NOT NULL CHECK (state IN ('unknown', 'pending', 'accepted', 'rejected', 'returned')),
  result             jsonb       NOT NULL,
  submitted_at       timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  polled_at          timestamptz
);
-- Payouts still waiting for an answer: what the poller walks, oldest first.
CREATE INDEX wallet_payouts_open ON wallet_payouts (updated_at) WHERE state IN ('unknown', 'pending');

-- The inbox: one row per message from the provider. The primary key is the message's own id
-- (webhook-id, or "poll:<ref>:<state>"), so a message delivered twice is stored once.
CREATE TABLE wallet_rail_messages (
  message_id  text PRIMARY KEY,
  -- Arrival order, for handing messages over in the order they came (the clock may not tick between).
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  source      text        NOT NULL CHECK (source IN ('webhook', 'poll')),
  ref         text        NOT NULL,
  update      jsonb       NOT NULL,
  received_at timestamptz NOT NULL,
  consumed_at timestamptz
);
CREATE INDEX wallet_rail_messages_unconsumed ON wallet_rail_messages (seq) WHERE consumed_at IS NULL;
CREATE INDEX wallet_rail_messages_ref ON wallet_rail_messages (ref);
