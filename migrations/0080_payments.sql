-- Spending (issue 6): merchants, their payments and refunds, digital vouchers, subscription
-- mandates and merchant settlements. Amounts are int8 micro-units. Every row that moved money
-- records how much came from each funding class, so that a refund or a redemption can put value
-- back where it came from and spend-only value can never become cashable.

-- A merchant registered by operator staff. Its API access is a partner whose keys carry the
-- merchant:operate scope (partner_id); its receivable is a ledger account (receivable_account).
CREATE TABLE merchants (
  id                   uuid PRIMARY KEY,
  code                 text COLLATE "C" NOT NULL UNIQUE,
  name                 text NOT NULL,
  partner_id           text COLLATE "C" UNIQUE,
  status               text NOT NULL CHECK (status IN ('active', 'disabled')),
  currency             char(3) NOT NULL,
  receivable_account   uuid NOT NULL UNIQUE,
  -- Where settlements are paid: a business account, checked with the Korean bank rules.
  settlement_bank_code text NOT NULL,
  settlement_account   text NOT NULL,
  settlement_holder    text NOT NULL,
  created_by           text COLLATE "C" NOT NULL,
  created_at           timestamptz NOT NULL
);

-- A payment from a user's main wallet to a merchant (user-initiated or a subscription charge).
-- The refunded_* columns only grow; a CHECK keeps them within what was paid, per class.
CREATE TABLE merchant_payments (
  id                  uuid PRIMARY KEY,
  merchant_id         uuid NOT NULL REFERENCES merchants (id),
  user_id             text COLLATE "C" NOT NULL,
  wallet_id           uuid NOT NULL,
  source              text NOT NULL CHECK (source IN ('payment', 'subscription')),
  currency            char(3) NOT NULL,
  amount              bigint NOT NULL CHECK (amount > 0),
  spend_only_amount   bigint NOT NULL CHECK (spend_only_amount >= 0),
  cashable_amount     bigint NOT NULL CHECK (cashable_amount >= 0),
  refunded_spend_only bigint NOT NULL DEFAULT 0 CHECK (refunded_spend_only >= 0 AND refunded_spend_only <= spend_only_amount),
  refunded_cashable   bigint NOT NULL DEFAULT 0 CHECK (refunded_cashable >= 0 AND refunded_cashable <= cashable_amount),
  reference           text,
  receipt_number      text NOT NULL UNIQUE,
  policy_version      integer NOT NULL,
  created_at          timestamptz NOT NULL,
  CHECK (amount = spend_only_amount + cashable_amount)
);
CREATE INDEX merchant_payments_merchant ON merchant_payments (merchant_id, created_at DESC, id DESC);
CREATE INDEX merchant_payments_user ON merchant_payments (user_id, created_at DESC, id DESC);

CREATE TABLE merchant_refunds (
  id                 uuid PRIMARY KEY,
  payment_id         uuid NOT NULL REFERENCES merchant_payments (id),
  merchant_id        uuid NOT NULL REFERENCES merchants (id),
  amount             bigint NOT NULL CHECK (amount > 0),
  spend_only_amount  bigint NOT NULL CHECK (spend_only_amount >= 0),
  cashable_amount    bigint NOT NULL CHECK (cashable_amount >= 0),
  reason             text,
  created_at         timestamptz NOT NULL,
  CHECK (amount = spend_only_amount + cashable_amount)
);
CREATE INDEX merchant_refunds_payment ON merchant_refunds (payment_id, created_at);

-- A digital voucher. Its value sits in the voucher_liability account; the row says how much of
-- the face value came from spend-only money (a voucher is never cashable, whatever paid for it).
-- The code is looked up by its keyed hash; the PIN is a keyed hash too.
CREATE TABLE vouchers (
  id                 uuid PRIMARY KEY,
  code_hash          text NOT NULL UNIQUE,
  code_last4         text NOT NULL,
  pin_hash           text NOT NULL,
  pin_failures       integer NOT NULL DEFAULT 0,
  buyer_user_id      text COLLATE "C" NOT NULL,
  -- The number it was last sent to (null while it is only the buyer's).
  holder_phone       text,
  currency           char(3) NOT NULL,
  face_value         bigint NOT NULL CHECK (face_value > 0),
  remaining          bigint NOT NULL CHECK (remaining >= 0 AND remaining <= face_value),
  spend_only_amount  bigint NOT NULL CHECK (spend_only_amount >= 0),
  cashable_amount    bigint NOT NULL CHECK (cashable_amount >= 0),
  merchant_ids       jsonb NOT NULL,
  expires_at         timestamptz NOT NULL,
  created_at         timestamptz NOT NULL,
  CHECK (face_value = spend_only_amount + cashable_amount)
);
CREATE INDEX vouchers_buyer ON vouchers (buyer_user_id, created_at DESC);

CREATE TABLE voucher_redemptions (
  id           uuid PRIMARY KEY,
  voucher_id   uuid NOT NULL REFERENCES vouchers (id),
  merchant_id  uuid NOT NULL REFERENCES merchants (id),
  amount       bigint NOT NULL CHECK (amount > 0),
  remaining    bigint NOT NULL CHECK (remaining >= 0),
  created_at   timestamptz NOT NULL
);
CREATE INDEX voucher_redemptions_voucher ON voucher_redemptions (voucher_id, created_at);

-- A recurring payment mandate: requested by a merchant for a phone number, authorised once by the
-- user with their PIN, charged by the subscription job, cancelled by the user at once.
CREATE TABLE subscription_mandates (
  id              uuid PRIMARY KEY,
  merchant_id     uuid NOT NULL REFERENCES merchants (id),
  user_id         text COLLATE "C" NOT NULL,
  currency        char(3) NOT NULL,
  amount          bigint NOT NULL CHECK (amount > 0),
  period          text NOT NULL CHECK (period IN ('daily', 'weekly', 'monthly')),
  description     text NOT NULL,
  status          text NOT NULL CHECK (status IN ('requested', 'active', 'cancelled')),
  next_charge_at  timestamptz,
  -- Which period is due next (0 = the one starting at authorisation): due instants are computed
  -- from authorized_at and this index, so a monthly mandate authorised on the 31st keeps the 31st
  -- (or the month's last day) instead of drifting to the 28th.
  period_index    integer NOT NULL DEFAULT 0,
  -- Consecutive failed attempts of the charge due now; reset by a successful charge.
  failures        integer NOT NULL DEFAULT 0,
  charges         integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL,
  authorized_at   timestamptz,
  cancelled_at    timestamptz
);
CREATE INDEX subscription_mandates_user ON subscription_mandates (user_id, created_at DESC);
CREATE INDEX subscription_mandates_due ON subscription_mandates (next_charge_at) WHERE status = 'active';

CREATE TABLE subscription_charges (
  id           uuid PRIMARY KEY,
  mandate_id   uuid NOT NULL REFERENCES subscription_mandates (id),
  -- The period this charge pays for: one charge per mandate per due instant.
  due_at       timestamptz NOT NULL,
  status       text NOT NULL CHECK (status IN ('paid', 'failed', 'skipped')),
  payment_id   uuid REFERENCES merchant_payments (id),
  failure_code text,
  attempt      integer NOT NULL,
  created_at   timestamptz NOT NULL,
  UNIQUE (mandate_id, due_at, attempt)
);

-- A merchant's settlement: its receivable moved to bank clearing and paid by a pain.001 file.
CREATE TABLE merchant_settlements (
  id              uuid PRIMARY KEY,
  merchant_id     uuid NOT NULL REFERENCES merchants (id),
  business_date   date NOT NULL,
  currency        char(3) NOT NULL,
  amount          bigint NOT NULL CHECK (amount > 0),
  batch_id        text NOT NULL,
  file_name       text,
  created_at      timestamptz NOT NULL,
  UNIQUE (merchant_id, business_date)
);
