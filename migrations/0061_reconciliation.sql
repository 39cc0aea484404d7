-- Reconciliation (src/cashout/reconciliation): each bank statement (one camt.053 Stmt) matched
-- against our settled payouts in the ledger; the items it found; and the tasks it opened for
-- finance. Runs and items are written once and never changed, except that an item records when
-- the cash-out module took its return.

CREATE TABLE reconciliation_runs (
  id                      text PRIMARY KEY,
  account_number          text        NOT NULL,
  statement_id            text        NOT NULL,
  -- The statement's closing-balance date: what GET /v1/admin/reconciliations/:date looks up.
  statement_date          date        NOT NULL,
  message_id              text        NOT NULL,
  -- SHA-256 over the statement as read: the same statement id with other content is refused.
  content_hash            text        NOT NULL,
  currency                char(3)     NOT NULL,
  opening_balance_minor   bigint      NOT NULL,
  closing_balance_minor   bigint      NOT NULL,
  -- bank_clearing after this run's postings (credits − debits): payouts the bank has not confirmed.
  clearing_balance_micros bigint      NOT NULL,
  -- The trust account in our books (bank_deposits debits − credits), to set beside the closing balance.
  book_balance_micros     bigint      NOT NULL,
  -- Payouts we settled up to this instant were expected on this statement.
  cutoff_at               timestamptz NOT NULL,
  matched_count           integer     NOT NULL,
  unmatched_ours_count    integer     NOT NULL,
  unmatched_bank_count    integer     NOT NULL,
  amount_mismatch_count   integer     NOT NULL,
  returned_count          integer     NOT NULL,
  source                  text        NOT NULL CHECK (source IN ('api', 'cli', 'ingest')),
  created_by              text,
  request_id              text,
  created_at              timestamptz NOT NULL,
  UNIQUE (account_number, statement_id)
);
CREATE INDEX reconciliation_runs_date ON reconciliation_runs (statement_date);

CREATE TABLE reconciliation_items (
  run_id              text        NOT NULL REFERENCES reconciliation_runs (id),
  position            integer     NOT NULL,
  outcome             text        NOT NULL CHECK (outcome IN ('matched', 'unmatched_ours', 'unmatched_bank', 'amount_mismatch', 'returned')),
  -- The bank entry's kind (payout, return, deposit, fee, other); null for our unmatched payouts.
  entry_kind          text        CHECK (entry_kind IN ('payout', 'return', 'deposit', 'fee', 'other')),
  cashout_id          text,
  bank_reference      text,
  booking_date        date,
  currency            char(3)     NOT NULL,
  our_amount_micros   bigint,
  bank_amount_micros  bigint,
  -- Our settlement posting into bank_clearing, and the transfer this item posted (if any).
  our_transfer_id     uuid,
  posted_transfer_id  uuid,
  detail              text        NOT NULL,
  return_reason_code  text,
  return_reason_text  text,
  return_applied_at   timestamptz,
  return_error        text,
  PRIMARY KEY (run_id, position)
);
-- The bank confirms a payout once and returns it once, whatever later statements say: a second
-- sighting is an unmatched bank item, never a second posting.
CREATE UNIQUE INDEX reconciliation_items_confirmed ON reconciliation_items (cashout_id)
  WHERE entry_kind = 'payout' AND outcome IN ('matched', 'amount_mismatch');
CREATE UNIQUE INDEX reconciliation_items_returned ON reconciliation_items (cashout_id)
  WHERE entry_kind = 'return' AND outcome IN ('returned', 'amount_mismatch');
CREATE INDEX reconciliation_items_cashout ON reconciliation_items (cashout_id) WHERE cashout_id IS NOT NULL;
CREATE INDEX reconciliation_items_return_pending ON reconciliation_items (run_id) WHERE outcome = 'returned' AND return_applied_at IS NULL;

-- What finance has to look at. One open task per (kind, reference): a payout still missing from
-- the next statement does not open a second one.
CREATE TABLE finance_tasks (
  id          text PRIMARY KEY,
  kind        text        NOT NULL CHECK (kind IN ('unmatched_ours', 'unmatched_bank', 'amount_mismatch', 'return_not_applied')),
  reference   text        NOT NULL,
  status      text        NOT NULL CHECK (status IN ('open', 'resolved')),
  detail      text        NOT NULL,
  run_id      text        REFERENCES reconciliation_runs (id),
  created_at  timestamptz NOT NULL,
  resolved_at timestamptz,
  resolved_by text,
  resolution  text,
  CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX finance_tasks_open ON finance_tasks (kind, reference) WHERE status = 'open';
CREATE INDEX finance_tasks_list ON finance_tasks (status, id);
