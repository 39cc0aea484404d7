-- Idempotency-Key records (src/api/idempotency.ts), for every POST that moves money. The scope
-- is the caller (user:…, partner:…); the hash covers the route and the body without secrets
-- (PIN, OTP), and so does the stored response. A row in progress is a lock on the key.
CREATE TABLE idempotency_keys (
  scope            text        NOT NULL,
  key              text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash     text        NOT NULL,
  status           text        NOT NULL CHECK (status IN ('in_progress', 'completed')),
  -- Identifies the attempt holding the key, so a stale holder cannot release a taken-over key.
  attempt          uuid        NOT NULL,
  locked_at        timestamptz NOT NULL,
  response_status  integer,
  response_body    jsonb,
  created_at       timestamptz NOT NULL,
  completed_at     timestamptz,
  PRIMARY KEY (scope, key),
  CHECK (status = 'in_progress' OR (response_status IS NOT NULL AND completed_at IS NOT NULL))
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
