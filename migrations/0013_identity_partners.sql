-- Partners (platforms that credit users) and their API keys, and carrier events.

CREATE TABLE partners (
  id         text COLLATE "C" PRIMARY KEY,
  name       text NOT NULL,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- sk_live_<prefix>_<secret>: the prefix is visible and indexed; the secret's SHA-256 is compared
-- in constant time. A rotated key keeps working until expires_at (the overlap period).
CREATE TABLE partner_api_keys (
  id           text COLLATE "C" PRIMARY KEY,
  partner_id   text COLLATE "C" NOT NULL REFERENCES partners (id),
  prefix       text NOT NULL UNIQUE,
  secret_hash  text NOT NULL,
  scopes       jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  replaced_by  text COLLATE "C" REFERENCES partner_api_keys (id)
);
CREATE INDEX partner_api_keys_partner ON partner_api_keys (partner_id, created_at DESC);

-- What carriers told us about numbers, once per (source, external_id).
CREATE TABLE carrier_events (
  id              text COLLATE "C" PRIMARY KEY,
  source          text NOT NULL,
  external_id     text NOT NULL,
  type            text NOT NULL CHECK (type IN ('number_terminated', 'number_reassigned')),
  phone           text NOT NULL,
  carrier         text,
  occurred_at     timestamptz NOT NULL,
  received_at     timestamptz NOT NULL,
  unbound_user_id text COLLATE "C" REFERENCES users (id),
  UNIQUE (source, external_id)
);
