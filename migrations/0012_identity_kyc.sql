-- KYC tier 2 evidence. Personal identifiers are AES-256-GCM ciphertexts under a data key from
-- configuration; key_version names the key so that keys rotate (re-encrypt, then retire).

CREATE TABLE user_id_documents (
  user_id     text COLLATE "C" PRIMARY KEY REFERENCES users (id),
  doc_type    text NOT NULL CHECK (doc_type IN ('resident_registration', 'driver_license', 'passport', 'alien_registration')),
  number_enc  text NOT NULL,
  key_version integer NOT NULL,
  masked      text NOT NULL,
  recorded_at timestamptz NOT NULL
);

-- A bank account proven by a 1-won deposit whose memo carries a code the user types back.
-- Bank code and account number are encrypted together; last4 is kept for a masked display.
CREATE TABLE bank_accounts (
  id           text COLLATE "C" PRIMARY KEY,
  user_id      text COLLATE "C" NOT NULL REFERENCES users (id),
  account_enc  text NOT NULL,
  key_version  integer NOT NULL,
  last4        text NOT NULL CHECK (last4 ~ '^\d{4}$'),
  holder_name  text NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending', 'verified', 'failed', 'removed')),
  challenge_id text COLLATE "C" REFERENCES otp_challenges (id),
  created_at   timestamptz NOT NULL,
  verified_at  timestamptz,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX bank_accounts_user ON bank_accounts (user_id, created_at DESC);
