-- The bank's answer to each merchant settlement (pain.002 per item, later camt.053): the run
-- reserves receivable → bank_clearing as a pending transfer; accepted posts it (as a settled
-- cash-out does), rejected voids it back to the receivable with the bank's reason, returned (the
-- payee bank sent it back) moves it from clearing back to the receivable.
ALTER TABLE merchant_settlements
  ADD COLUMN state          text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'settled', 'failed', 'returned')),
  ADD COLUMN reason_code    text,
  ADD COLUMN reason_text    text,
  ADD COLUMN rail_reference text,
  ADD COLUMN resolved_at    timestamptz;
