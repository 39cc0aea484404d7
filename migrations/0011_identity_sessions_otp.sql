-- Sessions (users and staff) and one-time codes.

-- A session token is 32 random bytes shown once; only its SHA-256 is stored.
CREATE TABLE sessions (
  id             text COLLATE "C" PRIMARY KEY,
  token_hash     text NOT NULL UNIQUE,
  subject_kind   text NOT NULL CHECK (subject_kind IN ('user', 'staff')),
  user_id        text COLLATE "C" REFERENCES users (id),
  staff_id       text COLLATE "C" REFERENCES staff (id),
  device_id      text COLLATE "C" REFERENCES user_devices (id) ON DELETE SET NULL,
  ip             text,
  user_agent     text,
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  last_used_at   timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text,
  CONSTRAINT one_subject CHECK ((subject_kind = 'user' AND user_id IS NOT NULL AND staff_id IS NULL)
                             OR (subject_kind = 'staff' AND staff_id IS NOT NULL AND user_id IS NULL))
);
CREATE INDEX sessions_user ON sessions (user_id, created_at DESC) WHERE user_id IS NOT NULL;
CREATE INDEX sessions_staff ON sessions (staff_id, created_at DESC) WHERE staff_id IS NOT NULL;

-- A challenge: a 6-digit code sent by SMS (or in a 1-won deposit's memo), bound to one action
-- and a hash of its parameters, single use, a few tries. The code is stored as an HMAC with the
-- PIN pepper: a leaked table does not give live codes away.
CREATE TABLE otp_challenges (
  id           text COLLATE "C" PRIMARY KEY,
  user_id      text COLLATE "C" REFERENCES users (id),
  phone        text,
  channel      text NOT NULL CHECK (channel IN ('sms', 'bank_deposit')),
  action       text NOT NULL,
  params_hash  text NOT NULL,
  -- What the flow needs between its steps and is not secret (a registration's carrier and language,
  -- the number a user is linking).
  context      jsonb NOT NULL DEFAULT '{}'::jsonb,
  code_hash    text NOT NULL,
  key_version  integer NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  expires_at   timestamptz NOT NULL,
  consumed_at  timestamptz,
  created_at   timestamptz NOT NULL
);
-- The per-phone send limit counts recent SMS challenges.
CREATE INDEX otp_challenges_phone ON otp_challenges (phone, created_at) WHERE channel = 'sms';
CREATE INDEX otp_challenges_user ON otp_challenges (user_id, created_at) WHERE user_id IS NOT NULL;
