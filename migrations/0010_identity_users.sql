-- Identity (issue 4): people, their devices and staff. Ids are TypeID text (usr_…, dev_…): these
-- tables are small next to the ledger, and the wire id as key keeps every query readable.
-- "C" collation makes id order equal creation order (TypeIDs sort by their UUIDv7 time).

CREATE TABLE users (
  id                   text COLLATE "C" PRIMARY KEY,
  -- E.164. NULL once a carrier reports the number terminated or reassigned: the person keeps the
  -- account and its money, but the number no longer leads to them until they verify a number again.
  phone                text,
  phone_verified_at    timestamptz,
  previous_phone       text,
  phone_unbound_at     timestamptz,
  phone_unbound_reason text CHECK (phone_unbound_reason IN ('number_terminated', 'number_reassigned')),
  carrier              text NOT NULL CHECK (carrier IN ('SKT', 'KT', 'LGU', 'MVNO')),
  lang                 text NOT NULL CHECK (lang IN ('ko', 'en')),
  tier                 smallint NOT NULL DEFAULT 0 CHECK (tier BETWEEN 0 AND 3),
  status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  -- Confirmed by the carrier identity check (tier 1). Text, not date: drivers would turn a date
  -- into a local-time Date object and shift it by a day.
  legal_name           text,
  birth_date           text CHECK (birth_date ~ '^\d{4}-\d{2}-\d{2}$'),
  identity_verified_at timestamptz,
  -- HMAC-SHA-256(pin_keys[pin_key_version], salt || pin), hex; the key lives outside the database.
  pin_hash             text NOT NULL,
  pin_salt             text NOT NULL,
  pin_key_version      integer NOT NULL,
  pin_changed_at       timestamptz NOT NULL,
  pin_failures         integer NOT NULL DEFAULT 0 CHECK (pin_failures >= 0),
  locked_until         timestamptz,
  -- After a PIN reset, cash-outs and sends to people wait until this time.
  payout_hold_until    timestamptz,
  frozen_by            text CHECK (frozen_by IN ('self', 'staff')),
  frozen_reason        text,
  frozen_at            timestamptz,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  CONSTRAINT frozen_fields CHECK ((frozen_by IS NULL) = (frozen_at IS NULL))
);
-- One bound owner per number; unbound rows drop out of the index.
CREATE UNIQUE INDEX users_phone ON users (phone) WHERE phone IS NOT NULL;
CREATE INDEX users_previous_phone ON users (previous_phone) WHERE previous_phone IS NOT NULL;

-- Devices that completed a login (PIN, plus OTP the first time). The client's device id is kept
-- only as a SHA-256: a leaked table must not hand out ids that skip the step-up OTP.
CREATE TABLE user_devices (
  id            text COLLATE "C" PRIMARY KEY,
  user_id       text COLLATE "C" NOT NULL REFERENCES users (id),
  device_hash   text NOT NULL,
  label         text,
  first_seen_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  UNIQUE (user_id, device_hash)
);

CREATE TABLE staff (
  id              text COLLATE "C" PRIMARY KEY,
  email           text NOT NULL UNIQUE CHECK (email = lower(email)),
  name            text NOT NULL,
  role            text NOT NULL CHECK (role IN ('admin', 'support', 'compliance', 'finance', 'agent')),
  -- scrypt$N$r$p$salt$hash (node:crypto): staff choose passwords, not 6-digit PINs.
  password_hash   text NOT NULL,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  failed_logins   integer NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
