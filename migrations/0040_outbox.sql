-- The outbox (DESIGN §4): any module asks for an SMS or a webhook by inserting a row here in the
-- same transaction as the event; the notifier (src/notify) delivers it. Rows are kept as the
-- delivery log: status moves pending → sent | failed (after the retry horizon) | dead.
CREATE TABLE outbox_messages (
  id              uuid PRIMARY KEY,
  channel         text NOT NULL CHECK (channel IN ('sms', 'webhook')),
  -- sms: E.164 phone; webhook: partner id (the endpoint is looked up at delivery time).
  recipient       text NOT NULL,
  template        text NOT NULL,
  lang            text NOT NULL DEFAULT 'ko' CHECK (lang IN ('ko', 'en')),
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Rendered text for SMS, or the event body for webhooks; filled at enqueue so it is auditable.
  body            text NOT NULL,
  dedupe_key      text,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz
);
CREATE UNIQUE INDEX outbox_dedupe ON outbox_messages (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX outbox_due ON outbox_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_recipient ON outbox_messages (channel, recipient, created_at DESC);
