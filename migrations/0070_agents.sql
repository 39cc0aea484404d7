-- Cash agents and cardless ATM (issue 6). Cash-outs gain two channels, `agent` and `atm`, that
-- pay physical cash against a one-time code instead of sending money to an account.

-- The cash channels in the cash-out tables. A cash channel has no saved account: each person has
-- one implicit destination per cash channel (kind agent / atm), created with their first quote.
ALTER TABLE cashout_destinations DROP CONSTRAINT cashout_destinations_kind_check;
ALTER TABLE cashout_destinations ADD CONSTRAINT cashout_destinations_kind_check CHECK (kind IN ('bank', 'wallet', 'agent', 'atm'));
ALTER TABLE cashout_quotes DROP CONSTRAINT cashout_quotes_channel_check;
ALTER TABLE cashout_quotes ADD CONSTRAINT cashout_quotes_channel_check CHECK (channel IN ('bank', 'wallet', 'agent', 'atm'));
ALTER TABLE cashouts DROP CONSTRAINT cashouts_channel_check;
ALTER TABLE cashouts ADD CONSTRAINT cashouts_channel_check CHECK (channel IN ('bank', 'wallet', 'agent', 'atm'));

-- The one-time withdrawal code of a cash cash-out (8 digits, stored as a keyed hash: the code is
-- a bearer instrument for the reserved money). active → redeemed (agent) | authorized → redeemed
-- (ATM complete) | active/authorized → expired (the job voids the reservation) | void (cancelled
-- or reversed). At most one live code per hash, so a code names exactly one cash-out.
CREATE TABLE cashout_pickup_codes (
  cashout_id    uuid PRIMARY KEY,
  channel       text NOT NULL CHECK (channel IN ('agent', 'atm')),
  code_hash     text NOT NULL,
  status        text NOT NULL CHECK (status IN ('active', 'authorized', 'redeemed', 'expired', 'void')),
  amount        bigint NOT NULL CHECK (amount > 0),
  currency      char(3) NOT NULL,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL,
  -- Who took it: agt_… for an agent, the ATM network's partner id (ptn_…) for an ATM.
  redeemed_by   text COLLATE "C",
  -- The ATM network's own reference for the withdrawal (authorize → complete / reverse).
  atm_reference text,
  authorized_at timestamptz,
  redeemed_at   timestamptz,
  finished_at   timestamptz
);
CREATE UNIQUE INDEX cashout_pickup_codes_live ON cashout_pickup_codes (code_hash) WHERE status IN ('active', 'authorized');
CREATE INDEX cashout_pickup_codes_hash ON cashout_pickup_codes (code_hash, created_at DESC);
CREATE INDEX cashout_pickup_codes_expiry ON cashout_pickup_codes (expires_at) WHERE status IN ('active', 'authorized');

-- Registered shops. The float (e-money the agent holds, never below zero: ledger flag) and the
-- commission account are ledger accounts; staff_id is the counter login (staff role `agent`),
-- owner_user_id the owner's user account (KYC tier 3).
CREATE TABLE agents (
  id                  text COLLATE "C" PRIMARY KEY,
  name                text NOT NULL,
  lat                 double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng                 double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  -- { "mon": [["09:00","21:00"]], …, "sun": [] } in the operator's time zone.
  opening_hours       jsonb NOT NULL,
  phone               text NOT NULL,
  staff_id            text COLLATE "C" NOT NULL UNIQUE,
  owner_user_id       text COLLATE "C" NOT NULL,
  onboarded_by        text COLLATE "C" NOT NULL,
  float_account       uuid NOT NULL,
  commission_account  uuid NOT NULL,
  currency            char(3) NOT NULL,
  -- Physical cash the shop holds as we know it: declared at onboarding, then moved by every
  -- cash-in (+) and cash-out (−) and by rebalancing. It says whether the shop can pay an amount.
  cash_on_hand        bigint NOT NULL CHECK (cash_on_hand >= 0),
  status              text NOT NULL CHECK (status IN ('active', 'suspended')),
  low_float_alerted_at timestamptz,
  created_at          timestamptz NOT NULL
);

-- Wrong withdrawal codes, by who entered them (an agent agt_…, an ATM network ptn_…): counted per
-- hour for the guessing limit.
CREATE TABLE withdrawal_code_failures (
  redeemer  text COLLATE "C" NOT NULL,
  at        timestamptz NOT NULL
);
CREATE INDEX withdrawal_code_failures_redeemer ON withdrawal_code_failures (redeemer, at DESC);

-- Everything that moves an agent's float or pays them commission, for the statement.
CREATE TABLE agent_transactions (
  id           text COLLATE "C" PRIMARY KEY,
  agent_id     text COLLATE "C" NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('cash_out', 'cash_in', 'top_up', 'withdrawal')),
  -- + into the float, − out of it.
  float_delta  bigint NOT NULL,
  commission   bigint NOT NULL CHECK (commission >= 0),
  currency     char(3) NOT NULL,
  user_id      text COLLATE "C",
  reference    text NOT NULL,
  receipt      text,
  at           timestamptz NOT NULL
);
CREATE INDEX agent_transactions_agent ON agent_transactions (agent_id, at);

-- Cash-in: the agent's float → the user's cashable wallet. Above the policy threshold the user
-- confirms on their phone with the PIN before anything moves.
CREATE TABLE agent_cash_ins (
  id             text COLLATE "C" PRIMARY KEY,
  agent_id       text COLLATE "C" NOT NULL,
  user_id        text COLLATE "C" NOT NULL,
  wallet_id      uuid NOT NULL,
  amount         bigint NOT NULL CHECK (amount > 0),
  commission     bigint NOT NULL CHECK (commission >= 0),
  currency       char(3) NOT NULL,
  status         text NOT NULL CHECK (status IN ('awaiting_user', 'completed', 'declined', 'expired')),
  idempotency_key text NOT NULL,
  expires_at     timestamptz NOT NULL,
  created_at     timestamptz NOT NULL,
  finished_at    timestamptz
);
CREATE UNIQUE INDEX agent_cash_ins_key ON agent_cash_ins (agent_id, idempotency_key);
CREATE INDEX agent_cash_ins_user ON agent_cash_ins (user_id, created_at DESC);

-- Float rebalancing: a top-up (the agent paid cash into the operator's bank account; the float
-- grows) or a withdrawal (float paid out to the agent's bank account), requested by the agent or
-- staff and approved by finance. The approval posts bank_deposits ↔ float in the ledger.
CREATE TABLE agent_rebalances (
  id            text COLLATE "C" PRIMARY KEY,
  agent_id      text COLLATE "C" NOT NULL,
  direction     text NOT NULL CHECK (direction IN ('top_up', 'withdrawal')),
  amount        bigint NOT NULL CHECK (amount > 0),
  currency      char(3) NOT NULL,
  status        text NOT NULL CHECK (status IN ('requested', 'approved', 'rejected')),
  requested_by  text NOT NULL,
  decided_by    text,
  note          text,
  bank_reference text,
  created_at    timestamptz NOT NULL,
  decided_at    timestamptz
);
CREATE INDEX agent_rebalances_open ON agent_rebalances (created_at) WHERE status = 'requested';
