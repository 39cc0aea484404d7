-- USSD dialogs (src/ussd): one row per gateway session. The gateway's `text` carries every input
-- of the dialog, PINs included, so it is never stored — only how many of its characters have been
-- handled, so that the next request's new input is known and a retried request is recognised.
CREATE TABLE ussd_sessions (
  -- The gateway's sessionId (opaque).
  id             text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  -- E.164, authenticated by the carrier network.
  phone          text NOT NULL,
  service_code   text NOT NULL,
  network_code   text,
  user_id        text,
  lang           text CHECK (lang IN ('ko', 'en')),
  -- Where the caller is in the menus, the way back, and what the flow has gathered (never a PIN).
  node           text NOT NULL,
  stack          jsonb NOT NULL DEFAULT '[]'::jsonb,
  data           jsonb NOT NULL DEFAULT '{}'::jsonb,
  consumed_chars integer NOT NULL DEFAULT 0 CHECK (consumed_chars >= 0),
  steps          integer NOT NULL DEFAULT 0,
  -- The last reply ("CON …" / "END …"), sent again when the gateway retries a request.
  last_reply     text NOT NULL,
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'ended', 'timed_out')),
  started_at     timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  ended_at       timestamptz
);
CREATE INDEX ussd_sessions_idle ON ussd_sessions (last_seen_at) WHERE status = 'open';
CREATE INDEX ussd_sessions_phone ON ussd_sessions (phone, started_at DESC);
