-- Call-back requests (src/support): a person asks support to call them (USSD, app, web), or
-- reports fraud. Staff list the open ones and close them when they have called.
CREATE TABLE callback_requests (
  id          text PRIMARY KEY,
  user_id     text NOT NULL,
  -- The number to call, E.164, as it was when asked.
  phone       text NOT NULL,
  topic       text NOT NULL CHECK (topic IN ('cashout', 'transaction', 'account', 'fraud', 'other')),
  channel     text NOT NULL CHECK (channel IN ('ussd', 'app', 'web')),
  lang        text NOT NULL CHECK (lang IN ('ko', 'en')),
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  closed_at   timestamptz,
  closed_by   text,
  outcome     text CHECK (outcome IS NULL OR length(outcome) BETWEEN 3 AND 500),
  CHECK ((status = 'open') = (closed_at IS NULL))
);
-- One open request per person: asking again while one is open changes nothing (a fraud report
-- raises its topic), so a caller cannot flood the support queue.
CREATE UNIQUE INDEX callback_requests_one_open ON callback_requests (user_id) WHERE status = 'open';
CREATE INDEX callback_requests_queue ON callback_requests (status, created_at, id);
