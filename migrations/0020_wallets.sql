-- Wallets (DESIGN §3): a user's wallet is a set of ledger accounts, one per funding class.
-- Money in clearance is a pending (two-phase) transfer into the class account it will land in,
-- so "pending" is that account's pending-in balance rather than an account of its own.
CREATE TABLE wallets (
  id                  uuid PRIMARY KEY,
  user_id             text NOT NULL,
  name                text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('main', 'pot')),
  currency            char(3) NOT NULL,
  cashable_account    uuid NOT NULL UNIQUE,
  spend_only_account  uuid UNIQUE,
  held_account        uuid UNIQUE,
  created_at          timestamptz NOT NULL,
  CHECK (kind = 'pot' OR (spend_only_account IS NOT NULL AND held_account IS NOT NULL))
);
-- One main wallet per user and currency; pots are named and unique per user.
CREATE UNIQUE INDEX wallets_main ON wallets (user_id, currency) WHERE kind = 'main';
CREATE UNIQUE INDEX wallets_name ON wallets (user_id, lower(name));

-- Partners' prefunded ledger accounts, one per currency.
CREATE TABLE partner_accounts (
  partner_id  text NOT NULL,
  currency    char(3) NOT NULL,
  account_id  uuid NOT NULL UNIQUE,
  PRIMARY KEY (partner_id, currency)
);
