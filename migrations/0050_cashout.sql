-- Cash-out (issue 5): saved payout destinations, binding quotes, the cash-out state machine with
-- its event log, payout batches, and auto-sweep rules. Amounts are int8 micro-units; the ids of
-- quotes and cash-outs are UUIDs (quo_… / cot_… TypeIDs on the wire), like the ledger's.

-- Where money can go. A bank destination wraps a bank account identity proved with the 1-won
-- deposit (bank_account_id); the number itself stays encrypted in identity. A wallet destination
-- names a partner wallet provider and the person's account there.
CREATE TABLE cashout_destinations (
  id               text COLLATE "C" PRIMARY KEY,
  user_id          text COLLATE "C" NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('bank', 'wallet')),
  label            text,
  bank_account_id  text COLLATE "C",
  bank_code        text,
  last4            text,
  provider         text COLLATE "C",
  wallet_account   text,
  status           text NOT NULL CHECK (status IN ('active', 'removed')),
  created_at       timestamptz NOT NULL,
  removed_at       timestamptz,
  -- Set by the first payout that settles here: until then a payout asks for an OTP and waits
  -- out the policy's cool-down (account-takeover defence).
  first_payout_at  timestamptz,
  CHECK ((kind = 'bank') = (bank_account_id IS NOT NULL AND bank_code IS NOT NULL AND last4 IS NOT NULL)),
  CHECK ((kind = 'wallet') = (provider IS NOT NULL AND wallet_account IS NOT NULL))
);
CREATE INDEX cashout_destinations_user ON cashout_destinations (user_id, created_at DESC);
CREATE UNIQUE INDEX cashout_destinations_bank ON cashout_destinations (user_id, bank_account_id) WHERE status = 'active' AND kind = 'bank';
CREATE UNIQUE INDEX cashout_destinations_wallet ON cashout_destinations (user_id, provider, wallet_account) WHERE status = 'active' AND kind = 'wallet';

-- A quote is binding until expires_at: confirming it gets exactly these numbers, under
-- policy_version, whatever has been published since. cashout_id is allocated here so that the
-- cash-out, its ledger transfers and every retry derive from one id.
CREATE TABLE cashout_quotes (
  id              uuid PRIMARY KEY,
  user_id         text COLLATE "C" NOT NULL,
  wallet_id       uuid NOT NULL,
  -- The wallet's cashable account: the reservation debits it (and nothing else).
  debit_account   uuid NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('bank', 'wallet')),
  destination_id  text COLLATE "C" NOT NULL,
  currency        char(3) NOT NULL,
  requested       bigint NOT NULL CHECK (requested > 0),
  payout          bigint NOT NULL CHECK (payout > 0),
  fee             bigint NOT NULL CHECK (fee >= 0),
  dust            bigint NOT NULL CHECK (dust >= 0),
  details         jsonb NOT NULL,
  policy_version  integer NOT NULL,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  cashout_id      uuid NOT NULL UNIQUE,
  origin          text NOT NULL CHECK (origin IN ('user', 'auto_sweep')),
  -- open → confirmed (a cash-out exists) | lapsing → lapsed (expired unconfirmed; any stray
  -- reservation made for it was voided by the recovery job).
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'lapsing', 'lapsed')),
  CHECK (requested = payout + fee + dust)
);
CREATE INDEX cashout_quotes_open ON cashout_quotes (expires_at) WHERE status IN ('open', 'lapsing');

CREATE TABLE cashouts (
  id                uuid PRIMARY KEY,
  user_id           text COLLATE "C" NOT NULL,
  wallet_id         uuid NOT NULL,
  quote_id          uuid NOT NULL UNIQUE,
  channel           text NOT NULL CHECK (channel IN ('bank', 'wallet')),
  destination_id    text COLLATE "C" NOT NULL,
  destination_label text NOT NULL,
  -- Wallet payouts: the provider (partner) told of each state change by webhook.
  wallet_provider   text COLLATE "C",
  currency          char(3) NOT NULL,
  payout            bigint NOT NULL CHECK (payout > 0),
  fee               bigint NOT NULL CHECK (fee >= 0),
  dust              bigint NOT NULL CHECK (dust >= 0),
  policy_version    integer NOT NULL,
  debit_account     uuid NOT NULL,
  clearing_account  uuid NOT NULL,
  state             text NOT NULL CHECK (state IN ('quoted', 'reserved', 'screening', 'submitted', 'settled', 'failed', 'returned', 'held_for_review', 'cancelled')),
  -- Bumped by every transition; the transition's event has this number (cashout_events.seq).
  version           integer NOT NULL,
  -- Why it is in this state: one of our codes (insufficient_funds, no_answer, …) or a rail's
  -- reason code (AC01, AM04, …).
  reason_code       text,
  reason_text       text,
  screening         jsonb,
  hold_until        timestamptz,
  origin            text NOT NULL CHECK (origin IN ('user', 'auto_sweep')),
  notify_phone      text,
  lang              text NOT NULL CHECK (lang IN ('ko', 'en')),
  idempotency_key   text,
  request_hash      text,
  batch_id          text COLLATE "C",
  rail_reference    text,
  receipt_number    text UNIQUE,
  expected_at       timestamptz NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  submitted_at      timestamptz,
  settled_at        timestamptz,
  finished_at       timestamptz
);
CREATE INDEX cashouts_user ON cashouts (user_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX cashouts_idempotency ON cashouts (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The work queues: bank payouts waiting for a batch, and everything not final (recovery).
CREATE INDEX cashouts_unbatched ON cashouts (channel, created_at) WHERE state = 'submitted' AND batch_id IS NULL;
CREATE INDEX cashouts_open ON cashouts (state, updated_at) WHERE state NOT IN ('settled', 'failed', 'returned', 'cancelled');
CREATE INDEX cashouts_batch ON cashouts (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX cashouts_destination ON cashouts (destination_id, created_at DESC);

-- Every state change, with when and why. Never updated or deleted.
CREATE TABLE cashout_events (
  cashout_id  uuid NOT NULL,
  seq         integer NOT NULL,
  from_state  text,
  to_state    text NOT NULL,
  reason      text,
  actor       text NOT NULL,
  at          timestamptz NOT NULL,
  PRIMARY KEY (cashout_id, seq)
);

-- One payout file (bank) or submission (wallet). building: items are marked but the rail has
-- not confirmed taking them; recovery hands the same batch to the rail again.
CREATE TABLE cashout_batches (
  id              text COLLATE "C" PRIMARY KEY,
  channel         text NOT NULL CHECK (channel IN ('bank', 'wallet')),
  slot            text,
  execution_date  date NOT NULL,
  item_count      integer NOT NULL,
  total           bigint NOT NULL,
  state           text NOT NULL CHECK (state IN ('building', 'submitted')),
  created_at      timestamptz NOT NULL,
  submitted_at    timestamptz
);
CREATE INDEX cashout_batches_building ON cashout_batches (created_at) WHERE state = 'building';

-- The scheduled batch times (policy cashout.batching) already run, so that each runs once even
-- when several processes watch the clock.
CREATE TABLE cashout_batch_runs (
  channel  text NOT NULL,
  slot     text NOT NULL,
  ran_at   timestamptz NOT NULL,
  PRIMARY KEY (channel, slot)
);

-- Bank statements seen (dates they cover): a payout the bank never answered and never booked on
-- a later statement was never made, and recovery may give the money back.
CREATE TABLE cashout_bank_statements (
  statement_date date PRIMARY KEY,
  message_id     text NOT NULL,
  received_at    timestamptz NOT NULL
);

-- "When my cashable balance reaches threshold, pay it to destination." Authorised once with PIN
-- and OTP; each sweep is an ordinary quote and cash-out with ordinary fees.
CREATE TABLE cashout_auto_sweeps (
  user_id          text COLLATE "C" PRIMARY KEY,
  wallet_id        uuid NOT NULL,
  threshold        bigint NOT NULL CHECK (threshold > 0),
  destination_id   text COLLATE "C" NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('bank', 'wallet')),
  active           boolean NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  last_swept_at    timestamptz,
  last_cashout_id  uuid,
  last_outcome     text
);
CREATE INDEX cashout_auto_sweeps_active ON cashout_auto_sweeps (updated_at) WHERE active;
