-- Partner webhook endpoints, their signing secrets and the delivery attempts log (src/notify).
-- One endpoint per partner: the partner sets its URL and rotates its secret through the API.
CREATE TABLE webhook_endpoints (
  id          uuid PRIMARY KEY,
  -- ptn_… id of the partner (identity owns partners; no foreign key so notify stands alone).
  partner_id  text NOT NULL UNIQUE,
  url         text NOT NULL CHECK (length(url) <= 2048),
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- Standard Webhooks secrets ("whsec_" + base64 of 32 random bytes). Every secret that has not
-- expired signs each delivery, so a partner can roll its verifier over without losing messages:
-- on rotation the old secret gets an expiry (the overlap), the new one has none.
-- The secret is kept as is: signing needs the raw key, as with any HMAC scheme.
CREATE TABLE webhook_endpoint_secrets (
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id),
  version     integer NOT NULL CHECK (version > 0),
  secret      text NOT NULL CHECK (secret LIKE 'whsec_%'),
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz,
  PRIMARY KEY (endpoint_id, version)
);

-- One row per HTTP attempt (append-only): what staff look at when a partner says "we never got it".
CREATE TABLE webhook_deliveries (
  id           uuid PRIMARY KEY,
  message_id   uuid NOT NULL REFERENCES outbox_messages (id),
  partner_id   text NOT NULL,
  url          text,
  attempt      integer NOT NULL CHECK (attempt > 0),
  attempted_at timestamptz NOT NULL,
  status_code  integer,
  duration_ms  integer NOT NULL CHECK (duration_ms >= 0),
  outcome      text NOT NULL CHECK (outcome IN ('succeeded', 'retrying', 'failed', 'dead')),
  error        text
);
CREATE INDEX webhook_deliveries_partner ON webhook_deliveries (partner_id, attempted_at DESC, id DESC);
CREATE INDEX webhook_deliveries_message ON webhook_deliveries (message_id, attempted_at DESC);

-- The notifier leases rows it claims (status 'sending' until next_attempt_at); a worker that died
-- mid-delivery leaves a lease that expires, and this index finds those rows again.
CREATE INDEX outbox_sending_lease ON outbox_messages (next_attempt_at) WHERE status = 'sending';
